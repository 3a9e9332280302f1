"""What free text and button presses are understood to ask for."""

from __future__ import annotations

import pytest

from conversations.intents import (
    GLOBAL_WORDS,
    Intent,
    IntentName,
    candidates,
    global_word,
    recognise,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("help", IntentName.HELP),
        ("Help!", IntentName.HELP),
        ("?", IntentName.HELP),
        ("what can you do", IntentName.HELP),
        ("menu", IntentName.MENU),
        ("cancel", IntentName.CANCEL),
        ("Cancel that", IntentName.CANCEL),
        ("never mind", IntentName.CANCEL),
        ("back", IntentName.BACK),
        ("go back", IntentName.BACK),
        ("what's next", IntentName.WHATS_NEXT),
        ("What’s next?", IntentName.WHATS_NEXT),
        ("whats next", IntentName.WHATS_NEXT),
        ("book a meeting next Tuesday 3pm for an hour by video", IntentName.BOOK_MEETING),
        ("can we arrange a meeting?", IntentName.BOOK_MEETING),
        ("log minutes for today's meeting", IntentName.LOG_MINUTES),
        ("my actions", IntentName.MY_ACTIONS),
        ("my diary", IntentName.MY_DIARY),
        ("diary", IntentName.DIARY_GUIDED),
        ("write in my diary", IntentName.DIARY_GUIDED),
        ("I'd like to raise a concern", IntentName.CONCERN),
        ("sign the contract", IntentName.CONTRACT),
        ("I want to apply", IntentName.APPLY),
        ("hello", IntentName.GREETING),
        ("thanks!", IntentName.THANKS),
        ("cancel the meeting on Tuesday", IntentName.CANCEL_MEETING),
        ("can we move our meeting to 4pm", IntentName.RESCHEDULE_MEETING),
        ("reschedule", IntentName.RESCHEDULE_MEETING),
        ("show our minutes", IntentName.MY_MINUTES),
        ("I'm at full capacity", IntentName.MENTOR_CAPACITY),
        ("taking mentees again", IntentName.MENTOR_CAPACITY),
        ("choose my mentor", IntentName.PREFERENCES),
        ("register as a mentor", IntentName.REGISTER_MENTOR),
        ("check-in", IntentName.CHECKIN),
        ("pause reminders until 5 Jan", IntentName.PAUSE_REMINDERS),
        ("I'm on leave until 3 February", IntentName.PAUSE_REMINDERS),
        ("resume reminders", IntentName.RESUME_REMINDERS),
        ("my mentor hasn't replied for 5 weeks", IntentName.CONCERN),
        ("our relationship has broken down", IntentName.CONCERN),
        ("the weather is nice", IntentName.UNKNOWN),
        ("", IntentName.UNKNOWN),
    ],
)
def test_free_text_is_understood(text: str, expected: IntentName) -> None:
    assert recognise(text).name == expected


def test_a_quick_diary_note_keeps_its_words() -> None:
    assert recognise("diary: felt heard in the budget meeting") == Intent(
        IntentName.DIARY_NOTE, "felt heard in the budget meeting"
    )


def test_done_names_the_action() -> None:
    assert recognise("done 2") == Intent(IntentName.DONE_ACTION, "2")


def test_global_words_only_count_as_the_whole_message() -> None:
    # "cancel the meeting" is about a meeting, not the global cancel.
    assert global_word("cancel the meeting on Tuesday") is None
    assert global_word("help me book a meeting") is None
    assert global_word("cancel") is IntentName.CANCEL


def test_buttons_carry_their_intent() -> None:
    assert recognise("Read my diary", "intent:my_diary").name is IntentName.MY_DIARY
    assert recognise("x", "intent:no_such_thing").name is IntentName.UNKNOWN
    # A dialog's own button is for that dialog, whatever its label says.
    assert recognise("Help", "dialog:diary:save").name is IntentName.UNKNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hi, hope you're well, could we book a meeting?", IntentName.BOOK_MEETING),
        ("morning! pls can u set up a 1:1 w tom thurs half 2, teams is fine", IntentName.BOOK_MEETING),
        ("hi hope ur well, could i grab tom tmrw 2ish? video", IntentName.BOOK_MEETING),
        ("hey there, quick question - how do i log minutes?", IntentName.LOG_MINUTES),
        ("so whats next then?", IntentName.WHATS_NEXT),
        ("whats next for me", IntentName.WHATS_NEXT),
        ("what do i need to do this wk", IntentName.WHATS_NEXT),
        ("hey, is anything waiting for me?", IntentName.WHATS_NEXT),
        ("what have i still got to do next week", IntentName.WHATS_NEXT),
        ("morning - has anything come in for me?", IntentName.WHATS_NEXT),
        ("what am i supposed to be doing today?", IntentName.WHATS_NEXT),
        ("ok what comes next?", IntentName.WHATS_NEXT),
        ("so what now", IntentName.WHATS_NEXT),
        ("oh scrap that", IntentName.CANCEL),
        ("actually don't bother", IntentName.CANCEL),
        ("forget about it", IntentName.CANCEL),
        ("check in", IntentName.CHECKIN),
        ("i want to do my check in pls", IntentName.CHECKIN),
        ("tom isnt replying to my messages", IntentName.CONCERN),
        ("i want to leave the pairing", IntentName.CONCERN),
        ("on leave til 26/5, no reminders pls", IntentName.PAUSE_REMINDERS),
        ("can u pause my reminders til after easter pls", IntentName.PAUSE_REMINDERS),
        ("pls can u reschedual my meeting", IntentName.RESCHEDULE_MEETING),
        ("cancle the meeting on friday", IntentName.CANCEL_MEETING),
        ("show me my minuets", IntentName.MY_MINUTES),
    ],
)  # fmt: skip
def test_requests_are_read_through_padding_shorthand_and_typos(
    text: str, expected: IntentName
) -> None:
    intent = recognise(text)
    assert intent.name is expected
    if expected not in GLOBAL_WORDS:
        assert intent.rest == text  # the journey reads the person's own words


def test_candidates_rank_what_a_message_probably_meant() -> None:
    assert [c.name for c in candidates("hi, could we book a meeting")] == [IntentName.BOOK_MEETING]
    ranked = [c.name for c in candidates("meeting pls")]
    assert ranked[:2] == [IntentName.MY_MEETINGS, IntentName.BOOK_MEETING]
    assert candidates("whats the weather doing in leeds") == []
    assert candidates("can you order lunch") == []
