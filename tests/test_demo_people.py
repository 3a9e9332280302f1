"""Everyone in the demo: `make run` names them, and `AS=` chats as any of them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot.people import find
from conversations.clock import Clock
from conversations.scheme_config import load_demo
from storage.db import transaction
from storage.models import Person
from tests.conftest import NOW
from tests.test_cli import mentorbot

ROOT = Path(__file__).resolve().parent.parent
DEMO_PEOPLE = {
    "lead@example.org": ("Morgan Ellis", "project lead"),
    "chair@example.org": ("Grace Fraser", "steering group chair"),
    "steering@example.org": ("Dev Anand", "steering group member"),
    "moderator@example.org": ("Alex Carter", "moderator"),
    "mentee@example.org": ("Priya Shah", "mentee"),
    "mentee2@example.org": ("Nadia Kaur", "mentee"),
    "mentor@example.org": ("Tom Okafor", "mentor"),
    "mentor2@example.org": ("Owen Whitfield", "mentor"),
    "mentor3@example.org": ("Leah Dunn", "mentor, steering group member"),
    "applicant2@example.org": ("Chloe Barnes", "applied, in review (A-01)"),
    "mentor4@example.org": ("Helen Marsh", "mentor"),
    "applicant@example.org": ("Jamie Lee", "can apply now"),
}


def test_loading_the_demo_lists_its_people_with_name_role_and_email(db_url: str) -> None:
    loaded = mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url)
    assert loaded.returncode == 0
    # A console demo: lead alerts are read in the lead's chat, so no warning to alarm anyone.
    assert loaded.stderr == ""
    assert "make run AS=lead" in loaded.stdout
    lines = loaded.stdout.splitlines()
    # grouped: the scheme team, then each cohort with where it is in its year
    assert "  The scheme team, in every cohort:" in lines
    assert "  Demo cohort (running since Mon 26 Oct):" in lines
    assert "  Second cohort (selection: 3 applications to decide):" in lines
    assert "  Next cohort (applications open until Mon 14 Dec):" in lines
    assert "mentee, paired with Tom Okafor" in loaded.stdout
    for email, (name, role) in DEMO_PEOPLE.items():
        line = next(x for x in lines if x.rstrip().endswith(email))
        handle = email.split("@")[0]
        assert line.split()[0] == handle
        assert line.startswith("    ")
        assert name in line
        assert role in line


def test_a_handle_an_email_or_a_role_names_who_you_chat_as(engine: Engine) -> None:
    load_demo(engine, Clock.from_setting(NOW))
    with transaction(engine) as session:
        assert find(session, "lead").display_name == "Morgan Ellis"
        assert find(session, "mentor2").display_name == "Owen Whitfield"
        assert find(session, " Chair ").display_name == "Grace Fraser"
        assert find(session, "MENTOR3@example.org").display_name == "Leah Dunn"
        assert find(session, "project lead").display_name == "Morgan Ellis"
        assert find(session, "moderator").display_name == "Alex Carter"
        with pytest.raises(LookupError) as two:
            find(session, "steering member")
        assert "say which" in str(two.value)
        assert "steering (Dev Anand)" in str(two.value)
        assert "mentor3 (Leah Dunn)" in str(two.value)
        with pytest.raises(LookupError) as nobody:
            find(session, "dean")
        assert "Try one of: lead, chair, steering" in str(nobody.value)


def test_chatting_as_someone_unknown_is_one_kind_line(db_url: str) -> None:
    assert mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url).returncode == 0
    result = mentorbot("chat", "--user", "dean", db=db_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("mentorbot: nobody here is 'dean'. Try one of: lead, chair")


def _make(*args: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``make`` in the checkout, as a newcomer would type it, on a database of its own."""
    if shutil.which("make") is None or not (ROOT / ".venv" / ".installed").exists():
        pytest.fail("make and an installed .venv are needed (run `make test`, which installs it)")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MENTORBOT_NOW")}
    env["PYTHONPATH"] = str(ROOT)  # this checkout's code, whichever the venv was installed from
    env["MENTORBOT_NOW"] = NOW
    env["MENTORBOT_FILES_DIR"] = str(tmp_path / "files")
    database = f"DEMO_DB=sqlite:///{tmp_path / 'demo.sqlite3'}"
    return subprocess.run(
        ["make", "-s", "--no-print-directory", *args, database],
        cwd=ROOT, input=stdin, capture_output=True, text=True, env=env, timeout=180, check=False,
    )  # fmt: skip


def test_make_run_lists_the_people_and_make_chat_chats_as_another(tmp_path: Path) -> None:
    first = _make("run", stdin="help\n", tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    # make's own AS (the assembler, "as") is not a person: the default is the demo mentee
    assert "Here's what I can do for you:" in first.stdout
    assert "saves a private note" in first.stdout  # a mentee's help: the diary

    run = _make("run", "AS=lead", stdin="help\n", tmp_path=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "mentorbot:" not in run.stderr  # no warning, no error
    assert "Dev Anand" in run.stdout
    assert "steering@example.org" in run.stdout
    # the lead's own help, not the mentee's
    assert "alerts in the lead channel" in run.stdout

    chat = _make("chat", "AS=mentor2", stdin="my diary\n", tmp_path=tmp_path)
    assert chat.returncode == 0, chat.stderr
    assert "Loaded scheme" not in chat.stdout  # no reload
    assert "diary" in chat.stdout.casefold()
    assert "Dev Anand" not in chat.stdout


def test_a_mentor_with_two_mentees_is_listed_with_both(engine: Engine) -> None:
    import io

    from bot.people import roster
    from storage.models import Cohort, Pairing

    clock = Clock.from_setting(NOW)
    load_demo(engine, clock)
    with transaction(engine) as session:
        second = session.exec(select(Cohort).where(Cohort.slug == "demo-selection")).one()
        ids = {p.email: p.id for p in session.exec(select(Person)).all()}
        for mentee in ("applicant3@example.org", "applicant4@example.org"):
            session.add(
                Pairing(
                    cohort_id=second.id, mentee_id=ids[mentee],
                    mentor_id=ids["mentor5@example.org"], started_at=clock.now(),
                )
            )  # fmt: skip
    out = io.StringIO()
    roster(engine, clock, out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines() if "@" in line}
    kwame = lines["mentor5"]
    assert "paired with Imran Hussain and Fiona Walsh" in kwame
    # paired in the Second cohort only: nobody in the Demo cohort is said to be
    assert re.search(r"mentor, paired with Priya Shah +mentor@example.org$", lines["mentor"])
    assert "paired with Kwame Boateng" in lines["applicant3"]
