"""``_body.parse_json``: its scan in C that stands in for the walk of the tree must clear only what
the walk would let through, whatever the numbers, nesting and encoding."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aimlapi_billing._body import UnreadableJSON, _check_tree, _decode, parse_json

MAX_DEPTH = 8

digits = st.text("0123456789", min_size=1, max_size=120)
numbers = st.builds(
    lambda sign, whole, fraction, exponent: f"{sign}{whole.lstrip('0') or '0'}{fraction}{exponent}",
    st.sampled_from(["", "-"]),
    digits,
    st.one_of(st.just(""), digits.map(lambda text: "." + text)),
    st.one_of(
        st.just(""),
        st.builds(
            lambda e, sign, text: f"{e}{sign}{text}", st.sampled_from("eE"), st.sampled_from(["", "+", "-"]), digits
        ),
    ),
)


def _walked(body: bytes) -> object:
    """The answer of the full walk, always taken: the value, or the refusal's text."""
    try:
        data, _ = _decode(body, MAX_DEPTH)
        _check_tree(data, MAX_DEPTH)
    except UnreadableJSON as exc:
        return str(exc)
    return data


def _parsed(body: bytes) -> object:
    try:
        return parse_json(body, MAX_DEPTH)
    except UnreadableJSON as exc:
        return str(exc)


@given(number=numbers, depth=st.integers(0, MAX_DEPTH + 2), noise=st.sampled_from(["", "e123", "E-45 [x] {y}"]))
def test_the_scan_clears_only_what_the_walk_clears(number: str, depth: int, noise: str) -> None:
    body = ("[" * depth + f'{{"amount": {number}, "note": "{noise}"}}' + "]" * depth).encode()
    assert _parsed(body) == _walked(body)


@pytest.mark.parametrize(
    ("number", "refused"),
    [
        ("1e999", True),
        ("1e-400", True),
        ("1E+0308", False),  # four exponent digits: walked, and within a double
        ("1" * 101, True),
        ("1" * 100, False),
        ("0." + "0" * 60 + "1", False),
        ("0." + "1" * 101, True),
        ("12.5", False),
    ],
)
def test_numbers_at_the_bounds_are_judged_by_the_walk(number: str, refused: bool) -> None:
    outcome = _parsed(f'{{"amount": {number}}}'.encode())
    assert isinstance(outcome, str) is refused
    if not refused:
        assert (isinstance(outcome, dict) and outcome["amount"] == Decimal(number)) or outcome["amount"] == int(number)


def test_nesting_past_the_limit_is_refused_in_a_small_body() -> None:
    assert _parsed(b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1)) == f"it is nested deeper than {MAX_DEPTH} levels"
    assert _parsed(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) == json.loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)


def test_an_exponent_past_what_a_decimal_holds_is_unreadable_json() -> None:
    """``Decimal`` itself refuses it (``InvalidOperation``, not a ``ValueError``): still one clear refusal."""
    assert str(_parsed(b'{"amount": 0e1000000000000000000}')).startswith("it has a number out of the range of a double")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_body_in_another_encoding_is_walked(encoding: str) -> None:
    """Its digits are not the bytes the scan reads: the walk decides."""
    assert "out of the range" in str(_parsed('{"amount": 1e999}'.encode(encoding)))
    assert _parsed('{"amount": 1.5}'.encode(encoding)) == {"amount": Decimal("1.5")}
