"""``mentorbot demo``: a narrated walk through a month of the demo scheme, in about a minute.

A newcomer sees the whole scheme work before reading any code: a booking by chat and the
mentor's acceptance, the day-before reminder, minutes with actions in one message, a diary
entry, the keep-in-touch check-in, an urgent concern reaching the lead channel, and the scheme
health report with its charts. Nothing is staged: the demo scheme is loaded into a throw-away
SQLite file (removed at the end), every turn goes through the dialog engine as typed, the real
nudge sweep runs as the clock moves on (each morning, as ``mentorbot serve`` would), and every
message is shown by the console renderer, exactly as ``mentorbot chat`` and ``mentorbot inbox``
would show it.

Map:
- :func:`walk_start`: the Monday the walk starts on (the demo's dates are relative to it);
- :class:`Walk`: the clock, the database and the people; ``move_to`` (the clock and the
  sweep), ``says`` (one turn), ``reads`` (what waits in a person's chat) and ``channel`` (in
  a scheme channel), each checking that what should have happened did, or raising
  :class:`WalkError`;
- :func:`run`: the walk on its throw-away database; ``STEPS``: the month, step by step.

A step that does not produce what it should stops the walk with :class:`WalkError` (one line),
so CI catches a broken journey.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bot.channels import console
from conversations.clock import Clock
from conversations.engine import Engine as DialogEngine
from conversations.messages import part_from_json
from conversations.nudges import sweep
from conversations.registry import default_registry
from conversations.scheme_config import load_demo
from storage import outbox_queries, queries
from storage.db import open_database, transaction

# The demo scheme's time zone (conversations/schemes/demo.toml); every date shown is in it.
ZONE = ZoneInfo("Europe/London")
COHORT = "demo-cohort"  # the running cohort: the one whose month the walk follows
LEAD_CHANNEL = "lead"
DEFAULT_FILES_DIR = Path("var") / "demo-files"
PAUSE_SECONDS = 4.0  # between steps, when a person is watching
PAUSE_ENV = "MENTORBOT_DEMO_PAUSE"  # seconds between steps on a terminal; 0 for none
_SWEEP_AT = clock_time(9, 0)  # the walk's scheduler sweeps each morning, as nudges are due then
_INDENT = "    "
_ALSO_WIDTH = 90


class WalkError(Exception):
    """A step did not produce what it should: the one line says which and what was seen."""


@dataclass(frozen=True)
class Persona:
    email: str
    role: str  # as the header shows it: "mentee", "project lead"


PRIYA = Persona("mentee@example.org", "mentee")
TOM = Persona("mentor@example.org", "mentor")
NADIA = Persona("mentee2@example.org", "mentee")
MORGAN = Persona("lead@example.org", "project lead")


def walk_start(today: date) -> datetime:
    """10:00 on the Monday of ``today``'s week (the next Monday at a weekend): a working day
    near today, so the demo's dates, relative to the moment it is loaded, look current, and
    every weekday in the walk's script ("thurs", the day before) falls where it should."""
    monday = today - timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += timedelta(days=7)
    return datetime.combine(monday, clock_time(10, 0), ZONE)


def pause_from(environ: Mapping[str, str]) -> float:
    """The pause between steps for a person watching: ``MENTORBOT_DEMO_PAUSE`` seconds (0 for
    none: ``MENTORBOT_DEMO_PAUSE=0 make demo``), else :data:`PAUSE_SECONDS`."""
    text = environ.get(PAUSE_ENV, "").strip()
    if not text:
        return PAUSE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 60:
        raise WalkError(f"{PAUSE_ENV}={text!r}: give the seconds between steps, 0 to 60")
    return seconds


def shown_when(at: datetime) -> str:
    """ "Mon 7 Dec 2026, 10:00" in the scheme's zone: the step headers."""
    local = at.astimezone(ZONE)
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def _day(day: date) -> str:
    """ "Fri 18 Dec", as a person would type a date."""
    return f"{day:%a} {day.day} {day:%b}"


def _indented(text: str) -> str:
    return "\n".join(_INDENT + line if line else "" for line in text.splitlines())


def _one_line(text: str) -> str:
    line = " ".join(text.split()).rstrip(":")
    return line if len(line) <= _ALSO_WIDTH else line[: _ALSO_WIDTH - 1].rstrip() + "…"


@dataclass(frozen=True)
class KeptFiles(console.FileStore):
    """A file store that remembers what it saved: the charts whose paths the walk prints (and
    the calendar invites, when the console saves those too)."""

    saved: list[Path] = field(default_factory=list, compare=False)

    def save(self, filename: str, data: bytes) -> Path:
        path = super().save(filename, data)
        self.saved.append(path)
        return path


@dataclass
class Walk:
    """The month's world: one database, one movable clock, one console session per person."""

    db: Engine
    now: datetime
    out: TextIO
    files: KeptFiles
    pause: float = 0.0
    clock: Clock = field(init=False)
    engine: DialogEngine = field(init=False)
    sessions: dict[str, console.ConsoleSession] = field(default_factory=dict, init=False)
    first_day: date = field(init=False)
    _steps: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.first_day = self.now.astimezone(ZONE).date()
        self.clock = Clock(source=lambda: self.now)
        self.engine = DialogEngine(self.db, self.clock, default_registry())

    # -- time ------------------------------------------------------------------------------

    def move_to(self, when: datetime) -> None:
        """Move the clock on to ``when``, sweeping for nudges each morning on the way and at
        ``when`` itself, as the scheduler of ``mentorbot serve`` would have."""
        if when < self.now:
            raise WalkError(f"the walk cannot go back in time to {shown_when(when)}")
        day = self.now.astimezone(ZONE).date() + timedelta(days=1)
        while day <= when.astimezone(ZONE).date():
            morning = datetime.combine(day, _SWEEP_AT, ZONE)
            if morning < when:
                self.now = morning
                sweep(self.db, self.clock)
            day += timedelta(days=1)
        self.now = when
        sweep(self.db, self.clock)

    # -- what is shown ---------------------------------------------------------------------

    def step(self, who: str, narration: str) -> None:
        """A step's header (the date and who we are watching) and a line saying what happens."""
        if self._steps and self.pause > 0:
            self.out.flush()
            time.sleep(self.pause)
        self._steps += 1
        self.out.write(f"\n── {shown_when(self.now)} · {who} ──\n{narration}\n\n")

    def persona(self, person: Persona) -> str:
        return f"{self.name(person)} ({person.role})"

    def name(self, person: Persona) -> str:
        with transaction(self.db) as session:
            found = queries.person_by_email(session, person.email)
        if found is None:
            raise WalkError(f"the demo scheme has nobody with the email {person.email}")
        return found.display_name

    def _session(self, person: Persona) -> console.ConsoleSession:
        if person.email not in self.sessions:
            with transaction(self.db) as session:
                found = queries.person_by_email(session, person.email)
            if found is None or found.id is None:
                raise WalkError(f"the demo scheme has nobody with the email {person.email}")
            self.sessions[person.email] = console.ConsoleSession(person_id=found.id)
        return self.sessions[person.email]

    # -- turns and inboxes -----------------------------------------------------------------

    def says(self, person: Persona, line: str, expect: str) -> str:
        """``person`` types ``line``; the bot's answer is shown and must contain ``expect``."""
        session = self._session(person)
        self.out.write(f"> {line}\n")
        msg, prompt = session.inbound(line)
        if msg is None:  # a form's next field: the console asks for it itself
            shown = prompt or ""
        else:
            delivered = self.engine.handle(msg)
            shown = console.render(delivered.parts, self.files, zone=ZONE.key, now=self.now)
            follow_up = session.shown(delivered.parts)
            if follow_up:
                shown += f"\n\n{follow_up}"
            self.engine.mark_delivered(delivered.outbox_ids)
        self.out.write(_indented(shown) + "\n\n")
        if expect not in shown:
            first = shown.strip().splitlines()[0] if shown.strip() else "nothing"
            raise WalkError(
                f"{self.name(person)} typed {line!r} and expected {expect!r}, but the bot said: "
                f"{first}"
            )
        return shown

    def reads(self, person: Persona, expect: str) -> str:
        """What waits now in ``person``'s chat, as ``mentorbot chat`` shows it on starting;
        its choices can then be answered by number or label. See :meth:`_waiting`."""
        session = self._session(person)
        return self._waiting(
            expect,
            self.name(person),
            "Also waiting",
            session=session,
            recipient_id=session.person_id,
        )

    def channel(self, name: str, expect: str) -> str:
        """What waits now in a scheme channel, as ``mentorbot inbox --channel`` shows it."""
        return self._waiting(expect, f"the {name} channel", "Also in the channel", channel=name)

    def _waiting(
        self,
        expect: str,
        where: str,
        also: str,
        *,
        session: console.ConsoleSession | None = None,
        recipient_id: int | None = None,
        channel: str | None = None,
    ) -> str:
        """Show what waits (and mark it seen): the messages containing ``expect`` whole, any
        others by their one-line preview; at least one must contain ``expect``. Returns the
        messages shown whole."""
        with transaction(self.db) as tx:
            rows = outbox_queries.due_for_console(
                tx, self.now, recipient_id=recipient_id, channel=channel
            )
            queries.mark_sent(tx, rows, self.now)
        whole: list[str] = []
        others: list[str] = []
        for row in rows:
            parts = [part_from_json(p) for p in row.parts]
            shown = console.render(parts, self.files, zone=ZONE.key, now=self.now)
            if session is not None:
                session.shown(parts)
            if expect in shown:
                whole.append(shown)
            else:
                others.append(row.preview)
        if not whole:
            raise WalkError(
                f"nothing in {where} at {shown_when(self.now)} says {expect!r}"
                + (f" (waiting there: {'; '.join(others)})" if others else " (nothing waits)")
            )
        for text in whole:
            self.out.write(_indented(text) + "\n\n")
        for preview in dict.fromkeys(others):  # a reminder's stages, unread, say one thing
            self.out.write(f"{_INDENT}({also}: {_one_line(preview)})\n")
        if others:
            self.out.write("\n")
        return "\n\n".join(whole)


def run(
    out: TextIO,
    *,
    start: datetime,
    files_dir: Path = DEFAULT_FILES_DIR,
    pause: float = 0.0,
) -> list[Path]:
    """Walk through the month from ``start`` (see :func:`walk_start`), writing it to ``out``.
    Files the bot sends are saved in ``files_dir`` and kept; returns the health charts among
    them. Raises :class:`WalkError` when a step goes wrong. The database lives in a temporary
    directory, removed whatever happens."""
    scratch = Path(tempfile.mkdtemp(prefix="mentorbot-demo-"))
    db = None
    try:
        db = open_database(f"sqlite:///{scratch / 'demo.sqlite3'}")
        walk = Walk(db, start, out, KeptFiles(files_dir), pause)
        load_demo(db, walk.clock)
        for step in STEPS:
            step(walk)
        out.write(
            "\nThat was the real bot on a throw-away database, now removed. "
            "To chat with it yourself: make run.\n"
        )
        return [path for path in walk.files.saved if path.suffix == ".png"]
    finally:
        if db is not None:
            db.dispose()
        shutil.rmtree(scratch, ignore_errors=True)


# -- the month -------------------------------------------------------------------------------


def _title(walk: Walk) -> None:
    walk.out.write(
        "mentorbot demo: a month of the Demo Leadership Mentoring Scheme in about a minute\n"
        f"Priya ({PRIYA.role}) and Tom ({TOM.role}) were paired four weeks ago and have not "
        "met yet.\nEverything below is the real bot on a throw-away database; the clock moves "
        "on between steps.\n"
    )


def _booking(walk: Walk) -> None:
    walk.step(walk.persona(PRIYA), "Priya books her first meeting with Tom, the way she'd say it.")
    walk.says(PRIYA, "could we do thurs half 2 w tom on teams?", "Shall I send it to Tom?")
    walk.says(PRIYA, "yep", "Sent to Tom Okafor")

    walk.move_to(walk.now + timedelta(hours=1, minutes=30))
    walk.step(walk.persona(TOM), "Tom finds the proposal in his chat and answers in his own words.")
    walk.reads(TOM, "Priya Shah would like to meet")
    walk.says(TOM, "yes that works", "Confirmed: your meeting with Priya Shah")
    walk.step(walk.persona(PRIYA), "Priya hears back at once.")
    walk.reads(PRIYA, "Tom Okafor accepted")


def _reminder(walk: Walk) -> None:
    walk.move_to(_at(walk, days=2, hour=10))
    walk.step(walk.persona(PRIYA), "The morning before the meeting, each of them gets a reminder.")
    walk.reads(PRIYA, "Reminder: you're meeting Tom Okafor")


def _minutes(walk: Walk) -> None:
    walk.move_to(_at(walk, days=3, hour=16))
    first = walk.first_day
    draft_by, introduce_by = first + timedelta(days=18), first + timedelta(days=11)
    next_time = first + timedelta(days=38)  # a Thursday, five weeks on
    walk.step(
        walk.persona(PRIYA),
        "After the meeting, Priya writes the minutes, the actions and the next date in one go.",
    )
    walk.says(
        PRIYA,
        "Met Tom today for an hour on Teams. We talked about my business case for a second CT "
        f"scanner and how to win the finance team over. Actions: I'll draft the business case "
        f"by {_day(draft_by)}; Tom to introduce me to the finance lead by {_day(introduce_by)}. "
        f"Next meeting {_day(next_time)} 2pm",
        "Shall I save these minutes?",
    )
    walk.says(PRIYA, "yes", "with 2 actions")
    walk.says(PRIYA, "yes, send it", "Sent to Tom Okafor")


def _diary(walk: Walk) -> None:
    walk.move_to(_at(walk, days=4, hour=17, minute=30))
    walk.step(walk.persona(PRIYA), "At the end of the week, a private note in her diary.")
    walk.says(
        PRIYA,
        "diary: felt far more confident about the budget conversation after yesterday. "
        "Note to self: stop apologising before I make a point.",
        "Saved to your diary",
    )


def _checkin(walk: Walk) -> None:
    walk.move_to(_at(walk, days=14, hour=10))
    walk.step(
        walk.persona(PRIYA),
        "Two weeks on, the keep-in-touch check-in opens for both of them. Priya answers.",
    )
    walk.reads(PRIYA, "Keep-in-touch check-in is open")
    walk.says(PRIYA, "Start", "Question 1 of 4")
    walk.says(PRIYA, "4", "Question 2 of 4")
    walk.says(PRIYA, "once", "Question 3 of 4")
    walk.says(PRIYA, "Tom helping me shape my business case", "Question 4 of 4")
    walk.says(PRIYA, "skip", "Shall I send them?")
    walk.says(PRIYA, "send", "your answers to the Keep-in-touch check-in are in")


CONCERN = (
    "I want to raise a safeguarding concern: a colleague shared a patient's scan in a public "
    "group chat"
)


def _concern(walk: Walk) -> None:
    walk.move_to(_at(walk, days=16, hour=11))
    walk.step(walk.persona(NADIA), "Nadia, in the other pair, has something urgent to raise.")
    walk.says(NADIA, CONCERN, "Shall I send it to the project lead?")
    walk.says(NADIA, "Send it", "marked urgent")
    walk.step(
        "the lead channel",
        "The lead channel hears of it at once: a reference, the category and the urgency, "
        "never what was written or who wrote it.",
    )
    alert = walk.channel(LEAD_CHANNEL, "URGENT")
    for private in ("colleague", "patient's scan", "group chat", walk.name(NADIA), "Nadia"):
        if private in alert:
            raise WalkError(f"the lead channel's alert gives away {private!r}")


def _health(walk: Walk) -> None:
    walk.move_to(_at(walk, days=28, hour=10))
    walk.step(walk.persona(MORGAN), "Four weeks on, the project lead asks how the scheme is doing.")
    saved = len(walk.files.saved)
    walk.says(MORGAN, f"scheme health for {COHORT}", "Here's the scheme health")
    charts = [path for path in walk.files.saved[saved:] if path.suffix == ".png"]
    if not charts:
        raise WalkError("the scheme health report came without its charts")
    walk.out.write("The charts are saved: open them to see the scheme's health at a glance.\n")
    for path in charts:
        walk.out.write(f"{_INDENT}{console.shown_path(path)}\n")


def _at(walk: Walk, *, days: int, hour: int, minute: int = 0) -> datetime:
    """``days`` after the walk's first Monday, at ``hour:minute`` in the scheme's zone."""
    return datetime.combine(walk.first_day + timedelta(days=days), clock_time(hour, minute), ZONE)


STEPS: tuple[Callable[[Walk], None], ...] = (
    _title,
    _booking,
    _reminder,
    _minutes,
    _diary,
    _checkin,
    _concern,
    _health,
)
