"""Corpus section 2: yes / no / choices at the bot's questions."""

from __future__ import annotations

from tests.corpus.setup import content, from_typed, typed
from tests.corpus.world import (
    World,
    asked,
    case,
    confirmed,
    counter,
    expect,
    expect_meeting,
    invites,
    is_confirmation,
    meeting,
    meeting_row,
    new_meetings,
    nothing_changed,
    notified,
    propose,
    reasked,
    shown,
    told,
)

# What the minutes of the set-ups discuss (typed before the case).
ROTA_PLAN = "we discussed the rota plan"

NOT_UNDERSTOOD = "didn't understand"


def reached(w: World, reason: str, *words: str) -> None:
    """Set-up check: the bot's last answer asks a question naming each of ``words``."""
    expect(asked(w, *words), f"set-up: {reason}")


def send_to_tom_asked(w: World) -> None:
    """Priya's booking has reached "Send this to Tom? Thu 5 Mar 10:00, 60 min, video"."""
    w.say("priya", "book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video")
    reached(w, "the booking did not reach its confirmation", "send", "thu 5 mar")


def proposal_sent(w: World, start: str, **want: object) -> dict[str, object]:
    made = new_meetings(w, status="proposed")
    expect(len(made) == 1, f"{len(made)} new proposals, wanted 1")
    expect_meeting(made[0], start, **want)  # type: ignore[arg-type]
    expect(notified(w, "tom"), "Tom was not notified")
    return made[0]


@case("yn-001", given=send_to_tom_asked)
def _yn_001(w: World) -> None:
    proposal_sent(w, "Thu 5 Mar 10:00", minutes=60, mode="video")


@case("yn-002", given=send_to_tom_asked)
def _yn_002(w: World) -> None:
    proposal_sent(w, "Thu 5 Mar 10:00", minutes=60, mode="video")


ROTA = "send Tom the draft rota paper"


def _action(w: World, text: str, owner: str = "priya") -> int:
    from storage.db import transaction
    from storage.models import ActionItem
    from tests.corpus.world import pairing

    with transaction(w.db) as session:
        row = ActionItem(
            pairing_id=pairing(w, "priya", "tom"),
            owner_id=w.ids[owner],
            owner_name="Priya Shah",
            text=text,
            created_at=w.now,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        return row.id


def mark_done_asked(w: World) -> None:
    """Priya's open action "send Tom the draft rota paper"; the bot asks whether to mark it done
    (today's bot ticks an action off without asking, so this question may not be reachable)."""
    _action(w, ROTA)
    w.say("priya", "done rota paper")
    reached(w, "the bot did not ask whether to mark the action done", "done", "rota paper")


@case("yn-003", given=mark_done_asked)
def _yn_003(w: World) -> None:
    rows = w.diff().updated("action_item", text=ROTA)
    expect(rows and rows[0][1]["done_at"] is not None, "the action was not marked done")
    expect(str(rows[0][1]["done_at"])[:10] == "2026-03-02", "not marked done today")


def cancel_asked(w: World) -> None:
    """Meeting with Tom confirmed Fri 6 Mar 14:00; the bot asks whether to cancel it."""
    w.ids["_meeting"] = confirmed(w, "2026-03-06T14:00")
    w.say("priya", "cancel the meeting")
    reached(w, "the bot did not ask whether to cancel", "cancel", "fri 6 mar")


@case("yn-004", given=cancel_asked)
def _yn_004(w: World) -> None:
    row = meeting_row(w, w.ids["_meeting"])
    expect(row["status"] == "cancelled", f"the meeting is {row['status']}, not cancelled")
    expect(notified(w, "tom"), "Tom was not told")
    expect("meeting.invite_cancel" in invites(w, w.ids["_meeting"]), "invites not cancelled")
    expect(
        not from_typed(w, row["decline_reason"], share=0.0),
        f"her answer was taken as the reason: {row['decline_reason']!r}",
    )


def prompts_asked(w: World) -> None:
    """Priya starts a diary entry; the bot asks whether she would like the reflection prompts."""
    w.say("priya", "write a diary entry")
    reached(w, "the bot did not ask whether she wants the What? / So what? prompts", "so what")


@case("yn-005", given=prompts_asked)
def _yn_005(w: World) -> None:
    expect(asked(w, "what happened"), "did not ask the first prompt (What happened?)")
    nothing_changed(w)


def tell_lead_asked(w: World, complaint: str, details: str) -> None:
    w.say("priya", complaint)
    if not asked(w, "lead"):
        w.say("priya", details)
    reached(w, "the bot did not ask whether to tell the project lead", "lead")


def no_reply_lead_asked(w: World) -> None:
    tell_lead_asked(
        w,
        "tom hasn't replied to me for weeks",
        "I last heard from him in January and have emailed him twice since",
    )


def lead_alerts(w: World) -> list[dict[str, object]]:
    return [r for r in w.diff().new("outbox") if r.get("channel")]


@case("yn-006", given=no_reply_lead_asked)
def _yn_006(w: World) -> None:
    made = w.diff().new("concern")
    expect(len(made) == 1, f"{len(made)} concerns stored, wanted 1")
    expect(made[0]["category"] == "not_responding", f"category {made[0]['category']!r}")
    expect(not made[0]["urgent"], "marked urgent")
    expect(lead_alerts(w), "the lead channel was not alerted")
    expect(
        "january" not in told(w, "tom") and "emailed" not in told(w, "tom"),
        "Tom was told what it says",
    )


def proposal_waits(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00")


def accepted(w: World, meeting_id: int, start: str, proposer: str, **want: object) -> None:
    """Meeting ``meeting_id`` is confirmed at ``start``; its proposer is told; invites go out."""
    row = meeting_row(w, meeting_id)
    expect(row["status"] == "confirmed", f"the meeting is {row['status']}, not confirmed")
    expect_meeting(row, start, minutes=None, **want)  # type: ignore[arg-type]
    expect(notified(w, proposer), f"{proposer} was not told")
    expect("meeting.invite" in invites(w, meeting_id), "no calendar invite went out")


@case("yn-007", given=proposal_waits)
def _yn_007(w: World) -> None:
    accepted(w, w.ids["_meeting"], "Thu 5 Mar 10:00", "priya")


def minutes_saved(w: World) -> None:
    """Minutes of the Fri 27 Feb meeting saved through the dialog (no next meeting agreed)."""
    meeting(w, "2026-02-27T14:00")
    w.say("priya", "log minutes")
    w.say("priya", ROTA_PLAN)
    w.say("priya", "none")
    w.say("priya", "not yet")
    reached(w, "the minutes did not reach their confirmation", "save")
    choice = w.last().questions[-1].choices[0]
    w.press("priya", choice.action, choice.value)
    expect(w.rows("minutes"), "set-up: the minutes were not saved")


def book_next_asked(w: World) -> None:
    minutes_saved(w)
    reached(w, "after the minutes, the bot did not offer to book the next meeting", "book")


@case("yn-008", given=book_next_asked)
def _yn_008(w: World) -> None:
    expect(asked(w) and ("when" in w.last().rendered.lower()), "booking did not ask when")
    nothing_changed(w)


def send_fri_13_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom on fri 13 mar at 11:00 for 1 hour in person")
    reached(w, "the booking did not reach its confirmation", "send", "fri 13 mar")


@case("yn-009", given=send_fri_13_asked)
def _yn_009(w: World) -> None:
    proposal_sent(w, "Fri 13 Mar 11:00", minutes=60, mode="in_person")


def save_minutes_asked(w: World) -> None:
    meeting(w, "2026-02-27T14:00")
    w.say("priya", "log minutes")
    w.say("priya", ROTA_PLAN)
    w.say(
        "priya",
        "Priya: send Tom the draft rota paper by fri 6 mar; Tom: chase HR about cover by fri 13 mar",
    )
    w.say("priya", "not yet")
    reached(w, "the minutes did not reach their confirmation", "save", "27 feb")


@case("yn-010", given=save_minutes_asked)
def _yn_010(w: World) -> None:
    minutes = w.diff().new("minutes")
    expect(len(minutes) == 1, "the minutes were not saved")
    expect(str(minutes[0]["held_on"]) == "2026-02-27", "not saved on the Fri 27 Feb meeting")
    actions = w.diff().new("action_item", minutes_id=minutes[0]["id"])
    expect(len(actions) == 2, f"{len(actions)} actions saved, wanted 2")


def countered_by_tom(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-05T10:00")
    counter(w, w.ids["_meeting"], "2026-03-06T14:00")


@case("yn-011", given=countered_by_tom)
def _yn_011(w: World) -> None:
    confirmed_now = [r for r in w.rows("meeting") if r["status"] == "confirmed"]
    expect(len(confirmed_now) == 1, f"{len(confirmed_now)} confirmed meetings, wanted 1")
    row = confirmed_now[0]
    expect_meeting(row, "Fri 6 Mar 14:00", minutes=None)
    thu = [
        r
        for r in w.rows("meeting")
        if r["status"] in {"proposed", "confirmed"} and "Thu 5 Mar" in shown(r["starts_at"])
    ]
    expect(not thu, "a meeting on Thu 5 Mar is still open")
    expect(notified(w, "tom"), "Tom was not told")
    expect("meeting.invite" in invites(w, row["id"]), "no calendar invite went out")


def countered_by_owen(w: World) -> None:
    w.ids["_meeting"] = propose(w, "2026-03-09T15:00", who="nadia")
    counter(w, w.ids["_meeting"], "2026-03-10T09:30", by="owen")


@case("yn-012", given=countered_by_owen, speaker="nadia")
def _yn_012(w: World) -> None:
    confirmed_now = [r for r in w.rows("meeting") if r["status"] == "confirmed"]
    expect(len(confirmed_now) == 1, f"{len(confirmed_now)} confirmed meetings, wanted 1")
    row = confirmed_now[0]
    expect_meeting(row, "Tue 10 Mar 09:30", minutes=None)
    expect(notified(w, "owen"), "Owen was not told")
    expect("meeting.invite" in invites(w, row["id"]), "no calendar invite went out")


@case("yn-013", given=prompts_asked, confirm=False)
def _yn_013(w: World) -> None:
    last = w.last().rendered.lower()
    expect(
        NOT_UNDERSTOOD not in w.replies()
        and not reasked(w)
        and any(word in last for word in ("?", "write", "type", "tell me", "entry")),
        "did not ask for the entry",
    )
    expect("so what" not in w.last().rendered.lower(), "went on to the prompts")
    nothing_changed(w)


def anything_else_asked(w: World) -> None:
    meeting(w, "2026-02-27T14:00")
    w.say("priya", "log minutes")
    w.say("priya", ROTA_PLAN)
    reached(w, "the minutes dialog did not ask 'Anything else to add?'", "anything else")


@case("yn-014", given=anything_else_asked)
def _yn_014(w: World) -> None:
    minutes = w.diff().new("minutes")
    expect(len(minutes) == 1, "the minutes were not saved")
    expect("rota plan" in str(minutes[0]["discussion"]).lower(), "the discussion was lost")
    added = content(minutes[0]["discussion"]) & (content(typed(w)) - content(ROTA_PLAN))
    expect(not added, f"her answer was added: {sorted(added)}")
    expect(not w.diff().new("action_item"), "something was added")


def minutes_reminder(w: World) -> None:
    """The minutes reminder for the Fri 27 Feb meeting has reached Priya."""
    from conversations.nudges import sweep

    meeting(w, "2026-02-27T14:00")
    sweep(w.db, w.clock)
    sent = [
        str(part.get("text", "")).lower()
        for row in w.rows("outbox", recipient_id=w.ids["priya"])
        for part in row["parts"] or []
    ]
    expect(any("minutes" in text for text in sent), "set-up: no minutes reminder reached Priya")


def closes_politely(w: World) -> None:
    said = w.replies()
    expect(NOT_UNDERSTOOD not in said and not reasked(w), "not understood")
    nothing_changed(w)


@case("yn-015", given=minutes_reminder, confirm=False)
def _yn_015(w: World) -> None:
    closes_politely(w)
    expect(not w.rows("minutes"), "minutes were stored")


@case("yn-016", given=book_next_asked, confirm=False)
def _yn_016(w: World) -> None:
    closes_politely(w)
    expect(not asked(w, "when"), "started a booking")


def agenda_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom on thu 5 mar at 10:00 for 1 hour by video")
    reached(w, "the booking did not reach its confirmation", "send")
    choices = [c for c in w.last().questions[-1].choices if "agenda" in c.label.lower()]
    expect(choices, "set-up: no agenda choice")
    w.press("priya", choices[0].action, choices[0].value)
    reached(w, "the bot did not ask for the agenda", "agenda")


@case("yn-017", given=agenda_asked)
def _yn_017(w: World) -> None:
    first = w.turns[0]
    expect(
        first.questions and is_confirmation(first.questions[-1]),
        "did not move on to the confirmation",
    )
    for row in new_meetings(w):
        expect(not row["agenda"], f"agenda {row['agenda']!r}, wanted it empty")


def which_tuesday_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom next tuesday at 11:00 for 1 hour by video")
    reached(w, "the bot never asks 'Which Tuesday?'", "tue 3 mar", "tue 10 mar")


@case("yn-018", given=which_tuesday_asked)
def _yn_018(w: World) -> None:
    proposal_sent(w, "Tue 10 Mar 11:00", minutes=60, mode="video")


@case("yn-019", given=which_tuesday_asked)
def _yn_019(w: World) -> None:
    proposal_sent(w, "Tue 3 Mar 11:00", minutes=60, mode="video")


def mode_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom on thu 5 mar at 10:00 for 1 hour")
    reached(w, "the bot did not ask how they will meet", "video", "phone", "person")


def mode_chosen(mode: str) -> None:
    def check(w: World) -> None:
        proposal_sent(w, "Thu 5 Mar 10:00", minutes=60, mode=mode)

    return check  # type: ignore[return-value]


case("yn-020", given=mode_asked)(mode_chosen("video"))  # type: ignore[arg-type]
case("yn-021", given=mode_asked)(mode_chosen("video"))  # type: ignore[arg-type]
case("yn-022", given=mode_asked)(mode_chosen("in_person"))  # type: ignore[arg-type]


def which_meeting_asked(w: World) -> None:
    w.ids["_thu"] = confirmed(w, "2026-03-05T10:00")
    w.ids["_fri"] = confirmed(w, "2026-03-13T11:00")
    w.say("priya", "cancel my meeting")
    reached(w, "the bot did not ask which meeting", "thu 5 mar", "fri 13 mar")


@case("yn-023", given=which_meeting_asked)
def _yn_023(w: World) -> None:
    fri = meeting_row(w, w.ids["_fri"])
    expect(fri["status"] == "cancelled", f"Fri 13 Mar is {fri['status']}, not cancelled")
    expect(notified(w, "tom"), "Tom was not told")
    thu = meeting_row(w, w.ids["_thu"])
    expect(thu["status"] == "confirmed", "Thu 5 Mar was touched")
    expect(not w.diff().updated("meeting", id=w.ids["_thu"]), "Thu 5 Mar was touched")


def guard_asked(w: World) -> None:
    meeting(w, "2026-02-27T14:00")
    w.say("priya", "log minutes")
    w.say("priya", "we discussed Mrs Jones in bed 4, NHS number 943 476 5919")
    w.say("priya", "none")
    w.say("priya", "not yet")
    reached(w, "the minutes did not reach their confirmation", "save")
    choice = w.last().questions[-1].choices[0]
    w.press("priya", choice.action, choice.value)
    reached(w, "the patient-data guard did not ask", "rewrite")


@case("yn-024", given=guard_asked, confirm=False)
def _yn_024(w: World) -> None:
    first = w.turns[0].rendered.lower()
    expect(
        not reasked(w)
        and "rewrit" in first
        and not ("remove" in first and "keep" in first and "save as it is" in first),
        "did not ask for the rewritten text",
    )
    nothing_changed(w)


HR = "chase HR about cover"


def owner_asked(w: World) -> None:
    meeting(w, "2026-02-27T14:00")
    w.say("priya", "log minutes")
    w.say("priya", ROTA_PLAN)
    w.say("priya", HR)
    reached(w, "the bot did not ask who owns the action", "chase hr about cover", "both")


def finish_minutes(w: World) -> None:
    """Answer the rest of the minutes dialog (no due date, no next meeting, save), so that
    who owns the action can be read from what is stored."""
    for _ in range(5):
        last = w.last()
        text = last.rendered.lower()
        if last.questions and is_confirmation(last.questions[-1]):
            w.say("priya", "yes")
        elif "next meeting" in text:
            w.say("priya", "not yet")
        elif "due" in text or "by when" in text or "when" in text:
            w.say("priya", "no date")
        else:
            return


def owned_by(who: set[str]) -> None:
    def check(w: World) -> None:
        finish_minutes(w)
        rows = [r for r in w.rows("action_item") if r["text"].lower() == HR.lower()]
        expect(len(rows) == 1, f"{len(rows)} actions '{HR}' stored, wanted 1")
        row = rows[0]
        if who == {"priya", "tom"}:
            expect(
                row["owner_id"] is None and "both" in row["owner_name"].lower(),
                f"owner {row['owner_name']!r}, wanted both",
            )
        else:
            (name,) = who
            expect(row["owner_id"] == w.ids[name], f"owner {row['owner_name']!r}, wanted {name}")

    return check  # type: ignore[return-value]


case("yn-025", given=owner_asked)(owned_by({"priya", "tom"}))  # type: ignore[arg-type]
case("yn-026", given=owner_asked)(owned_by({"tom"}))  # type: ignore[arg-type]


@case("yn-027", given=cancel_asked, confirm=False)
def _yn_027(w: World) -> None:
    row = meeting_row(w, w.ids["_meeting"])
    expect(row["status"] == "confirmed", f"the meeting is {row['status']}")
    expect_meeting(row, "Fri 6 Mar 14:00", minutes=None)
    expect(not reasked(w), "the 'no' was not taken")
    nothing_changed(w)


def slow_lead_asked(w: World) -> None:
    tell_lead_asked(
        w,
        "tom hasn't replied to my last few messages",
        "he is slow to reply to my messages",
    )


@case("yn-028", given=slow_lead_asked, confirm=False)
def _yn_028(w: World) -> None:
    expect(not w.diff().new("concern"), "a concern was stored")
    expect(not lead_alerts(w), "the lead was alerted")
    expect(not reasked(w), "the 'no' was not taken")
    nothing_changed(w)


@case("yn-029", given=send_to_tom_asked)
def _yn_029(w: World) -> None:
    made = w.diff().new("meeting")
    expect(len(made) == 1, f"{len(made)} meetings stored, wanted 1")
    expect_meeting(made[0], "Thu 5 Mar 10:00", minutes=90, mode="video")
    expect(made[0]["status"] == "proposed", f"status {made[0]['status']}")
    expect(notified(w, "tom"), "Tom was not notified")


@case("yn-030", given=send_to_tom_asked, confirm=False)
def _yn_030(w: World) -> None:
    expect(NOT_UNDERSTOOD not in w.replies(), "not understood")
    nothing_changed(w)


def time_asked(w: World) -> None:
    w.say("priya", "book a meeting with tom on thu 5 mar")
    reached(w, "the bot did not ask what time", "time", "thu 5 mar")


@case("yn-031", given=time_asked)
def _yn_031(w: World) -> None:
    nothing_changed(w)
    states = w.rows("dialog_state", person_id=w.ids["priya"])
    expect(all(not s["dialog"] for s in states), "the booking dialog was not cleared")
