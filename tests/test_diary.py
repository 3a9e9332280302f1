"""The diary as people ask for it: prompts offered, never forced; a note for another day;
deleting, sharing and finding an entry; and nobody else's diary, ever."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import DiaryEntry, Outbox
from tests.transcript import Chat

MONDAY_EVENING = "2026-03-02T18:00:00+00:00"  # Mon 2 Mar, London (GMT)


def _entries(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as session:
        return list(session.exec(select(DiaryEntry).order_by(DiaryEntry.id)).all())


def _to(db: Engine, person_id: int) -> list[str]:
    with transaction(db) as session:
        rows = session.exec(select(Outbox).where(Outbox.recipient_id == person_id)).all()
        return [" ".join(str(p.get("text", "")) for p in row.parts) for row in rows]


def _chat(demo: Engine, email: str = "mentee@example.org") -> Chat:
    return Chat(demo, Clock.fixed(MONDAY_EVENING), email)


def test_the_prompts_are_offered_and_no_means_a_free_entry(demo: Engine) -> None:
    priya = _chat(demo)
    offered = priya.said("want to do a bit of reflection on today")
    assert "What? / So what? / Now what? prompts?" in offered
    priya.restart()
    assert "What would you like to write?" in priya.said("no just let me type")
    priya.restart()
    saved = priya.said("good day actually, felt heard at the ops meeting for once")
    assert "Saved to your diary for Mon 2 Mar" in saved
    [entry] = _entries(demo)
    assert entry.text == "good day actually, felt heard at the ops meeting for once"


def test_yes_to_the_prompts_asks_them_in_turn(demo: Engine) -> None:
    priya = _chat(demo)
    priya.said("reflect pls")
    assert "*What happened?*" in priya.said("yes pls")


def test_writing_straight_away_at_the_offer_is_the_entry(demo: Engine) -> None:
    priya = _chat(demo)
    priya.said("can i write in my diary")
    saved = priya.said("booked the room for thurs and told the team about the new rota")
    assert "Saved to your diary" in saved
    assert [e.text for e in _entries(demo)] == [
        "booked the room for thurs and told the team about the new rota"
    ]


def test_a_note_for_an_earlier_day_is_dated_that_day(demo: Engine) -> None:
    priya = _chat(demo)
    saved = priya.said("diary for fri - first proper mtg w tom, was nervous")
    assert "Saved to your diary for Fri 27 Feb" in saved
    [entry] = _entries(demo)
    assert (entry.written_on, entry.text) == (
        date(2026, 2, 27),
        "first proper mtg w tom, was nervous",
    )


@pytest.mark.parametrize(
    ("typed", "day", "text"),
    [
        ("diary entry: handover ran late, stayed calm", date(2026, 3, 2),
         "handover ran late, stayed calm"),
        ("new diary entry for thursday - budget meeting went ok", date(2026, 2, 26),
         "budget meeting went ok"),
        ("journal note: felt listened to at the ops huddle", date(2026, 3, 2),
         "felt listened to at the ops huddle"),
    ],
)  # fmt: skip
def test_a_note_headed_as_an_entry_is_saved_for_its_day(
    demo: Engine, typed: str, day: date, text: str
) -> None:
    saved = _chat(demo).said(typed)
    assert "Saved to your diary" in saved
    [entry] = _entries(demo)
    assert (entry.written_on, entry.text) == (day, text)


def test_deleting_the_last_entry_asks_first_and_keeps_the_others(demo: Engine) -> None:
    priya = _chat(demo)
    priya.said("diary for fri - the first one")
    priya.said("diary: posted this by mistake")
    asked = priya.said("pls delete my last diary entry, posted it by mistake")
    assert "posted this by mistake" in asked
    assert "Delete this entry?" in asked
    priya.restart()
    assert "Deleted your entry for Mon 2 Mar" in priya.said("yep")
    assert [e.text for e in _entries(demo)] == ["the first one"]


def test_no_at_the_delete_question_keeps_the_entry(demo: Engine) -> None:
    priya = _chat(demo)
    priya.said("diary: keep me")
    priya.said("delete my last entry")
    assert "kept it" in priya.said("no")
    assert len(_entries(demo)) == 1


def test_sharing_an_entry_sends_only_that_one_to_the_mentor(demo: Engine) -> None:
    priya, tom = _chat(demo), _chat(demo, "mentor@example.org")
    priya.said("diary for fri - private thoughts about my budget")
    priya.said("diary: the rota talk went badly, I rushed it")
    asked = priya.said("can i share my last entry w tom? want his take")
    assert "the rota talk went badly" in asked
    assert "Shared with Tom" in priya.said("yes")
    told = _to(demo, tom.person_id)
    assert any("the rota talk went badly" in text for text in told)
    assert not any("budget" in text for text in told)
    shared = [e for e in _entries(demo) if e.shared_with_id is not None]
    assert [e.text for e in shared] == ["the rota talk went badly, I rushed it"]


@pytest.mark.parametrize(
    "asked",
    [
        "would tom be able to read my most recent entry? keen to hear what he thinks",
        "i'd like tom to have a look at my latest reflection",
        "pls show tom my newest entry",
    ],
)
def test_asking_for_the_mentor_to_read_one_entry_shares_it_after_a_yes(
    demo: Engine, asked: str
) -> None:
    priya, tom = _chat(demo), _chat(demo, "mentor@example.org")
    priya.said("diary for fri - private thoughts about my budget")
    priya.said("diary: the rota talk went badly, I rushed it")
    confirm = priya.said(asked)
    assert "the rota talk went badly" in confirm
    assert "Share this entry with your mentor?" in confirm
    assert not [e for e in _entries(demo) if e.shared_with_id is not None]  # not before the yes
    assert "Shared with Tom" in priya.said("yes")
    told = _to(demo, tom.person_id)
    assert any("the rota talk went badly" in text for text in told)
    assert not any("budget" in text for text in told)


@pytest.mark.parametrize(
    "asked",
    [
        "can tom see my diary?",
        "can i see my latest entry",
        "could you read my last entry back to me",
    ],
)
def test_reading_or_asking_who_sees_the_diary_shares_nothing(demo: Engine, asked: str) -> None:
    priya, tom = _chat(demo), _chat(demo, "mentor@example.org")
    priya.said("diary: the rota talk went badly, I rushed it")
    reply = priya.said(asked)
    assert "Share this entry" not in reply
    priya.said("yes")
    assert not [e for e in _entries(demo) if e.shared_with_id is not None]
    assert not any("rota" in text for text in _to(demo, tom.person_id))


def test_what_did_i_write_about_finds_the_entry(demo: Engine) -> None:
    priya = _chat(demo)
    priya.said("diary for fri - the rota changes upset the team")
    priya.said("diary: worried about my budget")
    found = priya.said("what did i write about the rota")
    assert "the rota changes upset the team" in found
    assert "budget" not in found


def test_a_mentor_asking_for_his_mentees_diary_is_refused_kindly(demo: Engine) -> None:
    priya, tom = _chat(demo), _chat(demo, "mentor@example.org")
    priya.said("diary: something only for me")
    before = _to(demo, priya.person_id)
    answer = tom.said("can i see priyas diary? want to know how shes getting on")
    assert "Diaries are private" in answer
    assert "something only for me" not in answer
    assert _to(demo, priya.person_id) == before  # she is not told he asked


@pytest.mark.parametrize(
    ("typed", "text"),
    [
        ("in my diary: handover overran again, felt flat after", "handover overran again, felt flat after"),
        ("a note for my diary - stayed calm when the complaint came in", "stayed calm when the complaint came in"),
        ("journal 🙃 another late finish, rota gaps again", "another late finish, rota gaps again"),
    ],
)  # fmt: skip
def test_a_note_headed_for_the_diary_in_other_words_is_saved(
    demo: Engine, typed: str, text: str
) -> None:
    saved = _chat(demo).said(typed)
    assert "Saved to your diary" in saved
    assert [e.text for e in _entries(demo)] == [text]


def test_a_note_for_my_diary_with_a_hospital_number_is_checked_first(demo: Engine) -> None:
    asked = _chat(demo).said("to my diary: still worried about the man in side room 2, RX8812345")
    assert "Saved to your diary" not in asked
    assert "hospital number" in asked
    assert "Remove it and save" in asked
    assert _entries(demo) == []
