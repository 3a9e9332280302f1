"""The words around a write-up: a request to log minutes, a line saying the pair met, and a
"none" that means nothing to add (``conversations.language.write_up``)."""

from __future__ import annotations

import pytest

from conversations.language.write_up import (
    Met,
    Request,
    met_line,
    minutes_request,
    nothing_to_add,
    opening,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "log minutes for yesterday's catch-up: went over the rota",
            Request(" for yesterday's catch-up", "went over the rota"),
        ),
        ("pls could u write up our notes - rota, budget", Request(None, "rota, budget")),
        ("record the minutes of the session with sam", Request(" of the session with sam", "")),
    ],
)
def test_a_request_to_log_minutes_is_read_with_the_meeting_it_names(
    text: str, expected: Request
) -> None:
    assert minutes_request(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "minutes: went over the rota",  # a heading, read with the sections
        "what did the minutes say about the rota?",
        "we met on monday",
    ],
)
def test_words_that_are_not_a_request_to_log_minutes(text: str) -> None:
    assert minutes_request(text) is None


def test_a_short_met_line_only_says_when() -> None:
    assert met_line("met Sam on tuesday for 45 mins") == Met("met Sam on tuesday for 45 mins", "")


def test_a_met_line_that_goes_on_keeps_what_was_discussed() -> None:
    assert met_line("we met monday, talked about the audit") == Met(
        "we met monday", "talked about the audit"
    )


def test_a_long_met_line_is_kept_whole_as_notes() -> None:
    line = "met Sam and she told me all about how the ward ran its winter rota last year"
    assert met_line(line) == Met(line, line)


def test_a_line_that_does_not_say_they_met_is_not_a_met_line() -> None:
    assert met_line("the rota needs a rethink before spring") is None


def test_the_opening_ends_where_the_notes_begin() -> None:
    assert opening("met Sam today for an hour on teams; discussed the rota") == (
        "met Sam today for an hour on teams"
    )
    assert opening("met Sam today, actions: me: send the rota") == "met Sam today, "


@pytest.mark.parametrize("text", ["none", "nothing agreed", "no date", "skip", "nope"])
def test_nothing_to_add(text: str) -> None:
    assert nothing_to_add(text)


@pytest.mark.parametrize("text", ["no, by next Friday", "no - before the 12th", "call Sam"])
def test_a_no_followed_by_a_date_or_a_real_answer_is_something_to_add(text: str) -> None:
    assert not nothing_to_add(text)
