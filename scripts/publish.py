#!/usr/bin/env python3
"""Entry point; see ``releasing.publish`` and ``--help``."""

import sys

from releasing.publish import main

if __name__ == "__main__":
    sys.exit(main())
