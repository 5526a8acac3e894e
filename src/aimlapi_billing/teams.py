"""Chargeback: which team (and cost centre) each API key's spend belongs to, from a TOML teams file.

A teams file lists rules, each mapping keys to a team by exactly one of ``prefix`` (the key's prefix
starts with it), ``name`` (the key's name is exactly it) or ``glob`` (a shell pattern, ``*``, ``?``
and ``[...]``, matched against the prefix and against the name, case-sensitively)::

    [[rule]]
    team = "search"
    cost_centre = "CC-1042"     # optional
    prefix = "a1b2"

    [[rule]]
    team = "research"
    glob = "lab-*"

**The first rule that matches, in file order, wins**: put the narrow rules first. A key no rule maps
belongs to :data:`UNMAPPED`, never dropped, so the teams' totals always add up to the total. Text is
compared with the whitespace around it dropped (a rule's ``" a1b2 "`` is ``a1b2``).

The file is checked whole when it is read: anything else (a TOML error, an unknown field, a rule
with none or two of ``prefix``/``name``/``glob``, an empty text) is a :class:`TeamsFileError` naming
the file and the key path (``rule[2].glob``). :meth:`Teams.tags` gives a row's tags for an export
(the FOCUS export's ``Tags``).
"""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ._exceptions import InvalidParameterError

__all__ = ["ENV_VAR", "JOINERS", "UNMAPPED", "Rule", "Teams", "TeamsFileError", "load_teams"]

#: Where the CLI looks for the teams file when ``--teams`` is not given.
ENV_VAR = "AIMLAPI_BILLING_TEAMS"
#: The team of a key that no rule maps.
UNMAPPED = "(unmapped)"
_MATCHERS = ("prefix", "name", "glob")
_FIELDS = {"team", "cost_centre", *_MATCHERS}
#: The page's label for the keys or teams beyond its top ones: "other (12)", compared without
#: whitespace and case ("Other(3)", "other ( 3 )" read alike on a page).
_OTHER = re.compile(r"other(?:\(.*\))?")
#: The reports' own row and column labels: a team so named would read as them (a second "total" row).
_RESERVED = {"total", "day", UNMAPPED}
_LABELS = f"{UNMAPPED} keys, other (N) for the rest of a chart, total and day"
#: The zero-width joiner and non-joiner: not printable to Python, but part of emoji sequences and of
#: words in Indic and Arabic scripts, and harmless in a page (no reordering, unlike the bidi controls).
JOINERS = "\u200c\u200d"
#: A team's name is a label in tables and charts: a longer one is a mistake (a pasted paragraph).
MAX_TEAM_CHARS = 100
#: A teams file is a few kilobytes; a larger one is a mistake (a log, a binary), read no further.
MAX_BYTES = 1_000_000


class TeamsFileError(InvalidParameterError):
    """The teams file cannot be used: the message names the file and the key path."""


@dataclass(frozen=True)
class Rule:
    team: str
    cost_centre: str | None
    kind: str  # one of prefix, name, glob
    pattern: str

    def matches(self, prefix: str, name: str | None) -> bool:
        prefix, name = prefix.strip(), None if name is None else name.strip()
        if self.kind == "prefix":
            return prefix.startswith(self.pattern)
        if self.kind == "name":
            return name == self.pattern
        return fnmatch.fnmatchcase(prefix, self.pattern) or (
            name is not None and fnmatch.fnmatchcase(name, self.pattern)
        )


@dataclass(frozen=True)
class Teams:
    """The rules of a teams file, in file order."""

    rules: tuple[Rule, ...]
    source: str = "<rules>"

    def rule_for(self, prefix: str, name: str | None = None) -> Rule | None:
        """The first rule matching the key (its prefix, and its name when known), or None."""
        return next((rule for rule in self.rules if rule.matches(prefix, name)), None)

    def team_of(self, prefix: str, name: str | None = None) -> str:
        """The key's team: the first matching rule's, else :data:`UNMAPPED`."""
        rule = self.rule_for(prefix, name)
        return UNMAPPED if rule is None else rule.team

    def tags(self, prefix: str, name: str | None = None) -> dict[str, str]:
        """An export row's tags for the key: ``{"team": …}`` and ``"cost_centre"`` when the rule has one."""
        rule = self.rule_for(prefix, name)
        if rule is None:
            return {"team": UNMAPPED}
        return {"team": rule.team} | ({} if rule.cost_centre is None else {"cost_centre": rule.cost_centre})


def _text(where: str, value: object) -> str:
    if (
        not isinstance(value, str)
        or not value.strip()
        or not value.strip().translate(str.maketrans("", "", JOINERS)).isprintable()
    ):
        raise TeamsFileError(f"{where}: must be a non-empty line of printable text, not {value!r}"[:300])
    return value.strip()


#: A shell pattern whose every [ opens a set that a ] closes ("[k" would match only the text "[k").
_GLOB = re.compile(r"(?:[^\[]|\[!?(?:\][^\]]*|[^\]]+)\])*")


def _glob(where: str, value: object) -> str:
    pattern = _text(where, value)
    if not _GLOB.fullmatch(pattern):
        raise TeamsFileError(f"{where}: {pattern!r} opens a [set] it does not close (write [[] for a literal [)")
    return pattern


def _team(where: str, value: object) -> str:
    """A team's name: text, and none of the labels the page and the reports give keys of no team or
    the rest of a chart (a team called "(unmapped)" would add up with the unmapped keys' spend)."""
    team = _text(where, value)
    if len(team) > MAX_TEAM_CHARS:
        raise TeamsFileError(f"{where}: longer than {MAX_TEAM_CHARS} characters ({len(team):,}): not a team name")
    label = re.sub(r"\s+", "", team.casefold())
    if label in _RESERVED or _OTHER.fullmatch(label):
        raise TeamsFileError(f"{where}: {team!r} is the reports' own label (for {_LABELS}), not a team name")
    return team


def parse_teams(data: dict[str, object], source: str) -> Teams:
    """The rules of a parsed teams file; TeamsFileError ``"SOURCE: rule[i].field: why"``."""
    unknown = sorted(set(data) - {"rule"})
    if unknown:
        raise TeamsFileError(f"{source}: {unknown[0]}: unknown table or field (a teams file holds [[rule]] tables)")
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise TeamsFileError(f"{source}: rule: must be an array of tables, written [[rule]]")
    rules = []
    for index, entry in enumerate(entries):
        where = f"{source}: rule[{index}]"
        if not isinstance(entry, dict):
            raise TeamsFileError(f"{where}: must be a table, written [[rule]]")
        extra = sorted(set(entry) - _FIELDS)
        if extra:
            raise TeamsFileError(f"{where}.{extra[0]}: unknown field (one of {', '.join(sorted(_FIELDS))})")
        if "team" not in entry:
            raise TeamsFileError(f"{where}.team: missing (the team the keys belong to)")
        kinds = [kind for kind in _MATCHERS if kind in entry]
        if len(kinds) != 1:
            raise TeamsFileError(f"{where}: give exactly one of prefix, name and glob, not {len(kinds)}")
        kind = kinds[0]
        cost_centre = entry.get("cost_centre")
        rules.append(
            Rule(
                team=_team(f"{where}.team", entry["team"]),
                cost_centre=None if cost_centre is None else _text(f"{where}.cost_centre", cost_centre),
                kind=kind,
                pattern=_glob(f"{where}.glob", entry[kind])
                if kind == "glob"
                else _text(f"{where}.{kind}", entry[kind]),
            )
        )
    return Teams(tuple(rules), source)


def load_teams(path: str | os.PathLike[str]) -> Teams:
    """The teams file at ``path``; TeamsFileError when it cannot be read or is not a teams file."""
    source = os.fspath(path)
    try:
        # Opening a FIFO (or a device) would wait forever for a writer: a teams file is a file.
        if not stat.S_ISREG(Path(source).stat().st_mode):
            raise TeamsFileError(f"{source}: not a regular file: not a teams file")
        with Path(source).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TeamsFileError(f"{source}: cannot read the teams file: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise TeamsFileError(f"{source}: larger than {MAX_BYTES:,} bytes: not a teams file")
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))  # a byte-order mark (Notepad's) is no content
    except UnicodeDecodeError:
        raise TeamsFileError(f"{source}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise TeamsFileError(f"{source}: not TOML: {exc}") from None
    return parse_teams(data, source)
