"""No token, password or secret reaches a log line, an exception text in a log, a stored error
or an error body our server answers, with everything logging at DEBUG.

Real traffic through the real aiohttp server and slack-bolt (signed requests, the local fake of
Slack's Web API): a Web API call that fails with a body echoing our bearer token (the exception
it raises carries the token), a reply whose post fails the same way, requests our server
refuses, and a command whose database URL (with its password) cannot be reached. The secrets
are configured as ``mentorbot`` reads them, and the redaction is installed as ``bot.cli``
installs it. Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from bot import redaction
from bot.channels import teams
from bot.channels.slack import sender_from_env
from bot.channels.slack.inbox import InboxPolicy
from bot.channels.teams.adapter import TeamsSettings
from bot.cli import main
from bot.outbox import Deliverer
from conversations.clock import Clock
from conversations.messages import Text, part_to_json
from storage import queries
from storage.db import transaction
from storage.models import ChannelIdentity, Inbox, Outbox
from tests.fakes.bot_connector import BOT_ID, TENANT, FakeBotConnector
from tests.test_slack_harness import MENTEE, SECRET, SlackHarness, configure, message, shown

BOT_TOKEN = "xoxb-2718281828-3141592653-ourOwnBotTokenValue"
APP_TOKEN = "xapp-1-A0MENTORBOT-1618033988-appLevelTokenValue"
APP_PASSWORD = "teams~App~Password~4ZV8Q~value"
DATA_KEY = "mentorbot-data-key-0f1e2d3c4b5a6978"
DB_PASSWORD = "pg-Pass-w0rd-for-mentorbot"
DATABASE = f"postgresql://mentorbot:{DB_PASSWORD}@127.0.0.1:1/mentorbot"
SECRETS = [BOT_TOKEN, SECRET, APP_TOKEN, APP_PASSWORD, DATA_KEY, DB_PASSWORD]
TEAMS_APP = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"
QUICK = InboxPolicy(retry_base=timedelta(milliseconds=200), poll=0.1)


@pytest.fixture
def root_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG, as a root handler prints it; the secrets
    configured in the environment and the redaction installed, as ``mentorbot`` does."""
    configure(monkeypatch, SLACK_BOT_TOKEN=BOT_TOKEN)
    monkeypatch.setenv("TEAMS_APP_PASSWORD", APP_PASSWORD)
    monkeypatch.setenv("MENTORBOT_DATA_KEY", DATA_KEY)
    monkeypatch.setenv("DATABASE_URL", DATABASE)
    monkeypatch.setenv("SLACK_APP_TOKEN_FOR_LATER", APP_TOKEN)  # any *_TOKEN is a secret
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    redaction.install()
    try:
        yield out
    finally:
        redaction.uninstall()
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture
async def slack(demo: Engine, clock: Clock, root_log: io.StringIO) -> AsyncIterator[SlackHarness]:
    async with SlackHarness(demo, clock, policy=QUICK) as harness:
        yield harness


def _leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


def _stored_errors(db: Engine) -> str:
    with transaction(db) as session:
        inbox = [row.last_error or "" for row in session.exec(select(Inbox)).all()]
        outbox = [row.last_error or "" for row in session.exec(select(Outbox)).all()]
    return "\n".join(inbox + outbox)


async def test_no_secret_reaches_logs_errors_or_answers_at_debug(
    slack: SlackHarness,
    root_log: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[str] = []

    # A Web API call fails with a body that echoes our token: the exception raised in the
    # turn carries it; the inbox logs it, stores it and tries the turn again.
    slack.api.fail_next("users.info", 200, "fatal_error", echo=True)
    status, text = await slack.event(message("hello"))
    answers.append(text)
    await slack.api.wait_until(lambda: bool(slack.posts_to(f"D{MENTEE}")), 30)
    await slack.idle()
    assert "Hello Priya" in shown(slack.last_post(f"D{MENTEE}"))
    assert status == 200

    # A reply whose post fails the same way (a gateway's 500 page echoing the header), first
    # in the turn, then once more from the outbox.
    slack.api.fail_next("chat.postMessage", 500, echo=True, count=2)
    status, text = await slack.event(message("help"))
    answers.append(text)
    async with aiohttp.ClientSession() as http:
        later = Clock.fixed((slack.clock.now() + timedelta(minutes=1)).isoformat())
        deliverer = Deliverer(
            slack.db, later, {"slack": sender_from_env(http)}, worker="t", pacing={}
        )
        stats = await deliverer.deliver_once()
    assert stats.failed == 1

    # Requests our server refuses, and one it has no route for.
    assert slack.http is not None
    for body, headers in (
        (json.dumps(message("hi")), {"X-Slack-Signature": f"v0={BOT_TOKEN}"}),
        ("not json at all " + BOT_TOKEN, {}),
    ):
        status, text = await slack.raw(body, headers, "application/json")
        assert status == 401
        answers.append(text)
    async with slack.http.get(slack.url_of(f"/nowhere?token={BOT_TOKEN}")) as response:
        assert response.status == 404
        answers.append(await response.text())

    # A command whose database cannot be reached (its URL holds the password).
    assert main(["inbox", "--user", "mentee@example.org", "--db", DATABASE]) != 0
    printed = capsys.readouterr()

    logged = root_log.getvalue()
    # The traffic did reach the logs, at DEBUG, with the echoed token in it, redacted.
    assert "DEBUG slack_sdk" in logged
    assert "request had Authorization: [redacted]" in logged
    assert "Traceback" in logged
    assert "[redacted]" in _stored_errors(slack.db)
    records = "\n".join(f"{r.getMessage()}\n{r.exc_text or ''}" for r in caplog.records)
    assert _leaks(logged) == []
    assert _leaks(caplog.text) == []
    assert _leaks(records) == []
    assert _leaks(_stored_errors(slack.db)) == []
    assert _leaks("\n".join(answers)) == []
    assert _leaks(printed.out + printed.err) == []


async def test_a_teams_send_at_debug_leaks_neither_password_nor_bearer_token(
    demo: Engine, clock: Clock, root_log: io.StringIO, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with FakeBotConnector() as connector:
        bearer = connector.token(TEAMS_APP)  # what botbuilder sends as "Authorization: Bearer"
        user = connector.add_person("mentee@example.org", "Priya Shah")
        reference = {
            "user": {"id": user.user_id, "aadObjectId": user.aad},
            "bot": {"id": BOT_ID, "name": "mentorbot"},
            "channelId": "msteams",
            "serviceUrl": connector.url + "/",
            "conversation": {"conversationType": "personal", "id": user.conversation},
        }
        with transaction(demo) as session:
            person = queries.person_by_email(session, "mentee@example.org")
            assert person is not None
            assert person.id is not None
            session.add(
                ChannelIdentity(
                    person_id=person.id, platform="teams", tenant=TENANT, user_id=user.user_id,
                    address={"platform": "teams", "tenantId": TENANT, "reference": reference},
                    created_at=clock.now(),
                )
            )  # fmt: skip
            session.add(
                Outbox(
                    recipient_id=person.id, parts=[part_to_json(Text("Your notes are saved."))],
                    preview="Your notes are saved.", next_attempt_at=clock.now(),
                    created_at=clock.now(),
                )
            )  # fmt: skip
        connector.fail_next(429, echo=True)
        settings = TeamsSettings(
            app_id=TEAMS_APP, tenant_id=TENANT, app_password=APP_PASSWORD,
            token_provider=lambda: bearer,
        )  # fmt: skip
        async with aiohttp.ClientSession() as http:
            sender = teams.sender_from_env(http, settings=settings)
            deliverer = Deliverer(demo, clock, {"teams": sender}, worker="t", pacing={})
            stats = await deliverer.deliver_once()
        [call] = connector.sent()
    assert stats.failed == 1
    assert call.authorization == f"Bearer {bearer}"  # the token did travel
    logged = root_log.getvalue()
    assert "request had Authorization: [redacted]" in logged  # the echo reached the log
    for text in (logged, caplog.text, _stored_errors(demo)):
        assert bearer not in text
        assert _leaks(text) == []


def test_the_filter_redacts_values_and_token_shapes_in_messages_args_and_tracebacks() -> None:
    secret_filter = redaction.SecretFilter(
        redaction.secret_values({"MENTORBOT_DATA_KEY": DATA_KEY})
    )
    try:
        raise RuntimeError(f"could not use key {DATA_KEY} with xoxp-1-2-3-userToken")
    except RuntimeError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "calling %s with %s", ("Bearer abc.def-ghi", DATABASE),
            exc_info=__import__("sys").exc_info(),
        )  # fmt: skip
    secret_filter.filter(record)
    shown_text = f"{record.getMessage()}\n{record.exc_text}"
    assert DATA_KEY not in shown_text
    assert "xoxp-1-2-3-userToken" not in shown_text
    assert "abc.def-ghi" not in shown_text
    assert DB_PASSWORD not in shown_text
    assert "postgresql://mentorbot:[redacted]@127.0.0.1:1/mentorbot" in shown_text
    assert "RuntimeError: could not use key [redacted]" in shown_text


def test_which_settings_count_as_secret() -> None:
    found = redaction.secret_values(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "TEAMS_APP_PASSWORD": APP_PASSWORD,
            "MENTORBOT_DATA_KEY": DATA_KEY,
            "MENTORBOT_SOMETHING_NEW": "a-new-secret-setting",
            "MENTORBOT_NOW": "2026-11-23T10:00:00+00:00",
            "MENTORBOT_FILES_DIR": "/var/lib/mentorbot/files",
            "DATABASE_URL": DATABASE,
            "MENTORBOT_TEST_DATABASE_URL": "postgresql://mentorbot@127.0.0.1:55432/test",
            "SLACK_TEAM_ID": "T0TEST",
            "SLACK_SIGNING_SECRET": "short",  # too short to redact without hiding everything
        }
    )
    assert sorted(found) == sorted(
        [BOT_TOKEN, APP_PASSWORD, DATA_KEY, "a-new-secret-setting", DB_PASSWORD]
    )
