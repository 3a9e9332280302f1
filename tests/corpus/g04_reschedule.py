"""Corpus section 4: rescheduling and cancelling (a move is a proposal the partner accepts; the
original stays confirmed until then)."""

from __future__ import annotations

from collections.abc import Callable

from tests.corpus.world import (
    World,
    asked,
    case,
    confirmed,
    expect,
    expect_meeting,
    invites,
    meeting_row,
    nothing_changed,
    notified,
    propose,
    shown,
    told,
)

NOT_UNDERSTOOD = "didn't understand"


def held_at(when: str, **kw: object) -> Callable[[World], None]:
    """Given: a meeting confirmed at ``when`` (London local), remembered as ``_original``."""

    def given(w: World) -> None:
        w.ids["_original"] = confirmed(w, when, **kw)  # type: ignore[arg-type]

    return given


def moved(
    w: World, start: str, *, by: str = "priya", to: str = "tom", **want: object
) -> dict[str, object]:
    """A move of ``_original`` to ``start`` is proposed by ``by`` and waits for ``to``, who is
    told; the original stays confirmed as it was until then."""
    original = meeting_row(w, w.ids["_original"])
    expect(original["status"] == "confirmed", f"the original is {original['status']}")
    expect(
        not w.diff().updated("meeting", id=w.ids["_original"]), "the original was changed already"
    )
    moves = [
        r
        for r in w.rows("meeting", replaces_id=w.ids["_original"], status="proposed")
        if r["proposed_by_id"] == w.ids[by]
    ]
    expect(len(moves) == 1, f"{len(moves)} moves proposed, wanted 1")
    expect_meeting(moves[0], start, **want)  # type: ignore[arg-type]
    expect(notified(w, to), f"{to} was not told")
    return moves[0]


def move_case(case_id: str, when: str, start: str, **want: object) -> None:
    def check(w: World) -> None:
        moved(w, start, **want)

    case(case_id, given=held_at(when))(check)


def cancelled(w: World, partner: str) -> None:
    """``_original`` is cancelled, ``partner`` told, the calendar invites cancelled."""
    row = meeting_row(w, w.ids["_original"])
    expect(row["status"] == "cancelled", f"the meeting is {row['status']}, not cancelled")
    expect(notified(w, partner), f"{partner} was not told")
    expect("meeting.invite_cancel" in invites(w, w.ids["_original"]), "invites not cancelled")


move_case("move-001", "2026-03-03T10:00", "Thu 5 Mar 10:00", minutes=60, mode="video")
move_case("move-002", "2026-03-02T14:00", "Mon 2 Mar 15:00", minutes=60, mode="video")


@case("move-003", given=held_at("2026-03-06T14:00"))
def _move_003(w: World) -> None:
    cancelled(w, "tom")
    expect(not w.diff().new("meeting"), "a meeting was added")
    others = [b for b, _ in w.diff().changed.get("meeting", []) if b["id"] != w.ids["_original"]]
    expect(not others, "another meeting changed")


@case("move-004", given=held_at("2026-03-04T11:00", mode="in_person"))
def _move_004(w: World) -> None:
    moved(w, "Wed 4 Mar 09:00")


move_case("move-005", "2026-03-20T10:00", "Fri 27 Mar 10:00")


@case("move-006", given=held_at("2026-03-05T10:00", mode="in_person", location="Northfield"))
def _move_006(w: World) -> None:
    moved(w, "Thu 5 Mar 10:00", minutes=60, mode="video")


@case("move-007", given=held_at("2026-03-02T09:30"))
def _move_007(w: World) -> None:
    said = told(w, "tom")
    expect("late" in said and "10" in said, "Tom was not told Priya is about 10 minutes late")
    expect(not w.diff().new("meeting"), "a reschedule was proposed")
    row = meeting_row(w, w.ids["_original"])
    expect(row["status"] == "confirmed", f"the meeting is {row['status']}")
    expect_meeting(row, "Mon 2 Mar 09:30")


def two_held(w: World) -> None:
    w.ids["_thu"] = confirmed(w, "2026-03-05T10:00")
    w.ids["_fri"] = confirmed(w, "2026-03-13T11:00")


@case("move-008", given=two_held, confirm=False)
def _move_008(w: World) -> None:
    expect(asked(w, "thu 5 mar", "fri 13 mar"), "did not ask which, listing both")
    nothing_changed(w)


@case("move-009")
def _move_009(w: World) -> None:
    said = w.replies()
    expect(NOT_UNDERSTOOD not in said, "not understood")
    expect(
        any(
            word in said
            for word in (
                "no upcoming",
                "no meeting",
                "don't have",
                "nothing to cancel",
                "aren't any",
            )
        ),
        "did not say there is no upcoming meeting with Tom",
    )
    nothing_changed(w)


@case("move-010", given=held_at("2026-03-03T10:00"))
def _move_010(w: World) -> None:
    cancelled(w, "priya")
    expect("cancel" in told(w, "priya"), "Priya was not told Tom has had to cancel")


move_case("move-011", "2026-03-05T10:00", "Thu 12 Mar 10:00")


@case(
    "move-012",
    given=held_at("2026-03-04T15:00", between=("nadia", "owen"), mode="phone"),
    speaker="owen",
)
def _move_012(w: World) -> None:
    moved(w, "Fri 6 Mar 15:00", by="owen", to="nadia")


@case("move-013", given=held_at("2026-03-06T14:00"))
def _move_013(w: World) -> None:
    moved(w, "Fri 6 Mar 14:00", minutes=90)


move_case("move-014", "2026-03-03T10:00", "Tue 3 Mar 16:30")


@case("move-015", given=held_at("2026-04-02T10:00"))
def _move_015(w: World) -> None:
    expect(w.turns[0].asking is not None, "did not ask for a date after Easter")
    moved(w, "Tue 7 Apr 10:00")


@case("move-016", given=held_at("2026-03-05T10:00"))
def _move_016(w: World) -> None:
    said = told(w, "tom")
    expect("thu 5 mar" in said and "thu 19 mar" in said, "Tom did not hear both parts")
    original = meeting_row(w, w.ids["_original"])
    moves = w.rows("meeting", replaces_id=w.ids["_original"], status="proposed")
    if moves:
        expect(len(moves) == 1, f"{len(moves)} moves proposed")
        expect_meeting(moves[0], "Thu 19 Mar 11:00", minutes=60, mode="video")
        expect(original["status"] == "confirmed", f"the original is {original['status']}")
        return
    expect(original["status"] == "cancelled", "Thu 5 Mar is left standing")
    new = [r for r in w.diff().new("meeting") if r["status"] == "proposed"]
    expect(len(new) == 1, f"{len(new)} new proposals, wanted 1")
    expect_meeting(new[0], "Thu 19 Mar 11:00", minutes=60, mode="video")


@case("move-017", given=held_at("2026-03-11T10:00"))
def _move_017(w: World) -> None:
    row = meeting_row(w, w.ids["_original"])
    expect(row["status"] == "cancelled", f"the meeting is {row['status']}, not cancelled")
    expect(notified(w, "tom"), "Tom was not told")


move_case("move-018", "2026-03-03T10:00", "Tue 3 Mar 09:30", minutes=60)


def proposal_waits(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00")


@case("move-019", given=proposal_waits)
def _move_019(w: World) -> None:
    rows = w.rows("meeting", id=w.ids["_meeting"])
    expect(
        not rows or rows[0]["status"] not in {"proposed", "confirmed"}, "the proposal still waits"
    )
    said = told(w, "tom")
    expect("withdr" in said or "cancel" in said, "Tom was not told the request has been withdrawn")


@case(
    "move-020",
    given=held_at("2026-03-04T15:00", between=("nadia", "owen"), mode="phone"),
    speaker="nadia",
)
def _move_020(w: World) -> None:
    expect(notified(w, "owen"), "Owen was not told")
    original = meeting_row(w, w.ids["_original"])
    moves = w.rows("meeting", replaces_id=w.ids["_original"])
    if original["status"] == "confirmed" and not w.diff().updated("meeting", id=original["id"]):
        waiting = [m for m in moves if m["status"] == "proposed"]
        expect(len(waiting) == 1, "no move waits for Owen")
        expect_meeting(waiting[0], "Thu 5 Mar 14:00")
        return
    standing = [r for r in w.rows("meeting") if r["status"] == "confirmed"]
    expect(len(standing) == 1, f"{len(standing)} confirmed meetings, wanted 1")
    expect(
        shown(standing[0]["starts_at"]) == "Thu 5 Mar 14:00",
        f"the meeting is at {shown(standing[0]['starts_at'])}, wanted Thu 5 Mar 14:00",
    )


@case("move-021", given=held_at("2026-03-06T14:00"), confirm=False)
def _move_021(w: World) -> None:
    expect(asked(w), "did not ask for the new date and time")
    row = meeting_row(w, w.ids["_original"])
    expect_meeting(row, "Fri 6 Mar 14:00")
    nothing_changed(w)
