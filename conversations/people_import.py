"""``mentorbot people import``: people from a spreadsheet into one cohort of a loaded scheme.

- The file (``conversations.people_file``): CSV or XLSX, one person a row, columns email, name,
  role and optionally organisation, department and time zone (headings in any case, with
  spaces or underscores). A role cell may hold several roles ("mentor, steering member").
- Each row is read by the scheme file's own rules (``scheme_config.read_person``: the email,
  the name, the roles and which roles one person cannot hold together, the time zone), and
  written by the scheme loader's own code (``scheme_config.load_people``), so a person
  imported is the same as a person loaded from a scheme file.
- Everything is checked before anything is kept: the rows are written in one transaction,
  which is rolled back on a dry run (the default) and whenever any row has a problem, so the
  counts a dry run shows are those ``--apply`` then makes, and a file is never half-written.
- Someone erased is never brought back: a row whose email is in the erasure log (or whose
  person is a tombstone) is a problem, not a new person.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import available_timezones

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from conversations.clock import Clock
from conversations.people_file import PeopleFileError, Sheet, read_sheet
from conversations.scheme_config import (
    ROLES,
    PersonConfig,
    SchemeConfigError,
    load_people,
    read_person,
    role_clash,
    scheme_of,
)
from storage import audit, report_queries
from storage.db import transaction
from storage.erasure import ErasureLog
from storage.models import Cohort, Membership, Person, Scheme

__all__ = [
    "AUDIT_ACTION",
    "ImportReport",
    "PeopleFile",
    "PeopleFileError",
    "Problem",
    "import_people",
    "read_people_file",
]

AUDIT_ACTION = "people_import"
REQUIRED = ("email", "name", "role")
OPTIONAL = ("organisation", "department", "time zone")
# A heading, folded (lower case, letters and digits only) -> the column it names.
_HEADINGS = {
    "email": "email",
    "emailaddress": "email",
    "name": "name",
    "fullname": "name",
    "displayname": "name",
    "role": "role",
    "roles": "role",
    "organisation": "organisation",
    "organization": "organisation",
    "department": "department",
    "timezone": "time zone",
}
# A column -> the key of a ``[[cohorts.people]]`` entry it fills.
_KEYS = {
    "email": "email",
    "name": "name",
    "role": "roles",
    "organisation": "organisation",
    "department": "department",
    "time zone": "time_zone",
}
_COLUMN_OF = {key: column for column, key in _KEYS.items()}
_ROLE_SEPARATORS = re.compile(r"[,;/&+]|\band\b")
# How close (rapidfuzz's 0-100) a misspelling must be for a "did you mean".
_CLOSE = 80


@dataclass(frozen=True)
class Problem:
    """One mistake in one row: where it is (``line 7, email``) and why."""

    unit: str
    number: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.unit} {self.number}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportReport:
    cohort: str  # scheme/cohort
    rows: int
    new: int
    updated: int
    unchanged: int
    problems: tuple[Problem, ...]
    written: bool

    def summary(self) -> str:
        """``12 people: 8 new, 3 updated, 1 unchanged; nothing written, ...``."""
        counts = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        failing = len({p.number for p in self.problems})
        people = f"{self.rows} {'person' if self.rows == 1 else 'people'}"
        if failing:
            return (
                f"{people}: {counts}, {failing} with errors; nothing written: "
                "fix the errors and run it again."
            )
        if self.written:
            return f"{people}: {counts}; written to cohort {self.cohort}."
        if not self.new + self.updated:
            return f"{people}: {counts}; nothing to change."
        return f"{people}: {counts}; nothing written, add --apply to write."


class _Discard(Exception):
    """Rolls back a dry run, or an import with problems, after counting what it would do."""


@dataclass(frozen=True)
class PeopleFile:
    """A file whose columns are right: what each row says is checked on import."""

    sheet: Sheet
    columns: dict[str, int]  # column -> its position


def read_people_file(path: Path) -> PeopleFile:
    """Read ``path`` and find its columns (no database needed); a file that cannot be used
    raises :class:`PeopleFileError` (one line)."""
    sheet = read_sheet(path)
    return PeopleFile(sheet, _columns(sheet, path))


def import_people(
    db: Engine,
    file: PeopleFile,
    cohort_slug: str,
    clock: Clock,
    *,
    apply: bool = False,
    erasures: ErasureLog | None = None,
) -> ImportReport:
    """Add or update the file's people in the cohort; written only with ``apply`` and no
    problem in any row. A cohort that cannot be found raises :class:`PeopleFileError`."""
    sheet, columns = file.sheet, file.columns
    report: ImportReport | None = None
    try:
        with transaction(db) as session:
            name, cohort = _cohort(session, cohort_slug)
            report = _Import(session, sheet, columns, cohort, clock, erasures).run(name)
            if not apply or report.problems or not report.new + report.updated:
                raise _Discard
            audit.record(
                session,
                AUDIT_ACTION,
                f"cohort:{cohort.id}",
                clock.now(),
                surface="cli",
                rows=report.rows,
                new=report.new,
                updated=report.updated,
                unchanged=report.unchanged,
            )
            report = dataclasses.replace(report, written=True)
    except _Discard:
        assert report is not None
    return report


def _fold(heading: str) -> str:
    return re.sub(r"[^a-z0-9]", "", heading.lower())


def _columns(sheet: Sheet, path: Path) -> dict[str, int]:
    """Which position each column is at; a file missing a required column, or with one this
    import does not read, is refused in one line naming what was found."""
    found: dict[str, int] = {}
    problems: list[str] = []
    for position, heading in enumerate(sheet.heading):
        if not heading:
            continue
        column = _HEADINGS.get(_fold(heading))
        if column is None:
            hint = _closest(_fold(heading), list(_HEADINGS))
            problems.append(
                f"the column {_quoted(heading)} is not one this import reads"
                + (f" (did you mean {_HEADINGS[hint]}?)" if hint else "")
            )
        elif column in found:
            problems.append(
                f"{column} is given twice ({_quoted(sheet.heading[found[column]])} and {_quoted(heading)})"
            )
        else:
            found[column] = position
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        plural = "s" if len(missing) > 1 else ""
        problems.insert(0, f"missing the column{plural} {', '.join(missing)}")
    if problems:
        headings = ", ".join(_quoted(h) for h in sheet.heading if h) or "none"
        raise PeopleFileError(
            f"{path}: {'; '.join(problems)} (found: {headings}; the columns are "
            f"{', '.join(REQUIRED)}, and optionally {', '.join(OPTIONAL)})"
        )
    return found


def _closest(text: str, options: Sequence[str]) -> str | None:
    """The option ``text`` most likely misspells, or None."""
    found = process.extractOne(
        text, options, scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=_CLOSE
    )
    return str(found[0]) if found else None


@functools.cache
def _zones() -> tuple[str, ...]:
    # Etc/GMT+1 is an hour BEHIND Greenwich: never offered for a "GMT+1" someone wrote.
    return tuple(sorted(z for z in available_timezones() if not z.startswith("Etc/")))


def _cohort(session: Session, slug: str) -> tuple[str, Cohort]:
    found = report_queries.cohorts_named(session, slug)
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(name for name, _ in found)
        raise PeopleFileError(
            f"several cohorts are called {_quoted(slug)}: name one as SCHEME/SLUG ({names})"
        )
    every = [name for name, _ in report_queries.cohorts_named(session, None)]
    if not every:
        raise PeopleFileError(
            f"no cohort {_quoted(slug)}: this database has none (load a scheme first)"
        )
    hint = _closest(slug, [name.rpartition("/")[2] for name in every] + every)
    advice = f"did you mean {hint}?" if hint else f"the cohorts are {', '.join(every)}"
    raise PeopleFileError(f"no cohort {_quoted(slug)} in this database ({advice})")


def _place_of(problem: Problem) -> tuple[int, int]:
    """Problems in file order: by row, then by column."""
    order = (*REQUIRED, *OPTIONAL)
    column = order.index(problem.column) if problem.column in order else -1
    return problem.number, column


def _quoted(text: str) -> str:
    return f'"{text}"'


def _on(day: datetime) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


class _Import:
    """Checks every row, then writes those that passed (the caller keeps or discards it)."""

    def __init__(
        self,
        session: Session,
        sheet: Sheet,
        columns: dict[str, int],
        cohort: Cohort,
        clock: Clock,
        erasures: ErasureLog | None,
    ) -> None:
        self.session = session
        self.sheet = sheet
        self.columns = columns
        self.cohort = cohort
        self.clock = clock
        self.erasures = erasures
        scheme = session.get(Scheme, cohort.scheme_id)
        assert scheme is not None
        self.scheme = scheme_of(scheme)
        self.problems: list[Problem] = []

    def run(self, name: str) -> ImportReport:
        people: dict[str, tuple[int, PersonConfig]] = {}
        seen: dict[str, int] = {}
        for number, cells in self.sheet.rows:
            person = self._row(number, cells)
            email = self._cell(cells, "email").lower()
            if email and email in seen:
                self._problem(
                    number,
                    "email",
                    f"{email} is also on {self.sheet.unit} {seen[email]} "
                    '(one row per person: put several roles in one cell, e.g. "mentor, lead")',
                )
                continue
            if email:
                seen[email] = number
            if person is not None:
                people[person.email] = (number, person)
        self._against_the_database(people)
        failing = {problem.number for problem in self.problems}
        ready = [person for number, person in people.values() if number not in failing]
        known = self._known({person.email for person in ready})
        changed = load_people(self.session, self.cohort, ready, self.clock)
        new = sum(1 for person in ready if person.email not in known)
        updated = sum(1 for person in ready if person.email in known and changed[person.email])
        return ImportReport(
            cohort=name,
            rows=len(self.sheet.rows),
            new=new,
            updated=updated,
            unchanged=len(ready) - new - updated,
            problems=tuple(sorted(self.problems, key=_place_of)),
            written=False,
        )

    def _problem(self, number: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.sheet.unit, number, column, message))

    def _cell(self, cells: tuple[str, ...], column: str) -> str:
        position = self.columns.get(column)
        return cells[position] if position is not None and position < len(cells) else ""

    def _row(self, number: int, cells: tuple[str, ...]) -> PersonConfig | None:
        """The row's person, or None after noting each of its problems."""
        before = len(self.problems)
        heading = self.sheet.heading
        for position, value in enumerate(cells):
            if value and (position >= len(heading) or not heading[position]):
                self._problem(
                    number, None, f"a value in column {position + 1}, which has no heading"
                )
        fields: dict[str, object] = {}
        for column in (*REQUIRED, *OPTIONAL):
            value = self._cell(cells, column)
            if column in REQUIRED and not value:
                self._problem(number, column, "is empty")
            elif value:
                fields[_KEYS[column]] = value
        if "roles" in fields:
            fields["roles"] = self._roles(number, str(fields["roles"]))
        try:
            person = read_person(fields, self.scheme, self.clock)
        except SchemeConfigError as error:
            noted = {p.column for p in self.problems[before:]}
            for problem in error.problems:
                key, _, why = problem.removeprefix(".").partition(": ")
                column = _COLUMN_OF.get(re.split(r"[.\[]", key)[0], key)
                if column in noted:  # already said: an empty cell, an unknown role
                    continue
                if column == "time zone":
                    why = self._zone_problem(str(fields["time_zone"]), why)
                self._problem(number, column, why)
            return None
        return None if len(self.problems) > before else person

    def _roles(self, number: int, text: str) -> tuple[str, ...]:
        """The roles a cell names ("Mentor; steering member"); each unknown one is a problem."""
        roles: list[str] = []
        for word in _ROLE_SEPARATORS.split(text):
            if not word.strip():
                continue
            role = re.sub(r"[\s-]+", "_", word.strip().lower())
            if role in ROLES:
                roles.append(role)
                continue
            hint = _closest(role, ROLES)
            advice = f"did you mean {hint}?" if hint else f"use {', '.join(ROLES)}"
            self._problem(number, "role", f"{_quoted(word.strip())} is not a role ({advice})")
        return tuple(roles)

    def _zone_problem(self, written: str, why: str) -> str:
        hint = _closest(written, _zones())
        return f"unknown time zone {_quoted(written)} (did you mean {hint}?)" if hint else why

    def _against_the_database(self, people: dict[str, tuple[int, PersonConfig]]) -> None:
        """What only the database knows: who was erased, and the roles held in the cohort."""
        emails = set(people)
        erased = self.erasures.erased_on(emails) if self.erasures is not None else {}
        rows = self.session.exec(
            select(Person).where(
                func.lower(Person.email).in_(emails), col(Person.erased_at).is_not(None)
            )
        ).all()
        erased |= {row.email.lower(): row.erased_at for row in rows if row.erased_at}
        held: dict[str, set[str]] = {}
        for email, role in self.session.exec(
            select(func.lower(Person.email), Membership.role)
            .join(Membership, col(Membership.person_id) == col(Person.id))
            .where(Membership.cohort_id == self.cohort.id, func.lower(Person.email).in_(emails))
        ):
            held.setdefault(email, set()).add(role)
        for email, (number, person) in people.items():
            if email in erased:
                self._problem(
                    number, "email", f"{email} was erased on {_on(erased[email])}; not re-added"
                )
                continue
            already = held.get(email, set()) - set(person.roles)
            clash = role_clash({*already, *person.roles})
            if already and clash:
                self._problem(
                    number, "role",
                    f"{email} already has the role {', '.join(sorted(already))} in this cohort"
                    f" ({clash})",
                )  # fmt: skip

    def _known(self, emails: set[str]) -> set[str]:
        if not emails:
            return set()
        return set(
            self.session.exec(
                select(func.lower(Person.email)).where(func.lower(Person.email).in_(emails))
            ).all()
        )
