"""A whole cohort walked through a year, the clock moved day by day: every nudge each person and
the lead channel received, exactly, and none twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.nudges import sweep
from conversations.scheme_config import load_scheme, parse_scheme
from storage import queries
from storage.db import transaction
from storage.models import (
    ActionItem,
    Concern,
    Contract,
    Meeting,
    Minutes,
    Nudge,
    Outbox,
    Pairing,
    Person,
    Survey,
    SurveyResponse,
)
from tests.transcript import Chat

START = datetime(2026, 1, 5, tzinfo=UTC)  # Monday 5 January 2026
LONDON = ZoneInfo("Europe/London")

SCHEME = """
[scheme]
slug = "year"
name = "A year of nudges"
time_zone = "Europe/London"
lead_channel = "lead"

[[cohorts]]
slug = "2026"
name = "2026 cohort"
starts_on = 2026-01-05
ends_on = 2026-12-31
contract_deadline = 2026-02-02

[[cohorts.events]]
key = "networking"
name = "Networking lunch"
starts_at = "2026-06-10 12:30"
mode = "virtual"

[[cohorts.surveys]]
key = "kit-1"
title = "keep-in-touch check-in"
kind = "checkin"
audience = "both"
opens_on = 2026-03-02
closes_on = 2026-03-13

[[cohorts.surveys.questions]]
key = "going"
text = "How is it going?"
kind = "scale"

[[cohorts.people]]
email = "lead@example.org"
name = "Lee Lead"
roles = ["lead"]

[[cohorts.people]]
email = "chair@example.org"
name = "Hana Chair"
roles = ["steering_chair"]

[[cohorts.people]]
email = "ann@example.org"
name = "Ann Mentee"
roles = ["mentee"]

[[cohorts.people]]
email = "ben@example.org"
name = "Ben Mentor"
roles = ["mentor"]

[[cohorts.people]]
email = "cal@example.org"
name = "Cal Mentee"
roles = ["mentee"]
time_zone = "America/New_York"

[[cohorts.people]]
email = "dee@example.org"
name = "Dee Mentor"
roles = ["mentor"]

[[cohorts.pairings]]
mentee = "ann@example.org"
mentor = "ben@example.org"
started_on = 2026-01-05

[[cohorts.pairings]]
mentee = "cal@example.org"
mentor = "dee@example.org"
started_on = 2026-01-05
"""


def _at(day: str, hh_mm: str = "12:00") -> datetime:
    """A London wall time as an aware UTC datetime."""
    local = datetime.fromisoformat(f"{day}T{hh_mm}").replace(tzinfo=LONDON)
    return local.astimezone(UTC)


class Year:
    def __init__(self, db: Engine) -> None:
        self.db = db
        load_scheme(db, parse_scheme(SCHEME, Clock.fixed(START)), Clock.fixed(START))
        with transaction(db) as s:
            self.ids = {p.email.split("@")[0]: p.id for p in s.exec(select(Person)).all()}
            pairs = s.exec(select(Pairing).order_by(Pairing.id)).all()  # type: ignore[arg-type]
            self.pair1, self.pair2 = (p.id for p in pairs)

    def chat(self, who: str, at: datetime, text: str = "thanks") -> None:
        Chat(self.db, Clock.fixed(at), f"{who}@example.org").said(text)

    def meeting(self, pair: int | None, starts: datetime, booked: datetime) -> int:
        assert pair is not None
        with transaction(self.db) as s:
            m = Meeting(
                pairing_id=pair,
                starts_at=starts,
                duration_minutes=60,
                mode="video",
                status="confirmed",
                proposed_by_id=self.ids["ann"],
                created_at=booked,
                updated_at=booked,
            )
            s.add(m)
            s.flush()
            assert m.id is not None
            return m.id

    def minutes(self, meeting_id: int, at: datetime, actions: list[tuple[str, str, date]]) -> None:
        with transaction(self.db) as s:
            meeting = s.get(Meeting, meeting_id)
            assert meeting is not None
            meeting.status = "held"
            minutes = Minutes(
                pairing_id=meeting.pairing_id,
                meeting_id=meeting_id,
                author_id=self.ids["ann"],
                held_on=meeting.starts_at.date(),
                discussion="…",
                created_at=at,
            )
            s.add(minutes)
            s.flush()
            for owner, text, due in actions:
                s.add(
                    ActionItem(
                        pairing_id=meeting.pairing_id,
                        minutes_id=minutes.id,
                        owner_id=self.ids[owner],
                        owner_name=owner,
                        text=text,
                        due=due,
                        created_at=at,
                    )
                )

    def done(self, text: str, at: datetime) -> None:
        with transaction(self.db) as s:
            # Action text is sealed at rest: found by reading, not by the database.
            (action,) = [a for a in s.exec(select(ActionItem)).all() if a.text == text]
            action.done_at = at
            s.add(action)

    def sign(self, pair: int | None, at: datetime) -> None:
        assert pair is not None
        with transaction(self.db) as s:
            s.add(
                Contract(
                    pairing_id=pair,
                    terms={},
                    mentee_signed_name="Ann Mentee",
                    mentee_signed_at=at,
                    mentor_signed_name="Ben Mentor",
                    mentor_signed_at=at,
                    updated_at=at,
                )
            )

    def answer(self, who: str, at: datetime) -> None:
        with transaction(self.db) as s:
            survey = s.exec(select(Survey)).one()
            assert survey.id is not None
            s.add(
                SurveyResponse(
                    survey_id=survey.id,
                    person_id=self.ids[who],
                    answers={"going": "4"},
                    submitted_at=at,
                )
            )

    def concern(self, who: str, at: datetime, acknowledged: datetime | None = None) -> None:
        with transaction(self.db) as s:
            cohort_id = s.exec(select(Pairing)).first().cohort_id  # type: ignore[union-attr]
            s.add(
                Concern(
                    cohort_id=cohort_id,
                    raised_by_id=self.ids[who],
                    category="other",
                    text="…",
                    created_at=at,
                    acknowledged_at=acknowledged,
                    acknowledged_by_id=self.ids["lead"] if acknowledged else None,
                )
            )

    def pause(self, who: str, until: datetime) -> None:
        with transaction(self.db) as s:
            person = s.get(Person, self.ids[who])
            assert person is not None
            person.paused_until = until
            s.add(person)


def _received(db: Engine) -> list[tuple[str, str, str]]:
    """(day it goes out, in the reader's zone; rule; who or which channel) for every nudge."""
    with transaction(db) as s:
        names = {p.id: p for p in s.exec(select(Person)).all()}
        rows = s.exec(
            select(Nudge, Outbox).join(Outbox, Outbox.id == Nudge.outbox_id)  # type: ignore[arg-type]
        ).all()
    result = []
    for nudge, out in rows:
        if out.recipient_id is not None:
            person = names[out.recipient_id]
            day = out.next_attempt_at.astimezone(ZoneInfo(person.time_zone)).strftime("%a %d %b")
            who = person.email.split("@")[0]
        else:
            day = out.next_attempt_at.astimezone(LONDON).strftime("%a %d %b")
            who = f"#{out.channel}"
        result.append((day, nudge.rule, who))
    return sorted(result, key=lambda r: (_day(r[0]), r[1], r[2]))


def _day(shown: str) -> date:
    return datetime.strptime(shown + " 2026 +0000", "%a %d %b %Y %z").date()


def test_a_year_of_nudges(engine: Engine) -> None:
    year = Year(engine)
    script: dict[date, list[Callable[[], None]]] = {}

    def on(day: str, action: Callable[[], None]) -> None:
        script.setdefault(date.fromisoformat(day), []).append(action)

    # January: pair 1 books and holds a meeting, logs minutes and two actions, signs the contract.
    on("2026-01-06", lambda: year.chat("ann", _at("2026-01-06")))
    on("2026-01-06", lambda: year.chat("ben", _at("2026-01-06")))
    first = {}
    on(
        "2026-01-06",
        lambda: first.setdefault(
            "id", year.meeting(year.pair1, _at("2026-01-15", "15:00"), _at("2026-01-06"))
        ),
    )
    on("2026-01-16", lambda: year.minutes(first["id"], _at("2026-01-16", "14:00"), [
        ("ann", "draft the business case", date(2026, 1, 30)),
        ("ben", "send the budget template", date(2026, 1, 20)),
    ]))  # fmt: skip
    on("2026-01-20", lambda: year.done("send the budget template", _at("2026-01-20", "12:00")))
    on("2026-01-20", lambda: year.sign(year.pair1, _at("2026-01-20")))
    for day in ("2026-01-16", "2026-01-20"):  # logging minutes and signing are chats too
        on(day, lambda day=day: year.chat("ann", _at(day)))
        on(day, lambda day=day: year.chat("ben", _at(day)))
    # Dee answers the bot now and then; Cal never does.
    for day in ("2026-01-27", "2026-02-20", "2026-03-20", "2026-04-17", "2026-05-15", "2026-06-12", "2026-07-10", "2026-08-07", "2026-09-04", "2026-10-02", "2026-10-30", "2026-11-27"):  # fmt: skip
        on(day, lambda day=day: year.chat("dee", _at(day, "16:00")))
    for day in ("2026-02-20", "2026-03-20", "2026-04-17", "2026-05-15", "2026-06-12", "2026-07-10", "2026-08-07", "2026-09-04", "2026-10-02", "2026-10-30", "2026-11-27"):  # fmt: skip
        on(day, lambda day=day: year.chat("ann", _at(day, "16:00")))
        on(day, lambda day=day: year.chat("ben", _at(day, "16:00")))
    # February: pair 1 books its second meeting late (after the 4-week nudge), holds it, and
    # never logs its minutes.
    on(
        "2026-02-20",
        lambda: year.meeting(year.pair1, _at("2026-02-26", "15:00"), _at("2026-02-20")),
    )
    # March: only Ann answers the check-in.
    on("2026-03-03", lambda: year.answer("ann", _at("2026-03-03")))
    # May: Cal raises a concern nobody acknowledges; Ann raises one the lead acknowledges.
    on("2026-05-04", lambda: year.concern("cal", _at("2026-05-04", "10:00")))
    on(
        "2026-05-05",
        lambda: year.concern("ann", _at("2026-05-05", "10:00"), _at("2026-05-05", "15:00")),
    )
    # June: Ben pauses his reminders over the networking lunch.
    on("2026-06-01", lambda: year.pause("ben", _at("2026-06-12", "09:00")))

    day = START.date()
    while day <= date(2026, 12, 31):
        for hour in (0, 9, 15, 18):
            at = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
            if hour == 15:  # people act mid-afternoon, before that sweep
                for action in script.get(day, []):
                    action()
            sweep(engine, Clock.fixed(at))
        day += timedelta(days=1)

    received = _received(engine)
    with transaction(engine) as s:
        periods = s.exec(select(Nudge.period)).all()
    # Every period is a date or a moment: the natural key never depends on wording.
    assert all(date.fromisoformat(p[:10]) for p in periods)
    assert len(received) == len(set(received)), "a nudge went out twice"
    assert received == EXPECTED
    with transaction(engine) as s:
        [cal_concern] = [c for c in s.exec(select(Concern)).all() if c.acknowledged_at is None]
        assert cal_concern.escalated_at is not None
        assert queries.person_by_email(s, "chair@example.org") is not None


# Read as: (the day it goes out, in the reader's own time zone; the rule; who, or #channel).
# Cal is in New York; Ben is paused over the networking lunch; Cal never answers anything, so
# the lead hears once (23 Feb); Ann's acknowledged concern is not escalated, Cal's is; the lead
# channel is told when the 6 and 9-month reports are due.
EXPECTED: list[tuple[str, str, str]] = [
    ("Wed 14 Jan", "meeting_reminder", "ann"),
    ("Wed 14 Jan", "meeting_reminder", "ben"),
    ("Fri 16 Jan", "minutes_after", "ann"),
    ("Mon 19 Jan", "action_soon", "ben"),
    ("Mon 26 Jan", "contract_7d", "cal"),
    ("Mon 26 Jan", "contract_7d", "dee"),
    ("Wed 28 Jan", "action_soon", "ann"),
    ("Mon 02 Feb", "action_overdue", "ann"),
    ("Mon 02 Feb", "contract_2d", "cal"),
    ("Mon 02 Feb", "contract_2d", "dee"),
    ("Mon 02 Feb", "contract_unsigned_lead", "#lead"),
    ("Mon 02 Feb", "meeting_due_mentee", "cal"),
    ("Thu 12 Feb", "meeting_due_mentee", "ann"),
    ("Mon 16 Feb", "meeting_due_both", "cal"),
    ("Mon 16 Feb", "meeting_due_both", "dee"),
    ("Mon 23 Feb", "silence_lead", "#lead"),
    ("Wed 25 Feb", "meeting_reminder", "ann"),
    ("Wed 25 Feb", "meeting_reminder", "ben"),
    ("Fri 27 Feb", "minutes_after", "ann"),
    ("Mon 02 Mar", "minutes_next_day", "ann"),
    ("Mon 02 Mar", "survey_open", "ann"),
    ("Mon 02 Mar", "survey_open", "ben"),
    ("Mon 02 Mar", "survey_open", "cal"),
    ("Mon 02 Mar", "survey_open", "dee"),
    ("Fri 06 Mar", "survey_7d", "ben"),
    ("Fri 06 Mar", "survey_7d", "cal"),
    ("Fri 06 Mar", "survey_7d", "dee"),
    ("Wed 11 Mar", "survey_2d", "ben"),
    ("Wed 11 Mar", "survey_2d", "cal"),
    ("Wed 11 Mar", "survey_2d", "dee"),
    ("Fri 13 Mar", "survey_0d", "ben"),
    ("Fri 13 Mar", "survey_0d", "cal"),
    ("Fri 13 Mar", "survey_0d", "dee"),
    ("Mon 16 Mar", "survey_unanswered_lead", "#lead"),
    ("Thu 26 Mar", "meeting_due_mentee", "ann"),
    ("Thu 09 Apr", "meeting_due_both", "ann"),
    ("Thu 09 Apr", "meeting_due_both", "ben"),
    ("Wed 06 May", "concern_escalation", "chair"),
    ("Wed 03 Jun", "event_7d", "ann"),
    ("Wed 03 Jun", "event_7d", "cal"),
    ("Wed 03 Jun", "event_7d", "dee"),
    ("Tue 09 Jun", "event_1d", "ann"),
    ("Tue 09 Jun", "event_1d", "cal"),
    ("Tue 09 Jun", "event_1d", "dee"),
    ("Mon 06 Jul", "report_due", "#lead"),  # the 6-month point, Sun 5 Jul: the next working day
    ("Mon 05 Oct", "report_due", "#lead"),  # the 9-month point (12 months is 5 Jan 2027)
]
