"""The faults a test scripts for the next requests to a path (``FakeAIMLAPI.script``).

A :class:`~fake_api.replies.Reply` answers with any status, headers and body; the others below
break the connection. Each is served once, in order, before the normal answer resumes. For an
answer no well-behaved server gives, on every request to a path, route a behaviour of
``fake_api.hostile`` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from fake_api.replies import Reply


@dataclass(frozen=True)
class Passthrough:
    """Give the normal answer to this request (to script a fault for a later one)."""


@dataclass(frozen=True)
class Reset:
    """Abort the connection with a TCP RST, before any response byte."""


@dataclass(frozen=True)
class Stall:
    """Send nothing for ``seconds`` (longer than the client's read timeout), then close."""

    seconds: float


@dataclass(frozen=True)
class Truncate:
    """Promise ``body`` in Content-Length but send only its first ``keep`` bytes, then close."""

    body: bytes
    keep: int


@dataclass(frozen=True)
class AfterApplying:
    """Carry the request out (a POST creates its key), then fail with ``fault`` instead of answering."""

    fault: Reset | Stall | Truncate


Outcome = Reply | Reset | Stall | Truncate
Action = Outcome | Passthrough | AfterApplying
