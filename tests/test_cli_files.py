"""``mentorbot inbox`` saves the files the bot sends (``--files-dir``, else beside the SQLite
file), as a separate process on SQLite and PostgreSQL. (``mentorbot chat`` shares its code.)"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.channels.console import file_size
from conversations.clock import parse_instant
from conversations.messages import Part, part_to_json
from storage.db import make_engine, transaction
from storage.models import Outbox, Scheme
from tests.conftest import NOW
from tests.sample_files import report_parts
from tests.test_cli import mentorbot


@pytest.fixture
def loaded(db_url: str) -> str:
    result = mentorbot("scheme", "load", "--demo", "--now", NOW, db=db_url)
    assert result.returncode == 0, result.stderr
    return db_url


def _queue_for_the_lead_channel(db_url: str, parts: list[Part]) -> None:
    db = make_engine(db_url)
    try:
        with transaction(db) as session:
            scheme = session.exec(select(Scheme)).one()
            session.add(
                Outbox(
                    scheme_id=scheme.id,
                    channel="lead",
                    parts=[part_to_json(p) for p in parts],
                    preview="Scheme health for November.",
                    next_attempt_at=parse_instant(NOW),
                    created_at=parse_instant(NOW),
                )
            )
    finally:
        db.dispose()


def test_the_inbox_saves_the_files_where_it_is_told(loaded: str, tmp_path: Path) -> None:
    parts, png, xlsx = report_parts()
    _queue_for_the_lead_channel(loaded, parts)
    target = tmp_path / "reports"
    result = mentorbot(
        "inbox", "--channel", "lead", "--files-dir", str(target), "--now", NOW, db=loaded
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"[file: scheme-health.png, {file_size(len(png))}, saved to {target / 'scheme-health.png'}]"
        in result.stdout
    )
    assert (target / "scheme-health.png").read_bytes() == png
    assert (target / "scheme-health.xlsx").read_bytes() == xlsx
    again = mentorbot(
        "inbox", "--channel", "lead", "--files-dir", str(target), "--now", NOW, db=loaded
    )
    assert again.stdout == "Nothing waiting.\n"


def test_by_default_files_go_beside_the_sqlite_file(
    loaded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not loaded.startswith("sqlite"):
        pytest.skip("the default beside the database file is for SQLite")
    parts, png, _ = report_parts()
    _queue_for_the_lead_channel(loaded, parts[:2])
    monkeypatch.delenv("MENTORBOT_FILES_DIR", raising=False)
    result = mentorbot("inbox", "--channel", "lead", "--now", NOW, db=loaded)
    database = Path(loaded.removeprefix("sqlite:///"))
    assert (database.parent / "files" / "scheme-health.png").read_bytes() == png
    assert "saved to " in result.stdout
