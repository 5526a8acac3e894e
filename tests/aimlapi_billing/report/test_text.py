"""The page's one rule for text from the store: characters without a glyph become a space, but the
zero-width joiners that emoji and Indic or Arabic words are made with are kept."""

from __future__ import annotations

from aimlapi_billing.report._text import visible


def test_joiners_are_kept_and_bidi_controls_are_not() -> None:
    assert visible("\U0001f468\u200d\U0001f4bb devs") == "\U0001f468\u200d\U0001f4bb devs"
    assert visible("a\u200cb\u202ec\x07") == "a\u200cb c "
