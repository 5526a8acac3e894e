"""What a handler of the stand-in server answers: a status, a body and headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reply:
    """Answer with this status, body (JSON-encoded unless bytes) and headers."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/json"


def error(status: int, message: str, path: str, headers: dict[str, str] | None = None) -> Reply:
    """An error in the API's JSON shape (the spec's ``Error``), as the vendor sends for 4xx answers."""
    # statusCode an integer, as servers send it (the vendor's pages write the string "429").
    body = {"message": message, "path": path, "requestId": f"fake-{status}", "statusCode": status}
    return Reply(status, body, headers=dict(headers or {}))


class Rejected(Exception):
    """A request the API refuses: raised deep in a handler, answered as :func:`error`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
