"""A worry said in everyday words reaches the concern path, answered for its kind (corpus
section 8): typed text only, as on Slack and Teams. The phrasings are not the corpus's own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from storage.db import transaction
from storage.models import Concern, Pairing
from tests.transcript import Chat, channel_inbox

PRIYA = "mentee@example.org"
TOM = "mentor@example.org"
MORGAN = "lead@example.org"


def _concerns(db: Engine) -> list[Concern]:
    with transaction(db) as s:
        return list(s.exec(select(Concern)).all())


def _pairing_statuses(db: Engine) -> set[str]:
    with transaction(db) as s:
        return {p.status for p in s.exec(select(Pairing)).all()}


def test_a_silent_partner_said_plainly_is_flagged_after_a_typed_ok(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said("havent heard back from tom in over a month, emailed him 3 times")
    assert "didn't understand" not in said
    assert "Tom" in said
    assert "?" in said
    assert "project lead" in said
    assert not _concerns(demo)  # nothing is sent until she says so
    priya.restart()
    said = priya.said("pls flag it to the lead")
    assert "Sent to the project lead" in said
    [row] = _concerns(demo)
    assert row.category == "not_responding"
    assert not row.urgent
    alert = channel_inbox(demo, clock)
    assert "C1" in alert
    assert "emailed" not in alert


def test_a_breakdown_in_everyday_words_explains_the_exit_route(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said(
        "honestly me and tom have fallen out, cant carry on with him"
    )
    assert "didn't understand" not in said
    assert "no-fault" in said
    assert "moderator" in said
    assert "chair" in said
    assert "new mentor" in said


def test_own_wellbeing_is_signposted_and_only_offered_to_the_lead(
    demo: Engine, clock: Clock
) -> None:
    said = Chat(demo, clock, PRIYA).said("so exhausted lately, really not coping with work")
    assert "employee assistance" in said
    assert "GP" in said
    assert "project lead" in said
    assert "?" in said
    assert not _concerns(demo)


def test_a_fitness_to_practise_worry_gets_its_routes(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said(
        "a colleague keeps turning up after drinking, should i tell someone"
    )
    assert "Freedom to Speak Up" in said
    assert "organisation" in said
    assert "don't name colleagues" in said
    assert "urgent" in said.lower()


@pytest.mark.parametrize(
    "typed",
    [
        "i think my deputy has been coming into work after drinking, is that one for you?",
        "a colleague keeps turning up for shift after a few drinks",
        "one of my team is arriving on the ward after a night out drinking",
    ],
)
def test_a_colleague_at_work_after_drinking_gets_the_fitness_to_practise_routes(
    demo: Engine, clock: Clock, typed: str
) -> None:
    said = Chat(demo, clock, PRIYA).said(typed)
    assert "Freedom to Speak Up" in said
    assert "don't name colleagues" in said


def test_urgent_alone_gets_the_urgent_routes_and_a_question(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said("its urgent!!!")
    assert "didn't understand" not in said
    assert "What has happened?" in said
    assert "safeguarding" in said
    assert "999" in said
    assert "116 123" in said


def test_asking_how_explains_first_and_stores_nothing(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said("where would i report my mentor if something went wrong")
    assert "steering group" in said
    assert "Tom is never told" in said
    assert "start one now?" in said
    assert not _concerns(demo)


def test_withdrawing_while_writing_the_details_sends_nothing(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    priya.said("raise a concern")
    priya.said("1")  # a difficulty in our mentoring relationship
    said = priya.said("oh never mind, i'll sort it with him myself")
    assert "haven't sent anything" in said
    assert not _concerns(demo)
    assert "didn't understand" not in priya.said("whats next")  # the dialog is closed


def test_asking_whether_the_partner_can_see_it_is_answered(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said("will my mentor know what i flagged?")
    assert "project lead" in said
    assert "steering group" in said
    assert "never told" in said


def test_a_new_mentor_asked_for_keeps_the_pairing_until_decided(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said("can i switch to another mentor please, someone nearer my specialty")
    assert "didn't understand" not in said
    assert _pairing_statuses(demo) == {"active"}


def test_a_breakdown_is_sent_and_the_pairing_kept_unless_ending_is_chosen(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said("its just not working with tom, i want out")
    assert "Relationship breakdown" in said
    asked = priya.said("send it")
    assert "1. Send it, keep the pairing for now" in asked
    assert "Sent to the project lead" in priya.said("yes")
    [row] = _concerns(demo)
    assert row.category == "relationship_breakdown"
    assert _pairing_statuses(demo) == {"active"}


def test_an_urgent_concern_with_a_hospital_number_alerts_at_once_without_it(
    demo: Engine, clock: Clock
) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said("urgent: pt RX1234567 fell overnight and nobody escalated it")
    assert "Sent to the project lead, marked urgent" in said
    assert "Remove it and save" in said
    [row] = _concerns(demo)
    assert row.urgent
    assert "RX1234567" not in row.text
    alert = channel_inbox(demo, clock)
    assert alert.startswith("URGENT: ")
    assert "RX1234567" not in alert
    priya.said("remove them")
    [row] = _concerns(demo)
    assert "RX1234567" not in row.text
    assert "fell overnight" in row.text


@pytest.mark.parametrize(
    "typed",
    [
        "tom made a remark in our last session that upset me, could i report it quietly?",
        "i might need to report my mentor",
        "is it ok if i report him to you",
    ],
)
def test_reporting_someone_starts_a_concern_not_the_schemes_reports(
    demo: Engine, clock: Clock, typed: str
) -> None:
    said = Chat(demo, clock, PRIYA).said(typed)
    assert "Reports on the scheme" not in said
    assert "didn't understand" not in said
    assert "project lead" in said


@pytest.mark.parametrize(
    "typed",
    [
        "will tom be able to read what i reported?",
        "is my mentor going to find out about my concern?",
        "could tom ever get to see what i raised",
    ],
)
def test_asking_whether_the_partner_will_get_to_see_it_is_answered(
    demo: Engine, clock: Clock, typed: str
) -> None:
    said = Chat(demo, clock, PRIYA).said(typed)
    assert "steering group" in said
    assert "never told" in said
