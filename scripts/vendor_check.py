#!/usr/bin/env python3
"""Entry point; see ``specpipeline.vendor.vendor_check_main`` and ``--help``."""

import sys

from specpipeline.vendor import vendor_check_main

if __name__ == "__main__":
    sys.exit(vendor_check_main())
