#!/usr/bin/env bash
# Has the vendor changed its fragments? Fetch those spec/sources.json lists, run the pipeline on them
# aside, print the change report; exit 0 no change, 10 non-breaking, 11 breaking (--apply writes it).
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
exec python scripts/vendor_check.py "$@"
