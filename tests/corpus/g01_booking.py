"""Corpus section 1: booking a meeting (UK day/time idioms, durations, modes, impossible dates)."""

from __future__ import annotations

from tests.corpus.world import (
    World,
    asked,
    case,
    expect,
    expect_meeting,
    is_confirmation,
    new_meetings,
    nothing_changed,
    notified,
)


def proposal_to(w: World, partner: str, start: str, **want: object) -> dict[str, object]:
    """Exactly one new proposal, to ``partner``, at ``start``, and the partner is notified;
    nothing is confirmed yet (a mentee's booking waits for the mentor)."""
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    expect_meeting(made[0], start, **want)  # type: ignore[arg-type]
    expect(not new_meetings(w, status="confirmed"), "a meeting was confirmed without the mentor")
    expect(notified(w, partner), f"{partner} was not notified")
    return made[0]


def simple(case_id: str, start: str, *, partner: str = "tom", **want: object) -> None:
    """A case whose expect is one proposal to ``partner`` at ``start`` with ``want``."""

    def check(w: World) -> None:
        proposal_to(w, partner, start, **want)

    case(case_id, speaker="nadia" if partner == "owen" else None)(check)


simple("book-001", "Thu 5 Mar 14:30", minutes=60, mode="video")
simple("book-002", "Tue 3 Mar 14:00", minutes=60, mode="video")
simple("book-003", "Fri 6 Mar 10:15", minutes=60, mode="in_person")
simple("book-004", "Wed 4 Mar 09:00", partner="owen", minutes=60, mode="phone")


@case("book-005")
def _book_005(w: World) -> None:
    first = w.turns[0]
    expect(
        first.asking is not None and "tue 3 mar" in first.rendered.lower(),
        "did not ask what time on Tue 3 Mar",
    )
    proposal_to(w, "tom", "Tue 3 Mar 13:30", minutes=60, mode="in_person", location="northfield")


simple("book-006", "Fri 13 Mar 11:00", minutes=60, mode="video")
simple("book-007", "Fri 13 Mar 15:00", minutes=60, mode="in_person")
simple("book-008", "Wed 11 Mar 10:00", minutes=60, mode="video")
simple("book-009", "Mon 16 Mar 10:00", minutes=60, mode="video")
simple("book-010", "Tue 17 Mar 16:00", minutes=60, mode="video")
simple("book-011", "Thu 19 Mar 11:00", minutes=60, mode="in_person")


@case("book-012")
def _book_012(w: World) -> None:
    first = w.turns[0].rendered.lower()
    expect(
        "tue 3 mar" in first and "tue 10 mar" in first, "did not ask which Tuesday, showing both"
    )
    proposal_to(w, "tom", "Tue 10 Mar 11:00", minutes=60, mode="video")


@case("book-013")
def _book_013(w: World) -> None:
    expect(asked(w, "wed 4 mar", "wed 11 mar"), "did not ask which Wednesday, showing both")
    expect("15:00" in w.replies() or "3pm" in w.replies(), "did not keep 15:00")
    nothing_changed(w)


simple("book-014", "Thu 5 Mar 09:30", minutes=60, mode="video")
simple("book-015", "Fri 20 Mar 14:00", minutes=60, mode="in_person")
simple("book-016", "Fri 20 Mar 10:30", minutes=60, mode="video")


@case("book-017")
def _book_017(w: World) -> None:
    last = w.last().rendered.lower()
    if not new_meetings(w) and all(m in last for m in ("person", "video", "phone")):
        # It asks how they will meet: her answer, not an invented mode, decides it.
        w.say("priya", "video")
        if w.last().questions and is_confirmation(w.last().questions[-1]):
            w.say("priya", "yes")
        proposal_to(w, "tom", "Fri 20 Mar 12:00", minutes=60, mode="video")
        return
    row = proposal_to(w, "tom", "Fri 20 Mar 12:00", minutes=60)
    expect(
        row["mode"] not in {"video", "in_person", "phone"},
        f"invented the mode {row['mode']!r} (none was said)",
    )


simple("book-018", "Fri 20 Mar 15:00", minutes=90, mode="in_person")
simple("book-019", "Fri 3 Apr 10:00", minutes=60, mode="video")
simple("book-020", "Tue 10 Mar 09:30", minutes=60, mode="video")


@case("book-021")
def _book_021(w: World) -> None:
    proposal_to(w, "tom", "Thu 12 Mar 09:30", minutes=60, mode="in_person", location="riverside")
    expect("networking" not in w.replies(), "warned of a clash that is not there")


simple("book-022", "Wed 11 Mar 12:00", minutes=60, mode="video")
simple("book-023", "Fri 6 Mar 11:00", minutes=60, mode="video")
simple("book-024", "Wed 18 Mar 14:00", minutes=90, mode="in_person")


def with_agenda(case_id: str, start: str, agenda: str, **want: object) -> None:
    def check(w: World) -> None:
        row = proposal_to(w, "tom", start, **want)
        expect(agenda in str(row["agenda"]).lower(), f"agenda {row['agenda']!r}, wanted {agenda!r}")

    case(case_id)(check)


with_agenda("book-025", "Tue 24 Mar 10:00", "leadership plan", minutes=90, mode="in_person")


@case("book-026", speaker="nadia")
def _book_026(w: World) -> None:
    first = w.turns[0]
    said = first.rendered.lower()
    expect(
        first.asking is not None
        and "30" in said
        and any(hour in said for hour in ("60", "1 hour", "an hour", "one hour")),
        "did not point out the 60-minute expectation and ask whether to keep 30",
    )
    proposal_to(w, "owen", "Tue 3 Mar 16:00", minutes=30, mode="phone")


@case("book-027")
def _book_027(w: World) -> None:
    proposal_to(w, "tom", "Wed 4 Mar 10:00", minutes=60, mode="in_person", location="canteen")


simple("book-028", "Mon 9 Mar 13:00", minutes=120, mode="video")


NOT_UNDERSTOOD = "didn't understand"


def refuses(case_id: str, cannot: tuple[str, ...], *named: str) -> None:
    """A kind refusal saying why the date or time can't be (one of ``cannot``, naming each of
    ``named``) and asking for another; nothing is sent."""

    def check(w: World) -> None:
        said = w.replies()
        expect(NOT_UNDERSTOOD not in said, "not understood")
        expect(
            all(n in said for n in named) and any(c in said for c in cannot),
            f"did not say why it can't be ({', '.join(named + cannot)})",
        )
        expect(asked(w), "did not ask for another date or time")
        nothing_changed(w)

    case(case_id)(check)


NOT_A_DATE = ("no ", "n't", "not ", "only ", "isn't", "invalid")
PAST = ("past", "passed", "already", "gone")

refuses("book-029", NOT_A_DATE, "feb")
refuses("book-030", NOT_A_DATE, "apr")
refuses("book-031", PAST)
refuses("book-032", PAST)


@case("book-033", confirm=False)
def _book_033(w: World) -> None:
    expect(
        "networking" in w.replies() and asked(w), "did not point out the networking session clash"
    )
    nothing_changed(w)


@case("book-034")
def _book_034(w: World) -> None:
    said = w.replies()
    expect(asked(w), "did not ask which day")
    expect("15:00" in said or "3pm" in said, "did not keep 15:00")
    expect("mon 2 mar" not in said, "assumed today")
    nothing_changed(w)


@case("book-035")
def _book_035(w: World) -> None:
    expect(asked(w, "time", "thu 5 mar"), "did not ask what time on Thu 5 Mar")
    nothing_changed(w)


@case("book-036")
def _book_036(w: World) -> None:
    last = w.last().rendered.lower()
    expect(
        asked(w, "thu 5 mar")
        and ("07:00" in last or "7am" in last)
        and ("19:00" in last or "7pm" in last),
        "did not ask whether 07:00 or 19:00 on Thu 5 Mar",
    )
    nothing_changed(w)


simple("book-037", "Sat 7 Mar 10:00", minutes=60, mode="in_person")
simple("book-038", "Mon 30 Mar 10:00", minutes=60, mode="video")
with_agenda("book-039", "Tue 17 Mar 14:45", "band 8a application", minutes=60, mode="video")
simple("book-040", "Fri 13 Mar 10:30", partner="owen", minutes=60, mode="in_person")
simple("book-041", "Mon 9 Mar 09:00", minutes=60, mode="video")
