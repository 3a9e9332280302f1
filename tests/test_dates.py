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


AFTERNOON = "I took 'afternoon' as 14:00."

WHEN_CASES = [
    ("next Tuesday at 3pm", "2026-11-24 15:00", None),
    ("next Tuesday at 3pm please", "2026-11-24 15:00", None),
    ("tomorrow 10:30", "2026-11-24 10:30", None),
    ("Friday afternoon", "2026-11-27 14:00", AFTERNOON),
    ("Friday afternoon at 3", "2026-11-27 15:00", None),
    ("today 4pm", "2026-11-23 16:00", None),
    ("tonight at 8", "2026-11-23 20:00", None),
    ("tonight", "2026-11-23 19:00", "I took 'tonight' as 19:00."),
    ("at 5", "2026-11-23 17:00", "I took '5' as 17:00."),
    ("at 9", "2026-11-24 09:00", "I took it as tomorrow."),
    ("tomorrow at 9", "2026-11-24 09:00", None),
    ("noon", "2026-11-23 12:00", None),
    ("midday tomorrow", "2026-11-24 12:00", None),
    ("3.30pm", "2026-11-23 15:30", None),
    ("15:00", "2026-11-23 15:00", None),
    ("12 March at 15:00", "2027-03-12 15:00", None),
    ("Tuesday 10am", "2026-11-24 10:00", None),
    ("tomorrow morning", "2026-11-24 09:00", "I took 'morning' as 09:00."),
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
    assert parse_when(text, NOW, LONDON, **kwargs) == Ask(question, reason)  # type: ignore[arg-type]


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


FIND_CASES = [
    (
        "book a meeting next Tuesday 3pm for an hour by video",
        "next Tuesday 3pm",
        "book a meeting for an hour by video",
        "2026-11-24 15:00",
    ),
    ("let's meet on the 3rd at 2pm", "on the 3rd at 2pm", "let's meet", "2026-12-03 14:00"),
    ("meet on Sat at 10am, ok?", "on Sat at 10am", "meet, ok?", "2026-11-28 10:00"),
    ("can we do Friday afternoon?", "Friday afternoon", "can we do?", "2026-11-27 14:00"),
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
