"""Corpus section 1: booking a meeting (UK day/time idioms, durations, modes, impossible dates)."""

from __future__ import annotations

from tests.corpus.world import (
    World,
    asked,
    case,
    expect,
    expect_meeting,
    new_meetings,
    nothing_changed,
    notified,
)


def proposal_to(w: World, partner: str, start: str, **want: object) -> None:
    """Exactly one new proposal, to ``partner``, at ``start``, and the partner is notified."""
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    expect_meeting(made[0], start, **want)  # type: ignore[arg-type]
    expect(notified(w, partner), f"{partner} was not notified")


@case("book-001")
def _book_001(w: World) -> None:
    proposal_to(w, "tom", "Thu 5 Mar 14:30", minutes=60, mode="video")


@case("book-012")
def _book_012(w: World) -> None:
    first = w.turns[0].rendered.lower()
    expect(
        "tue 3 mar" in first and "tue 10 mar" in first, "did not ask which Tuesday, showing both"
    )
    proposal_to(w, "tom", "Tue 10 Mar 11:00", minutes=60, mode="video")


def _asks_which_wednesday(w: World) -> None:
    expect(asked(w, "wed 4 mar", "wed 11 mar"), "did not ask which Wednesday, showing both")
    nothing_changed(w)


case("book-013")(_asks_which_wednesday)
