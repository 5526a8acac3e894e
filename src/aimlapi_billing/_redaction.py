"""Keeping the API key out of every text the SDK produces.

A server can echo the key back in many shapes: as is, URL-encoded, JSON- or bytes-escaped, or in
part (``sk-abc…``, the last half). :class:`Redactor` replaces any run of at least
:data:`MIN_ECHO` characters of any of these forms, extended to the whole run that matches, so an
echo is gone whichever piece of the key it shows. It is applied to messages, bodies, headers and
URLs before they reach an exception, and, through :func:`install_log_filter`, to the records of the
SDK's loggers (the generated enums log values they do not know, which a server chooses) and of
httpx's and httpcore's.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.parse
import weakref
from collections.abc import Callable
from typing import Any

import httpx

REDACTED = "<redacted>"
#: The shortest piece of the key treated as an echo of it. Shorter pieces (``sk-``, the last four
#: characters that dashboards show) are too common to mean anything.
MIN_ECHO = 8

# Keys are ASCII (others are refused), so folding ASCII letters is enough, and keeps indexes aligned.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_SANITIZED_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# Headers that describe the wire body; the copies carry the decoded, redacted body instead.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class Redactor:
    """Removes secrets, in every form and every long enough piece, from text and data: the client's
    API key, and each key created through the client (:meth:`add`)."""

    def __init__(self, secret: str) -> None:
        self._secrets: list[str] = []
        self.add(secret)

    def add(self, secret: str) -> None:
        """Redact ``secret`` too, from now on (a key just created, before anything shows it)."""
        if not secret or secret in self._secrets:
            return
        self._secrets.append(secret)
        forms: set[str] = set()
        for each in self._secrets:
            forms |= {
                each,
                urllib.parse.quote(each, safe=""),
                urllib.parse.quote(each),  # "/" kept, as in a URL path
                urllib.parse.quote_plus(each),
                json.dumps(each)[1:-1],
                repr(each.encode())[2:-1],
                "".join(f"%{byte:02X}" for byte in each.encode()),  # every byte encoded (%73%6B%2D...)
            }
        pieces: set[str] = set()
        for form in forms:
            size = min(MIN_ECHO, len(form))
            pieces.update(form[i : i + size] for i in range(len(form) - size + 1))
        # Assigned last, each in one step: another thread redacting meanwhile sees old or new, whole.
        # Case-insensitive: percent-encoding's hex digits may come back in either case (RFC 3986), and
        # a server may change a key's case when it echoes it; redacting too much is the safe error.
        self._forms = tuple(sorted({form.translate(_ASCII_LOWER) for form in forms}, key=len, reverse=True))
        encoded = [form.encode() for form in self._forms]
        # Apart, so that the usual answer (no "%" in it) is scanned for the plain forms only.
        self._echo_forms = (
            tuple(form for form in encoded if b"%" not in form),
            tuple(form for form in encoded if b"%" in form),
        )
        self._whole = re.compile("|".join(re.escape(form) for form in self._forms), re.IGNORECASE)
        self._pattern = re.compile(
            "|".join(re.escape(piece) for piece in sorted(pieces, key=len, reverse=True)), re.IGNORECASE
        )

    def text(self, text: str) -> str:
        """``text`` with every echo of the secret, whole or in part, replaced by ``<redacted>``."""
        spans: list[tuple[int, int]] = []
        for match in self._pattern.finditer(text):
            start, end = self._widen(text, match.start(), match.end())
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        if not spans:
            return text
        parts: list[str] = []
        position = 0
        for start, end in spans:
            parts += [text[position:start], REDACTED]
            position = end
        parts.append(text[position:])
        return "".join(parts)

    def _widen(self, text: str, start: int, end: int) -> tuple[int, int]:
        """The longest run around ``text[start:end]`` that is a piece of one form of the secret."""
        lowered = text.translate(_ASCII_LOWER)  # ASCII only: the length, and so every index, stays
        piece = lowered[start:end]
        best = (start, end)
        for form in self._forms:
            offset = form.find(piece)
            while offset != -1:
                left, right = start, end
                lo, hi = offset, offset + len(piece)
                while lo > 0 and left > 0 and lowered[left - 1] == form[lo - 1]:
                    left, lo = left - 1, lo - 1
                while hi < len(form) and right < len(text) and lowered[right] == form[hi]:
                    right, hi = right + 1, hi + 1
                if right - left > best[1] - best[0]:
                    best = (left, right)
                offset = form.find(piece, offset + 1)
        return best

    def echoed_in(self, body: bytes) -> bool:
        """Whether ``body`` holds a whole form of a secret, in any ASCII case: a test of a few ``in``
        on bytes, so an answer that echoes none is let through with no rewrite."""
        plain, percent_encoded = self._echo_forms
        lowered = body.lower()
        for form in plain:
            if form in lowered:
                return True
        if b"%" in lowered:  # most answers hold none: the percent-encoded forms then need no scan
            for form in percent_encoded:
                if form in lowered:
                    return True
        return False

    def data(self, value: Any, *, whole: bool = False) -> Any:
        """A decoded JSON value with every string in it (keys included) redacted; with ``whole``,
        only whole forms of a secret (a 2xx answer: a key's 8-character prefix stays readable)."""
        if isinstance(value, str):
            return self._whole.sub(REDACTED, value) if whole else self.text(value)
        if isinstance(value, dict):
            return {self.data(key, whole=whole): self.data(item, whole=whole) for key, item in value.items()}
        if isinstance(value, list):
            return [self.data(item, whole=whole) for item in value]
        return value

    def raw(self, body: bytes) -> bytes:
        text = body.decode("utf-8", "surrogateescape")
        redacted = self.text(text)
        return body if redacted == text else redacted.encode("utf-8", "surrogateescape")

    def request(self, request: httpx.Request) -> httpx.Request:
        """A copy of ``request`` fit for an exception: no credentials, the URL redacted, no body."""
        headers = [
            (name, REDACTED if name.lower() in _SANITIZED_HEADERS else self.text(value))
            for name, value in request.headers.multi_items()
        ]
        return httpx.Request(request.method, self.text(str(request.url)), headers=headers)

    def response(self, response: httpx.Response, body: bytes) -> httpx.Response:
        """A copy of ``response`` fit for an exception: ``body`` (decoded, as read) and the headers
        redacted, and the request copied by :meth:`request`."""
        headers = [
            (name, REDACTED if name.lower() in _SANITIZED_HEADERS else self.text(value))
            for name, value in response.headers.multi_items()
            if name.lower() not in _WIRE_HEADERS
        ]
        return httpx.Response(
            response.status_code,
            headers=headers,
            content=self.raw(body),
            request=self.request(response.request),
            extensions={"reason_phrase": self.text(response.reason_phrase).encode("ascii", "replace")},
        )


_LIVE: weakref.WeakSet[Redactor] = weakref.WeakSet()
# The SDK's loggers, and those of httpx and httpcore, whose DEBUG traces quote response headers (a
# server can echo the key in one). A filter on a logger sees only the records logged on it.
_FILTERED_LOGGERS = (
    "aimlapi_billing",
    "aimlapi_billing_client",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
)


def printable(text: str) -> str:
    """``text`` on one line with no terminal control: each non-printable character as its escape
    (``\\n``, ``\\x1b``). For text a server wrote that ends up in a message or on a terminal."""
    if text.isprintable():
        return text
    return "".join(character if character.isprintable() else repr(character)[1:-1] for character in text)


def failure_text(exc: BaseException, redact: Callable[[str], str] = str, limit: int = 500) -> str:
    """A monitoring plugin's one-line text for ``exc``: the SDK's message (already redacted), or for
    anything else (a bug) ``internal error (TypeName): message``, redacted by ``redact``, printable,
    at most ``limit`` characters, and with no ``|`` (replaced by ``/``): in a plugin's line it would
    start the perfdata, and a server's text could write a metric of its choosing there."""
    from ._exceptions import AIMLAPIError

    text = printable(redact(str(exc))).replace("|", "/")[:limit]
    if isinstance(exc, AIMLAPIError):
        return text
    return f"internal error ({type(exc).__name__})" + (f": {text}" if text else "")


def label_text(text: str, redact: Callable[[str], str], limit: int = 120) -> str:
    """Server text (a key or model name) fit for a metric label: any echo of the key redacted,
    printable (a lone surrogate, which no encoder writes, becomes its escape ``\\ud800``) and at
    most ``limit`` characters."""
    shown = printable(redact(text))
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class _RedactingFilter(logging.Filter):
    """Redacts the keys of every live client from the records of the SDK's own loggers."""

    def filter(self, record: logging.LogRecord) -> bool:
        redactors = list(_LIVE)
        if redactors:
            try:
                message = record.getMessage()
            except Exception:  # a malformed record: logging reports it; a filter must not break the call
                return True
            redacted = message
            for redactor in redactors:
                redacted = redactor.text(redacted)
            if redacted != message:
                record.msg, record.args = redacted, None
        return True


_FILTER = _RedactingFilter()


def install_log_filter(redactor: Redactor) -> None:
    """Redact ``redactor``'s secret from the SDK's log records for as long as it lives."""
    _LIVE.add(redactor)
    for name in _FILTERED_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
