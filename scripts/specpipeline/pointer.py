"""JSON pointers (RFC 6901): how every report line and error names a place in a document."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

# What RFC 3986 lets a URI fragment hold as is (pchar, "/" and "?"); anything else, such as the
# braces of a path template, a space or "%", is percent-encoded (of its UTF-8 bytes).
_FRAGMENT_SAFE = "/?:@!$&'()*+,;=~"


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def join(base: str, *tokens: str | int) -> str:
    return base + "".join("/" + escape(str(token)) for token in tokens)


def as_fragment(pointer_text: str) -> str:
    """``pointer_text`` as the fragment of ``file#pointer`` (RFC 6901 section 6):
    ``/paths/~1v1~1keys~1{prefix}`` -> ``/paths/~1v1~1keys~1%7Bprefix%7D``."""
    return quote(pointer_text, safe=_FRAGMENT_SAFE)


def from_tokens(tokens: Iterable[str | int]) -> str:
    return join("", *tokens)


class _Missing:
    """What :func:`follow` returns when the pointer names nothing."""


MISSING: Any = _Missing()


def follow(document: Any, pointer_text: str) -> Any:
    """The node ``pointer_text`` (``/a/0/b``, no ``#``) names in ``document``, else :data:`MISSING`."""
    node = document
    for raw in pointer_text.split("/")[1:] if pointer_text else []:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node
