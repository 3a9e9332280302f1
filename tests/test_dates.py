"""conversations.dates with a fixed clock: Mon 23 Nov 2026 10:00 in London (GMT, = 10:00 UTC)."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conversations import dates
from conversations.dates import (
    Ask,
    When,
    check_meeting_length,
    find_date,
    find_duration,
    find_when,
    format_day,
    format_duration,
    format_when,
    parse_date,
    parse_duration,
    parse_meeting_length,
    parse_when,
)

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def wall(result: When | Ask) -> tuple[str, str | None]:
    """A When as its local wall time and note; the instant and the local time must agree."""
    assert isinstance(result, When), result
    assert result.local.tzinfo is not None
    assert result.at_utc.tzinfo is UTC
    assert result.at_utc == result.local
    return result.local.strftime("%Y-%m-%d %H:%M"), result.assumed


WHEN_CASES = [
    ("Tuesday at 3pm", "2026-11-24 15:00", None),
    ("on Tuesday at 3pm please", "2026-11-24 15:00", None),
    ("tomorrow 10:30", "2026-11-24 10:30", None),
    ("Friday lunchtime", "2026-11-27 12:00", "I took 'lunchtime' as 12:00."),
    ("Friday afternoon at 3", "2026-11-27 15:00", None),
    ("today 4pm", "2026-11-23 16:00", None),
    ("tonight at 8", "2026-11-23 20:00", None),
    ("at 5", "2026-11-23 17:00", "I took '5' as 17:00."),
    ("at 9", "2026-11-24 09:00", "I took it as tomorrow."),
    ("tomorrow at 9", "2026-11-24 09:00", None),
    ("noon", "2026-11-23 12:00", None),
    ("midday tomorrow", "2026-11-24 12:00", None),
    ("3.30pm", "2026-11-23 15:30", None),
    ("15:00", "2026-11-23 15:00", None),
    ("12 March at 15:00", "2027-03-12 15:00", None),
    ("Tuesday 10am", "2026-11-24 10:00", None),
    ("Thursday at 3:30", "2026-11-26 15:30", "I took '3:30' as 15:30."),
    ("3pm on Friday", "2026-11-27 15:00", None),
    ("Fri, 3 p.m.", "2026-11-27 15:00", None),
    ("in 2 hours", "2026-11-23 12:00", None),
    ("in half an hour", "2026-11-23 10:30", None),
    ("half past 3 tomorrow", "2026-11-24 15:30", "I took 'half past 3' as 15:30."),
    ("quarter to 9 on Friday", "2026-11-27 08:45", None),
    ("5 o'clock on Friday", "2026-11-27 17:00", "I took '5 o'clock' as 17:00."),
    ("this Monday at 4pm", "2026-11-23 16:00", None),
    ("Monday 4pm", "2026-11-30 16:00", None),
    ("Tuesday next week at 11am", "2026-12-01 11:00", None),
    ("the day after tomorrow at 10am", "2026-11-25 10:00", None),
    ("Thu 26 Nov 2pm", "2026-11-26 14:00", None),
    ("5/12 at 10:00", "2026-12-05 10:00", None),
    ("on the 3rd at 11:15", "2026-12-03 11:15", None),
    ("5th of December 2027 at 09:00", "2027-12-05 09:00", None),
    ("tomorrow 3-4pm", "2026-11-24 15:00", None),
    ("tomorrow 11-1pm", "2026-11-24 11:00", None),
    (
        "tomorrow at midnight",
        "2026-11-24 00:00",
        "I took midnight as 00:00, the start of that day.",
    ),
]


@pytest.mark.parametrize(("text", "local", "assumed"), WHEN_CASES)
def test_parse_when(text: str, local: str, assumed: str | None) -> None:
    assert wall(parse_when(text, NOW, "Europe/London")) == (local, assumed)


DATE_CASES = [
    ("5 Dec", date(2026, 12, 5)),
    ("by Friday", date(2026, 11, 27)),
    ("end of the month", date(2026, 11, 30)),
    ("end of next month", date(2026, 12, 31)),
    ("in two weeks", date(2026, 12, 7)),
    ("in a fortnight", date(2026, 12, 7)),
    ("in a month", date(2026, 12, 23)),
    ("tomorrow", date(2026, 11, 24)),
    ("5/12", date(2026, 12, 5)),
    ("12/01/2027", date(2027, 1, 12)),
    ("12/01/27", date(2027, 1, 12)),
    ("on the 3rd", date(2026, 12, 3)),
    ("on the 23rd", date(2026, 11, 23)),
    ("the 31st", date(2026, 12, 31)),
    ("Tuesday", date(2026, 11, 24)),
    ("Monday", date(2026, 11, 30)),
    ("until 5 Jan", date(2027, 1, 5)),
    ("December 5th", date(2026, 12, 5)),
    ("a week today", date(2026, 11, 30)),
    ("end of the week", date(2026, 11, 27)),
    ("2026-12-05", date(2026, 12, 5)),
    ("3 days from now", date(2026, 11, 26)),  # not in the grammar: dateparser's fallback
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, NOW, LONDON) == expected


ASK_CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("12/01/2026", {}, "past", "12 Jan 2026 is in the past. Which date did you mean?"),
    ("20 Nov", {}, "past", "20 Nov 2026 is in the past. Which date did you mean?"),
    ("yesterday at 3pm", {}, "past", "22 Nov 2026 is in the past. Which date did you mean?"),
    ("today 9am", {}, "past", "09:00 today has already passed. What time did you mean?"),
    ("31 Feb", {}, "impossible", "There is no 31 February. Which date did you mean?"),
    (
        "29 Feb",
        {},
        "impossible",
        "There is no 29 February in 2026 or 2027. Which date did you mean?",
    ),
    (
        "5/13",
        {},
        "impossible",
        "I couldn't read '5/13' as a date (day first: 5/12 is 5 December). "
        "Which date did you mean?",
    ),
    ("25:00", {}, "impossible", "There is no time '25:00'. What time did you mean?"),
    ("at 5", {"ask_am_pm": True}, "am_pm", "Did you mean 05:00 or 17:00?"),
    ("tonight", {}, "no_time", "What time on Mon 23 Nov (tonight)?"),
    ("tomorrow morning", {}, "no_time", "What time on Tue 24 Nov (morning)?"),
    ("tomorrow", {}, "no_time", "What time on Tue 24 Nov?"),
    ("5 Jan", {}, "no_time", "What time on Tue 5 Jan 2027?"),
    (
        "Thu 12 Mar",
        {},
        "mismatch",
        "12 Mar 2027 is a Friday, not a Thursday. Which date did you mean?",
    ),
    ("next week", {}, "vague", "Which day next week?"),
    (
        "Tuesday or Wednesday",
        {},
        "ambiguous",
        "I found more than one date there. Which one did you mean?",
    ),
    ("whenever", {}, "unknown", "Sorry, I couldn't read a date in that. When did you mean?"),
]


@pytest.mark.parametrize(("text", "kwargs", "reason", "question"), ASK_CASES)
def test_asks_back(text: str, kwargs: dict[str, Any], reason: str, question: str) -> None:
    asked = parse_when(text, NOW, LONDON, **kwargs)
    assert isinstance(asked, Ask)
    assert (asked.question, asked.reason) == (question, reason)


NOT_DATES = [
    "we may meet soon",
    "I feel like I'm on the march",
    "we march on",
    "sunny day",
    "the sun is out",
    "I sat down",
    "Good morning!",
    "It costs 3.50",
    "there were at 5 people",
    "meet on the 3rd floor",
    "scored 7/10",
    "I'm 5/6 of the way there",
    "may I ask something?",
    "I am here",
    "we wed in June",
    "those 2 may come later",
    "I should aim for the 2nd level",
    "I'll do it in a minute",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_ordinary_sentences_have_no_date(text: str) -> None:
    assert find_when(text, NOW, LONDON) is None
    assert find_date(text, NOW, LONDON) is None
    assert parse_when(text, NOW, LONDON) == Ask(
        "Sorry, I couldn't read a date in that. When did you mean?", "unknown"
    )


# "May" the month inside a sentence: a day said as an ordinal or with "of" makes it the month;
# a bare number or a verb after it keeps it "may" the verb.
MAY_IN_A_SENTENCE = [
    ("my secondment starts 3rd may", date(2027, 5, 3)),
    ("off from the 12th of may for a fortnight", date(2027, 5, 12)),
    ("taking parental leave may 20th onwards", date(2027, 5, 20)),
]


@pytest.mark.parametrize(("text", "expected"), MAY_IN_A_SENTENCE)
def test_a_day_of_may_said_as_an_ordinal_in_a_sentence_is_a_date(text: str, expected: date) -> None:
    found = find_date(text, NOW, LONDON)
    assert found is not None
    assert found.value == expected


@pytest.mark.parametrize(
    "text",
    ["the 2nd may be better for me", "the 3rd may not suit tom", "all 4 may come along"],
)
def test_may_the_verb_after_a_number_is_no_date(text: str) -> None:
    found = find_date(text, NOW, LONDON)
    assert found is None or not isinstance(found.value, date) or found.value.month != 5


FIND_CASES = [
    (
        "book a meeting on Tuesday 3pm for an hour by video",
        "on Tuesday 3pm",
        "book a meeting for an hour by video",
        "2026-11-24 15:00",
    ),
    ("let's meet on the 3rd at 2pm", "on the 3rd at 2pm", "let's meet", "2026-12-03 14:00"),
    ("meet on Sat at 10am, ok?", "on Sat at 10am", "meet, ok?", "2026-11-28 10:00"),
    ("can we do Friday afternoon at 2?", "Friday afternoon at 2", "can we do?", "2026-11-27 14:00"),
    ("call me in half an hour", "in half an hour", "call me", "2026-11-23 10:30"),
]


@pytest.mark.parametrize(("text", "span", "rest", "local"), FIND_CASES)
def test_find_when(text: str, span: str, rest: str, local: str) -> None:
    found = find_when(text, NOW, LONDON)
    assert found is not None
    assert (text[found.start : found.end], found.rest, wall(found.value)[0]) == (span, rest, local)


def test_find_date_for_an_action() -> None:
    text = "Sam: draft the business case by 5 Dec"
    found = find_date(text, NOW, LONDON)
    assert found is not None
    assert (found.value, text[found.start : found.end], found.rest) == (
        date(2026, 12, 5),
        "by 5 Dec",
        "Sam: draft the business case",
    )


def test_find_when_asks_about_an_impossible_date() -> None:
    found = find_when("pause until 31 Feb please", NOW, LONDON, need_time=False)
    assert found is not None
    assert found.value == Ask("There is no 31 February. Which date did you mean?", "impossible")
    assert found.rest == "pause please"


def test_spring_forward_london() -> None:
    asked = datetime(2026, 3, 25, 12, tzinfo=UTC)  # Wed, still GMT
    result = parse_when("next Monday 3pm", asked, "Europe/London")
    assert isinstance(result, When)
    assert result.at_utc == datetime(2026, 3, 30, 14, tzinfo=UTC)  # BST from 29 Mar
    assert parse_when("29 Mar 01:30", asked, "Europe/London") == Ask(
        "There is no 01:30 on Sun 29 Mar: the clocks go forward that night. "
        "What time did you mean?",
        "nonexistent",
    )


def test_fall_back_london_takes_the_first() -> None:
    result = parse_when("25 Oct 1:30am", datetime(2026, 10, 20, 12, tzinfo=UTC), LONDON)
    assert isinstance(result, When)
    assert result.at_utc == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert result.assumed == (
        "01:30 happens twice that night (the clocks go back); I took the first one (BST)."
    )


@pytest.mark.parametrize(
    ("asked", "tz", "expected_utc"),
    [
        # New York moves on 8 Mar 2026, London on 29 Mar: the same words, different instants.
        (
            datetime(2026, 3, 4, 12, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 3, 9, 19, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 4, 12, tzinfo=UTC),
            "Europe/London",
            datetime(2026, 3, 9, 15, tzinfo=UTC),
        ),
        (
            datetime(2026, 3, 25, 12, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 3, 30, 19, tzinfo=UTC),
        ),
        (
            datetime(2026, 2, 25, 12, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 3, 2, 20, tzinfo=UTC),
        ),
    ],
)
def test_other_time_zones(asked: datetime, tz: str, expected_utc: datetime) -> None:
    result = parse_when("next Monday 3pm", asked, tz)
    assert isinstance(result, When)
    assert result.at_utc == expected_utc
    assert (result.local.hour, result.local.tzinfo) == (15, ZoneInfo(tz))


def test_new_york_skipped_hour_and_local_today() -> None:
    asked = datetime(2026, 3, 4, 12, tzinfo=UTC)
    assert parse_when("8 Mar 2:30am", asked, NEW_YORK) == Ask(
        "There is no 02:30 on Sun 8 Mar: the clocks go forward that night. What time did you mean?",
        "nonexistent",
    )
    # 03:00 UTC on 23 Nov is still 22 Nov in New York, so "tomorrow" is the 23rd there.
    late = datetime(2026, 11, 23, 3, tzinfo=UTC)
    assert parse_date("tomorrow", late, NEW_YORK) == date(2026, 11, 23)
    assert parse_date("tomorrow", late, LONDON) == date(2026, 11, 24)


def test_weekday_checked_against_the_date() -> None:
    asked = datetime(2026, 2, 1, 9, tzinfo=UTC)
    assert wall(parse_when("Thu 12 Mar at 15:00", asked, LONDON)) == ("2026-03-12 15:00", None)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_when("tomorrow 3pm", NOW.replace(tzinfo=None), LONDON)


DURATIONS = [
    ("an hour", 60),
    ("90 mins", 90),
    ("1.5 hours", 90),
    ("1h30", 90),
    ("1h", 60),
    ("an hour and a half", 90),
    ("one and a half hours", 90),
    ("45 minutes", 45),
    ("half an hour", 30),
    ("a quarter of an hour", 15),
    ("three quarters of an hour", 45),
    ("two hours", 120),
    ("2 hours", 120),
    ("2 hrs", 120),
    ("1 hour 15 minutes", 75),
    ("an hour and 15 minutes", 75),
    ("for about 20 minutes", 20),
    ("forty-five minutes", 45),
]


@pytest.mark.parametrize(("text", "minutes"), DURATIONS)
def test_parse_duration(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text", ["in 2 hours", "2 hours ago", "I am here", "a 5m budget", "sounds good", ""]
)
def test_not_a_duration(text: str) -> None:
    assert parse_duration(text) is None


def test_find_duration_span() -> None:
    text = "book a meeting next Tuesday 3pm for an hour by video"
    found = find_duration(text)
    assert found is not None
    assert (found.value, text[found.start : found.end], found.rest) == (
        timedelta(hours=1),
        "for an hour",
        "book a meeting next Tuesday 3pm by video",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("an hour", timedelta(hours=1)),
        ("0 minutes", Ask("A meeting can't last 0 minutes. How long will it be?", "duration")),
        (
            "13 hours",
            Ask(
                "A meeting can't last 13 hours (12 hours at most). How long will it be?",
                "duration",
            ),
        ),
        ("soon", Ask("How long will it be? For example '45 minutes' or '1 hour'.", "duration")),
    ],
)
def test_meeting_length(text: str, expected: timedelta | Ask) -> None:
    assert parse_meeting_length(text) == expected


def test_check_meeting_length_accepts_twelve_hours() -> None:
    assert check_meeting_length(timedelta(hours=12)) is None


@pytest.mark.parametrize(
    ("at", "tz", "now", "expected"),
    [
        (datetime(2026, 3, 12, 15, tzinfo=UTC), LONDON, NOW, "Thu 12 Mar, 15:00"),
        (datetime(2027, 1, 12, 15, tzinfo=UTC), LONDON, NOW, "Tue 12 Jan 2027, 15:00"),
        (datetime(2027, 1, 12, 15, tzinfo=UTC), LONDON, None, "Tue 12 Jan, 15:00"),
        (datetime(2026, 7, 1, 14, tzinfo=UTC), LONDON, NOW, "Wed 1 Jul, 15:00"),
        (datetime(2026, 7, 1, 14, tzinfo=UTC), NEW_YORK, NOW, "Wed 1 Jul, 10:00"),
        (datetime(2027, 1, 1, 2, tzinfo=UTC), NEW_YORK, NOW, "Thu 31 Dec, 21:00"),
    ],
)
def test_format_when(at: datetime, tz: ZoneInfo, now: datetime | None, expected: str) -> None:
    assert format_when(at, tz, now) == expected


def test_format_when_refuses_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_when(datetime(2026, 3, 12, 15, tzinfo=UTC).replace(tzinfo=None), LONDON)


def test_format_day() -> None:
    assert format_day(date(2026, 3, 12)) == "Thu 12 Mar"
    assert format_day(date(2027, 3, 12), date(2026, 11, 23)) == "Fri 12 Mar 2027"


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (60, "1 hour"),
        (90, "1 hour 30 minutes"),
        (45, "45 minutes"),
        (120, "2 hours"),
        (121, "2 hours 1 minute"),
        (0, "0 minutes"),
    ],
)
def test_format_duration(minutes: int, expected: str) -> None:
    assert format_duration(timedelta(minutes=minutes)) == expected


def test_warm_up_and_fallback_leak_no_warnings() -> None:
    # pytest turns warnings into errors here, so this fails if dateparser emits any.
    dates.warm_up()
    assert parse_date("the 5th of december, 2026", NOW, LONDON) == date(2026, 12, 5)
    assert parse_date("2 days ago", NOW, LONDON) == Ask(
        "21 Nov 2026 is in the past. Which date did you mean?", "past"
    )


def test_no_platform_imports() -> None:
    tree = ast.parse(Path(dates.__file__).read_text(encoding="utf-8"))
    names = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert not names & {"aiohttp", "slack_bolt", "slack_sdk", "botbuilder"}


# -- UK idioms, with the corpus clock: Mon 2 Mar 2026 09:00 in London (GMT) -------------------

MON = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

UK_IDIOMS = [
    ("set up a 1:1 w tom thurs half 2, teams is fine", "2026-03-05 14:30"),
    ("could i grab tom tmrw 2ish? video", "2026-03-03 14:00"),
    ("book tom fri quarter past 10 for an hr", "2026-03-06 10:15"),
    ("tues 17th at quarter to 3 for an hr", "2026-03-17 14:45"),
    ("can we do first thing weds w owen", "2026-03-04 09:00"),
    ("noon weds 11th, teams", "2026-03-11 12:00"),
    ("midday on the 20th", "2026-03-20 12:00"),
    ("something in w tom a week on fri, 11ish, zoom", "2026-03-13 11:00"),
    ("friday week at 3 pls, in person", "2026-03-13 15:00"),
    ("weds week 10am with tom", "2026-03-11 10:00"),
    ("can we do a fortnight today at 10, video call", "2026-03-16 10:00"),
    ("2 wks tmrw at 4pm pls", "2026-03-17 16:00"),
    ("2 weeks tomorrow at 4pm", "2026-03-17 16:00"),
    ("fortnight on thurs at 11? f2f", "2026-03-19 11:00"),
    ("this coming thurs 9.30 for an hour", "2026-03-05 09:30"),
    ("this fri at 10", "2026-03-06 10:00"),
    ("0930 thurs 12th f2f at riverside?", "2026-03-12 09:30"),
    ("20/3 1030 teams", "2026-03-20 10:30"),
    ("book 20.3 at noon for an hr", "2026-03-20 12:00"),
    ("31/3 at 9.30 for 90 mins in person", "2026-03-31 09:30"),
    ("mon 30th at 10 pls, teams", "2026-03-30 10:00"),
    ("3/4 at 10 on teams?", "2026-04-03 10:00"),
    ("could we do the 20th at 2, in person", "2026-03-20 14:00"),
    ("90 mins w tom on the 18th from 2, in person", "2026-03-18 14:00"),
    ("tues 10th 9.30 video", "2026-03-10 09:30"),
    ("fri 6th 11-12 on video?", "2026-03-06 11:00"),
    ("next week on tues at 2", "2026-03-10 14:00"),
    ("thurs next week at 3pm", "2026-03-12 15:00"),
]


@pytest.mark.parametrize(("text", "local"), UK_IDIOMS)
def test_uk_idioms_in_a_sentence(text: str, local: str) -> None:
    found = find_when(text, MON, LONDON, need_time=False)
    assert found is not None, text
    assert wall(found.value)[0] == local


def test_bare_small_hours_are_working_hours_and_said() -> None:
    assert wall(parse_when("thurs at 3", MON, LONDON)) == (
        "2026-03-05 15:00",
        "I took '3' as 15:00.",
    )
    assert wall(parse_when("tmrw 2ish", MON, LONDON)) == (
        "2026-03-03 14:00",
        "I took '2ish' as 14:00.",
    )
    assert wall(parse_when("tmrw half 1", MON, LONDON))[0] == "2026-03-03 13:30"


def test_seven_is_outside_working_hours_either_way_so_asked() -> None:
    asked = parse_when("thurs at 7", MON, LONDON)
    assert isinstance(asked, Ask)
    assert (asked.question, asked.reason) == ("Did you mean 07:00 or 19:00 on Thu 5 Mar?", "am_pm")
    assert [o.local.strftime("%d %H:%M") for o in asked.options] == ["05 07:00", "05 19:00"]


def test_a_range_gives_its_start_and_its_length() -> None:
    eleven = parse_when("fri 6th 11-12", MON, LONDON)
    assert isinstance(eleven, When)
    assert (eleven.local.hour, eleven.minutes) == (11, 60)
    two = parse_when("tmrw 2-3:30pm", MON, LONDON)
    assert isinstance(two, When)
    assert (two.local.hour, two.minutes) == (14, 90)


@pytest.mark.parametrize(
    ("text", "question", "days"),
    [
        ("next tues at 11", "Which Tuesday: Tue 3 Mar or Tue 10 Mar?", ["03 11:00", "10 11:00"]),
        (
            "next weds afternoon, say 3",
            "Which Wednesday: Wed 4 Mar or Wed 11 Mar?",
            ["04 15:00", "11 15:00"],
        ),
    ],
)
def test_next_weekday_said_early_in_the_week_is_asked_with_both_dates(
    text: str, question: str, days: list[str]
) -> None:
    found = find_when(f"can we do {text} w tom pls", MON, LONDON)
    assert found is not None
    asked = found.value
    assert isinstance(asked, Ask)
    assert (asked.question, asked.reason) == (question, "which_day")
    assert [o.local.strftime("%d %H:%M") for o in asked.options] == days


def test_next_weekday_is_not_asked_when_only_one_fits() -> None:
    friday = datetime(2026, 3, 6, 16, 45, tzinfo=UTC)
    assert wall(parse_when("next tues at 11", friday, LONDON))[0] == "2026-03-10 11:00"
    assert wall(parse_when("this coming thurs 9.30", MON, LONDON))[0] == "2026-03-05 09:30"
    assert wall(parse_when("next mon at 10", MON, LONDON))[0] == "2026-03-09 10:00"


@pytest.mark.parametrize(
    ("answer", "day"),
    [
        ("the 10th", 10),
        ("2", 10),
        ("1", 3),
        ("next week's", 10),
        ("the later one", 10),
        ("this week's please", 3),
        ("the first one", 3),
        ("Tue 10 Mar", 10),
        ("tomorrow", 3),
    ],
)
def test_an_option_is_picked_by_what_people_type(answer: str, day: int) -> None:
    asked = parse_when("next tues at 11", MON, LONDON)
    assert isinstance(asked, Ask)
    picked = dates.pick_option(answer, asked.options, MON, LONDON)
    assert picked is not None
    assert (picked.day.day, picked.local.hour) == (day, 11)


def test_an_answer_naming_no_option_picks_none() -> None:
    asked = parse_when("next tues at 11", MON, LONDON)
    assert isinstance(asked, Ask)
    assert dates.pick_option("the 17th", asked.options, MON, LONDON) is None
    assert dates.pick_option("hmm", asked.options, MON, LONDON) is None
    assert dates.pick_option("3", asked.options, MON, LONDON) is None


def test_after_lunch_asks_for_a_time_on_that_day_offering_some() -> None:
    asked = parse_when("tmrw after lunch", MON, LONDON)
    assert isinstance(asked, Ask)
    assert (asked.question, asked.reason) == ("What time on Tue 3 Mar (after lunch)?", "no_time")
    assert [o.local.strftime("%H:%M") for o in asked.options] == ["13:00", "13:30", "14:00"]
    day_only = parse_when("tmrw after lunch", MON, LONDON, need_time=False)
    assert isinstance(day_only, When)
    assert (day_only.day, day_only.has_time, day_only.part) == (
        date(2026, 3, 3),
        False,
        "after lunch",
    )
    # the answer, read as the afternoon it was asked about
    assert wall(parse_when("at 1", MON, LONDON, part="after lunch")) == ("2026-03-02 13:00", None)


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("can we do 30/2 at 10", "There is no 30 February. Which date did you mean?"),
        ("how about 31/4, 2pm video", "There is no 31 April. Which date did you mean?"),
        ("31.4 at 2", "There is no 31 April. Which date did you mean?"),
        ("yesterday at 2", "1 Mar 2026 is in the past. Which date did you mean?"),
        ("for 8 this morning", "08:00 today has already passed. What time did you mean?"),
    ],
)
def test_dates_that_do_not_exist_or_have_passed_are_named(text: str, question: str) -> None:
    found = find_when(text, MON, LONDON)
    assert found is not None
    assert isinstance(found.value, Ask)
    assert found.value.question == question


THU_10 = datetime(2026, 3, 5, 10, 0, tzinfo=UTC)  # the meeting in hand


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("no, the Friday after", "2026-03-06 10:00"),
        ("the week after", "2026-03-12 10:00"),
        ("the day before", "2026-03-04 10:00"),
        ("same time next week", "2026-03-12 10:00"),
        ("can we do fri same time", "2026-03-06 10:00"),
        ("an hour later", "2026-03-05 11:00"),
        ("push it back an hr", "2026-03-05 11:00"),
        ("start 30 mins earlier", "2026-03-05 09:30"),
        ("could we kick off 15 minutes early", "2026-03-05 09:45"),
        ("begin an hour early on friday", "2026-03-06 09:00"),
        ("the 27th, same time", "2026-03-27 10:00"),
    ],
)
def test_words_read_against_the_meeting_in_hand(text: str, local: str) -> None:
    found = find_when(text, MON, LONDON, anchor=THU_10, need_time=False)
    assert found is not None, text
    value = found.value
    assert isinstance(value, When), value
    day = value.day if value.named_day else THU_10.date()
    hm = value.local.strftime("%H:%M") if value.has_time else "10:00"
    assert f"{day} {hm}" == local


def test_anchored_words_mean_nothing_without_a_meeting() -> None:
    assert find_when("at the same time, we talked about it", MON, LONDON) is None
    assert find_when("it was an hour later than planned", MON, LONDON) is None
    assert find_when("we finished 20 mins early", MON, LONDON) is None


def test_minutes_late_is_no_new_time_for_the_meeting_in_hand() -> None:
    # "10 mins late" is running late (the partner is told), never a move to 10:10.
    found = find_when("i'll be 10 mins late", MON, LONDON, anchor=THU_10, need_time=False)
    assert found is None or not isinstance(found.value, When) or not found.value.has_time


@pytest.mark.parametrize(
    "text",
    ["half the team came", "it was 2020", "back in 2019", "we'll have lunch", "a table for 4"],
)
def test_more_ordinary_sentences_have_no_date(text: str) -> None:
    assert find_when(text, MON, LONDON) is None


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("thursday 26th starting 3pm", "2026-11-26 15:00"),
        ("the 27th starting at 11am", "2026-11-27 11:00"),
        ("wed 25th, beginning 9:30am", "2026-11-25 09:30"),
    ],
)
def test_a_day_then_when_it_starts_is_one_moment(text: str, local: str) -> None:
    assert wall(parse_when(text, NOW, "Europe/London"))[0] == local


# -- phone-typed times and lengths ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("10 o clock tomorrow", "2026-11-24 10:00"),
        ("fri 11oclock", "2026-11-27 11:00"),
        ("twelve o clock on Friday", "2026-11-27 12:00"),
        ("tmoz at 3pm", "2026-11-24 15:00"),
        ("tomoz 9 am", "2026-11-24 09:00"),
        ("2moro @ 2 pm", "2026-11-24 14:00"),
    ],
)
def test_phone_typed_times(text: str, local: str) -> None:
    found = parse_when(text, NOW, LONDON)
    assert isinstance(found, When), found
    assert found.local.strftime("%Y-%m-%d %H:%M") == local


def test_seven_o_clock_with_a_space_is_asked_am_or_pm() -> None:
    asked = parse_when("7 o clock tomorrow", NOW, LONDON)
    assert isinstance(asked, Ask)
    assert (asked.question, asked.reason) == ("Did you mean 07:00 or 19:00 on Tue 24 Nov?", "am_pm")


def test_o_clock_with_a_space_yesterday_is_in_the_past_like_o_apostrophe_clock() -> None:
    for said in ("2 o clock yesterday", "2 o'clock yesterday"):
        found = find_when(said, NOW, LONDON)
        assert found is not None
        assert isinstance(found.value, Ask)
        assert found.value.reason == "past"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("hour and a half pls", 90), ("1.5hrs", 90), ("2hrs", 120), ("45mins", 45)],
)
def test_phone_typed_lengths(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


def test_o_clock_alone_is_no_time() -> None:
    assert find_when("around the clock", NOW, LONDON) is None
