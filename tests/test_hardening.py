"""Hardening (issue 11, item 17): secrets never shown, bad configuration refused with one line.

Run as people run it (``python -m bot``): a scheme file whose hospital-number pattern could
backtrack for minutes, whose dates are out of range or whose nesting is absurd; a malformed
``DATABASE_URL``. Each ends with one line on stderr, a non-zero exit, no traceback, no secret.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest

from bot.channels.slack import SlackSettings
from bot.channels.teams.adapter import TeamsSettings
from bot.settings import Settings
from tests.test_cli import mentorbot

PASSWORD = "s3cret-Pa55"
NOW = "2026-11-23T10:00:00+00:00"


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("mentorbot: "), line
    return line


# -- scheme files -----------------------------------------------------------------------------


def _demo() -> str:
    return files("conversations").joinpath("schemes/demo.toml").read_text(encoding="utf-8")


def _load(db_url: str, tmp_path: Path, text: str) -> str:
    """``mentorbot scheme load`` of ``text``: its one line of error."""
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return _one_line_error(mentorbot("scheme", "load", str(path), "--now", NOW, db=db_url))


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(\d{1,3})+x", r"(?:RX|RX1)*\d$", r"(x*)*"])
def test_a_hospital_number_pattern_that_can_backtrack_is_refused(
    db_url: str, tmp_path: Path, pattern: str
) -> None:
    demo = _demo()
    start = demo.index("hospital_number_pattern = ")
    end = demo.index("\n", start)
    text = demo[:start] + f"hospital_number_pattern = '{pattern}'" + demo[end:]
    line = _load(db_url, tmp_path, text)
    assert "hospital_number_pattern" in line
    assert "take minutes" in line


@pytest.mark.parametrize(
    "ends_on",
    [
        "9999-12-31",
        '"2350-01-01"',
        '"1066-10-14"',
        '"today+99999999d"',
        '"today+999999m"',
        '"today+99999999999999999999999d"',
        '"today+999999w"',
    ],
)
def test_an_out_of_range_date_is_one_line(db_url: str, tmp_path: Path, ends_on: str) -> None:
    text = _demo().replace('ends_on = "today-28d+12m"', f"ends_on = {ends_on}", 1)
    assert text != _demo()
    line = _load(db_url, tmp_path, text)
    assert "ends_on" in line
    assert "out of range" in line


@pytest.mark.parametrize(
    "extra",
    [
        "deep = " + "[" * 5000 + "]" * 5000,
        "deep = " + "{ a = " * 3000 + "1" + " }" * 3000,
        "deep = " + "[" * 40 + "]" * 40,
    ],
)
def test_very_deep_nesting_is_one_line(db_url: str, tmp_path: Path, extra: str) -> None:
    text = extra + "\n" + _demo()
    line = _load(db_url, tmp_path, text)
    assert "nested" in line


# -- the database URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://bob:{PASSWORD}@db.example.org:notaport/mentorbot",
        f"postgresql://bob:{PASSWORD}@[::1/mentorbot",
        f"postgresql+psycopg2://bob:{PASSWORD}@db.example.org/mentorbot",
        f"bob:{PASSWORD}@db.example.org/mentorbot",
        f"postgresql://db.example.org:x/mentorbot?password={PASSWORD}",
    ],
)
def test_a_malformed_database_url_is_one_line_without_its_password(url: str) -> None:
    line = _one_line_error(mentorbot("nudge", db=url))
    assert PASSWORD not in line
    assert "database URL" in line


def test_a_malformed_database_url_in_the_environment_too() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MENTORBOT_NOW"}
    env["DATABASE_URL"] = f"postgresql://bob:{PASSWORD}@db.example.org:notaport/mentorbot"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "deliver"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    line = _one_line_error(result)
    assert PASSWORD not in line
    assert "bob:***@" in line


# -- settings ---------------------------------------------------------------------------------


def test_settings_never_show_secrets() -> None:
    shown = [
        Settings.from_env(f"postgresql://bob:{PASSWORD}@db.example.org/mentorbot"),
        Settings.from_env(f"postgresql://db.example.org/m?password={PASSWORD}"),
        SlackSettings(
            bot_token=f"xoxb-{PASSWORD}",
            signing_secret=PASSWORD,
            app_token=f"xapp-{PASSWORD}",
            api_url=None,
        ),
        TeamsSettings(app_id="app", app_password=PASSWORD, token_provider=lambda: PASSWORD),
    ]
    for settings in shown:
        assert PASSWORD not in repr(settings)
        assert PASSWORD not in str(settings)
        assert PASSWORD not in f"{settings!r} {settings}"
    assert "bob:***@db.example.org" in repr(shown[0])
