"""The corpus world: one case of ``../shared/corpus/dev.yaml`` played through the real engine.

A case is what a person types (``say``), set up by ``given`` and judged by ``check``. The world
is the demo scheme loaded at Mon 2 Mar 2026 09:00 (the corpus's convention), with the clock set
to the case's. Every turn is typed text in a new engine (as a Slack or Teams message arrives:
never a pressed button, never a console number mapped to one), so whatever the person types
must be understood from the words alone.

Judging is by outcome: ``World.diff()`` compares every table before and after the case, so a
check reads what was stored, changed or sent, and ``World.replies`` holds what the bot said.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select
from sqlmodel import SQLModel

from bot.channels import console
from conversations.clock import Clock
from conversations.engine import Delivered
from conversations.engine import Engine as DialogEngine
from conversations.messages import Incoming, Part, Question, Text
from conversations.registry import Registry, default_registry
from storage import queries
from storage.db import open_database, transaction

LONDON = ZoneInfo("Europe/London")
DEMO_LOADED_AT = "2026-03-02T09:00"

# Who is who in the demo (the corpus header's names).
PEOPLE = {
    "priya": "mentee@example.org",
    "tom": "mentor@example.org",
    "nadia": "mentee2@example.org",
    "owen": "mentor2@example.org",
    "morgan": "lead@example.org",
    "leah": "mentor3@example.org",
    "grace": "chair@example.org",
    "dev": "steering@example.org",
    "alex": "moderator@example.org",
}
ROLES = {
    "mentee": "priya",
    "mentor": "tom",
    "lead": "morgan",
    "steering": "leah",
    "chair": "grace",
    "moderator": "alex",
}
# Rows every turn may write, which say nothing about what was understood.
BOOKKEEPING = {"processed_event", "dialog_state", "audit_log", "alembic_version", "inbox"}


class Miss(AssertionError):
    """The case's outcome is not what the corpus expects: the reason says what differed."""


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON)


def shown(moment: datetime) -> str:
    """``Thu 5 Mar 14:30``: the corpus's way of writing a local time."""
    at = local(moment)
    return f"{at:%a} {at.day} {at:%b %H:%M}"


def instant(text: str) -> datetime:
    """``2026-03-05T14:30`` (London local) as an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON).astimezone(UTC)


@dataclass
class Said:
    """One turn: who typed what, and what the bot answered (parts and console text)."""

    who: str
    text: str
    parts: list[Part]
    rendered: str

    @property
    def questions(self) -> list[Question]:
        return [part for part in self.parts if isinstance(part, Question)]

    @property
    def asking(self) -> str | None:
        """The question this turn ends on: a question part, or a text asking one ("What time
        on Thu 5 Mar?" needs no buttons); None when the bot asks nothing."""
        if self.questions:
            return self.questions[-1].text
        texts = self.texts
        if texts and "?" in texts[-1]:
            return texts[-1]
        return None

    @property
    def texts(self) -> list[str]:
        out = []
        for part in self.parts:
            if isinstance(part, Text | Question):
                out.append(part.text)
        return out


Row = dict[str, Any]


@dataclass
class Diff:
    """Rows added, changed (before, after) and deleted, per table."""

    added: dict[str, list[Row]] = field(default_factory=dict)
    changed: dict[str, list[tuple[Row, Row]]] = field(default_factory=dict)
    deleted: dict[str, list[Row]] = field(default_factory=dict)

    def tables(self) -> set[str]:
        return set(self.added) | set(self.changed) | set(self.deleted)

    def new(self, table: str, **where: Any) -> list[Row]:
        return [
            r for r in self.added.get(table, []) if all(r.get(k) == v for k, v in where.items())
        ]

    def updated(self, table: str, **where: Any) -> list[tuple[Row, Row]]:
        return [
            (b, a)
            for b, a in self.changed.get(table, [])
            if all(a.get(k) == v for k, v in where.items())
        ]


def _snapshot(db: Engine) -> dict[str, dict[tuple[Any, ...], Row]]:
    out: dict[str, dict[tuple[Any, ...], Row]] = {}
    with db.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            key_columns = [c.name for c in table.primary_key.columns]
            rows: dict[tuple[Any, ...], Row] = {}
            for row in connection.execute(select(table)).mappings():
                data = dict(row)
                rows[tuple(data[c] for c in key_columns)] = data
            out[table.name] = rows
    return out


def _diff(
    before: dict[str, dict[tuple[Any, ...], Row]], after: dict[str, dict[tuple[Any, ...], Row]]
) -> Diff:
    diff = Diff()
    for table, rows in after.items():
        old = before.get(table, {})
        added = [row for key, row in rows.items() if key not in old]
        changed = [(old[key], row) for key, row in rows.items() if key in old and old[key] != row]
        deleted = [row for key, row in old.items() if key not in rows]
        if added:
            diff.added[table] = added
        if changed:
            diff.changed[table] = changed
        if deleted:
            diff.deleted[table] = deleted
    return diff


_REGISTRY: Registry | None = None


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = default_registry()
    return _REGISTRY


class World:
    """The demo database of one case, with the people by first name and a movable clock."""

    def __init__(self, db: Engine, now: datetime) -> None:
        self.db = db
        self.now = now
        self.clock = Clock(source=lambda: self.now)
        self.ids: dict[str, int] = {}
        with transaction(db) as session:
            for name, email in PEOPLE.items():
                person = queries.person_by_email(session, email)
                if person is not None and person.id is not None:
                    self.ids[name] = person.id
        self.names = {pid: name for name, pid in self.ids.items()}
        self.turns: list[Said] = []
        self._before: dict[str, dict[tuple[Any, ...], Row]] | None = None
        self.asked_before: str | None = None  # the question set-up left open, at mark()
        self.spoken: Spoken | None = None  # the corpus case being played, when there is one

    # -- time ---------------------------------------------------------------------------------

    def at(self, when: str) -> None:
        """Set the clock to ``when`` (London local, ``2026-03-05T14:30``)."""
        self.now = instant(when)

    def later(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def today(self) -> date:
        return local(self.now).date()

    # -- talking ------------------------------------------------------------------------------

    def say(self, who: str, text: str) -> Said:
        """``who`` types ``text``: one turn in a new engine, as on Slack or Teams."""
        engine = DialogEngine(self.db, self.clock, registry())
        delivered: Delivered = engine.handle(Incoming(person_id=self.ids[who], text=text))
        engine.mark_delivered(delivered.outbox_ids)
        shown = console.render(delivered.parts, as_written=True)
        turn = Said(who, text, list(delivered.parts), shown)
        self.turns.append(turn)
        return turn

    def press(self, who: str, action: str, value: str = "") -> Said:
        """A button press: for setting up a case only (a case's own turns are typed)."""
        engine = DialogEngine(self.db, self.clock, registry())
        msg = Incoming(person_id=self.ids[who], action=action, values={"value": value})
        delivered = engine.handle(msg)
        engine.mark_delivered(delivered.outbox_ids)
        shown = console.render(delivered.parts, as_written=True)
        turn = Said(who, f"[{action}:{value}]", list(delivered.parts), shown)
        self.turns.append(turn)
        return turn

    # -- judging ------------------------------------------------------------------------------

    def mark(self) -> None:
        """Remember every table as it is now: ``diff()`` compares with it."""
        self._before = _snapshot(self.db)
        self.asked_before = self.turns[-1].asking if self.turns else None
        self.turns = []

    def diff(self) -> Diff:
        assert self._before is not None, "mark() before the case's turns"
        return _diff(self._before, _snapshot(self.db))

    def replies(self, who: str | None = None) -> str:
        """Everything the bot said in the case's turns (to ``who``), as one lower-case text."""
        return "\n".join(t.rendered for t in self.turns if who is None or t.who == who).lower()

    def last(self) -> Said:
        return self.turns[-1]

    def sent(self, name: str) -> list[Row]:
        """Outbox rows for ``name`` added in the case, not counting the speaker's own replies."""
        return [r for r in self.diff().new("outbox", recipient_id=self.ids[name])]

    def waiting(self, who: str) -> bool:
        """Whether a dialog of ``who`` is waiting for their answer (not one put aside)."""
        from conversations.engine import ASIDE

        return any(
            row["dialog"] and not str(row["conversation"]).endswith(ASIDE)
            for row in self.rows("dialog_state", person_id=self.ids[who])
        )

    def rows(self, table: str, **where: Any) -> list[Row]:
        for t in SQLModel.metadata.sorted_tables:
            if t.name == table:
                with self.db.connect() as connection:
                    stmt = select(t)
                    for column, value in where.items():
                        stmt = stmt.where(t.c[column] == value)
                    return [dict(r) for r in connection.execute(stmt).mappings()]
        raise KeyError(table)


def expect(condition: object, reason: str) -> None:
    """A check: ``reason`` says what the corpus wanted when ``condition`` is false."""
    if not condition:
        raise Miss(reason)


# -- running a case ---------------------------------------------------------------------------

GivenFn = Callable[[World], None]
CheckFn = Callable[[World], None]


@dataclass(frozen=True)
class Case:
    """Our machine-checkable reading of one corpus case."""

    id: str
    check: CheckFn
    given: GivenFn | None = None
    speaker: str | None = None  # who types, when not the role's person ("as Nadia")
    # The runner answers a confirmation "yes" (the corpus's convention). False where the case's
    # own answer is the reply to a confirmation (a "no", a "not sure") or the bot's question is
    # one the person must answer themselves (go ahead despite a clash?): a re-worded re-ask must
    # not be answered for them.
    confirm: bool = True


CASES: dict[str, Case] = {}


def case(
    case_id: str,
    *,
    given: GivenFn | None = None,
    speaker: str | None = None,
    confirm: bool = True,
) -> Callable[[CheckFn], CheckFn]:
    """Register ``check`` as the reading of corpus case ``case_id``."""

    def register(check: CheckFn) -> CheckFn:
        if case_id in CASES:
            raise ValueError(f"corpus case {case_id} is encoded twice")
        CASES[case_id] = Case(case_id, check, given, speaker, confirm)
        return check

    return register


YES_WORDS = {
    "yes",
    "send",
    "save",
    "confirm",
    "book",
    "submit",
    "sign",
    "ok",
    # Before something is changed or deleted: "Cancel it, no reason", "Withdraw it", "Mark done".
    "cancel",
    "withdraw",
    "decline",
    "mark",
    "move",
}


def is_confirmation(question: Question) -> bool:
    """A short yes/no confirmation before something is sent, stored or changed (the corpus lets
    a runner answer it "yes"): a question whose first choice says yes, send, save ..."""
    if not question.choices:
        return False
    first = question.choices[0].label.strip().lower().split()
    return bool(first) and first[0].strip(".,!") in YES_WORDS


REPLY_WORDS = YES_WORDS | {"yeah", "yep", "yup", "sure", "no", "nope", "not", "nah", "y", "n"}


def answers_it(turn: Said, answer: str) -> bool:
    """Whether the case's next ``then`` answer is meant for what ``turn`` asks, on a first
    playing. Any question but a confirmation takes it. A confirmation the expect does not
    mention is answered "yes" (the corpus's convention), keeping the answer for the question
    it is for: so a confirmation takes it only when it reads as a reply to it (a yes/no word
    first, or a word of one of its choices). Other phrasings of an answer may read as neither:
    ``play`` then plays the case again sending every answer to the next question asked."""
    if not turn.questions or not is_confirmation(turn.questions[-1]):
        return True
    said = [w.strip(".,!?") for w in answer.lower().split()]
    if said and said[0] in REPLY_WORDS:
        return True
    labels = {
        w.strip(".,!?*")
        for choice in turn.questions[-1].choices
        for w in choice.label.lower().split()
        if len(w.strip(".,!?*")) >= 3
    }
    return bool(labels & set(said))


def asking_of(turn: Said) -> str | None:
    """What the bot's turn asks: its last question, or (a free-text question, which comes as
    text without choices) its last text that asks something."""
    if turn.questions:
        return turn.questions[-1].text
    asks = [text for text in turn.texts if "?" in text]
    return asks[-1] if asks else None


def prompt_of(world: World, who: str, turn: Said) -> str | None:
    """What ``turn`` asks ``who``: ``asking_of``, or its last text when a dialog of theirs is
    waiting for an answer (a prompt without a question mark: "Share a short account ...")."""
    asking = asking_of(turn)
    if asking is None and turn.texts and world.waiting(who):
        asking = turn.texts[-1]
    return asking


@dataclass(frozen=True)
class Spoken:
    """A corpus case as written in the shared file."""

    id: str
    group: str
    role: str
    clock: str
    say: str
    then: tuple[str, ...] = ()
    given: str = ""
    expect: str = ""


@dataclass
class Outcome:
    case: Spoken
    ok: bool
    reason: str = ""
    transcript: list[Said] = field(default_factory=list)


def template(folder: Path) -> Path:
    """The demo loaded at Mon 2 Mar 2026 09:00, in a SQLite file each case copies."""
    from conversations.scheme_config import load_demo

    path = folder / "demo.sqlite3"
    if not path.exists():
        db = open_database(f"sqlite:///{path}")
        load_demo(db, Clock.fixed(instant(DEMO_LOADED_AT)))
        db.dispose()
    return path


def play(
    spoken: Spoken, reading: Case | None, demo: Path, folder: Path, max_turns: int = 6
) -> Outcome:
    """Play one case on a fresh copy of the demo and judge it. ``then`` holds the person's
    answers to the questions the expect says the bot must ask: when the first playing, which
    answers a confirmation itself unless the answer reads as a reply to it (``answers_it``),
    leaves an answer unasked, the case is played again with each answer sent to the next
    question the bot asks, whatever its words (another phrasing of "keep it at 30" must reach
    the bot as surely as the original). Either way every answer must be asked for and the
    reading must hold."""
    outcome = _play(spoken, reading, demo, folder, max_turns, any_question=False)
    if spoken.then and outcome.reason.startswith(UNASKED):
        return _play(spoken, reading, demo, folder, max_turns, any_question=True)
    return outcome


UNASKED = "the bot did not ask for"


def _play(
    spoken: Spoken,
    reading: Case | None,
    demo: Path,
    folder: Path,
    max_turns: int,
    *,
    any_question: bool,
) -> Outcome:
    if reading is None:
        return Outcome(spoken, False, "not encoded yet")
    path = folder / f"{spoken.id}.sqlite3"
    shutil.copyfile(demo, path)
    # The demo holds sealed answers (its seeded applications): the copy needs the same key
    # (none beside the file when the key comes from MENTORBOT_DATA_KEY, as in CI).
    if Path(f"{demo}.key").exists():
        shutil.copyfile(f"{demo}.key", f"{path}.key")
    db = open_database(f"sqlite:///{path}")
    try:
        world = World(db, instant(spoken.clock))
        world.spoken = spoken
        speaker = reading.speaker or ROLES[spoken.role]
        try:
            if reading.given is not None:
                reading.given(world)
            last = world.turns[-1] if world.turns else None
            open_question = prompt_of(world, last.who, last) if last else None
            world.mark()
            turn = world.say(speaker, spoken.say)
            answers = list(spoken.then)
            for _ in range(max_turns):
                asking = prompt_of(world, speaker, turn)
                if asking is not None and asking == open_question:
                    break  # the same question again: what was said was not understood
                open_question = asking
                if (
                    answers
                    and asking is not None
                    and (any_question or answers_it(turn, answers[0]))
                ):
                    turn = world.say(speaker, answers.pop(0))
                elif reading.confirm and turn.questions and is_confirmation(turn.questions[-1]):
                    turn = world.say(speaker, "yes")
                else:
                    break
            if answers:
                raise Miss(f"{UNASKED} {answers[0]!r}")
            reading.check(world)
        except Miss as miss:
            return Outcome(spoken, False, str(miss), world.turns)
        except Exception as exc:  # a crash is a miss, with its type
            return Outcome(spoken, False, f"crashed: {type(exc).__name__}: {exc}", world.turns)
        return Outcome(spoken, True, "", world.turns)
    finally:
        db.dispose()
        path.unlink(missing_ok=True)
        for extra in folder.glob(f"{spoken.id}.sqlite3-*"):
            extra.unlink(missing_ok=True)


GROUPS = {
    1: "1. Booking a meeting",
    2: "2. Yes / no / choices at the bot's questions",
    3: "3. The mentor answering a meeting proposal by typing",
    4: "4. Rescheduling and cancelling",
    5: "5. Minutes and actions",
    6: "6. Reflective diary",
    7: "7. Check-ins and evaluations",
    8: "8. Concerns, exits and safety",
    9: "9. Other requests",
    10: "10. Lead and steering",
}
# The corpus section of a case id's prefix ("book-001" is section 1), for a corpus file that
# keeps the ids but not the section headings.
PREFIX_GROUP = {
    "book": 1,
    "yn": 2,
    "ans": 3,
    "move": 4,
    "mins": 5,
    "diary": 6,
    "survey": 7,
    "checkin": 7,
    "concern": 8,
    "misc": 9,
    "lead": 10,
}


def group_of(case_id: str) -> str:
    """The corpus section of ``case_id`` by its prefix; "?" for an unknown prefix."""
    number = PREFIX_GROUP.get(case_id.split("-")[0].strip().lower())
    return GROUPS[number] if number else "?"


def groups(lines: Iterator[str]) -> dict[str, str]:
    """Case id -> the corpus section it sits under ("1. Booking a meeting"): the section
    heading above it when the file has one, else the section of its id's prefix."""
    out: dict[str, str] = {}
    group = ""
    for line in lines:
        if line.startswith("# ") and line[2:3].isdigit():
            group = line[2:].split("(")[0].strip()
        elif line.startswith("- id:"):
            case_id = line.split(":", 1)[1].strip().strip("'\"")
            out[case_id] = group or group_of(case_id)
    return out


# -- setting up and reading the scheme's records ------------------------------------------------


def pairing(w: World, a: str, b: str) -> int:
    """The id of the pairing of ``a`` and ``b`` (in either role)."""
    for row in w.rows("pairing"):
        if {row["mentee_id"], row["mentor_id"]} == {w.ids[a], w.ids[b]}:
            return int(row["id"])
    raise KeyError(f"{a} and {b} are not paired")


def meeting(
    w: World,
    when: str,
    *,
    status: str = "confirmed",
    between: tuple[str, str] = ("priya", "tom"),
    minutes: int = 60,
    mode: str = "video",
    location: str = "",
    proposer: str | None = None,
    replaces: int | None = None,
) -> int:
    """A meeting row as if made through chat (``when``: London local ``2026-03-05T10:00``)."""
    from storage.models import Meeting

    with transaction(w.db) as session:
        row = Meeting(
            pairing_id=pairing(w, *between),
            starts_at=instant(when),
            duration_minutes=minutes,
            mode=mode,
            location=location,
            status=status,
            proposed_by_id=w.ids[proposer or between[0]],
            replaces_id=replaces,
            created_at=w.now,
            updated_at=w.now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def meetings(w: World, **where: Any) -> list[Row]:
    return sorted(w.rows("meeting", **where), key=lambda r: r["starts_at"])


def new_meetings(w: World, **where: Any) -> list[Row]:
    return sorted(w.diff().new("meeting", **where), key=lambda r: r["starts_at"])


def expect_meeting(
    row: Row,
    start: str,
    *,
    minutes: int | None = 60,
    mode: str | None = None,
    location: str | None = None,
) -> None:
    """``row`` starts at ``start`` ("Thu 5 Mar 14:30") and, where given, has this length, mode
    and (a word of the) location."""
    expect(
        shown(row["starts_at"]) == start, f"meeting at {shown(row['starts_at'])}, wanted {start}"
    )
    if minutes is not None:
        expect(
            row["duration_minutes"] == minutes, f"{row['duration_minutes']} min, wanted {minutes}"
        )
    if mode is not None:
        expect(row["mode"] == mode, f"mode {row['mode']!r}, wanted {mode!r}")
    if location is not None:
        expect(
            location.lower() in (row["location"] or "").lower(),
            f"location {row['location']!r}, wanted {location!r}",
        )


def notified(w: World, name: str) -> bool:
    """Something new waits for ``name`` in the outbox (a notification, not a reply to them)."""
    return bool(w.sent(name))


def nothing_changed(w: World, allowed: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """No record changed and nothing was sent to anyone but the speaker (the corpus's
    "nothing is sent"). ``allowed`` names further tables a case may touch."""
    diff = w.diff()
    speaker_ids = {w.ids[t.who] for t in w.turns}
    for table in diff.tables() - BOOKKEEPING - set(allowed):
        if table == "outbox":
            others = [
                r for r in diff.added.get("outbox", []) if r.get("recipient_id") not in speaker_ids
            ]
            expect(
                not others,
                f"something was sent to {[w.names.get(r.get('recipient_id'), r.get('channel')) for r in others]}",
            )
            continue
        if (
            table == "person"
            and all(
                set(k for k in a if a[k] != b[k]) <= {"last_active_at"}
                for b, a in diff.changed.get("person", [])
            )
            and table not in diff.added
            and table not in diff.deleted
        ):
            continue
        raise Miss(f"records changed in {table}")


def reasked(w: World) -> bool:
    """The case ends on the very question the set-up left open: the answer was not taken."""
    return w.asked_before is not None and bool(w.turns) and w.last().asking == w.asked_before


def asked(w: World, *words: str) -> bool:
    """The bot's last answer asks a question mentioning each of ``words`` (lower case)."""
    last = w.last().rendered.lower()
    return "?" in last and all(word.lower() in last for word in words)


# -- meetings made as through chat (set-up for sections 2-4) ---------------------------------

PARTNER = {"priya": "tom", "tom": "priya", "nadia": "owen", "owen": "nadia"}
MODE_WORDS = {"video": "by video", "in_person": "in person", "phone": "by phone"}


def invite_out(w: World, meeting_id: int) -> None:
    """Record that the calendar invite of ``meeting_id`` went to both (as accepting sends it)."""
    from storage.meeting_queries import INVITE
    from storage.models import AuditLog

    with transaction(w.db) as session:
        session.add(AuditLog(at=w.now, action=INVITE, subject=f"meeting:{meeting_id}", detail={}))


def confirmed(
    w: World, when: str, *, between: tuple[str, str] = ("priya", "tom"), **kw: Any
) -> int:
    """A confirmed meeting (``when``: London local), its calendar invite out to both."""
    meeting_id = meeting(w, when, between=between, **kw)
    invite_out(w, meeting_id)
    return meeting_id


def _words(when: str) -> str:
    at = datetime.fromisoformat(when)
    return f"{at:%a} {at.day} {at:%b} at {at:%H:%M}"


def press_first(w: World, who: str, reason: str) -> Said:
    """Press the first choice of the last question (set-up only)."""
    expect(w.turns and w.turns[-1].questions, reason)
    choice = w.turns[-1].questions[-1].choices[0]
    return w.press(who, choice.action, choice.value)


def propose(
    w: World,
    when: str,
    *,
    who: str = "priya",
    minutes: int = 60,
    mode: str = "video",
    location: str = "",
) -> int:
    """``who`` proposes a meeting to their partner through the booking dialog (sent, waiting for
    the partner, who is notified as in chat): the id of the proposed meeting."""
    partner = PARTNER[who]
    before = {r["id"] for r in w.rows("meeting")}
    w.say(
        who,
        f"book a meeting with {partner} on {_words(when)} for {minutes} minutes {MODE_WORDS[mode]}",
    )
    press_first(w, who, "set-up: the booking did not reach its confirmation")
    made = [r for r in w.rows("meeting") if r["id"] not in before]
    expect(
        len(made) == 1 and made[0]["status"] == "proposed",
        "set-up: the booking did not store one proposal",
    )
    row = made[0]
    expect(
        local(row["starts_at"]) == datetime.fromisoformat(when).replace(tzinfo=LONDON)
        and row["duration_minutes"] == minutes
        and row["mode"] == mode,
        f"set-up: the proposal is {shown(row['starts_at'])}, {row['duration_minutes']} min, "
        f"{row['mode']}",
    )
    if location:
        from storage.models import Meeting

        with transaction(w.db) as session:
            stored = session.get(Meeting, row["id"])
            assert stored is not None
            stored.location = location
    return int(row["id"])


def counter(w: World, meeting_id: int, when: str, *, by: str = "tom") -> None:
    """``by`` suggests another time for proposal ``meeting_id`` (Suggest another time; sent)."""
    w.press(by, f"meeting:suggest:{meeting_id}")
    w.say(by, _words(when))
    press_first(w, by, "set-up: the counter-proposal did not reach its confirmation")
    rows = [r for r in w.rows("meeting", status="proposed") if r["proposed_by_id"] == w.ids[by]]
    expect(
        any(shown(r["starts_at"]) == shown(instant(when)) for r in rows),
        "set-up: the counter-proposal was not stored",
    )


def move_asked(w: World, meeting_id: int, when: str, *, who: str = "priya") -> int:
    """``who`` asks to move confirmed meeting ``meeting_id`` to ``when`` (sent, waiting for the
    partner): the id of the proposed move."""
    w.say(who, f"move our meeting to {_words(when)}")
    press_first(w, who, "set-up: the move did not reach its confirmation")
    moves = w.rows("meeting", replaces_id=meeting_id, status="proposed")
    expect(
        len(moves) == 1 and shown(moves[0]["starts_at"]) == shown(instant(when)),
        "set-up: the move was not stored",
    )
    return int(moves[0]["id"])


def told(w: World, name: str) -> str:
    """Everything sent to ``name`` in the case other than replies to their own turns (lower
    case): texts, questions and their choices."""
    out = []
    for row in w.sent(name):
        if row.get("kind") == "reply":
            continue
        for part in row.get("parts") or []:
            out.append(str(part.get("text", "")))
            out.extend(str(c.get("label", "")) for c in part.get("choices") or [])
    return "\n".join(out).lower()


def invites(w: World, meeting_id: int) -> list[str]:
    """Calendar files sent for ``meeting_id`` during the case: ``meeting.invite`` (a request to
    both) or ``meeting.invite_cancel``."""
    return [
        r["action"]
        for r in w.diff().new("audit_log", subject=f"meeting:{meeting_id}")
        if r["action"].startswith("meeting.invite")
    ]


def meeting_row(w: World, meeting_id: int) -> Row:
    rows = w.rows("meeting", id=meeting_id)
    expect(rows, f"meeting {meeting_id} is gone")
    return rows[0]
