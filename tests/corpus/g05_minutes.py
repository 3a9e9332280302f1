"""Corpus section 5: minutes and actions (sections anywhere, owners, due dates, patient data).

Unless a case says otherwise, Priya and Tom's meeting Fri 27 Feb 14:00-15:00 (video) is held
and has no minutes yet, and no next meeting is booked."""

from __future__ import annotations

import re

from tests.corpus.setup import (
    FRI_27_FEB,
    action,
    answer_open,
    content,
    day,
    done_now,
    expect_action,
    from_typed,
    has,
    held,
    local_day,
    minuted,
    minutes_text,
    new_actions,
    on_a_line,
    one_minutes,
    only_changed,
    still_open,
    typed,
)
from tests.corpus.world import (
    Row,
    World,
    asked,
    case,
    expect,
    expect_meeting,
    meeting,
    new_meetings,
    nothing_changed,
    notified,
)


def fri_held(w: World) -> None:
    """The section's default: Fri 27 Feb 14:00 held, no minutes, no next meeting."""
    held(w)


def fri_minuted(w: World) -> int:
    """The Fri 27 Feb meeting held and minuted (no actions); its minutes' id."""
    return minuted(w, held(w))


def _id(w: World, text: str) -> int:
    rows = [r for r in w.rows("action_item") if r["text"] == text]
    assert len(rows) == 1, text
    return int(rows[0]["id"])


def only_partners_told(w: World) -> None:
    """Minutes and actions go to the two partners only: nothing to anyone else or a channel."""
    added = w.diff().new("outbox")
    partners = {w.ids["priya"], w.ids["tom"]}
    others = [r for r in added if r.get("recipient_id") not in partners]
    expect(not others, "minutes or actions reached someone other than Priya and Tom")


def no_new_meeting(w: World) -> None:
    made = [m for m in new_meetings(w) if m["status"] in {"proposed", "confirmed"}]
    expect(not made, f"a meeting was booked: {[m['starts_at'] for m in made]}")


def proposal_to(w: World, partner: str, start: str, **want: object) -> None:
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    expect_meeting(made[0], start, **want)  # type: ignore[arg-type]
    expect(notified(w, partner), f"{partner} was not notified")


def on_minutes(w: World, rows: list[Row], held_on: str = "2026-02-27") -> None:
    """Every row belongs to minutes of the meeting held on ``held_on``."""
    for row in rows:
        found = w.rows("minutes", id=row["minutes_id"]) if row["minutes_id"] else []
        expect(
            found and found[0]["held_on"] == day(held_on),
            f"action {row['text']!r} is not on the {held_on} meeting's minutes",
        )


@case("mins-001", given=fri_held)
def _mins_001(w: World) -> None:
    answer_open(w, "priya", "no date")
    row = one_minutes(w)
    expect(has(minutes_text(row), "leadership plan", "rota"), "discussion not recorded")
    actions = new_actions(w)
    expect(len(actions) == 2, f"{len(actions)} actions, wanted 2")
    expect_action(w, actions, ("rota paper",), "priya", "2026-03-06")
    expect_action(w, actions, ("template",), "tom", None)
    on_minutes(w, actions)
    proposal_to(w, "tom", "Fri 20 Mar 10:00", minutes=60, mode="video")
    only_partners_told(w)


def held_today(w: World) -> None:
    held(w, "2026-03-02T15:00")


@case("mins-002", given=held_today)
def _mins_002(w: World) -> None:
    answer_open(w, "priya", "not yet")
    row = one_minutes(w, "2026-03-02")
    expect(has(minutes_text(row), "confiden", "board"), "discussion not recorded")
    actions = new_actions(w)
    expect(len(actions) == 2, f"{len(actions)} actions, wanted 2")
    expect_action(w, actions, ("away day",), "priya", "2026-03-31")
    expect_action(w, actions, ("board papers",), "tom", None)
    no_new_meeting(w)


@case("mins-003", given=fri_held)
def _mins_003(w: World) -> None:
    row = one_minutes(w)
    expect(has(minutes_text(row), "budget", "overspend"), "budget item not recorded")
    actions = new_actions(w)
    expect(has(minutes_text(row), "shadow") or len(actions) == 2, "shadowing item not recorded")
    expect_action(w, actions, ("doo",), "tom", "2026-03-13")
    for extra in actions:
        if not has(extra["text"], "doo"):
            expect(
                has(extra["text"], "shadow") and extra["owner_id"] == w.ids["priya"],
                f"unexpected action {extra['text']!r}",
            )
            expect(extra["due"] is None, "a date was invented for the shadowing")
    on_minutes(w, actions)


@case("mins-004", given=fri_held)
def _mins_004(w: World) -> None:
    row = one_minutes(w)
    expect(has(minutes_text(row), "mri", "option 2"), "discussion or decision not recorded")
    actions = new_actions(w)
    expect(len(actions) == 2, f"{len(actions)} actions, wanted 2")
    expect_action(w, actions, ("cost",), "priya", "2026-03-20")
    expect_action(w, actions, ("example business case",), "tom", "2026-03-04")


def fri_held_next_booked(w: World) -> None:
    held(w)
    meeting(w, "2026-03-20T10:00")


@case("mins-005", given=fri_held_next_booked)
def _mins_005(w: World) -> None:
    actions = new_actions(w)
    expect_action(w, actions, ("leadership compact",), "both", "2026-03-20")
    expect_action(w, actions, ("cv",), "priya", "2026-03-31")
    expect(
        len(actions) == 2 + sum(1 for a in actions if has(a["text"], "leadership compact")) - 1,
        f"unexpected actions: {[a['text'] for a in actions]}",
    )
    on_minutes(w, actions)


@case("mins-006", given=fri_held)
def _mins_006(w: World) -> None:
    for row in new_actions(w):
        expect(row["due"] is None, f"a due date was invented: {row['due']}")
        expect(row["owner_id"] == w.ids["priya"], f"{row['text']!r} is not Priya's")
    last = w.last()
    expect(
        bool(last.questions) and has(last.rendered, "when|due|date|book"),
        "did not ask for a due date or offer to book the next meeting",
    )
    no_new_meeting(w)


@case("mins-007", given=fri_held)
def _mins_007(w: World) -> None:
    answer_open(w, "priya", "none")
    row = one_minutes(w)
    expect(has(minutes_text(row), "managing up", "deputy"), "discussion not recorded")
    expect(not new_actions(w), "actions were invented")
    proposal_to(w, "tom", "Fri 27 Mar 14:00", minutes=60, mode="video")


@case("mins-008", given=fri_minuted)
def _mins_008(w: World) -> None:
    answer_open(w, "priya", "video")
    proposal_to(w, "tom", "Fri 10 Apr 14:00", minutes=60, mode="video")
    expect(not new_actions(w), "actions were created")


def four_actions(w: World) -> None:
    minutes_id = fri_minuted(w)
    action(w, "draft the rota paper", "priya", due="2026-03-06", minutes_id=minutes_id)
    action(w, "send Priya the template", "tom", minutes_id=minutes_id)
    action(w, "read the leadership compact", "both", due="2026-03-20", minutes_id=minutes_id)
    action(w, "update CV", "priya", done=True, minutes_id=minutes_id)


@case("mins-009", given=four_actions)
def _mins_009(w: World) -> None:
    said = w.replies()
    expect(has(said, "rota paper", "fri 6 mar"), "'draft the rota paper' due Fri 6 Mar not listed")
    expect(
        has(said, "leadership compact", "fri 20 mar"),
        "'read the leadership compact' due Fri 20 Mar not listed",
    )
    expect("update cv" not in said, "the done CV action is listed")
    expect(not on_a_line(said, "template", "you"), "Tom's action is listed as hers")
    nothing_changed(w)


def three_actions(w: World) -> None:
    minutes_id = fri_minuted(w)
    action(w, "draft the rota paper", "priya", due="2026-03-06", minutes_id=minutes_id)
    action(w, "send Priya the template", "tom", minutes_id=minutes_id)
    action(w, "read the leadership compact", "both", due="2026-03-20", minutes_id=minutes_id)


@case("mins-010", given=three_actions)
def _mins_010(w: World) -> None:
    said = w.replies()
    expect(has(said, "template"), "Tom's 'send Priya the template' not listed")
    expect(
        has(said, "leadership compact", "fri 20 mar"),
        "the shared 'read the leadership compact' due Fri 20 Mar not listed",
    )
    nothing_changed(w)


def done_today(w: World, text: str) -> None:
    rows = [r for r in w.rows("action_item") if r["text"] == text]
    expect(
        rows and rows[0]["done_at"] is not None and local_day(rows[0]["done_at"]) == w.today(),
        f"{text!r} is not marked done today",
    )


def open_still(w: World, text: str) -> None:
    expect(still_open(w, _id(w, text)), f"{text!r} was ticked off too")


def template_and_rota(w: World) -> None:
    action(w, "fill in the contract template", "priya", due="2026-03-16")
    action(w, "draft the rota paper", "priya", due="2026-03-06")


@case("mins-011", given=template_and_rota)
def _mins_011(w: World) -> None:
    done_today(w, "fill in the contract template")
    open_still(w, "draft the rota paper")


def budget_and_bp(w: World) -> None:
    action(w, "reconcile the Q4 budget", "priya")
    action(w, "book a meeting with the finance BP", "priya")


@case("mins-012", given=budget_and_bp)
def _mins_012(w: World) -> None:
    done_today(w, "reconcile the Q4 budget")
    open_still(w, "book a meeting with the finance BP")


def draft_to_send(w: World) -> None:
    action(w, "send Tom the draft rota paper", "priya", due="2026-03-06")


@case("mins-013", given=draft_to_send)
def _mins_013(w: World) -> None:
    done_today(w, "send Tom the draft rota paper")
    only_changed(w, {"action_item"}, may_tell=("tom",))


def just_ticked(w: World) -> None:
    """At 09:00 the bot ticked off 'send Tom the draft rota paper'; the case is at 09:05."""
    action(w, "send Tom the draft rota paper", "priya", due="2026-03-06")
    w.at("2026-03-02T09:00")
    w.say("priya", "my actions")
    w.say("priya", "done 1")
    expect(done_now(w, _id(w, "send Tom the draft rota paper")), "set-up: not ticked off")
    w.at("2026-03-02T09:05")


@case("mins-014", given=just_ticked)
def _mins_014(w: World) -> None:
    rows = [r for r in w.rows("action_item") if r["text"] == "send Tom the draft rota paper"]
    expect(rows[0]["done_at"] is None, "the action is not open again")
    expect(rows[0]["due"] == day("2026-03-06"), f"due {rows[0]['due']}, wanted 2026-03-06")
    nothing_changed(w, allowed={"action_item"})


def two_papers(w: World) -> None:
    action(w, "draft the rota paper", "priya")
    action(w, "read the board paper Tom sent", "priya")


@case("mins-015", given=two_papers)
def _mins_015(w: World) -> None:
    first = w.turns[0].rendered.lower()
    expect(
        "?" in first and has(first, "rota paper", "board paper"), "did not ask which, listing both"
    )
    done_today(w, "draft the rota paper")
    open_still(w, "read the board paper Tom sent")


def listed_two(w: World) -> None:
    minutes_id = fri_minuted(w)
    action(w, "draft the rota paper", "priya", due="2026-03-06", minutes_id=minutes_id)
    action(w, "read the leadership compact", "both", due="2026-03-20", minutes_id=minutes_id)
    listing = w.say("priya", "my actions").rendered.lower()
    expect(
        listing.find("rota paper") < listing.find("leadership compact") and "rota" in listing,
        "set-up: the actions were not listed rota paper first",
    )


@case("mins-016", given=listed_two)
def _mins_016(w: World) -> None:
    done_today(w, "read the leadership compact")
    open_still(w, "draft the rota paper")


@case("mins-017", given=fri_held)
def _mins_017(w: World) -> None:
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} new actions, wanted 1")
    expect_action(w, actions, ("ops manager",), "priya", "2026-03-04")
    on_minutes(w, actions)
    no_new_meeting(w)


def rota_due_and_meeting(w: World) -> None:
    fri_held(w)
    action(w, "draft the rota paper", "priya", due="2026-03-06")
    meeting(w, "2026-03-20T10:00")


@case("mins-018", given=rota_due_and_meeting)
def _mins_018(w: World) -> None:
    rows = [r for r in w.rows("action_item") if r["text"] == "draft the rota paper"]
    expect(rows[0]["due"] == day("2026-03-13"), f"due {rows[0]['due']}, wanted 2026-03-13")
    expect("meeting" not in w.diff().tables(), "a meeting was changed")


def patient_question(w: World, *what: str) -> None:
    """Some turn (before saving) points out the patient data and asks what to do with it."""
    expect(
        any(t.questions and has(t.rendered, *what) and has(t.rendered, "remov") for t in w.turns),
        f"did not point out the {what[0]} and ask to remove, rewrite or keep it",
    )


@case("mins-019", given=fri_held)
def _mins_019(w: World) -> None:
    patient_question(w, "hospital number|patient")
    row = one_minutes(w)
    expect("rx4471203" not in minutes_text(row).lower(), "RX4471203 was saved")
    expect(from_typed(w, minutes_text(row), share=0.0), "discussion not recorded")
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} actions, wanted 1")
    expect_action(w, actions, ("debrief",), "priya", "2026-03-06")
    for row in w.diff().new("outbox"):
        if row["kind"] != "reply":
            expect("rx4471203" not in str(row["parts"]).lower(), "RX4471203 was sent")


@case("mins-020", given=fri_held)
def _mins_020(w: World) -> None:
    patient_question(w, "nhs number")
    row = one_minutes(w)
    text = minutes_text(row).lower()
    for number in re.findall(r"\d[\d ]{8,}\d", typed(w)):
        expect(number.replace(" ", "") not in text.replace(" ", ""), "the NHS number was saved")
    rewritten = len(w.spoken.then) - 1 if w.spoken else 0
    expect(from_typed(w, text, rewritten), f"the rewritten text was not saved: {text!r}")
    first_only = content(w.spoken.say if w.spoken else "") - content(typed(w, rewritten))
    expect(not content(text) & first_only, "the first text was kept")
    expect(not new_actions(w), "actions were created")


@case("mins-021", given=fri_held)
def _mins_021(w: World) -> None:
    expect(not has(w.replies(), "nhs number|hospital number|patient"), "asked about patient data")
    row = one_minutes(w)
    expect(from_typed(w, minutes_text(row), share=0.0), "discussion not recorded")
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} actions, wanted 1")
    expect_action(w, actions, ("finance",), "priya", "2026-03-13")


@case("mins-022", given=fri_held)
def _mins_022(w: World) -> None:
    patient_question(w, "date of birth|birth")
    expect(not w.diff().new("minutes"), "saved before the answer")
    for row in new_actions(w):
        expect(row["due"] is None or row["due"].year == 2026, "03/11/1958 read as a due date")
    no_new_meeting(w)


@case("mins-023", given=fri_held)
def _mins_023(w: World) -> None:
    row = one_minutes(w)
    expect(
        has(minutes_text(row), "role", "imposter", "head of service|first y"),
        "discussion not recorded",
    )
    expect(not new_actions(w), "actions were stored")
    no_new_meeting(w)


@case("mins-024", given=fri_minuted)
def _mins_024(w: World) -> None:
    expect(not new_minutes_rows(w), "a second set of minutes was made")
    actions = new_actions(w)
    expect_action(w, actions, ("jd",), "both", "2026-03-16")
    expect_action(w, actions, ("objectives",), "priya", "2026-03-03")
    on_minutes(w, actions)


def new_minutes_rows(w: World) -> list[Row]:
    return w.diff().new("minutes")


@case("mins-025", given=fri_held)
def _mins_025(w: World) -> None:
    first = w.turns[0]
    expect(
        bool(first.questions) and has(first.rendered, "tom", "both"),
        "did not ask who owns it, offering Priya, Tom and both",
    )
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} actions, wanted 1")
    expect_action(w, actions, ("hr",), "priya", "2026-03-13")


@case("mins-026", given=fri_held)
def _mins_026(w: World) -> None:
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} actions, wanted 1")
    expect_action(w, actions, ("leadership plan",), "priya", "2026-03-31")


@case("mins-027", given=fri_held)
def _mins_027(w: World) -> None:
    actions = new_actions(w)
    expect(len(actions) == 1, f"{len(actions)} actions, wanted 1")
    expect_action(w, actions, ("deputy",), "tom", "2026-03-03")
    no_new_meeting(w)


def two_unminuted(w: World) -> None:
    held(w, "2026-02-16T10:00")
    held(w, FRI_27_FEB)


@case("mins-028", given=two_unminuted)
def _mins_028(w: World) -> None:
    expect(asked(w, "16 feb", "27 feb"), "did not ask which meeting, listing both")
    nothing_changed(w)


@case("mins-029")
def _mins_029(w: World) -> None:
    held_rows = [m for m in new_meetings(w) if m["status"] == "held"]
    expect(len(held_rows) == 1, f"{len(held_rows)} held meetings recorded, wanted 1")
    expect_meeting(held_rows[0], "Mon 2 Mar 08:00", minutes=60, mode="video")
    row = one_minutes(w, "2026-03-02")
    expect(row["meeting_id"] == held_rows[0]["id"], "the minutes are not on the held meeting")
    expect(
        has(minutes_text(row), "objectives", "board paper", "budget", "networking"),
        "discussion not recorded",
    )
    expect(
        not [m for m in new_meetings(w) if m["status"] in {"proposed", "confirmed"}],
        "a future meeting was made",
    )


def nadia_owen_call(w: World) -> None:
    held(w, "2026-03-02T10:00", between=("nadia", "owen"), mode="phone")


@case("mins-030", given=nadia_owen_call, speaker="nadia")
def _mins_030(w: World) -> None:
    row = one_minutes(w, "2026-03-02")
    expect(has(minutes_text(row), "budget", "business partner"), "discussion not recorded")
    actions = new_actions(w)
    expect(len(actions) == 2, f"{len(actions)} actions, wanted 2")
    expect_action(w, actions, ("budget template",), "owen", "2026-03-06")
    expect_action(w, actions, ("finance bp|business partner",), "nadia", "2026-03-13")
    proposal_to(w, "owen", "Wed 1 Apr 09:00", minutes=60, mode="phone")


def minuted_with_two(w: World) -> None:
    minutes_id = fri_minuted(w)
    action(w, "draft the rota paper", "priya", due="2026-03-06", minutes_id=minutes_id)
    action(w, "send Priya his template", "tom", minutes_id=minutes_id)


def shows_fri_minutes(w: World) -> None:
    said = w.replies()
    expect(has(said, "27 feb"), "the Fri 27 Feb minutes were not shown")
    expect(has(said, "leadership plan", "rota gaps"), "what was discussed was not shown")
    expect(has(said, "rota paper", "template"), "the actions were not shown")
    expect(has(said, "fri 6 mar"), "the due date was not shown")
    nothing_changed(w)


case("mins-031", given=minuted_with_two)(shows_fri_minutes)
case("mins-032", given=minuted_with_two)(shows_fri_minutes)


@case("mins-033", given=minuted_with_two, speaker="owen")
def _mins_033(w: World) -> None:
    said = w.replies()
    expect(
        "didn't understand" not in said and has(said, "can't|cannot|only|not able|isn't|not your"),
        "not refused (the request was not understood)",
    )
    for secret in ("leadership plan", "rota", "template", "27 feb"):
        expect(secret not in said, f"Priya's minutes were hinted at ({secret!r})")
    nothing_changed(w)


def just_stored_template(w: World) -> None:
    """At 09:00 the bot stored the action 'send the template' with owner Priya (case at 09:02)."""
    minutes_id = fri_minuted(w)
    w.at("2026-03-02T09:00")
    action(w, "send the template", "priya", minutes_id=minutes_id)
    w.at("2026-03-02T09:02")


@case("mins-034", given=just_stored_template)
def _mins_034(w: World) -> None:
    rows = [r for r in w.rows("action_item") if r["text"] == "send the template"]
    expect(rows and rows[0]["owner_id"] == w.ids["tom"], "the owner is not Tom")
    expect(rows[0]["due"] is None, "the due date changed")
    only_changed(w, {"action_item"}, may_tell=("tom",))


def toms_template(w: World) -> None:
    minutes_id = fri_minuted(w)
    action(w, "send Priya the template", "tom", minutes_id=minutes_id)


@case("mins-035", given=toms_template)
def _mins_035(w: World) -> None:
    done_today(w, "send Priya the template")
    only_changed(w, {"action_item"}, may_tell=("priya",))
