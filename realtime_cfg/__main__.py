"""`python -m realtime_cfg` runs the rtcfg command line."""

from . import main

if __name__ == "__main__":
    main()
