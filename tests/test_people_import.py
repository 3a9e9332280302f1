"""``mentorbot people import``: people from a CSV or XLSX file into a cohort, through the real
command (``bot.cli.main``; one run as a separate process), on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from bot.cli import main
from conversations.clock import Clock
from conversations.scheme_config import SchemeConfigError, load_demo, parse_scheme
from storage import erasure
from storage.db import transaction
from storage.erasure import ErasureLog
from storage.models import AuditLog, Cohort, Membership, MentorProfile, Person
from tests.conftest import NOW
from tests.test_cli import mentorbot

COHORT = "demo-cohort"
HEADING = "Email,Name,Role,Organisation,Department,Time zone"
# Three new people, one known person renamed, one known person as the scheme file has them.
GOOD = [
    "ana@example.org,Ana Silva,mentee,St Elsewhere,Cardiology,",
    'ben@example.org,Ben Adeyemi,"Mentor; steering member",Royal Free,Oncology,America/New_York',
    "cat@example.org,Cat Jones,lead,,,Europe/Paris",
    "mentee2@example.org,Nadia K. Kaur,mentee,,,",
    "mentee@example.org,Priya Shah,mentee,,,",
]


@pytest.fixture(autouse=True)
def _erasure_log_here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("MENTORBOT_ERASURE_DIR", str(tmp_path / "erasures"))


def _csv(folder: Path, *rows: str, heading: str = HEADING, name: str = "people.csv") -> Path:
    """As Excel saves "CSV UTF-8": a byte-order mark and CRLF line ends."""
    path = folder / name
    path.write_bytes(("\ufeff" + "\r\n".join([heading, *rows]) + "\r\n").encode("utf-8"))
    return path


def _run(capsys: pytest.CaptureFixture[str], db_url: str, *args: str) -> tuple[int, str, list[str]]:
    status = main(["people", "import", *args, "--db", db_url, "--now", NOW])
    printed = capsys.readouterr()
    return status, printed.out, printed.err.splitlines()


def _people(db: Engine) -> dict[str, tuple[str, str]]:
    with Session(db) as session:
        return {p.email: (p.display_name, p.time_zone) for p in session.exec(select(Person))}


def _roles(db: Engine, email: str) -> set[str]:
    with Session(db) as session:
        return set(
            session.exec(
                select(Membership.role)
                .join(Person, col(Person.id) == col(Membership.person_id))
                .where(Person.email == email)
            ).all()
        )


def _imports(db: Engine) -> list[AuditLog]:
    with Session(db) as session:
        return list(session.exec(select(AuditLog).where(AuditLog.action == "people_import")))


def test_a_dry_run_counts_what_it_would_do_and_writes_nothing(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _people(demo)
    status, out, err = _run(capsys, db_url, str(_csv(tmp_path, *GOOD)), "--cohort", COHORT)
    assert (status, err) == (0, [])
    assert out == (
        "5 people: 3 new, 1 updated, 1 unchanged; nothing written, add --apply to write.\n"
    )
    assert _people(demo) == before
    assert _imports(demo) == []


def test_apply_writes_everyone_and_running_it_again_changes_nothing(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(_csv(tmp_path, *GOOD))
    status, out, err = _run(capsys, db_url, path, "--cohort", COHORT, "--apply")
    assert (status, err) == (0, [])
    assert out == "5 people: 3 new, 1 updated, 1 unchanged; written to cohort demo/demo-cohort.\n"

    people = _people(demo)
    # An empty time zone is the scheme's; a known person's name follows the file.
    assert people["ana@example.org"] == ("Ana Silva", "Europe/London")
    assert people["ben@example.org"] == ("Ben Adeyemi", "America/New_York")
    assert people["cat@example.org"] == ("Cat Jones", "Europe/Paris")
    assert people["mentee2@example.org"] == ("Nadia K. Kaur", "Europe/London")
    assert _roles(demo, "ben@example.org") == {"mentor", "steering_member"}
    assert _roles(demo, "cat@example.org") == {"lead"}
    with Session(demo) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == COHORT)).one()
        places = cohort.settings["people"]
        ben = session.exec(select(Person).where(Person.email == "ben@example.org")).one()
        profile = session.exec(select(MentorProfile).where(MentorProfile.person_id == ben.id)).one()
    # The conflict rules read organisation and department from here (storage.conflict_queries).
    assert places["ana@example.org"] == {"organisation": "St Elsewhere", "department": "Cardiology"}
    assert places["ben@example.org"] == {"organisation": "Royal Free", "department": "Oncology"}
    # What the file leaves empty is kept, not wiped (the scheme file gave Nadia hers).
    assert places["mentee2@example.org"]["department"] == "Nuclear Medicine"
    assert (profile.organisation, profile.capacity) == ("Royal Free", 1)

    (row,) = _imports(demo)
    assert row.subject == f"cohort:{cohort.id}"
    assert row.detail == {"rows": 5, "new": 3, "updated": 1, "unchanged": 1, "surface": "cli"}

    status, out, err = _run(capsys, db_url, path, "--cohort", COHORT, "--apply")
    assert (status, err) == (0, [])
    assert out == "5 people: 0 new, 0 updated, 5 unchanged; nothing to change.\n"
    assert _people(demo) == people
    assert len(_imports(demo)) == 1


def test_a_workbook_reads_its_first_sheet_with_headings_written_loosely(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["E-mail", "NAME", "roles", "time_zone", None])
    sheet.append(["Dan@Example.org", "Dan Price", "Mentee", "Europe/Dublin", None])
    sheet.append([None, None, None, None, None])  # an empty row Excel left behind
    sheet.append(["eve@example.org", "Eve Stone", "moderater", 42, None])
    book.create_sheet("Notes").append(["not", "people"])
    path = tmp_path / "people.xlsx"
    book.save(path)

    status, out, err = _run(capsys, db_url, str(path), "--cohort", COHORT)
    assert status == 1
    assert err == [
        f'{path}: row 4, role: "moderater" is not a role (did you mean moderator?)',
        f'{path}: row 4, time zone: unknown time zone "42" (use an IANA name such as'
        ' "Europe/London")',
    ]
    assert out == (
        "2 people: 1 new, 0 updated, 0 unchanged, 1 with errors; nothing written: "
        "fix the errors and run it again.\n"
    )

    sheet.delete_rows(4)
    book.save(path)
    status, out, err = _run(capsys, db_url, str(path), "--cohort", COHORT, "--apply")
    assert (status, err) == (0, [])
    assert _people(demo)["dan@example.org"] == ("Dan Price", "Europe/Dublin")
    assert _roles(demo, "dan@example.org") == {"mentee"}


# Each bad row, and the one line it gets (line numbers as a text editor counts them).
BAD_ROWS = [
    ("tom@,Tom Bell,mentee,,,", 'line 5, email: "tom@" does not look like an email address'),
    (
        "tim@example.org,Tim Bell,mentorr,,,",
        'line 6, role: "mentorr" is not a role (did you mean mentor?)',
    ),
    (
        "tam@example.org,Tam Bell,mentee and mentor,,,",
        "line 7, role: a mentee cannot also be a mentor in the same cohort",
    ),
    (
        "mentor@example.org,Tom Okafor,mentee,,,",
        "line 8, role: mentor@example.org already has the role mentor in this cohort"
        " (a mentee cannot also be a mentor in the same cohort)",
    ),
    (
        "tod@example.org,Tod Bell,mentee,,,Europe/Londn",
        'line 9, time zone: unknown time zone "Europe/Londn" (did you mean Europe/London?)',
    ),
    ("tug@example.org,,,,,", "line 10, name: is empty"),
    ("", "line 10, role: is empty"),  # a blank line: skipped, and the same row's second problem
    ('"ann@example.org","Ann\nLee",mentee,,,', ""),  # fine, over lines 12 and 13
    (
        "ANA@example.org,Ana S,mentee,,,",
        "line 14, email: ana@example.org is also on line 2 (one row per person: put several"
        ' roles in one cell, e.g. "mentor, lead")',
    ),
    (
        "tuck@example.org,Tuck Bell,mentee,,,,extra",
        "line 15: a value in column 7, which has no heading",
    ),
]


def test_each_row_problem_is_one_line_and_nothing_is_half_written(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _people(demo)
    path = _csv(tmp_path, *GOOD[:3], *(row for row, _ in BAD_ROWS))
    status, out, err = _run(capsys, db_url, str(path), "--cohort", COHORT, "--apply")
    assert status == 1
    assert err == [f"{path}: {problem}" for _, problem in BAD_ROWS if problem]
    assert out == (
        "12 people: 4 new, 0 updated, 0 unchanged, 8 with errors; nothing written: "
        "fix the errors and run it again.\n"
    )
    # The good rows were not written either: all or nothing.
    assert _people(demo) == before
    assert _roles(demo, "ana@example.org") == set()
    assert _imports(demo) == []


def test_someone_erased_is_not_brought_back(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    # As `mentorbot erase` does it: the erasure log first, then the erasure itself.
    ErasureLog.for_database(demo).record("mentee2@example.org", clock.now())
    with transaction(demo) as session:
        person = session.exec(select(Person).where(Person.email == "mentee2@example.org")).one()
        erasure.erase(session, person, clock.now())
    path = _csv(tmp_path, GOOD[0], "Mentee2@example.org,Nadia Kaur,mentee,,,")
    status, _, err = _run(capsys, db_url, str(path), "--cohort", COHORT, "--apply")
    assert status == 1
    assert err == [
        f"{path}: line 3, email: mentee2@example.org was erased on Mon 23 Nov 2026; not re-added"
    ]
    with Session(demo) as session:
        count = session.exec(
            select(func.count()).where(func.lower(Person.email) == "mentee2@example.org")
        ).one()
    assert count == 0


FILE_PROBLEMS = [
    pytest.param(
        "people.csv",
        "email,full name,team\r\nana@example.org,Ana,x\r\n",
        'missing the column role; the column "team" is not one this import reads (found: "email",'
        ' "full name", "team"; the columns are email, name, role, and optionally organisation,'
        " department, time zone)",
        id="missing-and-unknown-columns",
    ),
    pytest.param(
        "people.csv",
        "Email,Name,Role,Departmnet\r\n",
        'the column "Departmnet" is not one this import reads (did you mean department?) (found:'
        ' "Email", "Name", "Role", "Departmnet"; the columns are email, name, role, and'
        " optionally organisation, department, time zone)",
        id="misspelt-column",
    ),
    pytest.param(
        "people.csv",
        "email\r\n",
        'missing the columns name, role (found: "email"; the columns are email, name, role,'
        " and optionally organisation, department, time zone)",
        id="missing-column",
    ),
    pytest.param(
        "people.csv",
        "",
        "the file is empty: its first line should name the columns (email, name, role, ...)",
        id="empty",
    ),
    pytest.param(
        "people.xls", "x", "cannot read '.xls' files: save it as .csv or .xlsx", id="extension"
    ),
    pytest.param(
        "people.xlsx",
        "not a workbook",
        "not an Excel workbook (.xlsx) that can be read",
        id="not-a-workbook",
    ),
    pytest.param(
        "people.csv",
        b"email,name,role\r\nj\xf6rg@example.org,J\xf6rg,mentee\r\n",
        "not UTF-8 text: in Excel, save it as 'CSV UTF-8 (Comma delimited)'",
        id="not-utf-8",
    ),
]


@pytest.mark.parametrize(("name", "content", "problem"), FILE_PROBLEMS)
def test_a_file_that_cannot_be_used_is_one_line_before_the_database_is_opened(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: str | bytes,
    problem: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    database = tmp_path / "mentorbot.sqlite3"
    status, out, err = _run(capsys, f"sqlite:///{database}", str(path), "--cohort", COHORT)
    assert (status, out) == (2, "")
    assert err == [f"mentorbot: {path}: {problem}"]
    assert not database.exists()


def test_a_missing_file_and_an_unknown_cohort_are_one_line(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _run(capsys, db_url, str(tmp_path / "nope.csv"), "--cohort", COHORT)
    assert (status, err) == (2, [f"mentorbot: {tmp_path / 'nope.csv'}: no such file"])
    path = str(_csv(tmp_path, *GOOD))
    status, _, err = _run(capsys, db_url, path, "--cohort", "demo-cohrt")
    assert (status, err) == (2, ["mentorbot: no cohort \"demo-cohrt\" in this database (did you"
                                 " mean demo-cohort?)"])  # fmt: skip
    status, _, err = _run(capsys, db_url, path, "--cohort", "2019")
    assert (status, err) == (
        2,
        [
            'mentorbot: no cohort "2019" in this database (the cohorts are demo/demo-next, '
            "demo/demo-selection, demo/demo-cohort)"
        ],
    )


def test_reloading_the_scheme_file_keeps_what_an_import_added(
    demo: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: Clock
) -> None:
    path = str(_csv(tmp_path, *GOOD[:3]))
    status, _, _ = _run(capsys, db_url, path, "--cohort", COHORT, "--apply")
    assert status == 0
    # The file's own people are as they were, and those it does not describe are left alone.
    assert load_demo(demo, clock).changes == 0
    with Session(demo) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == COHORT)).one()
    assert cohort.settings["people"]["ana@example.org"]["department"] == "Cardiology"
    assert _roles(demo, "ana@example.org") == {"mentee"}


def test_a_scheme_file_is_held_to_the_same_rule_on_roles(clock: Clock) -> None:
    text = (
        '[scheme]\nslug = "s"\nname = "S"\ntime_zone = "Europe/London"\nlead_channel = "lead"\n'
        '[[cohorts]]\nslug = "c"\nname = "C"\nstarts_on = 2026-01-05\nends_on = 2026-12-18\n'
        '[[cohorts.people]]\nemail = "a@example.org"\nname = "A"\nroles = ["mentee", "mentor"]\n'
    )
    with pytest.raises(SchemeConfigError) as raised:
        parse_scheme(text, clock)
    assert raised.value.problems == [
        'cohort "c": people[0].roles: a mentee cannot also be a mentor in the same cohort'
    ]


def test_the_command_runs_as_its_own_process(demo: Engine, db_url: str, tmp_path: Path) -> None:
    path = str(_csv(tmp_path, *GOOD))
    result = mentorbot("people", "import", path, "--cohort", COHORT, "--apply", "--now", NOW,
                       db=db_url)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "5 people: 3 new, 1 updated, 1 unchanged; written to cohort demo/demo-cohort.\n"
    )
    assert "ana@example.org" in _people(demo)
