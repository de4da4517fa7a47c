"""`rtcfg check --live`: a config's payload sent to a real server, and its answer reported.

    endpoints.py  where to send, with which key (from the environment only) and headers
    problems.py   the codes of the server's answers (A) and of asking that failed (F005, F006)
    transport.py  POST over HTTPS with the standard library (OpenAI's client_secrets), proxies
    websocket.py  session.created -> session.update -> session.updated | error (`rtcfg[live]`)
    asking.py     one request per config: retries, timeouts, a few at a time
    answers.py    an answer turned into findings: the rejected value, values applied differently

Only problems.py is imported by the other commands (`rtcfg rules` lists its codes); nothing
here is loaded by `validate` or `render`.
"""
