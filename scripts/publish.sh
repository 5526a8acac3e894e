#!/usr/bin/env bash
# Publish a release to your package index; see README "Releasing" and `./scripts/publish.sh --help`.
source "$(dirname "${BASH_SOURCE[0]}")/_bootstrap.sh"
exec python scripts/publish.py "$@"
