"""Minutes of a meeting that was never booked, and the answers that close (or don't close) the
write-up, typed as on Slack and Teams. Priya Shah (mentee) and Tom Okafor (mentor), Mon 23 Nov
2026, 10:00 in London."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import col, select

from conversations.language.days import HeldTime, held_time, pick_days
from conversations.language.sections import hedged_none, read_owner
from storage.db import transaction
from storage.models import ActionItem, Meeting, Minutes
from tests.transcript import Chat


def _held(chat: Chat) -> list[tuple[datetime, int, str | None]]:
    with transaction(chat.db) as session:
        rows = session.exec(select(Meeting).order_by(col(Meeting.id))).all()
        return [(m.starts_at, m.duration_minutes, m.mode) for m in rows if m.status == "held"]


def _minutes(chat: Chat) -> list[Minutes]:
    with transaction(chat.db) as session:
        return list(session.exec(select(Minutes)).all())


def test_notes_of_a_day_never_booked_ask_when_and_how_they_met(mentee: Chat) -> None:
    reply = mentee.said(
        "notes from yesterday with tom - went over my objectives, agreed to focus on the rota "
        "and the budget"
    )
    assert "You met Tom on Sun 22 Nov? It wasn't booked" in reply
    assert "was it in person, by video or by phone?" in reply
    assert "Shall I save" not in reply
    reply = mentee.said("yes, 10:30 to 11:15 by video")
    assert "*Meeting:* Sun 22 Nov" in reply
    assert "Went over my objectives" in reply
    assert "Shall I save these minutes?" in reply
    assert "Saved the minutes" in mentee.said("save")
    # Sun 22 Nov 10:30 in London is 10:30 UTC (GMT); 45 minutes; video.
    assert _held(mentee) == [(datetime(2026, 11, 22, 10, 30, tzinfo=UTC), 45, "video")]
    [minutes] = _minutes(mentee)
    assert minutes.held_on == date(2026, 11, 22)


def test_a_time_without_a_way_of_meeting_asks_how(mentee: Chat) -> None:
    mentee.said("notes from yesterday: talked through the rota, decided to pilot it in march")
    reply = mentee.said("about 2pm")
    assert "And how did you meet: in person, by video or by phone?" in reply
    reply = mentee.said("phone")
    assert "Shall I save these minutes?" in reply
    mentee.said("save")
    assert _held(mentee) == [(datetime(2026, 11, 22, 14, 0, tzinfo=UTC), 60, "phone")]


def test_something_that_is_no_time_is_asked_again(mentee: Chat) -> None:
    mentee.said("notes from yesterday: talked through the rota, decided to pilot it in march")
    reply = mentee.said("it was good")
    assert "Sorry, I couldn't read a time or a way of meeting." in reply
    assert "What time was it" in reply
    assert _minutes(mentee) == []


def test_saying_we_met_needs_no_time_question(mentee: Chat) -> None:
    reply = mentee.said(
        "met tom yesterday, talked through the rota; no actions; next meeting not yet"
    )
    assert "What time was it" not in reply
    assert "Shall I save these minutes?" in reply


@pytest.mark.parametrize("said", ["no not really", "none really", "nope, no actions"])
def test_a_hedged_no_to_actions_still_asks_for_the_next_meeting(mentee: Chat, said: str) -> None:
    mentee.said("log minutes for today's meeting")
    assert "Anything else to add" in mentee.said("we discussed the rota plan")
    reply = mentee.said(said)
    assert "When is your next meeting?" in reply
    reply = mentee.said("nothing booked yet")
    assert "*Actions:* none" in reply
    assert "*Next meeting:* not agreed yet" in reply
    mentee.said("save")
    with transaction(mentee.db) as session:
        assert session.exec(select(ActionItem)).all() == []


@pytest.mark.parametrize("said", ["nope nothing more", "no, nothing else to add"])
def test_nothing_more_at_anything_else_goes_straight_to_the_confirmation(
    mentee: Chat, said: str
) -> None:
    mentee.said("log minutes for today's meeting")
    assert "Anything else to add" in mentee.said("we discussed the rota plan")
    reply = mentee.said(said)
    assert "When is your next meeting?" not in reply
    assert "Shall I save these minutes?" in reply


# -- the language layer's readings the minutes use ------------------------------------------


@pytest.mark.parametrize(
    ("said", "owner"),
    [
        ("me", "me"),
        ("i will", "me"),
        ("Priya Shah (you)", "me"),
        ("tom", "partner"),
        ("it's Tom's", "partner"),
        ("she will", "partner"),
        ("both of us", "both"),
        ("we", "both"),
        ("the finance lead", None),
        ("ill take it", "me"),
        ("we'll share it", "both"),
        ("he'll handle it", "partner"),
        ("ill be away", None),
    ],
)
def test_who_an_answer_names(said: str, owner: str | None) -> None:
    assert read_owner(said, ("Priya Shah",), ("Tom Okafor",)) == owner


@pytest.mark.parametrize(
    ("said", "picked"),
    [("2", [1]), ("the 16th", [1]), ("friday's", [0]), ("the latest", [0]), ("the first", [1])],
)
def test_which_of_several_days_an_answer_names(said: str, picked: list[int]) -> None:
    days = [date(2026, 11, 20), date(2026, 11, 16)]  # newest first: Fri 20, Mon 16 Nov
    assert pick_days(said, days, date(2026, 11, 23)) == picked


@pytest.mark.parametrize(
    ("said", "held"),
    [
        ("yep 8-9 on teams", HeldTime(time(8), 60)),
        ("10:30 to 11:15", HeldTime(time(10, 30), 45)),
        ("about 2pm", HeldTime(time(14))),
        ("at 3", HeldTime(time(15))),
        ("for 90 mins", None),
        ("on the 27th", None),
        ("in person", None),
    ],
)
def test_the_time_a_meeting_was_held(said: str, held: HeldTime | None) -> None:
    assert held_time(said) == held


@pytest.mark.parametrize(
    ("said", "hedged"),
    [
        ("no not really", True),
        ("nothing as such", True),
        ("nah", False),
        ("nope, none more", False),
        ("no that's it, nothing further", False),
    ],
)
def test_a_hedged_no_is_told_from_a_closing_one(said: str, hedged: bool) -> None:
    assert hedged_none(said) is hedged


def test_a_dictated_write_up_shows_its_discussion_and_actions(mentee: Chat) -> None:
    reply = mentee.said(
        "Good call with Tom yesterday re the rota and my confidence. Action for me is drafting "
        "the rota by fri. Tom's going to send me the old rotas."
    )
    assert "Let's log the minutes" in reply
    reply = mentee.said("yesterday 10:30 to 11:15 by video")
    assert "the rota and my confidence" in reply
    assert "Drafting the rota" in reply
    assert "Send priya the old rotas" in reply or "Send Priya the old rotas" in reply
    assert "Fri 27 Nov" in reply


def test_a_complaint_discussed_is_written_up_and_its_patient_data_pointed_out(
    mentee: Chat,
) -> None:
    reply = mentee.said(
        "notes from yesterday w tom. AP me: book a debrief by fri. we talked about the complaint "
        "re pt RX4471203 and how i handled it"
    )
    reply = mentee.said("yes, 10:30 to 11:15 by video") if "wasn't booked" in reply else reply
    assert "hospital number" in reply
    assert not _minutes(mentee)
