"""Corpus section 9: other requests (next steps, pauses, circumstances, who is my mentor, help)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from storage.db import transaction
from storage.models import Person
from tests.corpus.setup import has, lead_alerts, notices, on_a_line, only_changed
from tests.corpus.world import CheckFn, World, case, expect, instant, local, nothing_changed


def not_generic(w: World) -> str:
    said = w.replies()
    expect("didn't understand" not in said, "the generic fallback")
    return said


def says(*keys: str, why: str) -> CheckFn:
    """A read-only answer: every key (``a|b`` alternatives) is in what the bot said."""

    def check(w: World) -> None:
        said = not_generic(w)
        for key in keys:
            expect(has(said, key), f"{why}: {key!r} not said")
        nothing_changed(w)

    return check


@case("misc-001")
def _misc_001(w: World) -> None:
    said = not_generic(w)
    expect(on_a_line(said, "book", "tom|meeting"), "booking a first meeting with Tom not listed")
    expect(on_a_line(said, "contract", "16 mar"), "the contract by Mon 16 Mar not listed")
    expect(on_a_line(said, "networking", "12 mar", "12:30"), "the networking session not listed")
    expect(
        on_a_line(said, "check-in|check in", "16 mar"), "the check-in opening Mon 16 Mar not listed"
    )
    nothing_changed(w)


@case("misc-002")
def _misc_002(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "book") and has(said, "tom|meeting"), "booking a first meeting not listed")
    expect(has(said, "contract", "16 mar"), "the contract due Mon 16 Mar not shown as coming")
    nothing_changed(w)


def paused_until(w: World, who: str = "priya") -> datetime | None:
    rows = w.rows("person", id=w.ids[who])
    value = rows[0]["paused_until"]
    return local(value) if value is not None else None


def resumes_on(w: World, day: str) -> None:
    """The pause ends at the start of ``day`` (by its first working hour at the latest)."""
    until = paused_until(w)
    expect(until is not None, "reminders were not paused")
    assert until is not None
    start = local(instant(f"{day}T00:00"))
    expect(
        start - timedelta(minutes=1) <= until <= start.replace(hour=9),
        f"reminders resume {until:%a %d %b %H:%M}, wanted {day}",
    )


@case("misc-003")
def _misc_003(w: World) -> None:
    resumes_on(w, "2026-04-07")
    said = w.replies()
    expect(
        has(said, "contract", "16 mar") and has(said, "check-in|check in"),
        "did not point out the contract deadline and the check-in inside the pause",
    )
    expect(not notices(w, "tom"), "Tom was told")
    only_changed(w, {"person"})


@case("misc-004")
def _misc_004(w: World) -> None:
    first = w.turns[0]
    expect(
        "?" in first.rendered
        and has(first.rendered, "tom")
        and has(first.rendered, "lead|project"),
        "did not offer to tell Tom and the project lead",
    )
    expect(has(w.replies(), "1 may"), "the change from Fri 1 May was not taken")
    if len(w.turns) > 1:  # she agreed: they are told
        expect(bool(notices(w, "tom")), "Tom was not told after she agreed")
        expect(bool(lead_alerts(w)) or bool(notices(w, "morgan")), "the lead was not told")
    expect(paused_until(w) is None, "a return date was invented")


@case("misc-005")
def _misc_005(w: World) -> None:
    made = w.diff().new("conflict_of_interest")
    expect(
        any(r["mentee_id"] == w.ids["priya"] and r["mentor_id"] == w.ids["tom"] for r in made),
        "no conflict of interest between Priya and Tom recorded",
    )
    expect(bool(lead_alerts(w)) or bool(notices(w, "morgan")), "the project lead was not told")
    expect("pairing" not in w.diff().tables(), "the pairing was changed")
    expect(has(w.replies(), "lead", "in touch"), "Priya was not told the lead will be in touch")


@case("misc-006")
def _misc_006(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "can't|cannot|not able"), "did not say it can't help with that")
    expect(has(said, "meeting|minutes|diary|mentoring"), "did not say what it can do")
    nothing_changed(w)


@case("misc-007")
def _misc_007(w: World) -> None:
    said = not_generic(w)
    expect(0 < len(said.strip()) <= 200, "not a short acknowledgement")
    expect(not w.last().questions, "a dialog was started")
    nothing_changed(w)


case("misc-008")(
    says(
        "tom okafor",
        "radiology",
        "northfield",
        "imaging|coaching|listen",
        "email|mentor@example.org",
        why="who her mentor is",
    )
)
case("misc-009")(says("email", "call", "morning", "mentor@example.org", why="how to reach Tom"))
case("misc-010", speaker="nadia")(
    says("owen whitfield", "ultrasound", "lakeside", "teams", why="who her mentor is")
)
case("misc-011")(
    says("networking", "12 mar", "12:30", "13:30", "video", why="the networking session")
)
case("misc-012")(says("16 mar", "tom|both", "project team|copy", why="the contract deadline"))
case("misc-013")(
    says(
        "book",
        "move|reschedul|change",
        "cancel",
        "minutes",
        "action",
        "diary",
        "check-in|check in",
        "concern",
        "pause",
        why="what a mentee can do",
    )
)


def paused_to_easter(w: World) -> None:
    with transaction(w.db) as session:
        person = session.get(Person, w.ids["priya"])
        assert person is not None
        person.paused_until = instant("2026-04-07T00:00")
        session.add(person)


@case("misc-014", given=paused_to_easter)
def _misc_014(w: World) -> None:
    until = paused_until(w)
    expect(until is None or until <= local(w.now), "the pause was not lifted")
    expect(not notices(w, "tom"), "Tom was told")


@case("misc-015", speaker="tom")
def _misc_015(w: World) -> None:
    rows = w.rows("mentor_profile", person_id=w.ids["tom"])
    expect(rows[0]["capacity"] == 2, f"capacity {rows[0]['capacity']}, wanted 2")
    expect(not w.diff().new("pairing"), "a new pairing was made")


@case("misc-016")
def _misc_016(w: World) -> None:
    """A pause that starts later needs its start stored: any ``person`` column about a pause
    other than ``paused_until`` (the schema has none today)."""
    row = w.rows("person", id=w.ids["priya"])[0]
    resumes_on(w, "2026-03-30")
    starts = [row[c] for c in row if "pause" in c and c != "paused_until"]
    expect(bool(starts) and starts[0] is not None, "no start of the pause is stored (Mon 23 Mar)")
    begin = local(starts[0])
    expect(
        begin.date().isoformat() == "2026-03-23" and begin.time() <= time(9),
        f"the pause starts {begin:%a %d %b %H:%M}, wanted Mon 23 Mar",
    )
    expect(not notices(w, "tom"), "Tom was told")
