"""Times said roughly, as ranges, offered in a question or split from their day (issue 12).

Clock: Mon 2 Mar 2026 09:00 in London (GMT), so "thursday" is Thu 5 Mar.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from conversations.dates import Ask, When, find_when, mentions_when, parse_when

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
TZ = "Europe/London"


def _at(result: When | Ask | None) -> tuple[str, int | None]:
    assert isinstance(result, When), result
    return result.local.strftime("%a %d %H:%M"), result.minutes


def _found(text: str) -> When | Ask:
    found = find_when(text, NOW, TZ, need_time=False)
    assert found is not None, text
    return found.value


# -- a hedge before or after any form of time --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("tues at roughly 10", "Tue 03 10:00"),
        ("tuesday approximately 2pm", "Tue 03 14:00"),
        ("around half 3 on weds", "Wed 04 15:30"),
        ("weds ~ 2:15", "Wed 04 14:15"),
        ("friday at about noon", "Fri 06 12:00"),
        ("fri about 4 o'clock", "Fri 06 16:00"),
        ("thurs 10:30-ish", "Thu 05 10:30"),
        ("thursday at half 2 ish", "Thu 05 14:30"),
        ("a week on tuesday at 10 or so", "Tue 10 10:00"),
    ],
)
def test_a_hedged_time_is_still_that_time(text: str, local: str) -> None:
    assert _at(parse_when(text, NOW, TZ))[0] == local
    assert _at(_found(f"could we meet {text}, on zoom"))[0] == local


# -- "this week" or "next week" with a weekday is one day --------------------------------------


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("wednesday of this week at 2pm", "Wed 04 14:00"),
        ("this week on fri at 10am", "Fri 06 10:00"),
        ("tues this coming week 11am", "Tue 03 11:00"),
        ("friday of next week at 10am", "Fri 13 10:00"),
        ("next week on wed at 3pm", "Wed 11 15:00"),
        ("thu this wk 2pm", "Thu 05 14:00"),
        ("weds next wk at 10", "Wed 11 10:00"),
    ],
)
def test_a_weekday_of_this_or_next_week_is_one_day(text: str, local: str) -> None:
    assert _at(parse_when(text, NOW, TZ))[0] == local
    assert _at(_found(f"can i see tom {text} please"))[0] == local


def test_a_weekday_of_this_week_already_gone_is_asked_back() -> None:
    later = datetime(2026, 3, 6, 9, tzinfo=UTC)  # a Friday
    asked = parse_when("tuesday this week at 10am", later, TZ)
    assert isinstance(asked, Ask)
    assert asked.reason == "past"


# -- a range in any form is a start and a length ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "local", "minutes"),
    [
        ("thurs 2pm-3pm", "Thu 05 14:00", 60),
        ("thurs 9.30am - 10.15am", "Thu 05 09:30", 45),
        ("thurs 10am to 12", "Thu 05 10:00", 120),
        ("thurs 14:00-15:30", "Thu 05 14:00", 90),
        ("thurs from 10 till 11", "Thu 05 10:00", 60),
        ("thurs between 2 and 3", "Thu 05 14:00", 60),
        ("thurs 10 until 11.30", "Thu 05 10:00", 90),
    ],
)
def test_a_time_range_is_a_start_and_a_length(text: str, local: str, minutes: int) -> None:
    assert _at(parse_when(text, NOW, TZ)) == (local, minutes)
    found = find_when(f"could i book {text} with tom, phone", NOW, TZ, need_time=False)
    assert found is not None
    assert _at(found.value) == (local, minutes)
    assert not mentions_when(found.rest)  # the end of the range is no second date


# -- a bare hour made a time by its day, or by asking whether it suits ------------------------


def test_a_bare_hour_before_its_day_is_a_time() -> None:
    assert _at(_found("4 on friday, in person?"))[0] == "Fri 06 16:00"
    assert _at(_found("10 tomorrow on teams?"))[0] == "Tue 03 10:00"
    asked = _found("6 on wednesday? phone")
    assert isinstance(asked, Ask)
    assert asked.reason == "am_pm"
    assert [o.local.hour for o in asked.options] == [6, 18]


@pytest.mark.parametrize("text", ["would 2 work? by phone", "does 2 suit, video", "is 2 still ok"])
def test_an_hour_offered_in_a_question_is_a_time(text: str) -> None:
    value = _found(text)
    assert isinstance(value, When)
    assert not value.named_day
    assert value.local.hour == 14


@pytest.mark.parametrize(
    "text",
    [
        "is 2 of them ok with you",
        "we have 3 on friday who need cover",
        "about 3 things on my mind",
        "option 2 works for me",
    ],
)
def test_numbers_that_are_no_time_stay_so(text: str) -> None:
    found = find_when(text, NOW, TZ, need_time=False)
    assert found is None or not (isinstance(found.value, When) and found.value.has_time), text


# -- someone to meet between the day and its time --------------------------------------------


def test_someone_named_between_the_day_and_the_time_keeps_both() -> None:
    assert _at(_found("thursday with owen? 11am is good"))[0] == "Thu 05 11:00"
    asked = _found("next thurs with tom, 2ish")
    assert isinstance(asked, Ask)
    assert asked.reason == "which_day"
    assert [o.local.strftime("%d %H:%M") for o in asked.options] == ["05 14:00", "12 14:00"]


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("does 10 work on weds", "Wed 04 10:00"),
        ("would half 2 suit on friday", "Fri 06 14:30"),
        ("is 11 any good tomorrow", "Tue 03 11:00"),
        ("friday is good at 3", "Fri 06 15:00"),
        ("tues sometime around 2", "Tue 03 14:00"),
    ],
)
def test_words_between_an_offered_time_and_its_day_keep_both(text: str, local: str) -> None:
    assert _at(_found(text))[0] == local
