"""Corpus section 3: the mentor answering a meeting proposal by typing (in a new turn, as a
reply to the notification: no dialog of theirs is waiting)."""

from __future__ import annotations

from tests.corpus.setup import content, has, typed
from tests.corpus.world import (
    World,
    asked,
    case,
    confirmed,
    counter,
    expect,
    expect_meeting,
    invites,
    meeting_row,
    move_asked,
    nothing_changed,
    notified,
    propose,
    told,
)

NOT_UNDERSTOOD = "didn't understand"


def thu_10(w: World) -> None:
    """Priya has proposed Thu 5 Mar 10:00, 60 min, video; it waits for Tom."""
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00")


def thu_10_northfield(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00", mode="in_person", location="Northfield")


def two_proposals(w: World) -> None:
    w.ids["_thu"] = propose(w, "2026-03-05T10:00")
    w.ids["_fri"] = propose(w, "2026-03-13T11:00", mode="in_person")


def nadia_wed_15(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-11T15:00", who="nadia", mode="phone")


def nadia_tue_10(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-10T10:00", who="nadia")


def move_waits(w: World) -> None:
    """Confirmed Thu 5 Mar 10:00 (video); Priya asked to move it to Fri 6 Mar 14:00."""
    w.ids["_original"] = confirmed(w, "2026-03-05T10:00")
    w.ids["_move"] = move_asked(w, w.ids["_original"], "2026-03-06T14:00")


def tom_countered_thu_14(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00")
    counter(w, w.ids["_meeting"], "2026-03-05T14:00")


def confirmed_rows(w: World) -> list[dict[str, object]]:
    return [r for r in w.rows("meeting") if r["status"] == "confirmed"]


def accepted(w: World, start: str, proposer: str, key: str = "_meeting", **want: object) -> None:
    """The proposal is confirmed at ``start``; its proposer is told; invites go to both."""
    row = meeting_row(w, w.ids[key])
    expect(row["status"] == "confirmed", f"the meeting is {row['status']}, not confirmed")
    expect_meeting(row, start, **want)  # type: ignore[arg-type]
    expect(notified(w, proposer), f"{proposer} was not told")
    expect("meeting.invite" in invites(w, w.ids[key]), "no calendar invite went out")


def declined(w: World, proposer: str, *told_words: str) -> str:
    """The proposal is declined, nothing confirmed, the proposer told (naming ``told_words``)."""
    row = meeting_row(w, w.ids["_meeting"])
    expect(row["status"] == "declined", f"the proposal is {row['status']}, not declined")
    expect(not confirmed_rows(w), "a meeting was confirmed")
    said = told(w, proposer)
    expect(said, f"{proposer} was not told")
    for word in told_words:
        expect(word in said, f"{proposer} was not told {word!r}")
    return said


def reason_passed(w: World, said: str) -> bool:
    """The reason as typed reached the proposer: most of the content words of what was said
    are in what they were told (the reason goes on in the speaker's own words)."""
    words = content(typed(w))
    return bool(words) and len(words & content(said)) >= 0.6 * len(words)


def countered(w: World, by: str, to: str, start: str, **want: object) -> None:
    """A counter-proposal by ``by`` at ``start`` waits for ``to``; nothing is confirmed."""
    expect(not confirmed_rows(w), "a meeting was confirmed")
    mine = [r for r in w.rows("meeting", status="proposed") if r["proposed_by_id"] == w.ids[by]]
    expect(mine, f"no proposal from {by} waits")
    expect(len(mine) == 1, f"{len(mine)} proposals from {by}, wanted 1")
    expect_meeting(mine[0], start, **want)  # type: ignore[arg-type]
    expect(notified(w, to), f"{to} was not told")


@case("ans-001", given=thu_10)
def _ans_001(w: World) -> None:
    accepted(w, "Thu 5 Mar 10:00", "priya", minutes=60, mode="video")


@case("ans-002", given=thu_10)
def _ans_002(w: World) -> None:
    accepted(w, "Thu 5 Mar 10:00", "priya")


@case("ans-003", given=thu_10)
def _ans_003(w: World) -> None:
    accepted(w, "Thu 5 Mar 10:00", "priya")


def _invites_new_time(said: str) -> bool:
    return any(
        word in said for word in ("another time", "new time", "other time", "propose", "suggest")
    )


@case("ans-004", given=thu_10)
def _ans_004(w: World) -> None:
    said = declined(w, "priya", "thu 5 mar")
    expect(_invites_new_time(said), "Priya was not invited to propose another time")


@case("ans-005", given=thu_10)
def _ans_005(w: World) -> None:
    said = declined(w, "priya")
    expect(
        ("leave" in said or "a/l" in said or reason_passed(w, said)) and ("mon" in said),
        "Priya was not told his reason (on leave until Monday)",
    )
    expect(
        not [r for r in w.rows("meeting") if r["proposed_by_id"] == w.ids["tom"]],
        "'til monday' was taken as a counter-proposal",
    )


@case("ans-006", given=thu_10)
def _ans_006(w: World) -> None:
    countered(w, "tom", "priya", "Thu 5 Mar 14:00", minutes=60, mode="video")
    expect("accept" in told(w, "priya"), "Priya was not asked to accept")


@case("ans-007", given=thu_10)
def _ans_007(w: World) -> None:
    countered(w, "tom", "priya", "Fri 6 Mar 10:00", minutes=60, mode="video")


@case("ans-008", given=thu_10)
def _ans_008(w: World) -> None:
    countered(
        w, "tom", "priya", "Thu 5 Mar 10:00", minutes=60, mode="in_person", location="riverside"
    )


@case("ans-009", given=thu_10)
def _ans_009(w: World) -> None:
    countered(w, "tom", "priya", "Thu 5 Mar 10:00", minutes=45, mode="video")


@case("ans-010", given=move_waits)
def _ans_010(w: World) -> None:
    move = meeting_row(w, w.ids["_move"])
    expect(move["status"] not in {"proposed", "confirmed"}, f"the move is {move['status']}")
    original = meeting_row(w, w.ids["_original"])
    expect(original["status"] == "confirmed", f"the meeting is {original['status']}")
    expect_meeting(original, "Thu 5 Mar 10:00", minutes=60, mode="video")
    expect(not invites(w, w.ids["_original"]), "the invites changed")
    expect(len(confirmed_rows(w)) == 1, "another meeting was confirmed")
    said = told(w, "priya")
    expect(
        any(word in said for word in ("keep", "original", "thu 5 mar")),
        "Priya was not told Tom would rather keep the original time",
    )


@case("ans-011", given=move_waits)
def _ans_011(w: World) -> None:
    now = confirmed_rows(w)
    expect(len(now) == 1, f"{len(now)} confirmed meetings, wanted 1 (the Thu slot not freed?)")
    expect_meeting(now[0], "Fri 6 Mar 14:00", minutes=60, mode="video")
    expect("meeting.invite" in invites(w, int(now[0]["id"])), "no updated invite went out")  # type: ignore[call-overload]
    expect(notified(w, "priya"), "Priya was not told")


@case("ans-012", given=nadia_wed_15, speaker="owen")
def _ans_012(w: World) -> None:
    accepted(w, "Wed 11 Mar 15:00", "nadia", mode="phone")


@case("ans-013", given=nadia_wed_15, speaker="owen")
def _ans_013(w: World) -> None:
    expect(not confirmed_rows(w), "a meeting was confirmed")
    owens = [r for r in w.rows("meeting") if r["proposed_by_id"] == w.ids["owen"]]
    expect(not owens, "a time was invented for Owen")
    said = told(w, "nadia")
    nadia_told = "wed 11 mar" in said and ("morning" in said or "9-11" in said or "09:00" in said)
    owen_asked = asked(w, "time") and not w.diff().new("meeting")
    expect(
        nadia_told or owen_asked,
        "Nadia was not told Owen can't do Wed 11 Mar 15:00 and mornings suit him",
    )


@case("ans-014", given=two_proposals)
def _ans_014(w: World) -> None:
    accepted(w, "Thu 5 Mar 10:00", "priya", key="_thu")
    fri = meeting_row(w, w.ids["_fri"])
    expect(fri["status"] == "declined", f"Fri 13 Mar is {fri['status']}, not declined")
    said = told(w, "priya")
    expect("thu 5 mar" in said and "fri 13 mar" in said, "Priya was not told both outcomes")


@case("ans-015", given=two_proposals, confirm=False)
def _ans_015(w: World) -> None:
    expect(
        asked(w, "thu 5 mar", "fri 13 mar", "both"),
        "did not ask which one, listing both (and both)",
    )
    nothing_changed(w)


@case("ans-016")
def _ans_016(w: World) -> None:
    said = w.replies()
    expect(NOT_UNDERSTOOD not in said, "not understood")
    expect(
        any(
            word in said
            for word in ("nothing", "no meeting", "no proposal", "not waiting", "no request")
        ),
        "did not say nothing waits for his answer",
    )
    nothing_changed(w)


@case("ans-017", given=thu_10)
def _ans_017(w: World) -> None:
    countered(w, "tom", "priya", "Wed 11 Mar 10:00", minutes=60, mode="video")


@case("ans-018", given=thu_10)
def _ans_018(w: World) -> None:
    countered(w, "tom", "priya", "Thu 12 Mar 10:00", minutes=60, mode="video")


@case("ans-019", given=thu_10_northfield)
def _ans_019(w: World) -> None:
    accepted(w, "Thu 5 Mar 10:00", "priya", mode="in_person", location="northfield")
    expect(len(w.rows("meeting")) == 1, "'book a room' was taken as a new booking")


@case("ans-020", given=tom_countered_thu_14)
def _ans_020(w: World) -> None:
    countered(w, "priya", "tom", "Fri 6 Mar 09:00", minutes=60, mode="video")


@case("ans-021", given=nadia_tue_10, speaker="owen")
def _ans_021(w: World) -> None:
    said = declined(w, "nadia")
    expect("moving" in said or reason_passed(w, said), "nadia was not told his reason (moving)")
    expect(
        has(said, "another|different|other", "week|time|date|day"),
        "Nadia was not asked to pick another week",
    )
