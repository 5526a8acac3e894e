#!/usr/bin/env python3
"""Entry point; see ``specpipeline.cli.regenerate_main`` and ``--help``."""

import sys

from specpipeline.cli import regenerate_main

if __name__ == "__main__":
    sys.exit(regenerate_main())
