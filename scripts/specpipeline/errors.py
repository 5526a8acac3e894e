"""The one error type the spec pipeline raises for bad input."""

from __future__ import annotations

from . import pointer

# A refusal is one line a terminal, a CI log and a chat message show whole.
MAX_LINE = 300
# What a line keeps of its message however long its file#pointer is: the place is never cut.
MIN_MESSAGE = 80


class SpecError(Exception):
    """A defect in an input that no repair rule may fix silently.

    Carries the file and the JSON pointer (RFC 6901) so the message leads straight to the spot.
    ``str()`` is one line, :func:`located`: the place whole, the message cut to fit the bound.
    """

    def __init__(self, file: str, pointer: str, message: str) -> None:
        self.file = file
        self.pointer = pointer
        self.message = message
        super().__init__(located(file, pointer, message))


class ReferenceLoopError(SpecError):
    """A ``$ref`` that leads into a loop of nodes that are each nothing but a ``$ref`` to the next.

    ``loop`` holds the members' references (``#/components/schemas/A``), in order, once each: the
    build leaves out all of them and everything that uses one together, since taking out one member
    alone leaves the next one's ``$ref`` pointing at nothing. ``links[i]`` is the pointer of the
    ``$ref`` that leads from member ``i`` to the next; ``through`` the keywords the loop passes
    (``anyOf, items``), empty for a loop of bare references.
    """

    def __init__(
        self,
        file: str,
        pointer: str,
        message: str,
        loop: tuple[str, ...],
        links: tuple[str, ...] = (),
        through: str = "",
    ) -> None:
        super().__init__(file, pointer, message)
        self.loop = loop
        self.links = links
        self.through = through


def loop_text(loop: tuple[str, ...], start: int = 0) -> str:
    """``A -> B -> A``: the loop read from its member ``start``, back to it."""
    rotated = [*loop[start:], *loop[:start]]
    return " -> ".join([*rotated, rotated[0]])


def located(file: str, pointer_text: str, message: str, limit: int = MAX_LINE) -> str:
    """``file#pointer: message`` on one line of at most ``limit`` characters. The place is whole (a
    cut one leads nowhere), the pointer written as a URI fragment (RFC 6901 section 6,
    :func:`pointer.as_fragment`); the message is cut to fit, though never below
    :data:`MIN_MESSAGE` characters."""
    where = f"{' '.join(file.split())}#{pointer.as_fragment(pointer_text)}"
    return f"{where}: {one_line(message, max(limit - len(where) - 2, MIN_MESSAGE))}"


def one_line(text: str, limit: int = MAX_LINE) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"
