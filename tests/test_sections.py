"""The sections reader: discussion, actions (owner, due) and the next meeting in free text."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.dates import Ask, When
from conversations.language.sections import (
    Action,
    SectionContext,
    asks_for_minutes,
    read_action,
    read_due,
    read_next_meeting,
    read_sections,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 3, 2, 9, tzinfo=LONDON)  # Mon 2 Mar 2026, 09:00
HELD = datetime(2026, 2, 27, 14, tzinfo=LONDON)  # the meeting written up: Fri 27 Feb 14:00
CONTEXT = SectionContext(
    now=MONDAY, tz=LONDON, partner_names=("Tom Okafor",), own_names=("Priya Shah",)
)
BOOKED = SectionContext(
    now=MONDAY,
    tz=LONDON,
    partner_names=("Tom Okafor",),
    own_names=("Priya Shah",),
    next_meeting=date(2026, 3, 20),
    meeting_at=HELD,
)


def _actions(
    text: str, context: SectionContext = CONTEXT
) -> list[tuple[str, str | None, date | None]]:
    actions = read_sections(text, context).actions or ()
    return [(a.text, a.owner, a.due) for a in actions]


# -- where the actions are ------------------------------------------------------------------


def test_actions_after_a_full_stop_leave_the_discussion_as_written() -> None:
    read = read_sections(
        "Good catch-up about presenting to the board. Actions: me - book a slot at the away "
        "day by end of month; Tom - lend me some old board papers",
        CONTEXT,
    )
    assert read.discussion == ("Good catch-up about presenting to the board",)
    assert [(a.text, a.owner, a.due) for a in read.actions or ()] == [
        ("Book a slot at the away day", "me", date(2026, 3, 31)),
        ("Lend Priya some old board papers", "partner", None),
    ]


def test_owned_sentences_are_actions_without_any_heading() -> None:
    read = read_sections(
        "chatted w tom about rotas. I need to write up the rota options by fri. "
        "He'll send me the trust template",
        CONTEXT,
    )
    assert read.discussion == ("Chatted w tom about rotas",)
    assert [(a.text, a.owner, a.due) for a in read.actions or ()] == [
        ("Write up the rota options", "me", date(2026, 3, 6)),
        ("Send Priya the trust template", "partner", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "AP: me to draft the paper by 13/3\ntom to check the numbers",
        "action points\n- me to draft the paper by 13/3\n- tom to check the numbers",
        "next steps:\n1. me to draft the paper by 13/3\n2. tom to check the numbers",
        "to do: me to draft the paper by 13/3, tom to check the numbers",
        "* me to draft the paper by 13/3\n* tom to check the numbers",
        "me to draft the paper by 13/3 and tom to check the numbers",
        "• me to draft the paper by 13/3\n• tom to check the numbers",
        "1) me to draft the paper by 13/3\n2) tom to check the numbers",
        "AP me to draft the paper by 13/3; tom to check the numbers",
    ],
)
def test_heads_bullets_and_separators_however_written(text: str) -> None:
    assert _actions(text) == [
        ("Draft the paper", "me", date(2026, 3, 13)),
        ("Check the numbers", "partner", None),
    ]


def test_and_or_a_comma_inside_one_action_does_not_split_it() -> None:
    assert _actions("actions: me to draft the plan and the budget, with costs, by 20/3") == [
        ("Draft the plan and the budget, with costs", "me", date(2026, 3, 20)),
    ]


def test_no_actions_is_said() -> None:
    assert read_sections("covered the audit. no actions", CONTEXT).actions == ()
    assert read_sections("covered the audit", CONTEXT).actions is None


# -- owners ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("me to call HR", "me"),
        ("I'll call HR", "me"),
        ("ill call HR", "me"),
        ("I'm going to call HR", "me"),
        ("Priya to call HR", "me"),
        ("tom to call HR", "partner"),
        ("Tom will call HR", "partner"),
        ("Tom Okafor: call HR", "partner"),
        ("she'll call HR", "partner"),
        ("both of us to call HR", "both"),
        ("we both need to call HR", "both"),
        ("tom and I will call HR", "both"),
        ("we'll call HR", "both"),
        ("both - call HR", "both"),
        ("someone needs to call HR", None),
        ("call HR", None),
    ],
)
def test_owners(line: str, owner: str | None) -> None:
    action = read_action(line, CONTEXT)
    assert action is not None
    assert (action.text, action.owner) == ("Call HR", owner)


def test_a_name_outside_the_pair_is_kept_to_ask_about() -> None:
    assert read_action("Sam: call HR", CONTEXT) == Action("Call HR", owner_said="Sam")


def test_outside_a_list_only_an_owned_clause_is_an_action() -> None:
    assert read_action("Budget: overspent", CONTEXT, listed=False) is None
    assert read_action("we went over the budget", CONTEXT, listed=False) is None
    assert read_action("ill health came up", CONTEXT, listed=False) is None


# -- due dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "due"),
    [
        ("me to call HR by fri", date(2026, 3, 6)),
        ("me to call HR by end of month", date(2026, 3, 31)),
        ("me to call HR eom", date(2026, 3, 31)),
        ("me to call HR end of next wk", date(2026, 3, 13)),
        ("me to call HR by 20/3", date(2026, 3, 20)),
        ("me to call HR before the 16th", date(2026, 3, 16)),
        ("me to call HR tmrw", date(2026, 3, 3)),
        ("me to call HR before our next one", date(2026, 3, 20)),
        ("me to call HR ahead of the next meeting", date(2026, 3, 20)),
    ],
)
def test_due_dates(line: str, due: date) -> None:
    action = read_action(line, BOOKED)
    assert action is not None
    assert (action.text, action.due, action.due_note) == ("Call HR", due, None)


def test_asap_is_no_date_but_noted() -> None:
    action = read_action("tom - send the business case asap", CONTEXT)
    assert action is not None
    assert (action.text, action.owner, action.due, action.asap) == (
        "Send the business case",
        "partner",
        None,
        True,
    )
    assert action.due_note is not None


def test_before_our_next_one_without_a_next_meeting_is_asked() -> None:
    action = read_action("me to call HR before our next one", CONTEXT)
    assert action is not None
    assert action.due is None
    assert action.due_note is not None
    assert "isn't booked yet" in action.due_note


def test_a_due_reply() -> None:
    assert read_due("by weds", CONTEXT) == date(2026, 3, 4)
    assert read_due("end of next wk", CONTEXT) == date(2026, 3, 13)
    assert read_due("before our next one", BOOKED) == date(2026, 3, 20)
    assert read_due("no date", CONTEXT) is None
    assert isinstance(read_due("31/2", CONTEXT), Ask)


def test_numbers_in_the_discussion_are_not_dates() -> None:
    read = read_sections("budget setting for 26/27 + the 1234567890 cost centre", CONTEXT)
    assert read.discussion == ("Budget setting for 26/27 + the 1234567890 cost centre",)
    assert read.actions is None


# -- the next meeting ------------------------------------------------------------------------


def _at(value: When | Ask | None) -> datetime:
    assert isinstance(value, When)
    return value.local


@pytest.mark.parametrize(
    ("text", "at"),
    [
        ("talked budgets. next meeting thurs 19th at 2", datetime(2026, 3, 19, 14, tzinfo=LONDON)),
        ("talked budgets. next one 20/3 at 10 on teams", datetime(2026, 3, 20, 10, tzinfo=LONDON)),
        ("talked budgets, next call 1/4 at 9", datetime(2026, 4, 1, 9, tzinfo=LONDON)),
        (
            "talked budgets. next meeting same time in 4 wks, video",
            datetime(2026, 3, 27, 14, tzinfo=LONDON),
        ),
        (
            "talked budgets. we'll meet again in a fortnight same time",
            datetime(2026, 3, 13, 14, tzinfo=LONDON),
        ),
    ],
)
def test_the_next_meeting_in_the_same_message(text: str, at: datetime) -> None:
    read = read_sections(text, BOOKED)
    assert read.next_meeting is not None
    assert _at(read.next_meeting.when) == at
    assert read.discussion == ("Talked budgets",)


def test_same_time_in_six_weeks_crosses_into_summer_time() -> None:
    value = read_next_meeting("in 6 wks same time pls", BOOKED)
    assert isinstance(value, When)
    assert (value.local, value.at_utc.hour) == (datetime(2026, 4, 10, 14, tzinfo=LONDON), 13)


def test_the_next_meeting_not_yet_or_passed() -> None:
    assert read_next_meeting("not booked yet", CONTEXT) is None
    assert isinstance(read_next_meeting("27/2 at 10", CONTEXT), Ask)


def test_before_our_next_one_is_not_the_next_meeting() -> None:
    read = read_sections("both of us to read the compact before our next one", BOOKED)
    assert read.next_meeting is None
    assert _actions("both of us to read the compact before our next one", BOOKED) == [
        ("Read the compact", "both", date(2026, 3, 20))
    ]


# -- readable discussion ---------------------------------------------------------------------


def test_the_discussion_keeps_sentences_and_bullets_as_written() -> None:
    read = read_sections(
        "notes from fri:\n- the overspend, and how to present it\n- agreed I shadow tom\n"
        "- AP tom to ask his DoO re shadowing by 13/3",
        CONTEXT,
    )
    assert read.heading == "from fri"
    assert read.discussion == ("The overspend, and how to present it", "Agreed I shadow tom")
    assert _actions("- AP tom to ask his DoO re shadowing by 13/3") == [
        ("Ask his DoO re shadowing", "partner", date(2026, 3, 13))
    ]


def test_no_dangling_heads_or_punctuation() -> None:
    read = read_sections(
        "talked about the audit, e.g. the ward returns. decisions: go to the board in April. "
        "actions: ",
        CONTEXT,
    )
    assert read.discussion == ("Talked about the audit, e.g. the ward returns",)
    assert read.decisions == ("Go to the board in April",)
    assert read.actions == ()


def test_a_longer_message_with_every_section() -> None:
    read = read_sections(
        "Quick notes from today: covered my PDP and the audit. Actions - Tom: intro to the CNO "
        "by end of week. Me: finish PDP draft by 15/3. Next: 2 April 11am",
        BOOKED,
    )
    assert (read.heading, read.discussion) == ("from today", ("Covered my PDP and the audit",))
    assert [(a.text, a.owner, a.due) for a in read.actions or ()] == [
        ("Intro to the CNO", "partner", date(2026, 3, 6)),
        ("Finish PDP draft", "me", date(2026, 3, 15)),
    ]
    assert read.next_meeting is not None
    assert _at(read.next_meeting.when) == datetime(2026, 4, 2, 11, tzinfo=LONDON)


def test_a_heading_on_its_own_line_covers_the_lines_below_it() -> None:
    read = read_sections(
        "Really useful. We looked at my 360 feedback.\n\nActions\nPriya - book coaching by "
        "31/3\nTom - find a coach contact\n\nwent well overall",
        CONTEXT,
    )
    assert read.discussion == ("Really useful", "We looked at my 360 feedback", "Went well overall")
    assert [(a.text, a.owner) for a in read.actions or ()] == [
        ("Book coaching", "me"),
        ("Find a coach contact", "partner"),
    ]


def test_going_to_and_brackets() -> None:
    assert _actions(
        "we chatted about the new role. tom's going to send me the JD by fri and I'm going to "
        "update my CV (by 20/3)"
    ) == [
        ("Send Priya the JD", "partner", date(2026, 3, 6)),
        ("Update my CV", "me", date(2026, 3, 20)),
    ]


def test_meeting_someone_is_an_action_and_how_often_the_pair_meets_is_not() -> None:
    assert _actions("talked thru the budget. me to meet finance by 13/3") == [
        ("Meet finance", "me", date(2026, 3, 13))
    ]
    assert _actions("tom and i agreed to meet every 6 wks. next one in 6 wks") == []


def test_actions_were_and_a_full_stop_after_a_word_ending_like_an_abbreviation() -> None:
    assert _actions(
        "covered the QI project. actions were: tom to review my draft, me to send it by weds"
    ) == [
        ("Review Priya's draft", "partner", None),
        ("Send it", "me", date(2026, 3, 4)),
    ]
    read = read_sections("talked about delegation. I should delegate more. Good session", CONTEXT)
    assert read.discussion == ("Talked about delegation", "Good session")
    assert [(a.text, a.owner) for a in read.actions or ()] == [("Delegate more", "me")]


def test_the_partner_s_action_names_the_writer_so_it_reads_well_to_both() -> None:
    assert _actions("AP tom to intro me to his deputy tmrw; me to update my CV") == [
        ("Intro Priya to his deputy", "partner", date(2026, 3, 3)),
        ("Update my CV", "me", None),
    ]


# -- actions said as what someone is doing ----------------------------------------------------


def test_an_action_said_as_what_someone_is_doing_is_theirs() -> None:
    assert _actions(
        "actions: ill write the induction pack by thu; tom forwarding me the old one"
    ) == [
        ("Write the induction pack", "me", date(2026, 3, 5)),
        ("Forwarding Priya the old one", "partner", None),
    ]
    read = read_sections("we talked about rotas. tom lending me his slides by wed", CONTEXT)
    assert read.discussion == ("We talked about rotas",)
    assert [(a.text, a.owner, a.due) for a in read.actions or ()] == [
        ("Lending Priya his slides", "partner", date(2026, 3, 4))
    ]


def test_two_doing_actions_in_one_line_split_at_and_im() -> None:
    assert _actions(
        "APs: we're both watching the webinar before next meeting, and im redoing my PDP "
        "by end of month",
        BOOKED,
    ) == [
        ("Watching the webinar", "both", date(2026, 3, 20)),
        ("Redoing my PDP", "me", date(2026, 3, 31)),
    ]


def test_words_ending_in_ing_that_are_not_doing_stay_discussion() -> None:
    read = read_sections("we discussed the morning handover and nothing else", CONTEXT)
    assert read.actions is None
    assert read.discussion == ("We discussed the morning handover and nothing else",)
    # a past tense is what happened, not an action
    assert read_sections("we talked it over. tom suggested a debrief", CONTEXT).actions is None


def test_before_next_time_without_our_is_the_next_meeting() -> None:
    assert _actions("action: me to ring the rota team before next time", BOOKED) == [
        ("Ring the rota team", "me", date(2026, 3, 20))
    ]
    unbooked = read_action("me to ring the rota team before next meeting", CONTEXT)
    assert unbooked is not None
    assert unbooked.due is None
    assert unbooked.due_note is not None
    # "next time" in the action's words without "before" is no date
    said = read_action("me to do it differently next time round", CONTEXT)
    assert said is not None
    assert said.due is None
    assert said.due_note is None


def test_next_mtg_n_weeks_later_counts_from_the_meeting_written_up() -> None:
    read = read_sections("went over my PDP. next mtg same time 3 wks later on teams", BOOKED)
    assert read.discussion == ("Went over my PDP",)
    assert read.next_meeting is not None
    when = read.next_meeting.when
    assert isinstance(when, When)
    assert when.local == datetime(2026, 3, 20, 14, tzinfo=LONDON)  # Fri 27 Feb + 3 weeks, 14:00
    # "in 3 weeks" reads the same; a later meeting without "later" is not moved
    also = read_next_meeting("same time in 3 wks", BOOKED)
    assert isinstance(also, When)
    assert also.local == when.local
    plain = read_next_meeting("tue 10 mar 10am", BOOKED)
    assert isinstance(plain, When)
    assert plain.local == datetime(2026, 3, 10, 10, tzinfo=LONDON)


def test_no_actions_closing_a_run_on_sentence_means_none() -> None:
    read = read_sections("went over the audit, the ward move, no actions", CONTEXT)
    assert read.actions == ()
    assert read.discussion == ("Went over the audit, the ward move",)
    assert read_sections("chatted about the new rota and no actions agreed", CONTEXT).actions == ()
    # "no actions" inside the words, not closing them, says nothing about actions
    inside = read_sections("we discussed why there were no actions at all last time", CONTEXT)
    assert inside.actions is None


def test_a_topic_and_a_dash_before_an_owned_action_keeps_the_topic() -> None:
    assert _actions("PDP - both of us to look at it before 16th") == [
        ("PDP: look at it", "both", date(2026, 3, 16))
    ]
    # a topic and a dash with no owner after it is discussion
    read = read_sections("the ward move - tricky but fine. tom to email HR", CONTEXT)
    assert read.discussion == ("The ward move - tricky but fine",)
    assert _actions("the ward move - tricky but fine. tom to email HR") == [
        ("Email HR", "partner", None)
    ]


def test_an_owner_said_alone_between_commas_owns_the_action() -> None:
    assert _actions("actions: book the room re induction, me, by wed") == [
        ("Book the room re induction", "me", date(2026, 3, 4))
    ]
    assert _actions("actions: ring the ward re cover, tom") == [
        ("Ring the ward re cover", "partner", None)
    ]
    # a list of things is not an owner
    assert _actions("actions: sort the budget, cover, rotas") == [
        ("Sort the budget, cover, rotas", None, None)
    ]


@pytest.mark.parametrize("said", ["havent booked one yet", "we've not arranged it yet"])
def test_not_booked_yet_is_no_next_meeting(said: str) -> None:
    assert read_next_meeting(said, CONTEXT) is None


def test_a_day_said_with_booked_is_still_the_day() -> None:
    assert isinstance(read_next_meeting("booked tue 10 mar 10am", CONTEXT), When)


def test_a_day_before_the_notes_label_names_the_meeting() -> None:
    read = read_sections("yesterdays notes w tom: went over the audit, and my PDP", CONTEXT)
    assert read.heading == "yesterday"
    assert read.discussion == ("Went over the audit, and my PDP",)
    # without a day before the label there is no heading to read
    assert read_sections("my notes w tom: went over the audit", CONTEXT).heading == ""


def test_a_days_minutes_asked_for_by_the_day_alone() -> None:
    asked = asks_for_minutes("tuesdays notes pls")
    assert asked is not None
    assert asked.when.lower().startswith("tues")
    assert asks_for_minutes("tuesdays notes: went over the rota") is None


@pytest.mark.parametrize(
    ("said", "owner", "what"),
    [
        ("AP me chase the rota by 20/3", "me", "chase the rota"),
        ("AP tom send me the old rota", "partner", "send priya the old rota"),
        ("Action for me is booking the venue by 20/3", "me", "booking the venue"),
    ],
)
def test_an_action_head_then_its_owner_without_a_mark(said: str, owner: str, what: str) -> None:
    sections = read_sections(f"went over the rota. {said}", CONTEXT)
    assert sections.actions is not None
    assert [(a.owner, a.text.lower()) for a in sections.actions] == [(owner, what)]


def test_action_items_heading_is_not_an_owner() -> None:
    sections = read_sections("action items: Tom - send me the rota", CONTEXT)
    assert sections.actions is not None
    assert [a.owner for a in sections.actions] == ["partner"]


def test_an_action_line_ends_where_the_discussion_starts() -> None:
    sections = read_sections("AP me: draft the reply by 20/3. we talked about the family", CONTEXT)
    assert sections.actions is not None
    assert [a.text.lower() for a in sections.actions] == ["draft the reply"]
    assert any("family" in d for d in sections.discussion)


def test_the_request_to_add_an_action_is_not_part_of_it() -> None:
    sections = read_sections(
        "tom to send me the audit tool by 6/3, pls add it as an action", CONTEXT
    )
    assert sections.actions is not None
    [action] = sections.actions
    assert action.owner == "partner"
    assert "add" not in action.text.lower()
    assert action.due == date(2026, 3, 6)
