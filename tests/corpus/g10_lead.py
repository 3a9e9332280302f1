"""Corpus section 10: lead and steering.

Unless a case says otherwise, concern c2 is a non-urgent 'no response' concern raised by Nadia
about Owen on Sat 28 Feb, not yet acknowledged (stored with id 2, so it is "C2")."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import select

from storage.db import transaction
from storage.models import Application, Cohort, Concern, Person, Review
from tests.corpus.setup import concern, has, lead_alerts, notices, on_a_line, parts_text
from tests.corpus.world import World, case, expect, instant, local, nothing_changed


def c2(w: World, *, acknowledged: bool = False) -> None:
    cid = concern(
        w,
        "nadia",
        "not_responding",
        "Owen hasn't answered my last four messages.",
        at="2026-02-28T10:00",
        between=("nadia", "owen"),
        acknowledged_by="morgan" if acknowledged else None,
    )
    with transaction(w.db) as session:
        row = session.get(Concern, cid)
        assert row is not None
        if row.id != 2:  # c2 by its number, whatever else is stored
            data = row.model_dump()
            session.delete(row)
            session.flush()
            data["id"] = 2
            session.add(Concern(**data))
    expect(w.rows("concern", id=2), "set-up: c2 was not stored")


def c2_open(w: World) -> None:
    c2(w)


def c2_acknowledged(w: World) -> None:
    c2(w, acknowledged=True)


def c1_resolved_c2_open(w: World) -> None:
    concern(
        w,
        "priya",
        "relationship_difficulty",
        "Tom keeps cancelling.",
        at="2026-02-23T10:00",
        between=("priya", "tom"),
        status="resolved",
        acknowledged_by="morgan",
    )
    c2(w)
    expect(w.rows("concern", id=1), "set-up: c1 was not stored as concern 1")


def ref(text: str, number: int) -> bool:
    return re.search(rf"\bc{number}\b", text) is not None


def lists_c2(said: str) -> None:
    expect(ref(said, 2), "c2 is not listed")
    expect(has(said, "no response|not responding|isn't responding"), "its kind is not shown")
    expect(has(said, "nadia|owen"), "the pairing is not shown")
    expect(has(said, "28 feb"), "Sat 28 Feb is not shown")


def concern_row(w: World, number: int = 2) -> dict[str, object]:
    return w.rows("concern", id=number)[0]


@case("lead-001", given=c2_open)
def _lead_001(w: World) -> None:
    said = w.replies()
    lists_c2(said)
    expect(
        has(said, "not acknowledged|unacknowledged|not yet acknowledged"),
        "not shown unacknowledged",
    )
    expect(has(said, "ack", "contact", "snooze"), "acknowledge / contact / snooze not offered")
    nothing_changed(w)


@case("lead-002", given=c1_resolved_c2_open)
def _lead_002(w: World) -> None:
    said = w.replies()
    lists_c2(said)
    expect(
        has(said, "not acknowledged|unacknowledged|not yet acknowledged"),
        "not shown unacknowledged",
    )
    expect(not ref(said, 1), "the resolved c1 is listed as open")
    nothing_changed(w)


@case("lead-003", given=c2_open)
def _lead_003(w: World) -> None:
    row = concern_row(w)
    expect(row["acknowledged_by_id"] == w.ids["morgan"], "c2 not acknowledged by Morgan")
    at = row["acknowledged_at"]
    expect(
        isinstance(at, datetime) and local(at) == local(instant("2026-03-02T09:05")),
        f"acknowledged at {at}, wanted Mon 2 Mar 09:05",
    )
    expect(not notices(w, "owen"), "Owen was told")


@case("lead-004", given=c2_acknowledged)
def _lead_004(w: World) -> None:
    row = concern_row(w)
    expect(row["status"] == "resolved", f"c2 is {row['status']!r}, not resolved")
    expect(row["resolved_by_id"] == w.ids["morgan"], "not resolved by Morgan")
    note = "spoke to her, referred to ftsu"
    kept = [
        r
        for table, rows in w.diff().added.items()
        if table != "outbox"
        for r in rows
        if note in str(r).lower()
    ]
    expect(bool(kept), "the note was not kept")
    for r in notices(w, "owen"):
        expect("ftsu" not in parts_text(r), "Owen was told the note")


@case("lead-005")
def _lead_005(w: World) -> None:
    said = w.replies()
    expect("didn't understand" not in said, "the generic fallback")
    expect(has(said, "2 pair|two pair"), "2 pairs not shown")
    expect(
        has(said, "no meetings|0 meetings|none held|0 held|no meeting"),
        "no meetings held not shown",
    )
    expect(
        has(said, "contract", "0 of 2|0/2|0 signed", "16 mar"),
        "contracts 0 of 2 (due Mon 16 Mar) not shown",
    )
    expect(
        on_a_line(said, "check-in|check in", "16 mar"), "the check-in opening Mon 16 Mar not shown"
    )
    nothing_changed(w)


def xlsx_named(text: str) -> list[str]:
    return re.findall(r"[\w.-]+\.xlsx", text)


def report_file(w: World) -> str:
    """The XLSX the bot gave: its file name, in an attachment or named in the reply."""
    names: list[str] = []
    for turn in w.turns:
        for part in turn.parts:
            for attachment in getattr(part, "attachments", ()) or ():
                names.append(str(getattr(attachment, "filename", attachment)))
            filename = getattr(part, "filename", None)
            if filename:
                names.append(str(filename))
        names += xlsx_named(turn.rendered)
    return next((n for n in names if n.lower().endswith(".xlsx")), "")


@case("lead-006")
def _lead_006(w: World) -> None:
    expect(report_file(w) != "", "no XLSX file was given")
    expect(has(w.replies(), "6-month|6 month|six-month|six month"), "not the 6-month report")
    others = [r for r in w.diff().new("outbox") if r.get("recipient_id") != w.ids["morgan"]]
    expect(not others, "the report was sent elsewhere")


def report_given(w: World) -> None:
    """Morgan was just given the 6-month report (XLSX) in a direct chat (at 09:00)."""
    w.at("2026-03-02T09:00")
    for asked in ("6-month report", "six month report xlsx", "report"):
        w.say("morgan", asked)
        if report_file(w):
            break
    expect(report_file(w) != "", "set-up: the 6-month report was not given")
    w.at("2026-03-02T09:02")


@case("lead-007", given=report_given)
def _lead_007(w: World) -> None:
    given = [
        name
        for r in w.rows("outbox", recipient_id=w.ids["morgan"])
        if r["created_at"] is not None and local(r["created_at"]) < local(w.now)
        for name in xlsx_named(parts_text(r))
    ]
    expect(bool(given), "set-up: no XLSX file name in what Morgan was given")
    posted = lead_alerts(w)
    expect(bool(posted), "nothing was posted to the lead channel")
    text = "\n".join(parts_text(r) for r in posted)
    expect(given[-1].lower() in text, f"the report given ({given[-1]}) was not posted")


@case("lead-008", given=c2_open)
def _lead_008(w: World) -> None:
    said = w.replies()
    lists_c2(said)
    expect(has(said, "open|acknowledged"), "its status is not shown")
    nothing_changed(w)


APPLICANT = ("Sam Rivers", "sam.rivers@example.org", "Eastgate Community Hospital")


def with_the_chair(w: World) -> None:
    """APP-0003 reviewed by Dev (select) and Leah (do not select), with the chair to decide.

    Today's model counts the chair among the reviewers, so Grace's own review (unsure) is
    stored too: without it the application is not yet with the chair."""
    with transaction(w.db) as session:
        cohort = session.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).first()
        assert cohort is not None
        assert cohort.id is not None
        person = Person(
            email=APPLICANT[1], display_name=APPLICANT[0], created_at=instant("2025-12-01T10:00")
        )
        session.add(person)
        session.flush()
        assert person.id is not None
        application = Application(
            cohort_id=cohort.id,
            person_id=person.id,
            reference="APP-0003",
            status="submitted",
            answers={
                "workplace": APPLICANT[2],
                "job_role": "Lead sonographer",
                "why": "To grow into a service manager role.",
            },
            created_at=instant("2025-12-01T10:00"),
            submitted_at=instant("2025-12-01T10:00"),
        )
        session.add(application)
        session.flush()
        assert application.id is not None
        for name, verdict, reason in (
            ("dev", "accept", "Strong leadership examples."),
            ("leah", "reject", "Not enough autonomy yet."),
            ("grace", "unsure", "I'd like the chair's view."),
        ):
            session.add(
                Review(
                    application_id=application.id,
                    reviewer_id=w.ids[name],
                    verdict=verdict,
                    reason=reason,
                    created_at=instant("2026-02-20T10:00"),
                    updated_at=instant("2026-02-20T10:00"),
                )
            )


def chair_decides(w: World) -> None:
    from storage import selection_queries
    from storage.models import ReviewStage

    with_the_chair(w)
    with transaction(w.db) as session:
        queue = selection_queries.tasks(session, w.ids["grace"], w.today())
    expect(
        any(t.reference == "APP-0003" and t.stage is ReviewStage.CHAIR for t in queue.tasks),
        "set-up: APP-0003 is not waiting for the chair's decision",
    )


@case("lead-009", given=chair_decides)
def _lead_009(w: World) -> None:
    said = w.replies()
    expect("app-0003" in said, "APP-0003 is not shown")
    for secret in APPLICANT:
        expect(secret.lower() not in said, f"the applicant is identified ({secret!r})")
    expect(has(said, "strong leadership", "autonomy"), "the two reviews are not shown")
    expect("?" in said and has(said, "select|accept"), "Grace is not asked to decide")
    expect(not w.diff().new("review"), "something was decided")
    nothing_changed(w)


@case("lead-010", given=c2_open, speaker="tom")
def _lead_010(w: World) -> None:
    said = w.replies()
    expect(
        "didn't understand" not in said
        and "what is it about" not in said
        and has(said, "can't|cannot|only the|not able|aren't able|don't have access"),
        "not refused (not understood, or a concern of his own was started)",
    )
    for secret in ("c2", "nadia", "owen", "28 feb", "four messages"):
        expect(secret not in said, f"c2 was shown ({secret!r})")
    nothing_changed(w)


@case("lead-011", given=c2_open)
def _lead_011(w: World) -> None:
    row = concern_row(w)
    until = row["snoozed_until"]
    expect(
        isinstance(until, datetime) and local(until) == local(instant("2026-03-03T09:00")),
        f"snoozed until {until}, wanted Tue 3 Mar 09:00",
    )
    expect(
        row["status"] == "open" and row["acknowledged_at"] is None,
        "c2 is not open and unacknowledged",
    )
