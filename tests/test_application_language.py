"""How applicants and reviewers talk about applications, read by the language layer."""

from __future__ import annotations

import pytest

from conversations.language.applications import (
    asks_to_see_application,
    listed_after,
    read_verdict,
)
from conversations.messages import Choice


@pytest.mark.parametrize(
    ("text", "looks"),
    [
        ("my application", True),
        ("show my application", True),
        ("Show me my application please", True),
        ("can I check the application?", True),
        ("view application", True),
        ("Radiography service manager, Band 8a", False),
        ("I work at North Example Hospital", False),
        ("apply", False),
    ],
)
def test_asking_to_see_the_application_is_told_from_an_answer(text: str, looks: bool) -> None:
    assert asks_to_see_application(text) is looks


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        ("my top three: Kit, Eve, Ian", " Kit, Eve, Ian"),
        ("My choices are Kit and Eve", " Kit and Eve"),
        ("my first choice is 2", " 2"),
        ("choose my mentor", None),
    ],
)
def test_a_list_given_in_one_message_is_found_after_its_lead_in(
    text: str, listed: str | None
) -> None:
    assert listed_after(text) == listed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes, strong evidence of budget", ("accept", "strong evidence of budget")),
        ("nope: no leadership role yet", ("reject", "no leadership role yet")),
        ("dunno", ("unsure", "")),
        ("later", ("skip", "")),
        ("Conflict of interest: I manage her", ("unsure", "I manage her")),
        ("conflict of interest", ("unsure", "Conflict of interest.")),
        ("keep it", ("keep", "")),
        ("I accept: clear autonomy", ("accept", "clear autonomy")),
    ],
)
def test_a_verdict_and_its_reason_are_read_in_peoples_own_words(
    text: str, expected: tuple[str, str]
) -> None:
    assert read_verdict(text) == expected


def test_a_verdict_is_read_against_the_choices_offered() -> None:
    moderator = (Choice("Accept", "v", "accept"), Choice("Reject", "v", "reject"))
    assert read_verdict("reject - no budget", moderator) == ("reject", "no budget")
    assert read_verdict("2", moderator) == ("reject", "")
    assert read_verdict("keep it", moderator) is None
