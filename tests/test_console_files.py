"""Files on the console: a chart or a workbook is saved under a safe, new name and the chat
shows one line for it; a calendar invite is one line too (when the meeting starts, in the
reader's time zone), never the file's text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.channels.console import FileStore, file_size, render, safe_filename
from conversations.calendar_invite import Attendee, meeting_invite
from conversations.messages import Attachment
from tests.sample_files import is_png, report_parts, sheet_rows


def test_a_chart_and_a_workbook_are_saved_and_shown_as_one_line_each(tmp_path: Path) -> None:
    parts, png, xlsx = report_parts()
    files = FileStore(tmp_path / "files")
    shown = render(parts, files)
    saved_png, saved_xlsx = (
        tmp_path / "files" / "scheme-health.png",
        tmp_path / "files" / "scheme-health.xlsx",
    )
    assert shown == (
        "Scheme health for November.\n\n"
        f"[file: scheme-health.png, {file_size(len(png))}, saved to {saved_png}]\n\n"
        f"[file: scheme-health.xlsx, {file_size(len(xlsx))}, saved to {saved_xlsx}]"
    )
    assert saved_png.read_bytes() == png
    assert is_png(saved_png.read_bytes())
    assert sheet_rows(saved_xlsx.read_bytes())[2] == ("P-02", 1, 63)
    assert (saved_png.stat().st_mode & 0o777) == 0o600  # reports are personal data
    assert ((tmp_path / "files").stat().st_mode & 0o777) == 0o700


def test_a_second_report_never_overwrites_the_first(tmp_path: Path) -> None:
    files = FileStore(tmp_path)
    first = files.save("chart.png", b"one")
    second = files.save("chart.png", b"two")
    third = files.save("chart", b"three")
    fourth = files.save("chart", b"four")
    assert [p.name for p in (first, second, third, fourth)] == [
        "chart.png", "chart-2.png", "chart", "chart-2",
    ]  # fmt: skip
    assert [p.read_bytes() for p in (first, second)] == [b"one", b"two"]


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/tmp/x.png", "x.png"),
        (".bashrc", "bashrc"),
        ("..", "file"),
        ("", "file"),
        ("report\n2026.csv", "report-2026.csv"),
        ("a" * 300 + ".xlsx", "a" * 95 + ".xlsx"),
    ],
)
def test_a_file_name_is_never_a_path(given: str, safe: str, tmp_path: Path) -> None:
    assert safe_filename(given) == safe
    path = FileStore(tmp_path / "files").save(given, b"x")
    assert path.parent == tmp_path / "files"
    assert path.name == safe


def test_without_a_store_the_line_still_names_the_file(tmp_path: Path) -> None:
    parts, png, _ = report_parts()
    assert render(parts[:2]) == (
        f"Scheme health for November.\n\n[file: scheme-health.png, {file_size(len(png))}]"
    )


def _invite(method: str = "REQUEST") -> Attachment:
    return meeting_invite(
        meeting_id=4,
        starts_at=datetime(2026, 3, 12, 15, 0, tzinfo=UTC),
        duration_minutes=60,
        mode="video",
        mentee=Attendee("Priya Shah", "mentee@example.org"),
        mentor=Attendee("Tom Okafor", "mentor@example.org"),
        method="CANCEL" if method == "CANCEL" else "REQUEST",
        sequence=0,
        now=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )


def test_a_calendar_invite_is_one_line_in_the_readers_time_zone(tmp_path: Path) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    shown = render([_invite()], FileStore(tmp_path / "files"), zone="Europe/London", now=now)
    saved = tmp_path / "files" / "mentoring-meeting-4-invite.ics"
    assert shown == f"[calendar invite: Thu 12 Mar, 15:00 saved to {saved}]"
    assert saved.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert "END:VCALENDAR" in saved.read_text(encoding="utf-8")
    assert (saved.stat().st_mode & 0o777) == 0o600
    in_new_york = render([_invite()], zone="America/New_York", now=now)
    assert in_new_york == "[calendar invite: Thu 12 Mar, 11:00]"  # no store: nothing saved


def test_a_cancellation_and_a_reader_of_no_known_zone_say_so(tmp_path: Path) -> None:
    assert render([_invite("CANCEL")]) == "[calendar cancellation: Thu 12 Mar, 15:00 UTC]"


def test_any_other_text_file_is_its_name_and_where_it_went(tmp_path: Path) -> None:
    notes = Attachment("../notes.txt", "text/plain", "private words\n")
    shown = render([notes], FileStore(tmp_path))
    assert shown == f"[attachment: notes.txt saved to {tmp_path / 'notes.txt'}]"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "private words\n"
    assert render([notes]) == "[attachment: notes.txt]"
    unreadable = Attachment("odd.ics", "text/calendar", "not a calendar")
    assert render([unreadable]) == "[calendar invite: odd.ics]"


def test_a_file_that_cannot_be_saved_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "files"
    blocker.write_text("a file where the directory should be")
    line = render([Attachment.binary("c.png", "image/png", b"123")], FileStore(blocker))
    assert line.startswith("[file: c.png, 3 bytes, NOT saved: ")


def test_the_files_directory_is_beside_the_sqlite_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MENTORBOT_FILES_DIR", raising=False)
    assert FileStore.beside("/srv/bot/mentorbot.sqlite3").directory == Path("/srv/bot/files")
    assert FileStore.beside(None).directory == Path("var/files")
    monkeypatch.setenv("MENTORBOT_FILES_DIR", "/data/reports")
    assert FileStore.beside("/srv/bot/mentorbot.sqlite3").directory == Path("/data/reports")
