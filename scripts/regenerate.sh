#!/usr/bin/env bash
# The main job: repair the committed fragments into spec/openapi.json (printing the repair report)
# and regenerate generated/aimlapi_billing_client from it with the pinned generator.
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
exec python scripts/regenerate.py "$@"
