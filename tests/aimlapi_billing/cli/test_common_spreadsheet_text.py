"""``spreadsheet_text``: a CSV cell of server text that a spreadsheet would run as a formula gets a
leading ' (OWASP's advice); any other text is left as it is."""

from __future__ import annotations

import pytest

from aimlapi_billing._cli._common import spreadsheet_text


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        ("'x", "'x"),
    ],
)
def test_spreadsheet_text(text: str, cell: str) -> None:
    assert spreadsheet_text(text) == cell
