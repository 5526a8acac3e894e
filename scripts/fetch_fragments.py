#!/usr/bin/env python3
"""Entry point; see ``specpipeline.fetch.fetch_main`` and ``--help``."""

import sys

from specpipeline.fetch import fetch_main

if __name__ == "__main__":
    sys.exit(fetch_main())
