"""JSON pointers (RFC 6901): how every report line and error names a place in a document."""

from __future__ import annotations

from collections.abc import Iterable


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: str | int) -> str:
    return base + "".join("/" + escape(str(token)) for token in tokens)


def from_tokens(tokens: Iterable[str | int]) -> str:
    return join("", *tokens)
