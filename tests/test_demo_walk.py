"""``mentorbot demo``: the narrated month keeps working, step by step, as a newcomer sees it.

The walk runs once in-process from Mon 23 Nov 2026 (the suite's fixed clock) and each test reads
what it printed; one test runs ``python -m bot demo`` as the command it is."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from bot import demo_walk
from bot.demo_walk import PRIYA, Walk, WalkError, run, walk_start
from conversations.scheme_config import load_demo
from storage.db import open_database
from tests.test_cli import mentorbot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
START = walk_start(date(2026, 11, 23))  # a Monday: the suite's NOW


class Walked:
    def __init__(self, output: str, charts: list[Path]) -> None:
        self.output = output
        self.charts = charts

    def step(self, header: str) -> str:
        """What one step printed: from its header line to the next header."""
        marker = f"── {header} ──\n"
        assert marker in self.output, f"no step {header!r}"
        rest = self.output.split(marker, 1)[1]
        return rest.split("\n── ", 1)[0]


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> Walked:
    out = io.StringIO()
    charts = run(out, start=START, files_dir=tmp_path_factory.mktemp("charts"))
    return Walked(out.getvalue(), charts)


def test_each_step_says_when_it_is_and_whose_chat_we_watch(walked: Walked) -> None:
    headers = [line for line in walked.output.splitlines() if line.startswith("── ")]
    assert headers == [
        "── Mon 23 Nov 2026, 10:00 · Priya Shah (mentee) ──",
        "── Mon 23 Nov 2026, 11:30 · Tom Okafor (mentor) ──",
        "── Mon 23 Nov 2026, 11:30 · Priya Shah (mentee) ──",
        "── Wed 25 Nov 2026, 10:00 · Priya Shah (mentee) ──",
        "── Thu 26 Nov 2026, 16:00 · Priya Shah (mentee) ──",
        "── Fri 27 Nov 2026, 17:30 · Priya Shah (mentee) ──",
        "── Mon 7 Dec 2026, 10:00 · Priya Shah (mentee) ──",
        "── Wed 9 Dec 2026, 11:00 · Nadia Kaur (mentee) ──",
        "── Wed 9 Dec 2026, 11:00 · the lead channel ──",
        "── Mon 21 Dec 2026, 10:00 · Morgan Ellis (project lead) ──",
    ]
    assert walked.output.startswith("mentorbot demo: a month of the Demo Leadership Mentoring")


def test_a_meeting_booked_by_chat_is_confirmed_to_both(walked: Walked) -> None:
    booking = walked.step("Mon 23 Nov 2026, 10:00 · Priya Shah (mentee)")
    assert "> could we do thurs half 2 w tom on teams?\n" in booking
    assert "> yep\n    Sent to Tom Okafor: Thu 26 Nov, 14:30." in booking
    tom = walked.step("Mon 23 Nov 2026, 11:30 · Tom Okafor (mentor)")
    assert "    Priya Shah would like to meet:\n    • When: Thu 26 Nov, 14:30" in tom
    assert (
        "> yes that works\n    Confirmed: your meeting with Priya Shah on Thu 26 Nov, 14:30 "
        "(1 hour, by video). Priya has been told." in tom
    )
    priya = walked.step("Mon 23 Nov 2026, 11:30 · Priya Shah (mentee)")
    assert "    Tom Okafor accepted: your meeting on Thu 26 Nov, 14:30 is confirmed" in priya
    # the invite is one line, in the reader's time (no "UTC" after it),
    # never the calendar file itself
    for chat in (tom, priya):
        assert "[calendar invite: Thu 26 Nov, 14:30 saved to " in chat
        assert "BEGIN:VCALENDAR" not in chat


def test_the_reminder_comes_the_morning_before(walked: Walked) -> None:
    reminder = walked.step("Wed 25 Nov 2026, 10:00 · Priya Shah (mentee)")
    assert "    Reminder: you're meeting Tom Okafor on Thu 26 Nov, 14:30 (60 min, video)." in (
        reminder
    )


def test_minutes_and_actions_in_one_message_are_saved(walked: Walked) -> None:
    minutes = walked.step("Thu 26 Nov 2026, 16:00 · Priya Shah (mentee)")
    assert "    1. Draft the business case: you, due Fri 11 Dec" in minutes
    assert "    2. Introduce Priya to the finance lead: Tom Okafor, due Fri 4 Dec" in minutes
    assert "    Next meeting: Thu 31 Dec, 14:00" in minutes
    assert "    Saved the minutes of your meeting on Thu 26 Nov, with 2 actions." in minutes
    assert "    Sent to Tom Okafor: Thu 31 Dec, 14:00." in minutes


def test_a_diary_entry_is_kept(walked: Walked) -> None:
    diary = walked.step("Fri 27 Nov 2026, 17:30 · Priya Shah (mentee)")
    assert "    Saved to your diary for Fri 27 Nov. Only you can read it." in diary


def test_the_check_in_opens_and_is_answered(walked: Walked) -> None:
    checkin = walked.step("Mon 7 Dec 2026, 10:00 · Priya Shah (mentee)")
    assert "    The Keep-in-touch check-in is open until Mon 14 Dec." in checkin
    assert "    Thank you, Priya: your answers to the Keep-in-touch check-in are in." in checkin


def test_an_urgent_concern_reaches_the_lead_channel_without_its_words(walked: Walked) -> None:
    nadia = walked.step("Wed 9 Dec 2026, 11:00 · Nadia Kaur (mentee)")
    assert "    Sent to the project lead, marked urgent." in nadia
    channel = walked.step("Wed 9 Dec 2026, 11:00 · the lead channel")
    assert "    URGENT: safety concern C1 in Demo cohort (patient safety, safeguarding" in channel
    for private in ("colleague", "scan", "group chat", "Nadia", "Kaur"):
        assert private not in channel


def test_the_health_report_saves_its_charts(walked: Walked) -> None:
    health = walked.step("Mon 21 Dec 2026, 10:00 · Morgan Ellis (project lead)")
    assert (
        "> scheme health for demo-cohort\n    Here's the scheme health for Demo cohort." in health
    )
    assert len(walked.charts) == 2
    for chart in walked.charts:
        assert chart.read_bytes().startswith(PNG_SIGNATURE)
        assert f"    {chart}\n" in health  # the path is printed, to open it
    assert walked.output.endswith(
        "throw-away database, now removed. To chat with it yourself: make run.\n"
    )


def test_a_step_that_goes_wrong_stops_the_walk_with_one_line(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'walk.sqlite3'}")
    try:
        walk = Walk(db, START, io.StringIO(), demo_walk.KeptFiles(tmp_path / "files"))
        load_demo(db, walk.clock)
        with pytest.raises(WalkError) as typed:
            walk.says(PRIYA, "hello", "Sent to Tom Okafor")
        with pytest.raises(WalkError) as read:
            walk.reads(PRIYA, "Reminder: you're meeting")
    finally:
        db.dispose()
    assert str(typed.value).startswith(
        "Priya Shah typed 'hello' and expected 'Sent to Tom Okafor', but the bot said: "
    )
    assert str(read.value).startswith(
        'nothing in Priya Shah at Mon 23 Nov 2026, 10:00 says "Reminder: you\'re meeting"'
    )
    assert "\n" not in str(typed.value) + str(read.value)


def test_the_walk_starts_on_the_monday_of_the_week() -> None:
    assert walk_start(date(2026, 12, 3)) == walk_start(date(2026, 11, 30))  # a Thursday
    assert demo_walk.shown_when(walk_start(date(2026, 12, 3))) == "Mon 30 Nov 2026, 10:00"
    assert demo_walk.shown_when(walk_start(date(2026, 12, 5))) == "Mon 7 Dec 2026, 10:00"
    assert demo_walk.shown_when(walk_start(date(2026, 3, 29))) == "Mon 30 Mar 2026, 10:00"


def test_pauses_are_seconds_from_the_environment() -> None:
    assert demo_walk.pause_from({}) == demo_walk.PAUSE_SECONDS
    assert demo_walk.pause_from({"MENTORBOT_DEMO_PAUSE": "0"}) == 0
    assert demo_walk.pause_from({"MENTORBOT_DEMO_PAUSE": "2.5"}) == 2.5
    with pytest.raises(WalkError, match="give the seconds between steps"):
        demo_walk.pause_from({"MENTORBOT_DEMO_PAUSE": "soon"})


def test_the_demo_command_runs_and_leaves_no_database_behind(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    charts = tmp_path / "charts"
    repo = str(Path(__file__).resolve().parent.parent)
    result = mentorbot(
        "demo", "--now", "2026-11-26T12:00:00+00:00", "--files-dir", str(charts),
        extra_env={"TMPDIR": str(scratch), "PYTHONPATH": repo},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "── Mon 23 Nov 2026, 10:00 · Priya Shah (mentee) ──" in result.stdout
    assert list(scratch.iterdir()) == []  # the walk's database is gone
    assert len(list(charts.glob("*.png"))) == 2  # the charts are kept
