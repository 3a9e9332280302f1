"""Minutes and actions, played as conversations through the console rendering with the fixed clock
(Mon 23 Nov 2026, 10:00 in London). Priya Shah (mentee) and Tom Okafor (mentor) are a pair; Nadia
Kaur (mentee2) is in another pair; Morgan Ellis is the project lead."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.dates import Ask
from conversations.dialogs.minutes import Pair, ParsedAction, parse_action, past_day
from conversations.messages import Incoming
from storage import queries
from storage.db import transaction
from storage.models import ActionItem, Meeting, Minutes, Outbox, Pairing
from tests.conftest import NOW
from tests.test_cli import loaded, mentorbot  # noqa: F401 - ``loaded`` is a fixture
from tests.transcript import Chat

ONE_SHOT = (
    "met Tom today for an hour; discussed the business case; actions: Priya: draft the "
    "business case by 5 Dec; Tom: send the budget template by Friday; next meeting 8 Jan 3pm"
)
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, tzinfo=UTC)


# -- helpers --------------------------------------------------------------------------------


def _minutes(db: Engine) -> list[Minutes]:
    with transaction(db) as session:
        return list(session.exec(select(Minutes).order_by(col(Minutes.id))).all())


def _actions(db: Engine) -> list[ActionItem]:
    with transaction(db) as session:
        return list(session.exec(select(ActionItem).order_by(col(ActionItem.id))).all())


def _outbox_for(db: Engine, person_id: int) -> list[Outbox]:
    with transaction(db) as session:
        return list(
            session.exec(
                select(Outbox)
                .where(Outbox.recipient_id == person_id, Outbox.kind != "reply")
                .order_by(col(Outbox.id))
            ).all()
        )


def _pairing(db: Engine, mentee_email: str = "mentee@example.org") -> Pairing:
    with transaction(db) as session:
        person = queries.person_by_email(session, mentee_email)
        assert person is not None
        return session.exec(select(Pairing).where(Pairing.mentee_id == person.id)).one()


def _meeting(db: Engine, starts_at: datetime, status: str = "confirmed") -> int:
    pairing = _pairing(db)
    with transaction(db) as session:
        meeting = Meeting(
            pairing_id=pairing.id or 0,
            starts_at=starts_at,
            duration_minutes=60,
            status=status,
            proposed_by_id=pairing.mentee_id,
            created_at=MONDAY - timedelta(days=14),
            updated_at=MONDAY - timedelta(days=14),
        )
        session.add(meeting)
        session.flush()
        assert meeting.id is not None
        return meeting.id


def _meeting_status(db: Engine, meeting_id: int) -> str:
    with transaction(db) as session:
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        return meeting.status


def _export(db: Engine, email: str) -> dict[str, Any]:
    with transaction(db) as session:
        person = queries.person_by_email(session, email)
        assert person is not None
        assert person.id is not None
        return queries.export_person(session, person.id)


def _log_one_shot(mentee: Chat) -> None:
    mentee.said("minutes: " + ONE_SHOT)
    assert "Saved the minutes" in mentee.said("save")


# -- one message, several phrasings ----------------------------------------------------------


def test_the_one_shot_is_confirmed_then_saved_and_the_mentor_told(
    mentee: Chat, mentor: Chat
) -> None:
    reply = mentee.said("minutes: " + ONE_SHOT)
    assert (
        "Here are the minutes:\n"
        "*Meeting:* Mon 23 Nov\n"
        "*Discussion:* Discussed the business case\n"
        "*Actions:*\n"
        "1. Draft the business case: you, due Sat 5 Dec\n"
        "2. Send the budget template: Tom Okafor, due Fri 27 Nov\n"
        "*Next meeting:* Fri 8 Jan 2027, 15:00"
    ) in reply
    assert "Shall I save these minutes?\n  1. Save\n  2. Change something" in reply
    assert _minutes(mentee.db) == []  # nothing saved before the confirmation

    saved = mentee.said("1")
    assert "Saved the minutes of your meeting on Mon 23 Nov, with 2 actions." in saved
    assert "I've let Tom know" in saved
    assert "You agreed to meet next on Fri 8 Jan 2027, 15:00." in saved
    assert "  1. Book it now" in saved
    assert "say *book a meeting 8 Jan 2027 15:00*" in saved

    [minutes] = _minutes(mentee.db)
    assert (minutes.held_on, minutes.discussion) == (
        date(2026, 11, 23),
        "Discussed the business case",
    )
    # The meeting was never booked: the minutes record it as held (for reports and reminders).
    with transaction(mentee.db) as s:
        meeting = s.get(Meeting, minutes.meeting_id)
        pairing = s.exec(select(Pairing).where(Pairing.mentee_id == mentee.person_id)).first()
    assert meeting is not None
    assert pairing is not None
    assert (meeting.status, meeting.starts_at, meeting.pairing_id) == (
        "held",
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),  # midday would be later than now (10:00)
        pairing.id,
    )
    assert (meeting.duration_minutes, pairing.last_contact_at) == (60, meeting.starts_at)
    assert minutes.author_id == mentee.person_id
    assert "Next meeting agreed: Fri 8 Jan 2027, 15:00" in minutes.decisions
    assert [
        (a.text, a.owner_id, a.owner_name, a.due, a.minutes_id) for a in _actions(mentee.db)
    ] == [
        ("Draft the business case", mentee.person_id, "Priya Shah", date(2026, 12, 5), minutes.id),
        (
            "Send the budget template",
            mentor.person_id,
            "Tom Okafor",
            date(2026, 11, 27),
            minutes.id,
        ),
    ]

    # The notification, then (first minutes of the pair) "how does the pairing feel?".
    [note, fit] = _outbox_for(mentee.db, mentor.person_id)
    assert fit.kind == "fit_check"
    assert note.preview == "Priya has logged the minutes of your meeting on Mon 23 Nov."
    assert "business case" not in note.preview
    private = [p for p in note.parts if p.get("private")]
    assert len(private) == 1
    assert "Send the budget template (you, due Fri 27 Nov)" in private[0]["text"]
    inbox = mentor.inbox()
    assert "Type *our minutes* to read them" in inbox
    assert "Next meeting agreed: Fri 8 Jan 2027, 15:00. Priya will send you the booking." in inbox


def test_the_book_it_now_button_asks_for_the_booking_with_the_date(mentee: Chat) -> None:
    mentee.said("minutes: " + ONE_SHOT)
    mentee.said("save")
    # The console turns "1" into the button press; booking is another journey's dialog.
    msg, _ = mentee.session.inbound("1")
    assert msg is not None
    assert (msg.action, msg.values) == ("intent:book_meeting", {"value": "8 Jan 2027 15:00"})


def test_the_bare_one_shot_starts_the_minutes(mentee: Chat) -> None:
    assert "Here are the minutes:" in mentee.said(ONE_SHOT)


def test_log_minutes_for_today_s_meeting_links_the_booked_meeting(mentee: Chat) -> None:
    booked = _meeting(mentee.db, MONDAY - timedelta(hours=1))  # 09:00 today
    reply = mentee.said("log minutes for today's meeting")
    assert "Tom will be able to read them too, and nobody else." in reply
    assert "What did you discuss, and what did you decide?" in reply
    assert "the actions you agreed?" in mentee.said(
        "Board paper structure; agreed I lead the next huddle"
    )
    assert "When is your next meeting?" in mentee.said(
        "Tom: send me his board paper by Friday\nme: book the huddle room by 30 Nov"
    )
    reply = mentee.said("not yet")
    assert "*Meeting:* Mon 23 Nov (the meeting booked for 09:00)" in reply
    assert "*Next meeting:* not agreed yet" in reply
    assert "Saved the minutes" in mentee.said("yes")
    [minutes] = _minutes(mentee.db)
    assert minutes.meeting_id == booked
    assert _meeting_status(mentee.db, booked) == "held"
    assert [(a.text, a.owner_name, a.due) for a in _actions(mentee.db)] == [
        ("Send Priya his board paper", "Tom Okafor", date(2026, 11, 27)),
        ("Book the huddle room", "Priya Shah", date(2026, 11, 30)),
    ]


def test_record_notes_asks_which_meeting_when_several_have_no_minutes(mentee: Chat) -> None:
    older = _meeting(mentee.db, datetime(2026, 11, 5, 14, tzinfo=UTC))
    latest = _meeting(mentee.db, datetime(2026, 11, 19, 15, tzinfo=UTC), status="proposed")
    _meeting(mentee.db, datetime(2026, 11, 30, 15, tzinfo=UTC))  # still to come
    _meeting(mentee.db, datetime(2026, 11, 20, 15, tzinfo=UTC), status="cancelled")
    reply = mentee.said("record notes")
    assert (
        "Which meeting are these minutes for? More than one has none yet.\n"
        "  1. Thu 19 Nov, 15:00\n  2. Thu 5 Nov, 14:00"
    ) in reply
    assert "What did you discuss" in mentee.said("1")
    mentee.said("Workforce plan")
    reply = mentee.said("none")
    assert "*Meeting:* Thu 19 Nov (the meeting booked for 15:00)" in reply
    assert "*Actions:* none" in reply
    # The next meeting is booked already (30 Nov): it is shown, not asked for.
    assert "*Next meeting:* Mon 30 Nov, 15:00 (already booked)" in reply
    mentee.said("save")
    assert [m.meeting_id for m in _minutes(mentee.db)] == [latest]
    # The next time, the older meeting is the only one still without minutes.
    mentee.said("record notes")
    mentee.said("Objectives")
    assert "*Meeting:* Thu 5 Nov (the meeting booked for 14:00)" in mentee.said("none")
    mentee.said("save")
    assert [m.meeting_id for m in _minutes(mentee.db)] == [latest, older]
    assert _meeting_status(mentee.db, older) == "held"


def test_without_a_booked_meeting_the_day_is_asked_and_the_meeting_recorded_as_held(
    mentee: Chat,
) -> None:
    assert "When did you meet?" in mentee.said("log minutes")
    assert "What did you discuss" in mentee.said("we met yesterday")
    mentee.said("Career plan and CV")
    mentee.said("Tom: introduce me to the finance lead; me: update my CV by end of the month")
    reply = mentee.said("no date")  # for the introduction
    assert "When is your next meeting?" in reply
    reply = mentee.said("Tuesday 5 Jan at 3pm")
    assert "*Meeting:* Sun 22 Nov" in reply
    assert "1. Introduce Priya to the finance lead: Tom Okafor, no due date" in reply
    assert "2. Update my CV: you, due Mon 30 Nov" in reply
    assert "*Next meeting:* Tue 5 Jan 2027, 15:00" in reply
    mentee.said("save")
    [minutes] = _minutes(mentee.db)
    assert minutes.held_on == date(2026, 11, 22)
    with transaction(mentee.db) as session:
        meetings = session.exec(select(Meeting)).all()
    # One meeting: the one held on Sunday (midday, London), an hour by default; the next
    # meeting agreed is not booked until the mentee books it.
    assert [(m.id, m.status, m.starts_at, m.duration_minutes) for m in meetings] == [
        (minutes.meeting_id, "held", datetime(2026, 11, 22, 12, 0, tzinfo=UTC), 60)
    ]


# -- reading action lines and days -----------------------------------------------------------

PAIR = Pair(mentee_id=1, mentee_name="Priya Shah", mentor_id=2, mentor_name="Tom Okafor")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Priya: draft the business case by 5 Dec",
            ParsedAction("Draft the business case", 1, None, date(2026, 12, 5)),
        ),
        (
            "Tom: send the budget template by Friday",
            ParsedAction("Send the budget template", 2, None, date(2026, 11, 27)),
        ),
        ("tom okafor: call HR tomorrow.", ParsedAction("Call HR", 2, None, date(2026, 11, 24))),
        ("me: read the framework due 12/12", ParsedAction("Read the framework", 1, None, date(2026, 12, 12))),
        ("I'll book the room by end of the month", ParsedAction("Book the room", 1, None, date(2026, 11, 30))),
        ("Tom to share his board paper by 4 Dec", ParsedAction("Share his board paper", 2, None, date(2026, 12, 4))),
        ("- Both: agree objectives by 1 Dec", ParsedAction("Agree objectives", "both", None, date(2026, 12, 1))),
        ("Action: we: review progress on 15 Jan", ParsedAction("Review progress", "both", None, date(2027, 1, 15))),
        ("Sam: draft the case by 5 Dec", ParsedAction("Draft the case", None, "Sam", date(2026, 12, 5))),
        ("draft the case", ParsedAction("Draft the case")),
        ("Tom: update the CV (no date)", ParsedAction("Update the CV", 2, no_date=True)),
        (
            "Priya: present at the board by 1 Nov",
            ParsedAction(
                "Present at the board", 1,
                due_note="1 Nov 2026 is in the past. Which date did you mean?",
            ),
        ),
        (
            "Tom: review my CV by 31 Feb",
            ParsedAction(
                "Review Priya's CV", 2, due_note="There is no 31 February. Which date did you mean?"
            ),
        ),
        ("Tom:", None),
    ],
)  # fmt: skip
def test_action_lines(line: str, expected: ParsedAction | None) -> None:
    assert parse_action(line, PAIR, 1, MONDAY, LONDON) == expected


def test_outside_an_actions_list_only_a_known_owner_makes_an_action() -> None:
    assert parse_action("Budget: overspent by 5k", PAIR, 1, MONDAY, LONDON, strict=True) is None
    assert parse_action("we discussed it", PAIR, 1, MONDAY, LONDON, strict=True) is None
    assert parse_action("Tom: call HR", PAIR, 1, MONDAY, LONDON, strict=True) == ParsedAction(
        "Call HR", 2
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("met Tom today", date(2026, 11, 23)),
        ("today's meeting", date(2026, 11, 23)),
        ("we met yesterday", date(2026, 11, 22)),
        ("the day before yesterday", date(2026, 11, 21)),
        ("on Thursday", date(2026, 11, 19)),
        ("last Monday", date(2026, 11, 16)),
        ("on Monday", date(2026, 11, 23)),
        ("19 Nov", date(2026, 11, 19)),
        ("the 3rd of March", date(2026, 3, 3)),
        ("Feb 20", date(2026, 2, 20)),
        ("on 20 Feb", date(2026, 2, 20)),
        ("20 Jan", date(2026, 1, 20)),
        ("20/11", date(2026, 11, 20)),
        ("2026-10-01", date(2026, 10, 1)),
        ("we talked", None),
    ],
)
def test_days_a_meeting_was_held(text: str, expected: date | None) -> None:
    assert past_day(text, date(2026, 11, 23)) == expected


def test_a_day_still_to_come_or_impossible_is_asked() -> None:
    assert past_day("on 30 Nov 2026", date(2026, 11, 23)) == Ask(
        "Mon 30 Nov is still to come.", "impossible"
    )
    assert past_day("Dec 20", date(2026, 11, 23)) == Ask(
        "Sun 20 Dec is still to come.", "impossible"
    )
    # Far ahead this year without a year: last year's.
    assert past_day("20 Dec", date(2026, 2, 10)) == date(2025, 12, 20)
    assert past_day("31 Feb", date(2026, 11, 23)) == Ask("There is no 31 February.", "impossible")


# -- corrections --------------------------------------------------------------------------


def test_corrections_before_saving(mentee: Chat) -> None:
    mentee.said("minutes: " + ONE_SHOT)
    assert "2. Send the budget template: Tom Okafor, due Sat 12 Dec" in mentee.said(
        "change action 2 due to 12 Dec"
    )
    assert "1. Draft the business case: Tom Okafor, due Sat 5 Dec" in mentee.said(
        "change action 1 owner to Tom"
    )
    reply = mentee.said("change action 1 to: draft the outline of the business case")
    assert "1. Draft the outline of the business case: Tom Okafor, due Sat 5 Dec" in reply
    reply = mentee.said("remove action 2")
    assert "Removed: Send the budget template." in reply
    assert "2. Send" not in reply
    assert "When is *Ask finance for figures* due?" in mentee.said(
        "add action: me: ask finance for figures"
    )
    reply = mentee.said("by 4 Dec")
    assert "2. Ask finance for figures: you, due Fri 4 Dec" in reply
    assert "*Next meeting:* Tue 12 Jan 2027, 14:00" in mentee.said(
        "change the next meeting to 12 Jan 2pm"
    )
    assert "*Meeting:* Sun 22 Nov" in mentee.said("change the date to yesterday")
    assert "*Discussion:* Budget lines and who signs off" in mentee.said(
        "change the discussion to: budget lines and who signs off"
    )
    assert "There's no action 7: the actions are numbered 1 to 2." in mentee.said("remove action 7")
    mentee.said("save")
    [minutes] = _minutes(mentee.db)
    assert (minutes.held_on, minutes.discussion) == (
        date(2026, 11, 22),
        "Budget lines and who signs off",
    )
    assert [(a.text, a.owner_name, a.due) for a in _actions(mentee.db)] == [
        ("Draft the outline of the business case", "Tom Okafor", date(2026, 12, 5)),
        ("Ask finance for figures", "Priya Shah", date(2026, 12, 4)),
    ]


def test_change_something_offers_each_part(mentee: Chat) -> None:
    mentee.said("minutes: " + ONE_SHOT)
    reply = mentee.said("Change something")
    assert "What would you like to change?\n  1. The day we met\n  2. Discussion" in reply
    reply = mentee.said("2")
    assert "You wrote: Discussed the business case" in reply
    reply = mentee.said("The business case and the board timetable")
    assert "*Discussion:* The business case and the board timetable" in reply
    mentee.said("Change something")
    assert "*change action 2 due to 12 Dec*" in mentee.said("Actions")
    mentee.said("Change something")
    mentee.said("Decisions")
    assert "*Decisions:* Go to the board in March" in mentee.said("Go to the board in March")


def test_the_change_itself_can_be_typed_when_asked_which_part(mentee: Chat) -> None:
    mentee.said("minutes: " + ONE_SHOT)
    assert "What would you like to change?" in mentee.said("no")
    reply = mentee.said("change action 2 due to 12 Dec")
    assert "2. Send the budget template: Tom Okafor, due Sat 12 Dec" in reply
    assert "Shall I save these minutes?" in reply
    reply = mentee.said("yes, but remove action 1")
    assert "Removed: Draft the business case." in reply
    mentee.said("save")
    assert [a.text for a in _actions(mentee.db)] == ["Send the budget template"]


def test_a_long_met_line_is_kept_as_notes(mentee: Chat) -> None:
    reply = mentee.said(
        "minutes: we met yesterday and Tom walked me through how he built his first business "
        "case; next time I will bring numbers; no actions; next meeting not yet"
    )
    assert "*Meeting:* Sun 22 Nov" in reply
    assert (
        "*Discussion:* We met yesterday and Tom walked me through how he built his first "
        "business case\nNext time I will bring numbers"
    ) in reply


def test_an_unknown_owner_and_a_past_due_date_are_asked(mentee: Chat) -> None:
    reply = mentee.said(
        "log minutes: we met today; discussed the audit; "
        "actions: Sam: book the room by 1 Dec; Tom: share the audit tool by 1 Nov; next meeting not yet"
    )
    assert "I don't know who 'Sam' is. Who will do *Book the room*?" in reply
    assert "  1. Priya Shah (you)\n  2. Tom Okafor\n  3. Both of us" in reply
    assert "Actions are for Priya, Tom or both of you." in mentee.said("Sam Smith")
    reply = mentee.said("3")
    assert "*Share the audit tool*: 1 Nov 2026 is in the past. Which date did you mean?" in reply
    assert "There is no 31 February" in mentee.said("31 Feb")
    reply = mentee.said("8 Dec")
    assert "1. Book the room: Both, due Tue 1 Dec" in reply
    assert "2. Share the audit tool: Tom Okafor, due Tue 8 Dec" in reply
    mentee.said("save")
    assert [(a.owner_id, a.owner_name) for a in _actions(mentee.db)] == [
        (None, "Both"),
        (_pairing(mentee.db).mentor_id, "Tom Okafor"),
    ]


# -- the patient data guard -----------------------------------------------------------------


def test_an_nhs_number_in_the_notes_is_asked_about_and_removed(mentee: Chat) -> None:
    # Asked as soon as it is written, before the confirmation.
    reply = mentee.said(
        "minutes: met today; discussed the audit of patient 943 476 5919; "
        "actions: me: re-run the audit by 4 Dec; next meeting not yet"
    )
    assert "This looks like it includes an NHS number." in reply
    assert "I haven't saved anything yet." in reply
    assert _minutes(mentee.db) == []
    assert "Saved the minutes of your meeting on Mon 23 Nov (without the patient details)" in (
        mentee.said("1")
    )
    [minutes] = _minutes(mentee.db)
    assert minutes.discussion == "Discussed the audit of patient [removed]"
    with transaction(mentee.db) as session:
        stored = session.exec(select(Outbox)).all()
    assert not any("943 476 5919" in json.dumps(row.parts) for row in stored if row.kind != "reply")


def test_patient_data_in_an_action_can_be_rewritten_first(mentee: Chat) -> None:
    reply = mentee.said(
        "minutes: met today; discussed the audit; actions: me: chase result for AB1234567 "
        "by 4 Dec; next meeting not yet"
    )
    assert "a hospital number" in reply
    assert "Please type action 1 again, without it." in mentee.said("Let me rewrite it")
    assert "Shall I save these minutes?" in mentee.said("chase the audit result")
    mentee.said("save")
    assert [(a.text, a.due) for a in _actions(mentee.db)] == [
        ("Chase the audit result", date(2026, 12, 4))
    ]


def test_the_guard_can_be_told_it_is_not_patient_data(mentee: Chat) -> None:
    reply = mentee.said(
        "minutes: met today; discussed budget code CC1234567; no actions; next meeting not yet"
    )
    assert "a hospital number" in reply
    assert "Please choose one of these" in mentee.said("maybe")
    assert "Shall I save these minutes?" in mentee.said("Keep it: it's not patient data")
    mentee.said("save")
    assert _minutes(mentee.db)[0].discussion == "Discussed budget code CC1234567"


def test_patient_data_put_off_is_asked_again_at_the_save_and_can_be_rewritten(
    mentee: Chat,
) -> None:
    reply = mentee.said(
        "minutes: met today; discussed the audit of patient 943 476 5919; no actions"
    )
    assert "This looks like it includes an NHS number." in reply
    # "not yet" answers what comes next (the next meeting), and the guard waits for the save.
    assert "Shall I save these minutes?" in mentee.said("not yet")
    assert "This looks like it includes an NHS number." in mentee.said("save")
    assert _minutes(mentee.db) == []
    assert "Please type the discussion again, without it." in mentee.said("rewrite it")
    assert "*Discussion:* Discussed the audit results" in mentee.said("discussed the audit results")
    mentee.said("save")
    assert [m.discussion for m in _minutes(mentee.db)] == ["Discussed the audit results"]


# -- my actions and done --------------------------------------------------------------------


def test_my_actions_are_numbered_by_due_date_and_overdue_is_marked(demo: Engine) -> None:
    mentee = Chat(demo, Clock.fixed(NOW), "mentee@example.org")
    mentee.said(
        "minutes: met today; discussed plans; actions: me: update CV by 30 Nov; "
        "Tom: send template by Friday; both: agree objectives (no date); next meeting not yet"
    )
    mentee.said("save")
    later = Chat(demo, Clock.fixed("2026-11-30T09:00:00+00:00"), "mentor@example.org")
    reply = later.said("my actions")
    assert (
        "Your pair's open actions:\n"
        "1. Send template (you, due Fri 27 Nov, *overdue*)\n"
        "2. Update CV (Priya Shah, due today)\n"
        "3. Agree objectives (Both, no due date)"
    ) in reply
    assert "Say *done 2*" in reply


def test_done_by_number_and_by_text_with_undo(mentee: Chat, mentor: Chat) -> None:
    _log_one_shot(mentee)
    # Numbered as "my actions" shows them: Fri 27 Nov before Sat 5 Dec.
    reply = mentor.said("done 1")
    assert "Ticked off: *Send the budget template*." in reply
    assert "1 action still open: type *my actions* to see them." in reply
    assert "There's no action 5: you have 1 open action." in mentee.said("done 5")
    reply = mentee.said("done draft business case")
    assert "Ticked off: *Draft the business case*." in reply
    assert "That was the last open action." in reply
    assert [a.done_at is not None for a in _actions(mentee.db)] == [True, True]
    assert "Reopened: *Draft the business case*." in mentee.said("Undo")
    assert "1. Draft the business case (you, due Sat 5 Dec)" in mentee.said("my actions")
    # The partner is not told about each tick.
    assert mentor.inbox().count("Ticked off") == 0


def test_done_with_several_matches_asks_which(mentee: Chat) -> None:
    mentee.said(
        "minutes: met today; discussed budgets; actions: me: draft the budget by 1 Dec; "
        "me: draft the business case by 4 Dec; next meeting not yet"
    )
    mentee.said("save")
    reply = mentee.said("done draft")
    assert "Which one did you mean?\n  1. Draft the budget\n  2. Draft the business case" in reply
    assert "Ticked off: *Draft the business case*." in mentee.said("2")
    reply = mentee.said("done budget spreadsheet")
    assert "I couldn't find 'budget spreadsheet' exactly. Did you mean one of these?" in reply
    assert "I couldn't find an open action like 'rota'" in mentee.said("done rota")
    assert [a.done_at is not None for a in _actions(mentee.db)] == [False, True]


def test_no_actions_yet(mentee: Chat) -> None:
    assert "You have no open actions." in mentee.said("my actions")
    assert "You have no open actions to tick off." in mentee.said("done 1")


# -- who may see what ------------------------------------------------------------------------


def test_the_mentor_is_told_the_mentee_keeps_the_minutes(mentor: Chat) -> None:
    reply = mentor.said("log minutes for today's meeting")
    assert "the mentee keeps the minutes, so Priya will log them" in reply
    assert "*our minutes*" in reply
    assert _minutes(mentor.db) == []


def test_the_mentor_sees_minutes_and_actions_but_not_the_diary(mentee: Chat, mentor: Chat) -> None:
    mentee.said("diary: I felt nervous before meeting Tom")
    _log_one_shot(mentee)
    reply = mentor.said("our minutes")
    assert "Your minutes (only you and your partner can read them), 1–1 of 1:" in reply
    assert "Discussion: Discussed the business case" in reply
    assert "• Send the budget template (you, due Fri 27 Nov)" in reply
    assert "nervous" not in reply
    assert "Send the budget template" in mentor.said("my actions")
    assert "The reflective diary is for mentees" in mentor.said("my diary")


def test_nobody_outside_the_pair_sees_its_minutes_or_actions(demo: Engine, mentee: Chat) -> None:
    _log_one_shot(mentee)
    [action, _] = _actions(demo)
    other = Chat(demo, Clock.fixed(NOW), "mentee2@example.org")
    assert "There are no minutes yet." in other.said("our minutes")
    assert "You have no open actions." in other.said("my actions")
    assert "You have no open actions to tick off." in other.said("done 1")
    # Even a forged button press cannot close another pair's action.
    forged = Incoming(person_id=other.person_id, action=f"action:done:{action.id}")
    assert "I couldn't find that action." in other.send(forged)
    assert [a.done_at for a in _actions(demo)] == [None, None]
    lead = Chat(demo, Clock.fixed(NOW), "lead@example.org")
    for ask in ("our minutes", "my actions", "log minutes"):
        reply = lead.said(ask)
        assert "business case" not in reply
        assert "not in a mentoring pair" in reply or "not in one" in reply
    assert "business case" not in json.dumps(_export(demo, "mentee2@example.org"))
    assert "business case" not in json.dumps(_export(demo, "lead@example.org"))


def test_minutes_are_paginated_newest_first(mentee: Chat) -> None:
    for day in range(1, 8):
        mentee.said(
            f"minutes: we met on {day} Nov; discussed topic {day}; no actions; next meeting not yet"
        )
        mentee.said("save")
    first = mentee.said("our minutes")
    assert "1–5 of 7" in first
    assert first.index("topic 7") < first.index("topic 3")
    assert "topic 2" not in first
    second = mentee.said("1")  # Show older minutes
    assert "6–7 of 7" in second
    assert "topic 2" in second
    assert "topic 1" in second
    assert "Would you like to see more?" not in second


# -- bad input, and leaving and coming back ---------------------------------------------------


def test_odd_input_gets_a_kind_reply_and_nothing_half_saved(mentee: Chat) -> None:
    assert "When did you meet?" in mentee.said("log minutes")
    assert "I didn't get anything there." in mentee.said("   ")
    assert "Sorry, I couldn't read a day in that." in mentee.said("🙂🙂")
    assert "Mon 30 Nov is still to come." in mentee.said("on 30 Nov")
    assert "You were paired on Mon 26 Oct" in mentee.said("1 Oct")
    assert "There is no 31 February." in mentee.said("31 Feb")
    mentee.said("today")
    reply = mentee.said("x" * 20_000)
    assert "That's 20,000 characters, more than I can keep in one go (5,000)." in reply
    reply = mentee.said("<b>Robert'); DROP TABLE minutes;--</b> 🎉 *bold* <!channel>")
    assert "the actions you agreed?" in reply
    assert "I couldn't find an action in that." in mentee.said("...")
    mentee.said("none")
    assert "Sorry, I couldn't read a date in that." in mentee.said("whenever suits")
    assert "in the past" in mentee.said("2 Nov")
    mentee.said("not yet")
    mentee.said("save")
    [minutes] = _minutes(mentee.db)
    assert minutes.discussion == "<b>Robert'); DROP TABLE minutes;--</b> 🎉 *bold* <!channel>"


def test_a_very_long_first_message_is_refused_whole(mentee: Chat) -> None:
    reply = mentee.said("minutes: " + "y" * 20_000)
    assert "more than I can keep in one go" in reply
    assert "Say *log minutes* and I'll ask for each part in turn." in reply
    assert _minutes(mentee.db) == []


def test_cancel_back_and_restart_mid_dialog(mentee: Chat) -> None:
    mentee.said("log minutes")
    mentee.said("today")
    assert "the actions you agreed?" in mentee.said("Rota planning")
    assert "What did you discuss" in mentee.said("back")
    mentee.said("Rota planning and leave")
    mentee.restart()  # a new process
    assert "When is your next meeting?" in mentee.said("none")
    reply = mentee.said("cancel")
    assert "Cancelled your meeting minutes: nothing was saved." in reply
    assert _minutes(mentee.db) == []
    assert "There are no minutes yet." in mentee.said("our minutes")


def test_a_day_s_pause_resumes_where_it_was(demo: Engine) -> None:
    monday = Chat(demo, Clock.fixed("2026-11-23T16:00:00+00:00"), "mentee@example.org")
    monday.said("log minutes for today's meeting")
    monday.said("Objectives for the year")
    tuesday = Chat(demo, Clock.fixed("2026-11-24T09:00:00+00:00"), "mentee@example.org")
    assert "When is your next meeting?" in tuesday.said("me: write objectives by Friday")
    reply = tuesday.said("not yet")
    assert "*Meeting:* Mon 23 Nov" in reply
    assert "1. Write objectives: you, due Fri 27 Nov" in reply
    assert "Saved the minutes of your meeting on Mon 23 Nov" in tuesday.said("save")


def test_the_export_shows_minutes_and_actions_to_both_partners(mentee: Chat, mentor: Chat) -> None:
    _log_one_shot(mentee)
    mentee.said("done 1")
    for email in ("mentee@example.org", "mentor@example.org"):
        data = _export(mentee.db, email)
        assert [m["discussion"] for m in data["minutes"]] == ["Discussed the business case"]
        assert [m["held_on"] for m in data["minutes"]] == ["2026-11-23"]
        assert data["actions"] == [
            {"text": "Draft the business case", "owner": "Priya Shah", "due": "2026-12-05", "done": False},
            {"text": "Send the budget template", "owner": "Tom Okafor", "due": "2026-11-27", "done": True},
        ]  # fmt: skip


# -- through the mentorbot command -------------------------------------------------------------


def test_minutes_through_mentorbot_chat(loaded: str) -> None:  # noqa: F811
    script = (
        "minutes: met Tom today; discussed the business case; actions: Priya: draft the "
        "business case by 5 Dec; Tom: send the budget template by Friday; next meeting not yet\n"
        "save\nmy actions\ndone 1\n"
    )
    result = mentorbot(
        "chat", "--user", "mentee@example.org", "--now", NOW, stdin=script, db=loaded
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "1. Draft the business case: you, due Sat 5 Dec" in result.stdout
    assert "Saved the minutes of your meeting on Mon 23 Nov, with 2 actions." in result.stdout
    assert "1. Send the budget template (Tom Okafor, due Fri 27 Nov)" in result.stdout
    assert "Ticked off: Send the budget template." in result.stdout
    assert "*" not in result.stdout  # the terminal shows the words, not emphasis markers
    inbox = mentorbot("inbox", "--user", "mentor@example.org", "--now", NOW, db=loaded)
    assert "Priya has logged the minutes of your meeting on Mon 23 Nov." in inbox.stdout
    export = json.loads(mentorbot("export", "--user", "mentor@example.org", db=loaded).stdout)
    assert [(a["text"], a["due"], a["done"]) for a in export["actions"]] == [
        ("Draft the business case", "2026-12-05", False),
        ("Send the budget template", "2026-11-27", True),
    ]


def test_how_long_and_how_they_met_are_kept_with_the_meeting_held(mentee: Chat) -> None:
    mentee.said("met Tom yesterday for 90 minutes by video; discussed my objectives")
    mentee.said("no actions")
    mentee.said("not yet")
    assert "Saved the minutes" in mentee.said("save")
    [minutes] = _minutes(mentee.db)
    with transaction(mentee.db) as session:
        meeting = session.get(Meeting, minutes.meeting_id)
    assert meeting is not None
    assert (meeting.status, meeting.duration_minutes, meeting.mode) == ("held", 90, "video")
