"""The subject access export is complete and keeps third parties' words out
(docs/export-format.md, which these tests read: the document is the source of truth)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import select

from storage import queries
from storage.db import transaction
from storage.models import AuditLog
from storage.person_refs import person_columns
from tests.conftest import NOW
from tests.export_world import NEVER, People, add_cohort, build
from tests.test_cli import mentorbot

DOC = Path(__file__).parent.parent / "docs" / "export-format.md"
_ROW = re.compile(r"^\| `([a-z_]+\.[a-z_]+)` \| (.+?) \|$")
AT = datetime.fromisoformat(NOW)


def _table(heading: str) -> dict[str, str]:
    """The document's table under ``## heading``: column name to its second cell."""
    text = DOC.read_text(encoding="utf-8")
    body = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return {m[1]: m[2] for line in body.splitlines() if (m := _ROW.match(line))}


def _export(db: Engine, person_id: int) -> dict[str, Any]:
    with transaction(db) as session:
        return queries.export_person(session, person_id)


def _world(db: Engine, cohorts: int = 1) -> People:
    with transaction(db) as session:
        return build(session, cohorts=cohorts, now=AT)


def test_every_reference_to_a_person_is_exported_or_a_documented_exclusion() -> None:
    exported, excluded = _table("Where each reference to a person goes"), _table("Exclusions")
    columns = {c.name for c in person_columns()}
    assert len(exported) > 20
    assert len(excluded) >= 5
    missing = columns - set(exported) - set(excluded)
    assert not missing, f"neither exported nor excluded in {DOC.name}: {sorted(missing)}"
    assert not set(exported) & set(excluded), "a column is both exported and excluded"
    stale = (set(exported) | set(excluded)) - columns
    assert not stale, f"{DOC.name} lists columns that refer to nobody: {sorted(stale)}"
    assert all(reason.strip() for reason in excluded.values()), "an exclusion without a reason"


def test_every_section_the_document_names_holds_the_persons_rows(engine: Engine) -> None:
    who = _world(engine)
    data = _export(engine, who.sam)
    sections = {
        cell.strip("`") for cell in _table("Where each reference to a person goes").values()
    }
    for section in sorted(sections):
        assert data.get(section), f"{section} is empty for a person with such a row"
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(encoding="utf-8"), re.M))
    assert set(data) == documented


def test_the_twelve_missing_kinds_are_in_the_export(engine: Engine) -> None:
    who = _world(engine)
    data = _export(engine, who.sam)
    assert data["reviews"][0]["reason"] == "Sam's own review reason"
    assert data["fit_checks"] == [{"partner": "Tom Okoro", "answer": "good_fit", "at": NOW}]
    assert data["conflicts"][0] | {"created_at": None} == {
        "cohort": "Cohort 0",
        "mentee": "Sam Reid",
        "mentor": "Rita Shah",
        "kind": "appraiser",
        "declared_by_you": True,
        "created_at": None,
    }
    assert [(i["platform"], i["user_id"]) for i in data["identities"]] == [("slack", "U0")]
    assert [n["rule"] for n in data["nudges"]] == ["meeting_due_first", "silence_lead"]
    assert [n["to"] for n in data["nudges"]] == ["you", "lead"]
    alert = data["lead_alerts"][0]["parts"][0]["text"]
    assert alert == "Sam Reid has not been in touch for four weeks."
    meeting = data["meetings"][0]
    assert (meeting["location"], meeting["decline_reason"]) == ("Room 4", "Clinic overran")
    handling = data["concerns"][0]["handling"]
    assert [(h["action"], h["by"]) for h in handling] == [("acknowledged", "lead")]
    assert data["drafts"][0]["state"] == {"text": "half a thought"}
    assert data["person"]["paused_until"] == "2026-12-03T10:00:00+00:00"
    conflict = next(a for a in data["audit"] if a["action"] == "conflict_declared")
    assert (conflict["by"], conflict["detail"]) == ("Lee Lead", None)


def test_a_concern_about_the_person_never_reaches_their_export(engine: Engine) -> None:
    who = _world(engine)
    data = _export(engine, who.sam)
    everything = json.dumps(data)
    for marker in NEVER:
        assert marker not in everything
    # Only Sam's own concern, with its text; no trace of Tom's or Una's (C2, C3).
    assert [c["text"] for c in data["concerns"]] == ["Sam's own worry"]
    assert "C2" not in everything
    assert "C3" not in everything
    assert "concern_subjects" not in everything
    # The concern's raiser has it; its subject's partner, the lead who opened it, does not.
    toms = _export(engine, who.tom)
    assert [c["text"] for c in toms["concerns"]] == ["TOM-CONCERN-ABOUT-SAM"]
    lees = json.dumps(_export(engine, who.lee))
    assert "TOM-CONCERN-ABOUT-SAM" not in lees
    assert "Sam's own worry" not in lees
    assert any(a["action"] == "concern_opened" for a in json.loads(lees)["audit"])


def test_third_parties_words_are_redacted_but_the_pairs_are_shared(engine: Engine) -> None:
    who = _world(engine)
    data = _export(engine, who.sam)
    application = data["applications"][0]
    assert application["reviews"] == [{"stage": "member", "verdict": "accept", "at": NOW}]
    assert all(d["text"] != "TOM-DIARY-SHARED" for d in data["diary"])
    # The pair's minutes, written by Tom, are Sam's too.
    assert [(m["written_by"], m["discussion"]) for m in data["minutes"]] == [
        ("Tom Okoro", "Budget")
    ]
    # Una's ranking of Sam is Una's: in her export, not in Sam's.
    assert _export(engine, who.una)["applications"][0]["preferences"] == ["Sam Reid"]
    assert "Una Park" not in json.dumps(data)


@contextmanager
def _statements(db: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(db, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(db, "before_cursor_execute", count)


def test_the_export_takes_as_many_queries_for_many_rows_as_for_one(engine: Engine) -> None:
    who = _world(engine)
    with _statements(engine) as one:
        small = _export(engine, who.sam)
    with transaction(engine) as session:
        for i in range(1, 6):
            add_cohort(session, who, i, AT)
    with _statements(engine) as six:
        large = _export(engine, who.sam)
    assert len(large["meetings"]) == 6 * len(small["meetings"])
    assert len(large["audit"]) > len(small["audit"])
    assert len(six) == len(one), "a query per row crept into the export"


def test_an_export_is_recorded_and_shown_in_the_next(db_url: str) -> None:
    from storage.db import open_database

    db = open_database(db_url)
    try:
        who = _world(db)
        assert (
            mentorbot("export", "--user", "sam@example.org", "--now", NOW, db=db_url).returncode
            == 0
        )
        again = json.loads(mentorbot("export", "--user", "sam@example.org", db=db_url).stdout)
        assert [a["action"] for a in again["audit"] if a["subject"] == f"person:{who.sam}"] == [
            "export"
        ]
        with transaction(db) as session:
            rows = session.exec(select(AuditLog).where(AuditLog.action == "export")).all()
        assert len(rows) == 2
    finally:
        db.dispose()
