#!/usr/bin/env python3
"""Entry point; see ``specpipeline.cli.build_spec_main`` and ``--help``."""

import sys

from specpipeline.cli import build_spec_main

if __name__ == "__main__":
    sys.exit(build_spec_main())
