"""Minutes typed as people type them: actions after a full stop, "AP:", bullets, owners, due
dates, the next meeting in the same message, and which meeting when several have no minutes.
The clock is Mon 2 Mar 2026, 09:00 in London (the development corpus's); Priya is the mentee,
Tom her mentor. Typed answers arrive as text, as on Slack and Teams."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from conversations.clock import Clock
from conversations.intents import recognise
from storage.db import transaction
from storage.models import Meeting, Outbox
from tests.minutes_world import add_meeting, saved_actions, saved_minutes, typed
from tests.transcript import Chat

FRIDAY = datetime(2026, 2, 27, 14, tzinfo=UTC)  # Fri 27 Feb 14:00 (GMT): held, no minutes


@pytest.fixture
def clock() -> Clock:
    return Clock.fixed("2026-03-02T09:00:00+00:00")


def test_actions_after_a_full_stop_and_the_next_meeting_proposed(
    mentee: Chat, mentor: Chat
) -> None:
    held = add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "met tom fri. went thru my leadership plan + the rota gaps. ill draft the rota paper "
        "by fri, tom to send me his template. next one 20/3 at 10 on teams"
    )
    # Nothing is asked again: the one message is the whole write-up, confirmed as read.
    assert "the actions you agreed?" not in reply
    assert (
        "*Meeting:* Fri 27 Feb (the meeting booked for 14:00)\n"
        "*Discussion:* Went thru my leadership plan + the rota gaps\n"
        "*Actions:*\n"
        "1. Draft the rota paper: you, due Fri 6 Mar\n"
        "2. Send Priya his template: Tom Okafor, no due date\n"
        "*Next meeting:* Fri 20 Mar, 10:00"
    ) in reply
    saved = typed(mentee, "yes")
    assert "Saved the minutes of your meeting on Fri 27 Feb, with 2 actions." in saved
    assert (
        "You agreed to meet next on Fri 20 Mar, 10:00 (1 hour, by video). "
        "Shall I send Tom a proposal for it?"
    ) in saved
    [minutes] = saved_minutes(mentee.db)
    assert (minutes.meeting_id, minutes.discussion) == (
        held,
        "Went thru my leadership plan + the rota gaps",
    )
    assert saved_actions(mentee.db) == [
        ("Draft the rota paper", "Priya Shah", date(2026, 3, 6)),
        ("Send Priya his template", "Tom Okafor", None),
    ]
    # The proposal goes only after the mentee says so.
    with transaction(mentee.db) as session:
        assert session.exec(select(Meeting).where(Meeting.status == "proposed")).all() == []
    sent = typed(mentee, "yes")
    assert "Sent to Tom Okafor: Fri 20 Mar, 10:00." in sent
    with transaction(mentee.db) as session:
        [proposal] = session.exec(select(Meeting).where(Meeting.status == "proposed")).all()
    assert (proposal.starts_at, proposal.duration_minutes, proposal.mode) == (
        datetime(2026, 3, 20, 10, tzinfo=UTC),
        60,
        "video",
    )
    inbox = mentor.inbox()
    assert "Priya Shah would like to meet:" in inbox
    assert "Priya has logged the minutes of your meeting on Fri 27 Feb." in inbox


def test_the_proposal_can_wait(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    mentee.said(
        "met tom fri. talked about managing up and my new deputy role. "
        "next meeting same time in 4 wks, video"
    )
    reply = typed(mentee, "none really")  # no actions
    assert "*Actions:* none" in reply
    assert "*Next meeting:* Fri 27 Mar, 14:00" in reply  # 4 weeks from the meeting, same time
    typed(mentee, "save")
    reply = typed(mentee, "not now")
    assert "I haven't sent anything. To book it later, say *book a meeting 27 Mar 2026 14:00*" in (
        reply
    )
    with transaction(mentee.db) as session:
        assert session.exec(select(Meeting).where(Meeting.status == "proposed")).all() == []


def test_ap_with_owners_after_dashes_and_asap_asked(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "minutes: notes - looked at the MRI business case options, agreed option 2 is "
        "strongest. AP: me - cost up option 2 by 20/3; tom - send an example business case asap"
    )
    assert "*Send an example business case*: 'asap' isn't a date" in reply
    reply = typed(mentee, "by weds")
    assert (
        "*Discussion:* Looked at the MRI business case options, agreed option 2 is strongest\n"
        "*Actions:*\n"
        "1. Cost up option 2: you, due Fri 20 Mar\n"
        "2. Send an example business case: Tom Okafor, due Wed 4 Mar"
    ) in reply


def test_asap_with_no_date_keeps_the_asap(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    mentee.said("minutes: the budget. AP: tom to send the template asap")
    assert "Send the template (asap): Tom Okafor, no due date" in typed(mentee, "no date")


def test_bullets_are_kept_one_item_each(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "minutes from fri\n- budget overspend and how to present it to the DoO\n"
        "- agreed ill shadow tom at his ops meeting\n- AP tom to ask his DoO re shadowing by 13/3"
    )
    assert (
        "*Meeting:* Fri 27 Feb (the meeting booked for 14:00)\n"
        "*Discussion:* Budget overspend and how to present it to the DoO\n"
        "Agreed ill shadow tom at his ops meeting\n"
        "*Actions:*\n"
        "1. Ask his DoO re shadowing: Tom Okafor, due Fri 13 Mar"
    ) in reply


def test_before_our_next_one_is_the_next_booked_meeting(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    add_meeting(mentee.db, datetime(2026, 3, 20, 10, tzinfo=UTC), status="confirmed")
    reply = mentee.said(
        "minutes: the leadership compact. action points: both of us to read the leadership "
        "compact before our next one, me to update my CV by end of month"
    )
    assert (
        "*Actions:*\n"
        "1. Read the leadership compact: Both, due Fri 20 Mar\n"
        "2. Update my CV: you, due Tue 31 Mar\n"
        "*Next meeting:* Fri 20 Mar, 10:00 (already booked)"
    ) in reply


def test_before_our_next_one_with_none_booked_asks_for_a_date(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "minutes: the band 7 post. AP - me to speak to workforce re the band 7 post before our "
        "next one"
    )
    assert "Your next meeting isn't booked yet" in reply
    assert "  1. No due date" in reply  # a button as well as the typed answers
    reply = typed(mentee, "end of next wk")
    assert "1. Speak to workforce re the band 7 post: you, due Fri 13 Mar" in reply


@pytest.mark.parametrize(
    ("answer", "owner"),
    [
        ("me", "you"),
        ("tom", "Tom Okafor"),
        ("both of us", "Both"),
        ("it's Tom's", "Tom Okafor"),
        ("2", "Tom Okafor"),  # typed, as on Slack: the second choice
    ],
)
def test_an_action_without_an_owner_is_asked_and_answered_typed(
    mentee: Chat, answer: str, owner: str
) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "minutes: the secondment. AP: someone needs to chase HR about the secondment by end of "
        "next wk"
    )
    assert "Who will do *Chase HR about the secondment*?" in reply
    reply = typed(mentee, answer)
    assert f"1. Chase HR about the secondment: {owner}, due Fri 13 Mar" in reply


def test_owned_sentences_are_actions_and_the_discussion_stays_readable(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    # No "log minutes": the message itself reads as a meeting written up.
    reply = mentee.said(
        "good chat w tom about my confidence presenting at board. I need to get a slot at the "
        "exec away day by end of month. He will share some of his old board papers."
    )
    assert (
        "*Discussion:* Good chat w tom about my confidence presenting at board\n"
        "*Actions:*\n"
        "1. Get a slot at the exec away day: you, due Tue 31 Mar\n"
        "2. Share some of his old board papers: Tom Okafor, no due date"
    ) in reply


@pytest.mark.parametrize("answer", ["the 16th", "monday's", "16 feb", "2"])
def test_which_meeting_is_asked_when_several_have_no_minutes(mentee: Chat, answer: str) -> None:
    older = add_meeting(mentee.db, datetime(2026, 2, 16, 10, tzinfo=UTC))
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said("can i add minutes pls")
    assert (
        "Which meeting are these minutes for? More than one has none yet.\n"
        "  1. Fri 27 Feb, 14:00\n"
        "  2. Mon 16 Feb, 10:00"
    ) in reply
    assert saved_minutes(mentee.db) == []
    assert "What did you discuss" in typed(mentee, answer)
    typed(mentee, "objectives for the year")
    typed(mentee, "none")
    reply = typed(mentee, "not yet")
    assert "*Meeting:* Mon 16 Feb (the meeting booked for 10:00)" in reply
    typed(mentee, "save")
    assert [m.meeting_id for m in saved_minutes(mentee.db)] == [older]


def test_which_meeting_keeps_what_the_first_message_said(mentee: Chat) -> None:
    add_meeting(mentee.db, datetime(2026, 2, 16, 10, tzinfo=UTC))
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said("minutes: talked about the rota. me to draft the rota paper by fri")
    assert "Which meeting are these minutes for?" in reply
    reply = typed(mentee, "friday's")
    assert "*Meeting:* Fri 27 Feb (the meeting booked for 14:00)" in reply
    assert "*Discussion:* Talked about the rota" in reply
    assert "1. Draft the rota paper: you, due Fri 6 Mar" in reply


def test_no_next_meeting_said_is_not_asked_and_only_the_pair_is_told(
    mentee: Chat, mentor: Chat
) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said("minutes: the rota. me to draft the rota paper by fri. no next meeting")
    assert "*Discussion:* The rota\n" in reply
    assert "*Next meeting:* not agreed yet" in reply
    assert "Saved the minutes" in typed(mentee, "save")
    assert saved_actions(mentee.db) == [("Draft the rota paper", "Priya Shah", date(2026, 3, 6))]
    with transaction(mentee.db) as session:
        recipients = {
            o.recipient_id for o in session.exec(select(Outbox).where(Outbox.kind != "reply"))
        }
    assert recipients <= {mentee.person_id, mentor.person_id}


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("notes - looked at the options. AP: me - cost up option 2 by 20/3", "log_minutes"),
        ("action points: both of us to read the compact, me to update my CV", "log_minutes"),
        ("fri went well, talked about managing up. next meeting same time in 4 wks", "log_minutes"),
        ("catch up w tom. mostly talked about the new role", "log_minutes"),
        ("we talked about it, I'll book a meeting for next tue 3pm", "book_meeting"),
        ("what are my actions?", "my_actions"),
        # Words of a concern come first, whatever else the message holds.
        ("we talked about my concerns with tom. I will write them down", "concern"),
    ],
)
def test_a_meeting_written_up_starts_the_minutes(text: str, intent: str) -> None:
    assert recognise(text).name.value == intent


def test_actions_alone_are_saved_without_asking_for_a_discussion(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said("AP tom to intro me to his deputy tmrw")
    assert (
        "*Discussion:* (none written)\n"
        "*Actions:*\n"
        "1. Intro Priya to his deputy: Tom Okafor, due Tue 3 Mar\n"
        "*Next meeting:* not agreed yet"
    ) in reply
    assert "Saved the minutes of your meeting on Fri 27 Feb, with 1 action." in typed(mentee, "yes")
    [minutes] = saved_minutes(mentee.db)
    assert minutes.discussion == ""
    assert saved_actions(mentee.db) == [
        ("Intro Priya to his deputy", "Tom Okafor", date(2026, 3, 3))
    ]
    # No meeting is booked for tomorrow.
    with transaction(mentee.db) as session:
        assert session.exec(select(Meeting).where(Meeting.status == "proposed")).all() == []


def test_a_discussion_alone_asks_for_actions_and_the_next_meeting(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "catch up w tom. mostly talked about how im finding the new role, imposter syndrome, "
        "and how he handled his first yr as head of service. really helpful tbh"
    )
    assert "the actions you agreed?" in reply
    assert "Good: what were they?" in typed(mentee, "yes")  # not an action called "Yes"
    assert "When is your next meeting?" in typed(mentee, "none really")
    reply = typed(mentee, "not booked yet")
    assert (
        "*Discussion:* Catch up w tom\n"
        "Mostly talked about how im finding the new role, imposter syndrome, and how he handled "
        "his first yr as head of service\n"
        "Really helpful tbh\n"
        "*Actions:* none\n"
        "*Next meeting:* not agreed yet"
    ) in reply


@pytest.mark.parametrize(
    "said",
    [
        "caught up with tom this morning, chiefly about delegating and saying no to extra projects",
        "had our catch-up with tom, went over delegating and saying no to extra projects",
    ],
)
def test_saying_we_caught_up_and_what_about_is_the_minutes(mentee: Chat, said: str) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(said)
    assert "the actions you agreed?" in reply
    reply = typed(mentee, "no")
    assert "Shall I save these minutes?" in reply
    assert "delegating and saying no to extra projects" in reply
    assert "*Actions:* none" in reply


@pytest.mark.parametrize("owner", ["me and tom both", "tom and i both"])
def test_the_pair_named_then_both_owns_the_action_together(mentee: Chat, owner: str) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(f"AP: {owner} to watch the kings fund webinar by 20/3")
    assert "Who will do" not in reply
    assert "1. Watch the kings fund webinar: Both, due Fri 20 Mar" in reply


def test_booking_words_inside_a_write_up_are_what_was_discussed(mentee: Chat) -> None:
    add_meeting(mentee.db, FRIDAY)
    reply = mentee.said(
        "helpful session with tom today on stakeholder mapping. I'm going to book a slot with "
        "the finance director next week, and he's going to send me his template."
    )
    assert "Let's log the minutes" in reply
    assert "What time" not in reply
    with transaction(mentee.db) as session:
        assert session.exec(select(Meeting).where(Meeting.status == "proposed")).all() == []
