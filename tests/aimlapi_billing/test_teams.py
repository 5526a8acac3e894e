"""The teams file: its three kinds of rule, first match in file order, unmapped keys, and one error
naming the file and the key path for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimlapi_billing.teams import UNMAPPED, Teams, TeamsFileError, load_teams


def _teams(tmp_path: Path, text: str) -> Teams:
    path = tmp_path / "teams.toml"
    path.write_text(text)
    return load_teams(path)


RULES = """
[[rule]]
team = "search"
cost_centre = "CC-1042"
prefix = " a1b2 "

[[rule]]
team = "bots"
name = "chatbot-prod"

[[rule]]
team = "labs"
glob = "lab-*"

[[rule]]
team = "catch-a"
glob = "a*"
"""


@pytest.mark.parametrize(
    ("prefix", "name", "team"),
    [
        ("a1b2c3d4", None, "search"),  # by prefix (the rule's stray whitespace dropped)
        (" a1b2c3d4\t", "lab-x", "search"),  # the first rule wins over the later glob on the name
        ("b747e891", "chatbot-prod", "bots"),  # by name, exactly
        ("b747e891", "chatbot-prod2", UNMAPPED),  # a name is no prefix
        ("ffff0000", "lab-7", "labs"),  # a glob on the name
        ("lab-0000", None, "labs"),  # a glob on the prefix
        ("a9999999", "LAB-7", "catch-a"),  # case matters; the later glob on the prefix
        ("zzzzzzzz", None, UNMAPPED),
    ],
)
def test_the_first_matching_rule_in_file_order_wins(tmp_path: Path, prefix: str, name: str | None, team: str) -> None:
    assert _teams(tmp_path, RULES).team_of(prefix, name) == team


def test_tags_carry_the_cost_centre_when_the_rule_has_one(tmp_path: Path) -> None:
    teams = _teams(tmp_path, RULES)
    assert teams.tags("a1b2c3d4") == {"team": "search", "cost_centre": "CC-1042"}
    assert teams.tags("ffff0000", "lab-1") == {"team": "labs"}
    assert teams.tags("zzzzzzzz") == {"team": UNMAPPED}


def test_an_empty_file_maps_no_key(tmp_path: Path) -> None:
    assert _teams(tmp_path, "").team_of("a1b2c3d4", "main") == UNMAPPED


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[[rule]]\nteam = 'x'\n", "rule[0]: give exactly one of prefix, name and glob, not 0"),
        (
            "[[rule]]\nteam = 'x'\nprefix = 'a'\nglob = 'b*'\n",
            "rule[0]: give exactly one of prefix, name and glob, not 2",
        ),
        ("[[rule]]\nteam = 'x'\nprefix = 'a'\n[[rule]]\nprefix = 'b'\n", "rule[1].team: missing"),
        (
            "[[rule]]\nteam = 'x'\nprefix = 'a'\n[[rule]]\nteam = 'y'\nglob = '  '\n",
            "rule[1].glob: must be a non-empty",
        ),
        ("[[rule]]\nteam = 3\nprefix = 'a'\n", "rule[0].team: must be a non-empty"),
        ("[[rule]]\nteam = 'x'\nprefix = 'a'\ncostcentre = 'c'\n", "rule[0].costcentre: unknown field"),
        ('[[rule]]\nteam = "a\\u0007b"\nprefix = "a"\n', "rule[0].team: must be a non-empty line of printable"),
        ("rule = 'x'\n", "rule: must be an array of tables"),
        ("[teams]\nx = 1\n", "teams: unknown table or field"),
        ("[[rule]\n", "not TOML"),
    ],
)
def test_a_malformed_file_is_one_error_naming_file_and_key_path(tmp_path: Path, text: str, where: str) -> None:
    with pytest.raises(TeamsFileError) as caught:
        _teams(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'teams.toml'}: {where}")
    assert "\n" not in message


def test_unreadable_binary_and_huge_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(TeamsFileError, match="cannot read the teams file"):
        load_teams(tmp_path / "missing.toml")
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(TeamsFileError, match="not UTF-8 text"):
        load_teams(binary)
    huge = tmp_path / "huge.toml"
    huge.write_text("# " + "x" * 1_000_001)
    with pytest.raises(TeamsFileError, match="larger than 1,000,000 bytes"):
        load_teams(huge)


@pytest.mark.parametrize(
    "team",
    [
        "(unmapped)",
        "(UNMAPPED)",
        " (unmapped) ",
        "other",
        "other (3)",
        "Other (1,204)",
        "OTHER(3)",
        "other  ( 3 )",
        "total",
        "Total",
        " TOTAL ",
        "day",
        "Day",
        "D ay",
    ],
)
def test_the_reports_own_labels_are_no_team_names(tmp_path: Path, team: str) -> None:
    with pytest.raises(TeamsFileError) as caught:
        _teams(tmp_path, f'[[rule]]\nteam = "x"\nprefix = "a"\n[[rule]]\nteam = "{team}"\nprefix = "b"\n')
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'teams.toml'}: rule[1].team: ")
    assert "is the reports' own label" in message
    assert "\n" not in message
    # A name that only looks alike is a team.
    assert _teams(tmp_path, '[[rule]]\nteam = "others (unmapped)"\nprefix = "b"\n').team_of("b1") == "others (unmapped)"


def test_a_team_name_is_at_most_100_characters(tmp_path: Path) -> None:
    assert _teams(tmp_path, f'[[rule]]\nteam = "{"t" * 100}"\nprefix = "a"\n').team_of("a1") == "t" * 100
    with pytest.raises(TeamsFileError) as caught:
        _teams(tmp_path, f'[[rule]]\nteam = "{"t" * 5000}"\nprefix = "a"\n')
    message = str(caught.value)
    assert message == f"{tmp_path / 'teams.toml'}: rule[0].team: longer than 100 characters (5,000): not a team name"


@pytest.mark.parametrize("glob", ["[k", "a[b", "x[!y", "[]"])
def test_a_glob_with_an_unclosed_set_is_refused(tmp_path: Path, glob: str) -> None:
    with pytest.raises(TeamsFileError) as caught:
        _teams(tmp_path, f'[[rule]]\nteam = "t"\nglob = "{glob}"\n')
    assert str(caught.value).startswith(f"{tmp_path / 'teams.toml'}: rule[0].glob: {glob!r} opens a [set]")


@pytest.mark.parametrize(("glob", "prefix"), [("[k]*", "k1"), ("[[]k*", "[k1"), ("[!a]*", "b1"), ("[]]x", "]x")])
def test_closed_sets_still_match(tmp_path: Path, glob: str, prefix: str) -> None:
    assert _teams(tmp_path, f'[[rule]]\nteam = "t"\nglob = "{glob}"\n').team_of(prefix) == "t"


def test_a_byte_order_mark_is_no_content(tmp_path: Path) -> None:
    """Notepad writes one at the start of a UTF-8 file."""
    path = tmp_path / "teams.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'[[rule]]\nteam = "search"\nprefix = "a1"\n')
    assert load_teams(path).team_of("a1b2") == "search"


@pytest.mark.parametrize("team", ["\U0001f468\u200d\U0001f4bb devs", "\u0915\u094d\u200d\u0937 team", "a\u200cb"])
def test_zero_width_joiners_inside_a_name_are_accepted(tmp_path: Path, team: str) -> None:
    assert _teams(tmp_path, f'[[rule]]\nteam = "{team}"\nprefix = "a"\n').team_of("a1") == team
    with pytest.raises(TeamsFileError, match="printable"):  # other format characters are still refused
        _teams(tmp_path, '[[rule]]\nteam = "a\u202eb"\nprefix = "a"\n')


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "teams.toml"
    os.mkfifo(fifo)
    with pytest.raises(TeamsFileError) as caught:
        load_teams(fifo)
    assert str(caught.value) == f"{fifo}: not a regular file: not a teams file"
    with pytest.raises(TeamsFileError, match="not a regular file"):
        load_teams(tmp_path)  # a directory neither
