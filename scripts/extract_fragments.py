#!/usr/bin/env python3
"""Entry point; see ``specpipeline.cli.extract_main`` and ``--help``."""

import sys

from specpipeline.cli import extract_main

if __name__ == "__main__":
    sys.exit(extract_main())
