"""The one error type the spec pipeline raises for bad input."""

from __future__ import annotations

# A refusal is one line a terminal, a CI log and a chat message show whole.
MAX_LINE = 300


class SpecError(Exception):
    """A defect in an input that no repair rule may fix silently.

    Carries the file and the JSON pointer (RFC 6901) so the message leads straight to the spot.
    ``str()`` is one line of at most :data:`MAX_LINE` characters: a pointer or message too long for
    that is shortened in the middle, never dumped.
    """

    def __init__(self, file: str, pointer: str, message: str) -> None:
        self.file = file
        self.pointer = pointer
        self.message = message
        super().__init__(one_line(f"{shorten(file, 160)}#{shorten(pointer, 100)}: {message}"))


class ReferenceLoopError(SpecError):
    """A ``$ref`` that leads into a loop of nodes that are each nothing but a ``$ref`` to the next.

    ``loop`` holds the members' references (``#/components/schemas/A``), in order, once each: the
    build leaves out all of them and everything that uses one together, since taking out one member
    alone leaves the next one's ``$ref`` pointing at nothing.
    """

    def __init__(self, file: str, pointer: str, message: str, loop: tuple[str, ...]) -> None:
        super().__init__(file, pointer, message)
        self.loop = loop


def loop_text(loop: tuple[str, ...], start: int = 0) -> str:
    """``A -> B -> A``: the loop read from its member ``start``, back to it."""
    rotated = [*loop[start:], *loop[:start]]
    return " -> ".join([*rotated, rotated[0]])


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"
