"""The ``mentorbot`` command end to end, as a separate process, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import NOW


def mentorbot(
    *args: str, stdin: str = "", db: str | None = None, extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    env.update(extra_env or {})
    command = [sys.executable, "-m", "bot", *args]
    if db is not None:
        command += ["--db", db]
    return subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def loaded(db_url: str) -> str:
    result = mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Loaded scheme")
    return db_url


def test_a_piped_chat_answers_each_line_and_ends_cleanly(loaded: str) -> None:
    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW,
        stdin="help\ndiary: a first reflection\nmy diary\n", db=loaded,
    )  # fmt: skip
    assert result.returncode == 0
    assert result.stderr == ""
    assert "Here's what I can do for you:" in result.stdout
    assert "Saved to your diary for Mon 23 Nov" in result.stdout
    assert "Mon 23 Nov: a first reflection" in result.stdout


def test_a_chat_piped_into_a_reader_that_stops_early_ends_without_a_traceback(
    loaded: str,
) -> None:
    """`mentorbot chat ... | head -1`: the reader closes the pipe after one line."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    command = [sys.executable, "-m", "bot", "chat", "--user", "mentee@example.org"]
    process = subprocess.Popen(
        [*command, "--now", NOW, "--db", loaded],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write(b"help\n" * 200)
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()
    process.wait(timeout=120)
    assert process.stderr is not None
    stderr = process.stderr.read()
    process.stderr.close()
    assert b"Traceback" not in stderr
    assert b"BrokenPipeError" not in stderr


def test_choices_can_be_answered_by_number(loaded: str) -> None:
    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW, stdin="menu\n3\n1\n", db=loaded
    )
    assert "  3. Write in my diary" in result.stdout
    # the terminal shows the words, not the message model's emphasis markers (this asserted
    # "*What happened?*", the literal asterisks the console used to show)
    assert "What happened?" in result.stdout
    assert "*" not in result.stdout


def test_the_export_holds_what_the_chat_stored(loaded: str) -> None:
    mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW, stdin="diary: kept\n", db=loaded
    )
    result = mentorbot("export", "--user", "mentee@example.org", "--now", NOW, db=loaded)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "person", "roles", "pairings", "meetings", "minutes", "actions",
        "diary", "survey_responses", "concerns", "messages", "applications", "mentor_profile",
        "contracts", "identities", "fit_checks", "conflicts", "reviews", "matching", "nudges",
        "lead_alerts", "drafts", "scheme_changes", "audit",
    ]  # fmt: skip
    assert data["person"]["email"] == "mentee@example.org"
    assert [r["role"] for r in data["roles"]] == ["mentee"]
    assert [p["status"] for p in data["pairings"]] == ["active"]
    assert [d["text"] for d in data["diary"]] == ["kept"]
    assert data["messages"][-1]["status"] == "sent"
    assert "Saved to your diary" in data["messages"][-1]["parts"][0]["text"]


def test_inbox_says_when_nothing_waits(loaded: str) -> None:
    assert (
        mentorbot("inbox", "--user", "mentor@example.org", db=loaded).stdout == "Nothing waiting.\n"
    )
    assert mentorbot("inbox", "--channel", "lead", db=loaded).stdout == "Nothing waiting.\n"


def test_loading_the_demo_twice_is_idempotent(loaded: str) -> None:
    again = mentorbot("scheme", "load", "--demo", "--now", NOW, db=loaded)
    assert again.returncode == 0
    export = json.loads(mentorbot("export", "--user", "mentee@example.org", db=loaded).stdout)
    assert len(export["pairings"]) == 1
    assert len(export["roles"]) == 1


def test_an_unknown_user_is_one_line_and_non_zero(loaded: str) -> None:
    result = mentorbot("chat", "--user", "nobody@example.org", db=loaded)
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "nobody with the email 'nobody@example.org'" in result.stderr
    assert "Traceback" not in result.stderr


def test_malformed_toml_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scheme]\nslug = "x"\nname = "unterminated\n', encoding="utf-8")
    result = mentorbot("scheme", "load", str(bad), db=f"sqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode != 0
    assert result.stderr.count("\n") == 1
    assert "line 3" in result.stderr
    assert "Traceback" not in result.stderr


def test_every_problem_of_a_scheme_file_is_one_line_each(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[scheme]\nslug = "x"\nname = "X"\ntime_zone = "Europe/Londn"\nlead_channel = "lead"\n'
        "[scheme.meetings]\nmin_minutes = 0\n\n"
        '[[cohorts]]\nslug = "c"\nname = "C"\nstarts_on = 2025-11-13\nend_on = 2026-11-13\n',
        encoding="utf-8",
    )
    result = mentorbot("scheme", "load", str(bad), db=f"sqlite:///{tmp_path}/x.sqlite3")
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        f"mentorbot: {bad}: scheme.meetings.min_minutes: must be between 1 and 720",
        f'{bad}: scheme.time_zone: unknown time zone "Europe/Londn" (use an IANA name such as'
        ' "Europe/London")',
        f'{bad}: cohort "c": end_on: unknown key (did you mean "ends_on"?)',
    ]


def test_a_missing_scheme_file_is_one_line(tmp_path: Path) -> None:
    result = mentorbot("scheme", "load", str(tmp_path / "nope.toml"))
    assert result.returncode != 0
    assert result.stderr == f"mentorbot: no such file: {tmp_path / 'nope.toml'}\n"


def test_an_unreachable_database_is_one_line() -> None:
    result = mentorbot("export", "--user", "a@example.org", db="postgresql://nobody@127.0.0.1:1/x")
    assert result.returncode != 0
    assert result.stderr.startswith("mentorbot: cannot reach the database")
    assert result.stderr.count("\n") == 1


def test_a_bad_now_is_one_line(tmp_path: Path) -> None:
    result = mentorbot("inbox", "--channel", "lead", "--now", "next tuesday")
    assert result.returncode != 0
    assert result.stderr == "mentorbot: not an ISO-8601 date and time: 'next tuesday'\n"


def test_the_teams_package_is_built_by_the_cli(tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "mentorbot-teams.zip"
    app_id = "11111111-2222-3333-4444-555555555555"
    result = mentorbot("manifest", "teams", "--app-id", app_id, "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(package.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == app_id
    bad = mentorbot("manifest", "teams", "--app-id", "not-a-guid", "--out", str(out))
    assert bad.returncode != 0
    assert bad.stderr.count("\n") == 1


SATURDAY = "2026-11-28T10:00:00+00:00"
MONDAY = "2026-11-30T10:00:00+00:00"


def test_the_inbox_shows_a_nudge_only_once_it_is_due(loaded: str) -> None:
    """A nudge swept on a Saturday waits for Monday's working hours, in the console too."""
    swept = mentorbot("nudge", "--now", SATURDAY, db=loaded)
    assert swept.returncode == 0, swept.stderr
    saturday = mentorbot("inbox", "--user", "mentee@example.org", "--now", SATURDAY, db=loaded)
    assert saturday.stdout == "Nothing waiting.\n"
    chat = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", SATURDAY, stdin="help\n", db=loaded
    )
    assert "weeks since you were paired" not in chat.stdout
    monday = mentorbot("inbox", "--user", "mentee@example.org", "--now", MONDAY, db=loaded)
    assert "It's 4 weeks since you were paired with Tom" in monday.stdout
    assert "Coming up:" in monday.stdout


def test_the_inbox_never_shows_a_reminder_that_no_longer_applies(loaded: str) -> None:
    """Priya signs the contract after the reminder was written, before she reads her inbox:
    she never sees it; Tom, who has not signed, does."""
    from sqlmodel import select

    from storage.db import open_database, transaction
    from storage.models import Contract, Outbox, Pairing, Person

    swept = mentorbot("nudge", "--now", "2026-11-30T09:05:00+00:00", db=loaded)
    assert swept.returncode == 0, swept.stderr
    db = open_database(loaded)
    try:
        with transaction(db) as s:
            priya = s.exec(select(Person).where(Person.email == "mentee@example.org")).one()
            pairing = s.exec(select(Pairing).where(Pairing.mentee_id == priya.id)).one()
            s.add(
                Contract(
                    pairing_id=pairing.id or 0,
                    mentee_signed_name="Priya Shah",
                    mentee_signed_at=datetime.fromisoformat(MONDAY),
                    updated_at=datetime.fromisoformat(MONDAY),
                )
            )
        later = "2026-11-30T11:00:00+00:00"
        priya_sees = mentorbot("inbox", "--user", "mentee@example.org", "--now", later, db=loaded)
        tom_sees = mentorbot("inbox", "--user", "mentor@example.org", "--now", later, db=loaded)
        assert "needs signing by" not in priya_sees.stdout
        assert "Your mentoring contract with Priya Shah needs signing by Mon 7 Dec" in (
            tom_sees.stdout
        )
        with transaction(db) as s:
            dropped = s.exec(
                select(Outbox.status, Outbox.last_error).where(
                    Outbox.recipient_id == priya.id, Outbox.status == "obsolete"
                )
            ).all()
        assert list(dropped) == [("obsolete", "obsolete: the contract is signed")]
    finally:
        db.dispose()
