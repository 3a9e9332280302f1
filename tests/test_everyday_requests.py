"""Everyday requests typed the way people really type them, understood first time: the lead's
"anything flagged?", an alert marked after it was read, how the cohort is doing, a partner's
full name, "until which date ..." word order, a conflict declared as a question, leave from a
bare date, and the newest diary entry removed. Each with near misses that must not be read
that way. Fixed clock: conftest's NOW (the demo scheme)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.intents import IntentName, recognise
from conversations.language.away import leave_dates
from conversations.language.pairing import conflict_kind, conflict_with
from storage.db import transaction
from storage.models import DiaryEntry
from tests.transcript import Chat

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2027, 2, 8, 9, 30, tzinfo=LONDON)


def test_the_lead_asks_what_has_been_flagged_without_naming_alerts() -> None:
    for said in ("afternoon, anything flagged", "has anything new been flagged?"):
        assert recognise(said).name is IntentName.OPEN_CONCERNS, said
    # Near misses: a bare follow-up question, or saying one has flagged something oneself.
    assert recognise("anything else?").name is not IntentName.OPEN_CONCERNS
    assert recognise("i flagged it with owen already").name is not IntentName.OPEN_CONCERNS


def test_an_alert_read_then_marked_as_it_is_the_lead_acting_on_that_alert() -> None:
    marked = recognise("just read n4 - pls mark it as contacted")
    assert (marked.name, marked.rest) == (IntentName.LEAD_ACTION, "contact N4")
    resolved = recognise("looked at C11, set it to resolved")
    assert (resolved.name, resolved.rest) == (IntentName.LEAD_ACTION, "resolved C11")
    # Near miss: reading an alert without saying what has become of it marks nothing.
    assert recognise("ive read c3").name is not IntentName.LEAD_ACTION


def test_how_the_cohort_or_scheme_is_doing_asks_for_the_report() -> None:
    for said in ("how's the scheme doing this term", "hows the pairs doing"):
        assert recognise(said).name is IntentName.REPORT, said
    # Near miss: one's own meetings are not the scheme's report.
    assert recognise("hows my next meeting looking").name is not IntentName.REPORT


def test_a_partners_full_name_asked_for_is_who_the_partner_is() -> None:
    for said in ("whats my mentee's first name, sorry, blanked", "my partner's full name pls"):
        assert recognise(said).name is IntentName.MY_PARTNER, said
    # Near miss: one's own name on a profile is not the partner's.
    assert recognise("change my full name").name is not IntentName.MY_PARTNER


def test_until_which_date_in_non_native_word_order_asks_for_the_deadline() -> None:
    for said in ("Till what date we should fill the survey?", "by which day the contract is due"):
        assert recognise(said).name is IntentName.WHEN_IS, said
    # Near miss: asking to start the contract is not asking when it is due.
    assert recognise("lets do the contract now").name is IntentName.CONTRACT


def test_a_conflict_asked_about_names_only_the_person() -> None:
    said = "would it be an issue that Leah Dunn used to be my line manager in my last job?"
    assert recognise(said).name is IntentName.DECLARE_CONFLICT
    assert conflict_with(said) == "Leah Dunn"
    assert conflict_kind(said) == "line_management"
    told = "just so you know, Owen Whitfield was my appraiser in 2022"
    assert conflict_with(told) == "Owen Whitfield"
    assert conflict_kind(told) == "appraiser"
    # Near misses: one's own manager being away, or a manager mentioned, declares nothing.
    assert recognise("my line manager is off sick this week").name is not (
        IntentName.DECLARE_CONFLICT
    )
    assert recognise("my manager wants me to apply for band 7").name is not (
        IntentName.DECLARE_CONFLICT
    )


def test_leave_from_a_bare_date_starts_then_and_a_vague_return_is_not_invented() -> None:
    said = "heads up my paternity leave starts 15/3, back sometime in the summer"
    assert recognise(said).name is IntentName.LEAVE
    assert leave_dates(said, MONDAY, LONDON) == (date(2027, 3, 15), None)
    assert leave_dates("study leave starting 22/2 back on 1/3", MONDAY, LONDON) == (
        date(2027, 2, 22),
        date(2027, 3, 1),
    )
    # Near miss: a number that is not a date after "starts" gives no first day.
    assert leave_dates("my leave starts in 3 weeks time maybe", MONDAY, LONDON)[1] is None


def test_the_newest_diary_entry_removed_after_naming_it_asks_first_then_deletes(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, "mentee@example.org")
    priya.said("diary: felt more confident chairing the huddle")
    priya.said("diary: this one was meant for my notes app")
    asked = priya.said("wrote a journal entry by mistake - please bin the newest one")
    assert "this one was meant for my notes app" in asked
    assert "felt more confident" not in asked
    with transaction(demo) as s:
        assert len(s.exec(select(DiaryEntry)).all()) == 2  # nothing removed before yes
    priya.said("yes")
    with transaction(demo) as s:
        left = [entry.text for entry in s.exec(select(DiaryEntry)).all()]
    assert left == ["felt more confident chairing the huddle"]
    # Near miss: told not to delete, nothing is asked or removed.
    assert recognise("that entry is fine, dont delete the latest one").name is not (
        IntentName.DIARY_DELETE
    )
