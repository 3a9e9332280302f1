"""A worry said in everyday words reaches the concern path, answered for its kind (corpus
section 8): typed text only, as on Slack and Teams. The phrasings are not the corpus's own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from conversations.clock import Clock
from conversations.language import concerns as worries
from storage.db import transaction
from storage.models import Concern, Pairing
from tests.transcript import Chat, channel_inbox

PRIYA = "mentee@example.org"
TOM = "mentor@example.org"
MORGAN = "lead@example.org"
NADIA = "mentee2@example.org"


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


@pytest.mark.parametrize(
    "question",
    [
        "where would i report my mentor if something went wrong",
        "what's the procedure for reporting my mentor, just in case",
        "is there a process for raising a problem with my mentor?",
        "what do i do if i want to flag something about my mentor",
    ],
)
def test_asking_how_explains_first_and_stores_nothing(
    demo: Engine, clock: Clock, question: str
) -> None:
    said = Chat(demo, clock, PRIYA).said(question)
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
        "is tom going to be able to read my complaint?",
        "could my mentor see my report",
    ],
)
def test_asking_whether_the_partner_will_get_to_see_it_is_answered(
    demo: Engine, clock: Clock, typed: str
) -> None:
    said = Chat(demo, clock, PRIYA).said(typed)
    assert "steering group" in said
    assert "never told" in said


# A partner not engaging, said the many everyday ways (none of them the corpus's own words).
@pytest.mark.parametrize(
    "line",
    [
        "been messaging tom for a fortnight and he keeps ignoring all my texts",
        "radio silence from tom ever since the launch, a bit uneasy tbh",
        "cant seem to reach tom at all, tried teams and email",
        "tom no-showed again today, feeling a bit anxious about the whole thing",
        "tom didnt turn up to either of our last two sessions",
        "Tom never replies to my messages any more, it's been weeks",
        "tom just isnt engaging at all, emailed him loads",
        "been chasing tom since february with no joy",
        "tom never turns up to our sessions",
    ],
)
def test_a_partner_not_engaging_is_offered_to_the_lead_then_flagged(
    demo: Engine, clock: Clock, line: str
) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said(line)
    assert "Sorry, I can't help" not in said
    assert "Tom" in said
    assert "project lead" in said
    assert not _concerns(demo)  # nothing is sent until she says so
    priya.restart()
    assert "Sent to the project lead" in priya.said("ok flag it please")
    [row] = _concerns(demo)
    assert row.category == "not_responding"
    assert line not in channel_inbox(demo, clock)


def test_a_mentor_whose_mentee_skips_sessions_raises_it_and_she_is_not_told(
    demo: Engine, clock: Clock
) -> None:
    tom = Chat(demo, clock, TOM)
    said = tom.said("priya has bailed on our last three catch ups and blanks my emails, uneasy")
    assert "Sorry, I can't help" not in said
    if not _concerns(demo):
        tom.said("yes please pass it to the lead")
    [row] = _concerns(demo)
    assert row.category == "not_responding"
    assert row.pairing_id is not None
    assert "uneasy" not in Chat(demo, clock, PRIYA).inbox()


def test_conduct_raised_in_confidence_explains_who_reads_it(demo: Engine, clock: Clock) -> None:
    nadia = Chat(demo, clock, NADIA)
    said = nadia.said(
        "owen made a really inappropriate joke in our session, can i flag it without owen "
        "finding out?"
    )
    assert "Reports on the scheme" not in said
    assert "project lead" in said
    assert "steering group" in said
    assert "Owen won't be told" in said
    assert "Sent to the project lead" in nadia.said("yes please pass it on to the lead")
    [row] = _concerns(demo)
    assert row.pairing_id is not None
    assert "joke" not in Chat(demo, clock, "mentor2@example.org").inbox()


def test_asking_if_the_partner_will_be_able_to_read_it_is_answered(
    demo: Engine, clock: Clock
) -> None:
    said = Chat(demo, clock, PRIYA).said("would tom be able to see what i reported last week?")
    assert "Reports on the scheme" not in said
    assert "never told" in said


def test_drinking_before_a_shift_gets_the_fitness_to_practise_routes(
    demo: Engine, clock: Clock
) -> None:
    said = Chat(demo, clock, PRIYA).said(
        "one of our HCAs turned up for her shift after drinking, does the scheme deal with that"
    )
    assert "Freedom to Speak Up" in said
    assert "urgent" in said.lower()


def test_wanting_out_in_other_words_explains_the_exit_route(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said(
        "had a blazing row with tom on friday, cant see myself carrying on with him"
    )
    assert "no-fault" in said
    assert "moderator" in said


def test_urgent_with_a_please_gets_the_urgent_routes(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said("urgent pls")
    assert "What has happened?" in said
    assert "116 123" in said


@pytest.mark.parametrize(
    "line",
    [
        "the ward has gone quiet since the new rota",
        "ignore the noise and focus on the board paper",
        "we cancelled the meeting with finance and moved it to june",
        "patients dont respond well to letters, we discussed calling instead",
        "i find it hard to switch off after long shifts",
        "can we cancel our meeting tomorrow",
    ],
)
def test_ordinary_words_are_not_read_as_a_worry(line: str) -> None:
    assert worries.kind(line) is None
    assert not worries.raises_in_confidence(line)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("my mentor keeps cracking jokes about my accent", worries.Kind.DIFFICULTY),
        ("i no longer feel comfortable around tom", worries.Kind.DIFFICULTY),
        ("a bit uneasy about our sessions lately", worries.Kind.DIFFICULTY),
        ("can i stop being mentored by tom please", worries.Kind.BREAKDOWN),
        ("i'd like to pull out of the mentoring programme", worries.Kind.BREAKDOWN),
        ("my mentee hasnt been replying since christmas", worries.Kind.NOT_RESPONDING),
        ("think a colleague was hungover on shift again", worries.Kind.SAFETY),
    ],
)
def test_conduct_unease_and_wanting_out_are_read_for_their_kind(
    line: str, kind: worries.Kind
) -> None:
    assert worries.kind(line) is kind


@pytest.mark.parametrize(
    "line",
    [
        "any chance i could swap mentors? owen came across well at the launch",
        "would it be ok to change mentor, i got on really well with owen at the launch",
        "could i be rematched? owen seemed a good fit when we met at the launch",
    ],
)
def test_asking_to_change_mentor_in_other_words_stores_a_rematch_request(
    demo: Engine, clock: Clock, line: str
) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said(line)
    assert "didn't understand" not in said
    assert "Sorry, I can't help" not in said
    for _ in range(3):  # the confirmations the concern dialog asks, answered "yes"
        if _concerns(demo):
            break
        said = priya.said("yes")
    [row] = _concerns(demo)
    assert "owen" in (row.text or "").lower()  # her preference is kept with the request
    assert _pairing_statuses(demo) == {"active"}  # nothing changes until it is decided
    assert "C1" in channel_inbox(demo, clock)
    told_tom = Chat(demo, clock, TOM).inbox().lower()
    assert "owen" not in told_tom
    assert "rematch" not in told_tom


@pytest.mark.parametrize(
    "line",
    [
        "change my mentor profile",
        "can we swap my mentor meeting to friday",
        "where's the rematch policy written down",
        "who is my mentor",
    ],
)
def test_other_things_said_about_a_mentor_are_no_rematch(line: str) -> None:
    assert worries.kind(line) is not worries.Kind.REMATCH


@pytest.mark.parametrize(
    "line",
    [
        "still nothing back from priya in weeks, chased her on teams",
        "zilch from priya for a month now despite three emails",
    ],
)
def test_silence_said_without_a_verb_raises_no_response_and_she_is_not_told(
    demo: Engine, clock: Clock, line: str
) -> None:
    tom = Chat(demo, clock, TOM)
    said = tom.said(line)
    assert "Sorry, I can't help" not in said
    for _ in range(2):  # the offer to pass it to the lead, answered "yes"
        if _concerns(demo):
            break
        tom.said("yes please pass it to the lead")
    [row] = _concerns(demo)
    assert row.category == "not_responding"
    assert "C1" in channel_inbox(demo, clock)
    told_priya = Chat(demo, clock, PRIYA).inbox().lower()
    assert "chased" not in told_priya
    assert "emails" not in told_priya


@pytest.mark.parametrize(
    "line",
    [
        "nothing from the lead since friday about the contract",
        "nothing from me since monday, sorry, been on nights",
    ],
)
def test_nothing_from_someone_outside_the_pairing_is_no_worry(line: str) -> None:
    assert worries.kind(line) is None


@pytest.mark.parametrize(
    "line",
    ["could tom see my report on the audit", "can the lead see my report?", "show me the report"],
)
def test_a_report_that_is_not_a_concern_is_not_asked_about_as_one(line: str) -> None:
    assert not worries.asks_who_sees(line)


def test_a_yes_that_says_what_to_do_sends_the_drafted_concern(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    said = priya.said("my mentor hasnt answered a single message since january, bit concerned")
    assert "Shall I send it to the project lead?" in said
    assert not _concerns(demo)
    priya.restart()
    said = priya.said("yeah go on, let the project team know")
    assert "Sent to the project lead" in said
    [row] = _concerns(demo)
    assert row.category == "not_responding"


def test_a_yes_naming_the_partner_sends_nothing_to_the_partner(demo: Engine, clock: Clock) -> None:
    priya = Chat(demo, clock, PRIYA)
    priya.said("my mentor hasnt answered a single message since january, bit concerned")
    said = priya.said("yes send it to tom")
    assert "Sent to the project lead" not in said
    assert not _concerns(demo)
    assert "answered a single message" not in Chat(demo, clock, TOM).said("what's next")


def test_the_partners_long_absence_goes_to_the_lead_not_a_pause(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, TOM).said("heads up, priyas going on long term sick leave next month")
    assert "project lead" in said
    assert "pause your reminders" not in said
    assert "you'll be away" not in said


def test_ones_own_leave_still_offers_the_pause(demo: Engine, clock: Clock) -> None:
    said = Chat(demo, clock, PRIYA).said("fyi im starting maternity leave on 1 june")
    assert "pause your reminders" in said
    assert not _concerns(demo)


def test_help_asked_for_urgently_shows_the_urgent_routes_at_once(
    demo: Engine, clock: Clock
) -> None:
    said = Chat(demo, clock, PRIYA).said("i need some help urgently pls")
    assert "didn't understand" not in said
    assert "project lead" in said
    assert any(route in said for route in ("999", "111", "Samaritans", "wellbeing"))


def test_urgency_about_an_ordinary_request_is_not_read_as_a_call_for_help() -> None:
    assert worries.just_urgent("i need some help urgently")
    assert not worries.just_urgent("need help with my contract urgently")
    assert not worries.just_urgent("the deadline is urgent")


def test_a_patient_worried_about_said_first_reminds_to_leave_out_identifiers(
    demo: Engine, clock: Clock
) -> None:
    said = Chat(demo, clock, PRIYA).said(
        "one of the residents on my ward, im quite anxious about how hes being treated"
    )
    assert any(w in said for w in ("identif", "patient details", "hospital number"))


def test_a_patient_named_without_a_worry_is_not_a_safety_concern() -> None:
    assert worries.kind("a patient thanked the whole team today, not worried at all") is None
    assert worries.kind("our patients gave lovely feedback this month") is None
