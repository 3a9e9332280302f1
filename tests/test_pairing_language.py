"""What people type about pairings, read by the language layer (conversations.language.pairing):
edits to a proposal, references, conflicts of interest, the fit answer and labelled parts."""

from __future__ import annotations

import pytest

from conversations.language.pairing import (
    Edit,
    approval,
    conflict_by_reference,
    conflict_kind,
    conflict_with,
    fit_answer,
    labelled,
    named,
    proposal_edit,
    reference,
)


@pytest.mark.parametrize(
    ("said", "edit"),
    [
        ("swap A-03 and A-05", Edit("swap", "A-03", "A-05")),
        ("Switch Ana with Ben.", Edit("swap", "Ana", "Ben")),
        ("move a3 to Sam Patel", Edit("move", "a3", "Sam Patel")),
        ("give Cara to Jo Reid!", Edit("move", "Cara", "Jo Reid")),
        ("swap the meeting", None),
    ],
)
def test_edits_to_a_proposal(said: str, edit: Edit | None) -> None:
    assert proposal_edit(said) == edit


def test_approval_and_its_reason() -> None:
    assert approval("approve") == ""
    assert approval("approve the matching: first choices honoured") == "first choices honoured"
    assert approval("Approve because travel") == "travel"
    assert approval("swap A-01 and A-02") is None


@pytest.mark.parametrize(("said", "ref"), [("a3", "A-03"), ("A-12", "A-12"), ("*a-7*", "A-07")])
def test_references_in_the_form_they_are_written(said: str, ref: str) -> None:
    assert reference(said) == ref
    assert reference("Ana") is None


def test_conflicts_in_peoples_words() -> None:
    assert conflict_with("Dr Jones is my appraiser") == "Jones"
    assert conflict_with("conflict of interest with Cara Diaz, she is in my team") == "Cara Diaz"
    assert conflict_with("Sam Lee used to manage me") == "Sam Lee"
    assert conflict_kind("she was my educational supervisor") == "educational_supervisor"
    assert conflict_kind("he reports to me") == "line_management"
    assert conflict_kind("we were at school together") == "other"
    assert conflict_by_reference("conflict a7 jo@example.org line management") == (
        "A-07",
        "jo@example.org line management",
    )


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("not a good fit", "not_a_good_fit"),
        ("honestly it's a poor fit", "not_a_good_fit"),
        ("too soon to say", "still_deciding"),
        ("not sure yet tbh", "still_deciding"),
        ("great fit!", "good_fit"),
        ("yeah really good thanks", "good_fit"),
        ("no", None),  # a bare no never ends a pairing
    ],
)
def test_the_fit_answer_in_words(said: str, answer: str | None) -> None:
    assert fit_answer(said) == answer


def test_labelled_parts_of_one_message() -> None:
    names = {"plan": ("plan", "our plan"), "contact": ("reach me", "contact")}
    assert labelled("contract: our plan: monthly calls; reach me: email, mornings", names) == {
        "plan": "monthly calls",
        "contact": "email, mornings",
    }
    assert labelled("nothing labelled here", names) == {}


def test_people_named_by_reference_full_name_or_first_name() -> None:
    people = [(1, "Ana Lopez", "A-01"), (2, "Ben Cole", "A-02"), (3, "Ben Okoro", "")]
    assert named("a1", people) == [1]
    assert named("*Ben Cole*", people) == [2]
    assert named("ana", people) == [1]
    assert named("Ben", people) == [2, 3]  # two Bens: the dialog asks which
    assert named("Zed", people) == []
