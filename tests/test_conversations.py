"""Conversations as people have them, through the console rendering, with a fixed clock
(Mon 23 Nov 2026, 10:00 in London; the demo cohort launched four weeks before)."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage import queries
from storage.db import transaction
from storage.models import DiaryEntry
from tests.transcript import Chat


def test_help_lists_the_journeys_for_the_person_s_role(mentee: Chat, mentor: Chat) -> None:
    mine = mentee.said("help")
    for journey in (
        "book a meeting",
        "log minutes",
        "my actions",
        "diary",
        "sign the contract",
        "check-in",
        "apply",
        "raise a concern",
        "what's next",
        "pause reminders",
    ):
        assert f"*{journey}" in mine, journey
    assert "*my mentor profile*" not in mine
    theirs = mentor.said("help")
    assert "*my mentor profile*" in theirs
    assert "*diary" not in theirs
    assert "coming soon" not in (mine + theirs).lower()


def test_menu_offers_numbered_choices_that_answer_by_number_or_label(mentee: Chat) -> None:
    reply = mentee.said("menu")
    assert (
        "What would you like to do?\n  1. Book a meeting\n  2. Log minutes\n  3. Write in my diary"
        in reply
    )
    assert "What? / So what? / Now what? prompts?" in mentee.said("3")
    mentee.said("cancel")
    mentee.said("menu")
    assert "Your diary is empty" in mentee.said("read my diary")


def test_hello_greets_by_first_name_and_shows_the_menu(mentee: Chat) -> None:
    reply = mentee.said("Hello")
    assert reply.startswith("Hello ")
    assert "What would you like to do?" in reply


def test_whats_next_for_the_demo_mentee(mentee: Chat) -> None:
    reply = mentee.said("what's next")
    # Contract due two weeks after today; no meeting yet; a networking event in ten days.
    assert "Sign your mentoring contract with" in reply
    assert "by Mon 7 Dec" in reply
    assert "Book your next meeting with" in reply
    assert "Event: Virtual networking session, Thu 3 Dec, 12:30." in reply


def test_a_quick_diary_note_is_saved_at_once_and_listed(mentee: Chat) -> None:
    assert "Saved to your diary for Mon 23 Nov. Only you can read it." in mentee.said(
        "diary: Felt heard at the budget meeting & said no to <extra> shifts"
    )
    reply = mentee.said("my diary")
    assert "entries 1–1 of 1" in reply
    assert "Mon 23 Nov: Felt heard at the budget meeting & said no to <extra> shifts" in reply


def test_my_diary_pages_through_older_entries(mentee: Chat) -> None:
    for n in range(1, 8):
        mentee.said(f"diary: note {n}")
    first = mentee.said("my diary")
    assert "entries 1–5 of 7" in first
    assert "note 7" in first
    assert "note 2" not in first
    second = mentee.said("1")  # "Show older entries"
    assert "entries 6–7 of 7" in second
    assert "note 2" in second
    assert "note 1" in second
    assert "Would you like to see more?" not in second


def test_changing_one_part_of_a_guided_entry_before_saving(mentee: Chat) -> None:
    mentee.said("write in my diary")
    mentee.said("yes")  # the prompts
    mentee.said("Chaired the huddle")
    mentee.said("skip")
    mentee.said("Chair it again")
    assert "Which part would you like to change?" in mentee.said("Change something")
    assert "*So what?*" in mentee.said("So what")
    reply = mentee.said("People spoke up more when I asked them by name")
    assert "*So what:* People spoke up more when I asked them by name" in reply
    mentee.said("save")
    with transaction(mentee.db) as session:
        entry = session.exec(select(DiaryEntry)).one()
    assert entry.so_what == "People spoke up more when I asked them by name"


def test_an_over_long_note_is_refused_and_nothing_is_saved(mentee: Chat) -> None:
    reply = mentee.said("diary: " + "x" * 20_000)
    assert "20,000 characters, more than one entry can hold" in reply
    with transaction(mentee.db) as session:
        assert session.exec(select(DiaryEntry)).all() == []


def test_odd_input_gets_a_kind_reply(mentee: Chat) -> None:
    for text in (
        "",
        "🙂🙂🙂",
        "<script>alert(1)</script>",
        "'; DROP TABLE person; --",
        "x" * 20_000,
    ):
        reply = mentee.said(text)
        assert "Type *help*" in reply
    with transaction(mentee.db) as session:
        assert queries.person_by_email(session, "mentee@example.org") is not None


def test_a_mentor_cannot_keep_or_read_a_diary(mentee: Chat, mentor: Chat) -> None:
    mentee.said("diary: private thoughts about my mentor")
    for line in ("my diary", "diary", "diary: mine"):
        assert "The reflective diary is for mentees" in mentor.said(line)
    with transaction(mentor.db) as session:
        entries, total = queries.diary_entries(session, mentor.person_id)
    assert (entries, total) == ([], 0)


def test_the_diary_is_never_in_anyone_elses_export(mentee: Chat, mentor: Chat) -> None:
    mentee.said("diary: something only I should read")
    with transaction(mentee.db) as session:
        mine = queries.export_person(session, mentee.person_id)
        theirs = queries.export_person(session, mentor.person_id)
    assert [d["text"] for d in mine["diary"]] == ["something only I should read"]
    assert theirs["diary"] == []
    assert "something only I should read" not in str(theirs)


def test_a_day_s_pause_resumes_where_it_was(demo: Engine) -> None:
    monday = Chat(demo, Clock.fixed("2026-11-23T16:00:00+00:00"), "mentee@example.org")
    monday.said("diary")
    monday.said("yes")  # the prompts
    monday.said("Difficult rota conversation")
    tuesday = Chat(demo, Clock.fixed("2026-11-24T09:00:00+00:00"), "mentee@example.org")
    assert "*Now what?*" in tuesday.said("I held my ground")
    tuesday.said("Follow up on Friday")
    assert "Saved to your diary for Tue 24 Nov" in tuesday.said("save")


def _diary(db: Engine) -> list[DiaryEntry]:
    with transaction(db) as session:
        return list(session.exec(select(DiaryEntry)).all())


def test_a_note_with_an_nhs_number_is_held_until_the_person_chooses(mentee: Chat) -> None:
    reply = mentee.said("diary: Discussed the patient 943 476 5919 with Tom")
    assert "This looks like it includes an NHS number." in reply
    assert "I haven't saved anything yet." in reply
    assert _diary(mentee.db) == []
    assert "Saved to your diary" in mentee.said("1")  # Remove it and save
    assert [e.text for e in _diary(mentee.db)] == ["Discussed the patient [removed] with Tom"]


def test_a_note_with_patient_data_can_be_rewritten(mentee: Chat) -> None:
    mentee.said("diary: Mr B, DOB 01/02/1950, was upset")
    assert "without the patient details" in mentee.said("Let me rewrite it")
    assert "Saved to your diary" in mentee.said("A patient was upset and I stayed calm")
    assert [e.text for e in _diary(mentee.db)] == ["A patient was upset and I stayed calm"]


def test_a_guided_entry_with_a_hospital_number_can_be_saved_anyway(mentee: Chat) -> None:
    mentee.said("diary")
    mentee.said("yes")  # the prompts
    mentee.said("Audit of case RX1234567 went well")
    mentee.said("skip")
    mentee.said("skip")
    reply = mentee.said("save")
    assert "a hospital number" in reply
    assert "Saved to your diary" in mentee.said("Keep it: it's not patient data")
    assert [e.what_happened for e in _diary(mentee.db)] == ["Audit of case RX1234567 went well"]


def test_cancel_at_the_guard_saves_nothing(mentee: Chat) -> None:
    mentee.said("diary: 943 476 5919")
    assert "nothing was saved" in mentee.said("cancel")
    assert _diary(mentee.db) == []
