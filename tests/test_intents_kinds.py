"""Opening messages routed by the kind of language, not by their exact words (issue 12): each
kind with the phrasings it must catch and the look-alikes it must leave alone."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from conversations.dates import When, find_when
from conversations.intents import IntentName, recognise
from conversations.language.actions import Talk, read_action_talk
from conversations.language.meetings import AGENDA_TEXT

N = IntentName


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A new meeting asked for without "book" or "meet".
        ("can we have a session next week", N.BOOK_MEETING),
        ("fancy a catch up thurs?", N.BOOK_MEETING),
        ("could we squeeze in a quick 30 min one fri 11am", N.BOOK_MEETING),
        # ... but a changed one stays a change.
        ("can we do a shorter one instead of thurs", N.RESCHEDULE_MEETING),
        ("can we move our one to fri", N.RESCHEDULE_MEETING),
        # A booking with a chatty preamble and an agenda whose words name another journey.
        (
            "hiya, my manager said to book here so.. weds 11th at 10 on zoom? "
            "its mostly for going over my job application",
            N.BOOK_MEETING,
        ),
        ("hi, how do i apply for the band 7 job", N.APPLY),
        # A cancel with someone but no meeting named: the dialog asks which.
        ("have to cancel with owen sorry", N.CANCEL_MEETING),
        ("need to cancel w tom", N.CANCEL_MEETING),
        # "moved", and a meeting moved said passively.
        ("can the 20th one be moved to 3pm", N.RESCHEDULE_MEETING),
        ("fridays call needs changing, not sure to when", N.RESCHEDULE_MEETING),
        ("the 20th one will have to be rescheduled", N.RESCHEDULE_MEETING),
        ("when is our next meeting", N.MY_MEETINGS),
        ("i moved house last week", N.UNKNOWN),
        # Minutes wanted written, not read.
        ("i have to write up our notes from friday", N.LOG_MINUTES),
        ("gotta sort my minutes", N.LOG_MINUTES),
        ("show me my minutes", N.MY_MINUTES),
        ("what do my minutes say", N.MY_MINUTES),
        # What's next, however briefly asked.
        ("is there anything i have to sort next week", N.WHATS_NEXT),
        ("hi, anything for me today?", N.WHATS_NEXT),
        ("anything for me to eat", N.UNKNOWN),
        # Who the partner is, asked by how they were given.
        ("who have i been matched with?", N.MY_PARTNER),
        ("who am i paired with", N.MY_PARTNER),
        ("who was assigned the action", N.UNKNOWN),
        # A question about a deadline is a question, not a request to do it.
        ("whens the agreement due by", N.WHEN_IS),
        ("sign the contract pls", N.CONTRACT),
        # The lead's list as a bare noun phrase.
        ("concerns list", N.OPEN_CONCERNS),
        ("list of open concerns please", N.OPEN_CONCERNS),
        ("open concerns about tom's behaviour", N.CONCERN),
        ("i have concerns about my mentor", N.CONCERN),
    ],
)
def test_kinds_of_request_reach_their_journey(text: str, expected: IntentName) -> None:
    assert recognise(text).name is expected


def test_a_note_asked_for_politely_is_written_to_the_diary_not_read() -> None:
    written = recognise("could you add to my diary that today was really hard")
    assert written.name is IntentName.DIARY_NOTE
    assert written.rest == "today was really hard"
    assert recognise("can you show me my diary").name is IntentName.MY_DIARY


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("C7 now closed", "close C7"),
        ("c3 acked", "ack C3"),
        ("c 4 has been contacted, waiting to hear back", "contact C4 waiting to hear back"),
        ("n2 resolved: both happy now", "resolved N2 both happy now"),
    ],
)
def test_an_alert_status_after_its_reference_acts_on_it(text: str, rest: str) -> None:
    intent = recognise(text)
    assert intent.name is IntentName.LEAD_ACTION
    assert intent.rest == rest


def test_an_alert_reference_with_no_status_acts_on_nothing() -> None:
    assert recognise("c2 is worrying me").name is not IntentName.LEAD_ACTION


def test_the_agenda_after_for_going_over_is_what_the_meeting_is_about() -> None:
    found = AGENDA_TEXT.search("fri 3pm on teams? its mainly for going over my portfolio")
    assert found is not None
    assert found["agenda"] == "my portfolio"


_TZ = ZoneInfo("Europe/London")
_NOW = datetime(2026, 3, 2, 9, 0, tzinfo=_TZ)
_MEETING = datetime(2026, 3, 5, 10, 0, tzinfo=_TZ)  # Thu 5 Mar 10:00


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        ("could we bring it forward a day, same time", date(2026, 3, 4), time(10, 0)),
        ("a fortnight later at 2pm?", date(2026, 3, 19), time(14, 0)),
        ("shove it back 2 weeks pls", date(2026, 3, 19), None),
    ],
)
def test_a_shift_of_days_or_weeks_moves_the_meeting_in_hand(
    text: str, day: date, clock: time | None
) -> None:
    found = find_when(text, _NOW, _TZ, need_time=False, anchor=_MEETING)
    assert found is not None
    assert isinstance(found.value, When)
    assert found.value.local.date() == day
    assert found.value.has_time is (clock is not None)
    if clock is not None:
        assert found.value.local.time() == clock


def test_a_shift_without_a_meeting_in_hand_or_in_the_past_names_no_day() -> None:
    assert find_when("push it back a week", _NOW, _TZ, need_time=False) is None
    assert find_when("i got back a week ago", _NOW, _TZ, need_time=False, anchor=_MEETING) is None


@pytest.mark.parametrize(
    ("text", "what", "when"),
    [
        ("move the deadline for the budget one to friday", "the budget one", "friday"),
        ("could the CV due date be pushed back to the 20th", "CV", "the 20th"),
        ("can my portfolio deadline go to next weds pls", "my portfolio", "next weds"),
    ],
)
def test_an_actions_deadline_moved_is_a_new_due_date(text: str, what: str, when: str) -> None:
    assert read_action_talk(text) == Talk("due", what, when=when)


@pytest.mark.parametrize(
    "text", ["the contract deadline is the 16th", "whats the deadline for the rota paper"]
)
def test_a_deadline_only_mentioned_changes_nothing(text: str) -> None:
    assert read_action_talk(text) is None


def test_add_action_to_do_something_is_minutes_not_a_meeting_change() -> None:
    assert recognise("add an action to chase the rota by fri").name is IntentName.LOG_MINUTES
    assert recognise("i need to add action to my list").name is not IntentName.LOG_MINUTES


# -- actions: polite undo, owners without apostrophes, done said as where it went ------------


def test_a_polite_undo_is_an_undo() -> None:
    talk = read_action_talk("sorry could you undo that pls")
    assert talk is not None
    assert talk.kind == "undo"
    assert read_action_talk("sorry can u tell me more") is None


def test_an_owner_said_without_apostrophes_changes_the_owner() -> None:
    assert read_action_talk("oops that ones toms not mine") == Talk("owner", "that one", who="tom")
    assert read_action_talk("sorry that action is priyas not mine") == Talk(
        "owner", "that action", who="priya"
    )
    # "that one is fine, not mine to judge" names nobody's action
    assert read_action_talk("that one is fine not mine to judge") is None


def test_done_said_as_where_it_went() -> None:
    assert read_action_talk("slides gone to tom now") == Talk("done", "send tom slides")
    assert read_action_talk("cv has been emailed to priya this am") == Talk("done", "send priya cv")
    # going somewhere is not something sent
    assert read_action_talk("im going to tom's office now") is None


@pytest.mark.parametrize(
    "text",
    [
        "yesterday's notes w tom: talked budgets, agreed 2 things - rota and cv",
        "fridays minutes: went over the audit and my PDP",
    ],
)
def test_a_days_notes_with_a_label_are_minutes_not_a_booking(text: str) -> None:
    assert recognise(text).name == IntentName.LOG_MINUTES


def test_a_days_meeting_with_a_time_is_still_a_booking() -> None:
    assert recognise("book today's session with tom at 3").name == IntentName.BOOK_MEETING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Minutes wanted written, the object said before "in"/"up".
        ("i need to put some minutes in", N.LOG_MINUTES),
        ("got to get my notes up from tuesday", N.LOG_MINUTES),
        # A day's minutes named and nothing more: read them.
        ("weds notes please", N.MY_MINUTES),
        ("yesterday's minutes?", N.MY_MINUTES),
        # ... but a day's minutes with the discussion after them are a write-up.
        ("weds notes: went over my rota problems, I'll email HR by fri", N.LOG_MINUTES),
    ],
)
def test_minutes_wanted_written_or_read_by_their_kind(text: str, expected: IntentName) -> None:
    assert recognise(text).name is expected


@pytest.mark.parametrize(
    "text",
    [
        "Good call with Sam yesterday re my rota and the new starters. Action for me is a rota "
        "draft by friday. Sam's going to send me the old one.",
        "chat w sam this morning, topics were the audit and my band 7 plans. I'll email HR by fri",
        "had a really good one weds - delegation + the audit. next one in 3 wks same time",
        "the incident on the ward - we went over it and what i'd change next time",
        "audit - went thru the results. AP me draft the report by 20/3. AP sam feedback asap",
    ],
)
def test_a_meeting_written_up_as_dictated_or_jotted_is_minutes(text: str) -> None:
    assert recognise(text).name is N.LOG_MINUTES


@pytest.mark.parametrize(
    "text",
    [
        "we went over it again and he still shouts at me in front of the team",
        "I want to make a complaint about my mentor",
    ],
)
def test_a_concern_said_with_meeting_words_stays_a_concern(text: str) -> None:
    assert recognise(text).name is N.CONCERN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A complaint named as a topic of the meeting: minutes.
        (
            "AP me: draft a reply by fri. we discussed the family's complaint and how I handled it",
            N.LOG_MINUTES,
        ),
        # Raising one, even after the same words: the concern path.
        (
            "AP me: draft a reply by fri. we discussed the complaint and I want to make a "
            "complaint about tom",
            N.CONCERN,
        ),
        ("we talked about the complaint. tom shouted at me after", N.CONCERN),
    ],
)
def test_a_complaint_discussed_is_minutes_but_one_raised_stays_a_concern(
    text: str, expected: IntentName
) -> None:
    assert recognise(text).name is expected


def test_an_action_said_then_asked_to_be_added_is_minutes() -> None:
    assert recognise("sam to send me the audit tool by fri, please add as an action").name is (
        N.LOG_MINUTES
    )
