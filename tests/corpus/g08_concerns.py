"""Corpus section 8: concerns, exits and safety.

Steering group of the demo cohort: Grace Fraser (chair), Dev Anand, Leah Dunn; moderator Alex
Carter. A concern is read by its author, the project lead and the steering group only; the lead
channel's alert carries no concern text."""

from __future__ import annotations

from storage import concern_queries
from storage.db import transaction
from tests.corpus.setup import (
    answer_open,
    concern,
    from_typed,
    has,
    lead_alerts,
    not_told,
    notices,
    parts_text,
    theirs,
)
from tests.corpus.world import Row, World, case, expect, nothing_changed

READERS = ("morgan", "grace", "dev", "leah")


def new_concerns(w: World) -> list[Row]:
    return w.diff().new("concern")


def one_concern(w: World, raised_by: str = "priya", category: str | None = None) -> Row:
    made = new_concerns(w)
    expect(len(made) == 1, f"{len(made)} concerns stored, wanted 1")
    row = made[0]
    expect(row["raised_by_id"] == w.ids[raised_by], "the concern is not the speaker's")
    if category is not None:
        expect(
            any(row["category"] == c for c in category.split("|")),
            f"category {row['category']!r}, wanted {category}",
        )
    return row


def visible_only_to(w: World, row: Row, author: str, *never: str) -> None:
    """Read by its author, the lead and the steering group; never by ``never``."""
    with transaction(w.db) as session:
        for name in (author, *READERS):
            seen = concern_queries.concern_visible_to(session, w.ids[name], row["id"])
            expect(seen is not None, f"{name} cannot read the concern")
        for name in never:
            seen = concern_queries.concern_visible_to(session, w.ids[name], row["id"])
            expect(seen is None, f"{name} can read the concern")


def lead_alerted(w: World, *secrets: str, urgent: bool | None = None) -> None:
    """The lead channel is alerted, without the concern's words."""
    alerts = lead_alerts(w)
    expect(bool(alerts), "the lead channel was not alerted")
    for alert in alerts:
        text = parts_text(alert)
        for secret in secrets:
            expect(secret.lower() not in text, f"the lead channel alert carries {secret!r}")
    if urgent:
        expect(any(a["priority"] == 0 for a in alerts), "the alert is not urgent priority")


def nobody_else_told(w: World, *names: str) -> None:
    for name in names:
        expect(not notices(w, name), f"{name} was told")


def not_generic(w: World) -> str:
    said = w.replies()
    expect("didn't understand" not in said, "the generic fallback")
    return said


@case("concern-001")
def _concern_001(w: World) -> None:
    first = w.turns[0]
    expect(
        "?" in first.rendered and has(first.rendered, "tom") and has(first.rendered, "lead|flag"),
        "did not suggest trying Tom first and offer to flag it",
    )
    row = one_concern(w, category="not_responding")
    expect(not row["urgent"], "stored as urgent")
    visible_only_to(w, row, "priya", "tom")
    lead_alerted(w, *theirs(w))
    not_told(w, "tom", *theirs(w))


@case("concern-002")
def _concern_002(w: World) -> None:
    expect("?" in w.turns[0].rendered, "did not ask what it is about")
    row = one_concern(w)
    expect(not row["urgent"], "stored as urgent")
    # Her answer is the request: stored as she typed it ("can someone call me").
    expect(from_typed(w, row["text"], 0), f"the call-back request was not stored: {row['text']!r}")
    lead_alerted(w, *theirs(w))
    for alert in lead_alerts(w):
        preview = (alert["preview"] or "").lower()
        expect(not any(x in preview for x in theirs(w)), "the preview has her words")
    nobody_else_told(w, "tom")


@case("concern-003")
def _concern_003(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "no-fault|no fault", "moderator"), "did not explain the no-fault exit")
    expect(has(said, "new mentor") and "?" in said, "did not ask whether she'd like a new mentor")
    one_concern(w, category="relationship_breakdown")
    lead_alerted(w, *theirs(w))
    pairing = [
        p for p in w.rows("pairing", mentee_id=w.ids["priya"]) if p["mentor_id"] == w.ids["tom"]
    ]
    expect(pairing[0]["status"] == "active", "the pairing was closed")
    not_told(w, "tom", *theirs(w))


@case("concern-004")
def _concern_004(w: World) -> None:
    said = not_generic(w)
    expect(
        has(said, "lead") and has(said, "lead@example.org|lead channel|project lead"),
        "did not give the route to the project lead",
    )
    row = one_concern(w)
    expect(row["urgent"], "not urgent")
    lead_alerted(w, urgent=True)
    nobody_else_told(w, "tom")


@case("concern-005")
def _concern_005(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "project|lead"), "did not show the project-team route")
    expect(
        has(said, "identif|patient details|name|hospital number"),
        "did not remind her to leave out patient identifiers",
    )
    row = one_concern(w)
    expect(row["urgent"], "not urgent")
    lead_alerted(w, urgent=True)
    nobody_else_told(w, "tom")


@case("concern-006")
def _concern_006(w: World) -> None:
    expect(
        any(
            has(t.rendered, "hospital number|patient") and has(t.rendered, "remov") and t.questions
            for t in w.turns
        ),
        "did not point out the hospital number and ask to remove, rewrite or keep it",
    )
    made = new_concerns(w)
    expect(any(r["urgent"] for r in made), "no urgent concern stored")
    for row in made:
        expect("rx2210987" not in (row["text"] or "").lower(), "RX2210987 saved before the answer")
    lead_alerted(w, "rx2210987", urgent=True)


@case("concern-007", speaker="tom")
def _concern_007(w: World) -> None:
    if not new_concerns(w):
        answer_open(w, "tom", "please flag it to the lead")
    row = one_concern(w, "tom")
    expect(row["pairing_id"] is not None, "not about the pairing")
    lead_alerted(w, *theirs(w))
    not_told(w, "priya", *theirs(w, 3))


@case("concern-008", speaker="nadia")
def _concern_008(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "lead", "steering"), "did not explain who can read it")
    row = one_concern(w, "nadia")
    expect(row["pairing_id"] is not None, "not about the pairing with Owen")
    visible_only_to(w, row, "nadia", "owen", "priya", "tom")
    lead_alerted(w, *theirs(w))
    nobody_else_told(w, "owen")


@case("concern-009")
def _concern_009(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "chair", "moderator"), "did not explain how the steering group moderates")
    expect(
        has(said, "no-fault|no fault", "new mentor"),
        "did not say an exit and new mentor are possible",
    )
    one_concern(w, category="relationship_breakdown")
    lead_alerted(w, *theirs(w))
    not_told(w, "tom", *theirs(w))


def offered_lead(w: World, *routes: str) -> None:
    """Care, the wellbeing routes, and an offer to tell the lead: nothing stored or sent unless
    she agrees (the runner's "yes" to the offer is her agreeing)."""
    said = not_generic(w)
    for route in routes:
        expect(has(said, route), f"did not signpost {route!r}")
    first = w.turns[0]
    expect(
        "?" in first.rendered and has(first.rendered, "lead|project team"),
        "did not offer to let the project lead know",
    )
    if len(w.turns) == 1:
        nothing_changed(w)
    nobody_else_told(w, "tom")


@case("concern-010")
def _concern_010(w: World) -> None:
    offered_lead(w, "employee assistance|eap|gp")


@case("concern-011")
def _concern_011(w: World) -> None:
    offered_lead(w, "999", "111", "samaritans", "116 123", "employee assistance|eap|gp")
    expect(not w.diff().new("meeting"), "a booking was started")


@case("concern-012")
def _concern_012(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "project team|project lead|lead"), "did not say it goes to the project team")
    expect(has(said, "freedom to speak up"), "did not signpost the Freedom to Speak Up Guardian")
    expect(
        has(said, "organisation|trust|employer"), "did not signpost her organisation's processes"
    )
    expect(has(said, "name"), "did not ask her not to name the colleague")
    row = one_concern(w)
    expect(row["urgent"], "not urgent")
    lead_alerted(w, *theirs(w), urgent=True)
    nobody_else_told(w, "tom")


@case("concern-013")
def _concern_013(w: World) -> None:
    offered_lead(w, "freedom to speak up", "intranet")


@case("concern-014")
def _concern_014(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "lead", "steering"), "did not say who reads it")
    expect(
        has(said, "never|won't|will not|not be told|isn't told"), "did not say Tom is never told"
    )
    expect("?" in w.turns[0].rendered, "did not offer to start one")
    nothing_changed(w)


def owen_no_contact(w: World) -> None:
    """No meeting and no contact with Nadia recorded since the launch: the demo as loaded."""
    expect(not w.rows("meeting"), "set-up: the demo already has a meeting")


@case("concern-015", given=owen_no_contact, speaker="owen")
def _concern_015(w: World) -> None:
    row = one_concern(w, "owen", category="not_responding")
    expect(row["pairing_id"] is not None, "not about the pairing with Nadia")
    lead_alerted(w, *theirs(w))
    not_told(w, "nadia", *theirs(w))


def writing_details(w: World) -> None:
    """A non-urgent concern being written: the bot has asked for the details."""
    from conversations.dialogs.concerns import CATEGORY

    w.say("priya", "raise a concern")
    turn = w.press("priya", CATEGORY, "relationship_difficulty")
    expect(
        "?" in turn.rendered and not turn.questions, "set-up: the bot did not ask for the details"
    )


@case("concern-016", given=writing_details)
def _concern_016(w: World) -> None:
    expect(not new_concerns(w), "a concern was stored")
    expect(not lead_alerts(w), "the lead was alerted")
    open_dialogs = [r for r in w.rows("dialog_state", person_id=w.ids["priya"]) if r["dialog"]]
    expect(
        not any(r["dialog"] == "concern" for r in open_dialogs), "the concern dialog is still open"
    )
    nothing_changed(w)


def raised_friday(w: World) -> None:
    concern(
        w,
        "priya",
        "relationship_difficulty",
        "Tom keeps cancelling at short notice.",
        at="2026-02-27T16:00",
        between=("priya", "tom"),
    )


@case("concern-017", given=raised_friday)
def _concern_017(w: World) -> None:
    said = not_generic(w)
    expect(has(said, "lead", "steering"), "did not say who can see it")
    expect(has(said, "no|never|can't|cannot|won't"), "did not say Tom can't see it")
    expect("cancelling" not in "".join(parts_text(r) for r in notices(w, "tom")), "Tom was told")
    nothing_changed(w)


@case("concern-018")
def _concern_018(w: World) -> None:
    row = one_concern(w)
    expect(has(row["text"], "leah"), "Leah as her preference was not stored")
    lead_alerted(w)
    expect(
        "pairing" not in w.diff().tables(),
        "a pairing was changed before the steering group decided",
    )
    not_told(w, "tom", "leah", *theirs(w))


@case("concern-019")
def _concern_019(w: World) -> None:
    first = w.turns[0]
    expect(
        "?" in first.rendered and has(first.rendered, "lead|project team"),
        "did not offer to tell the project lead",
    )
    lead_alerted(w)
    people = [r for r in notices(w, "tom")]
    for name in ("tom", "nadia", "owen", "grace", "dev", "leah", "alex"):
        people += notices(w, name)
    expect(not people, "Tom's health news went beyond the lead")


@case("concern-020")
def _concern_020(w: World) -> None:
    said = not_generic(w)
    expect("?" in said and has(said, "what"), "did not ask what has happened")
    expect(has(said, "lead"), "did not give the route to the project lead")
    expect(
        has(said, "patient safety|safeguarding|fitness to practise"),
        "did not name the urgent lanes",
    )
    expect(has(said, "wellbeing|999|111|samaritans"), "did not show the wellbeing support")
