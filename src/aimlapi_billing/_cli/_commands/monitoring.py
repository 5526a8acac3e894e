"""``monitoring rules|dashboard``: print the alert rules or the dashboard shipped with this version."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..._monitoring import ARTIFACTS, artifact
from .._common import EXIT_OK


def add_arguments(name: str, parser: argparse.ArgumentParser) -> None:
    parser.add_argument("subject", choices=sorted(ARTIFACTS), help="rules or dashboard")


def run(name: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    out.write(artifact(args.subject))
    return EXIT_OK
