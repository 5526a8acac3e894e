"""The one error type the spec pipeline raises for bad input."""

from __future__ import annotations


class SpecError(Exception):
    """A defect in an input that no repair rule may fix silently.

    Carries the file and the JSON pointer (RFC 6901) so the message leads straight to the spot.
    """

    def __init__(self, file: str, pointer: str, message: str) -> None:
        self.file = file
        self.pointer = pointer
        self.message = message
        super().__init__(f"{file}#{pointer}: {message}")
