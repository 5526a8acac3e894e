"""The one rule for a text from the store (a key's prefix or name, a team, a model) shown in the page."""

from __future__ import annotations


def visible(text: str) -> str:
    """``text`` with every character that has no glyph replaced by a space: C0 and C1 controls, the
    bidi overrides and isolates (U+202A-202E, U+2066-2069: they would reorder the page's own text
    around them, a name reading as another), other format characters (but the zero-width joiners,
    part of emoji and words: ``teams.JOINERS``) and line separators. Charts
    and tables alike; the tables escape the result for HTML."""
    from ..teams import JOINERS

    if text.isprintable():
        return text
    return "".join(character if character.isprintable() or character in JOINERS else " " for character in text)
