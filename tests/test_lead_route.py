"""Choosing the lead channel in chat, and `mentorbot scheme load` run again afterwards: the load
keeps a route chosen in chat while the file's entry is unchanged, follows the file once it has
changed, and says which it did. (Slack and Teams journeys: tests/test_slack_channels.py and
tests/test_teams_channels.py.) Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from importlib import resources
from itertools import count
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, select

from conversations.clock import Clock
from conversations.engine import Delivered
from conversations.engine import Engine as DialogEngine
from conversations.messages import Incoming, Place, Where
from conversations.registry import default_registry
from conversations.scheme_config import load_scheme, parse_scheme
from storage.db import transaction
from storage.models import AuditLog, Outbox, Person, Scheme
from tests import test_urgent_lane

_events = count(1)
NEW = {"platform": "slack", "team": "T0TEST", "channel": "C0NEW"}


def _demo(extra: str = "") -> str:
    text = resources.files("conversations").joinpath("schemes/demo.toml").read_text("utf-8")
    return text + extra


def _file_channel(channel: str) -> str:
    return f'\n[scheme.channels.lead]\nplatform = "slack"\nchannel = "{channel}"\n'


def _person(db: Engine, email: str) -> int:
    with transaction(db) as session:
        person = session.exec(select(Person).where(Person.email == email)).one()
        assert person.id is not None
        return person.id


def _say_in_channel(db: Engine, clock: Clock, email: str, text: str) -> Delivered:
    engine = DialogEngine(db, clock, default_registry())
    return engine.handle(
        Incoming(
            person_id=_person(db, email),
            text=text,
            where=Where.CHANNEL,
            conversation="slack:C0NEW",
            platform="slack",
            event_id=f"ev-{next(_events)}",
            place=Place(NEW, "#lms-lead"),
        )
    )


def _lead_route(db: Engine) -> dict[str, Any]:
    with transaction(db) as session:
        scheme = session.exec(select(Scheme)).one()
        channels: dict[str, Any] = scheme.settings["channels"]
        return dict(channels["lead"])


def _texts(parts: list[Any]) -> str:
    return "\n".join(p.text for p in parts)


def test_a_route_chosen_in_chat_survives_a_reload_until_the_file_changes(
    engine: Engine, clock: Clock
) -> None:
    load_scheme(engine, parse_scheme(_demo(_file_channel("C0LEAD")), clock), clock)
    chosen = _say_in_channel(engine, clock, "lead@example.org", "use this channel for lead alerts")
    assert chosen.shareable
    assert "the lead channel set in the scheme file (the Slack channel C0LEAD)" in _texts(
        chosen.parts
    )
    assert _lead_route(engine) == NEW

    # The same file again: the choice made in chat is kept, and the load says so.
    summary = load_scheme(engine, parse_scheme(_demo(_file_channel("C0LEAD")), clock), clock)
    assert "kept #lms-lead, chosen in chat by Morgan Ellis on Mon 23 Nov" in summary.message
    assert _lead_route(engine) == NEW

    # The file now names another channel: the file wins, and the chat route is told.
    summary = load_scheme(engine, parse_scheme(_demo(_file_channel("C0OTHER")), clock), clock)
    assert "alerts now go to the Slack channel C0OTHER, replacing #lms-lead" in summary.message
    assert _lead_route(engine) == {"platform": "slack", "channel": "C0OTHER"}
    with transaction(engine) as session:
        notices = session.exec(select(Outbox).where(Outbox.kind == "lead_route")).all()
        audit = session.exec(select(AuditLog).order_by(col(AuditLog.id))).all()
    assert [(n.address, n.parts[0]["text"]) for n in notices] == [
        (
            {"platform": "slack", "channel": "C0LEAD"},
            "Lead alerts for Demo Leadership Mentoring Scheme now go to #lms-lead, set by "
            "Morgan Ellis.",
        ),
        (
            NEW,
            "Lead alerts for Demo Leadership Mentoring Scheme now go to the Slack channel "
            "C0OTHER, set by the scheme file.",
        ),
    ]
    assert [(a.action, a.actor_id, a.detail["old"], a.detail["new"]) for a in audit] == [
        (
            "lead_channel.chosen",
            _person(engine, "lead@example.org"),
            {"platform": "slack", "channel": "C0LEAD"},
            NEW,
        ),
        ("lead_channel.from_file", None, NEW, {"platform": "slack", "channel": "C0OTHER"}),
    ]


def test_a_route_chosen_in_chat_is_kept_when_the_file_names_none(
    engine: Engine, clock: Clock
) -> None:
    load_scheme(engine, parse_scheme(_demo(), clock), clock)
    chosen = _say_in_channel(engine, clock, "chair@example.org", "use this channel for lead alerts")
    assert "Until now they had no chat channel" in _texts(chosen.parts)
    summary = load_scheme(engine, parse_scheme(_demo(), clock), clock)
    assert "kept #lms-lead, chosen in chat by Grace Fraser" in summary.message
    assert _lead_route(engine) == NEW


def test_the_words_in_a_direct_chat_say_where_to_say_them(engine: Engine, clock: Clock) -> None:
    load_scheme(engine, parse_scheme(_demo(), clock), clock)
    engine_ = DialogEngine(engine, clock, default_registry())
    said = engine_.handle(
        Incoming(person_id=_person(engine, "lead@example.org"), text="use this channel for alerts")
    )
    assert "say *@mentorbot use this channel for lead alerts* in that channel" in _texts(said.parts)
    with transaction(engine) as session:
        assert session.exec(select(AuditLog)).all() == []


def test_the_cli_says_which_lead_channel_a_reload_kept(db_url: str, tmp_path: Path) -> None:
    from storage.db import open_database
    from tests.conftest import NOW
    from tests.test_cli import mentorbot

    scheme_file = tmp_path / "scheme.toml"
    scheme_file.write_text(_demo(_file_channel("C0LEAD")), encoding="utf-8")
    first = mentorbot("scheme", "load", str(scheme_file), "--now", NOW, db=db_url)
    assert first.returncode == 0, first.stderr
    assert "Lead channel" not in first.stdout
    db = open_database(db_url)
    try:
        _say_in_channel(db, Clock.fixed(NOW), "lead@example.org", "use this channel for alerts")
    finally:
        db.dispose()
    again = mentorbot("scheme", "load", str(scheme_file), "--now", NOW, db=db_url)
    assert again.returncode == 0, again.stderr
    assert "Lead channel: kept #lms-lead, chosen in chat by Morgan Ellis on Mon 23 Nov" in (
        again.stdout
    )


# An urgent alert that could not reach the old lead channel goes to the one chosen in chat at
# once (the urgent lane of tests/test_urgent_lane.py, with its scene).
scene = test_urgent_lane.scene


async def test_an_urgent_alert_waiting_for_the_old_channel_goes_to_the_new_one_at_once(
    scene: test_urgent_lane.Scene,
) -> None:
    scene.lead_channel(test_urgent_lane.SLACK_LEAD)
    scene.slack.outside.add("C0LEAD")  # the bot is not in the old channel
    scene.raise_urgent_concern()
    await scene.keep_failing(hours=1)  # the alert now waits for a later attempt
    assert scene.delivered_to_lead_channel() == []

    chosen = _say_in_channel(
        scene.db, scene.time.clock, "lead@example.org", "use this channel for lead alerts"
    )
    assert "will come to this channel (#lms-lead)" in _texts(chosen.parts)
    await scene.deliver()  # no time has passed
    [alert] = [p for p in scene.slack.posts() if p.get("channel") == "C0NEW" and "ts" in p]
    assert alert["text"].startswith("URGENT")
    assert "C1" in str(alert["blocks"])
