"""Issue 14's "Done when": a fresh scheme is loaded, ``mentorbot serve`` runs against the Slack
fake, the Bot Connector fake and a local SMTP server, and every person gets their welcome on
their own channel without writing first; ``mentorbot people`` then lists nobody as unreachable.

Slack people are found by email at the first sweep; Alex, the moderator, has no Slack account
(the lookup finds none) and no Teams, so his welcome goes by email, a working day after he was
added (the time an admin policy may take to bring him the Teams app; a `mentorbot nudge` the
next morning stands in for the server's sweep then); Teams people are reached as Teams tells the
bot the app was installed: for Nadia by an admin policy (the install event, nothing from her),
and in a team whose roster holds Owen, Leah and Dev (welcomed at the first sweep after it)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable

import aiohttp
import pytest

from tests.fakes.bot_connector import FakeBotConnector
from tests.fakes.slack_api import FakeSlackApi, SlackUser
from tests.fakes.smtp_server import SmtpServer
from tests.test_cli import mentorbot
from tests.test_slack_inbox import _free_port

LOADED_AT = "2026-11-23T09:30:00+00:00"  # a Monday morning
SERVED_AT = "2026-11-23T10:00:00+00:00"
NEXT_DAY = "2026-11-24T10:00:00+00:00"
SLACK_PEOPLE = {
    "U0PRIYA": SlackUser("mentee@example.org", name="priya"),
    "U0TOM": SlackUser("mentor@example.org", name="tom"),
    "U0MORGAN": SlackUser("lead@example.org", name="morgan"),
    "U0GRACE": SlackUser("chair@example.org", name="grace"),
}
MAIL_FROM = "mentorbot <mentorbot@example.org>"


async def _up(port: int) -> None:
    async with aiohttp.ClientSession() as http, asyncio.timeout(60):
        while True:
            with contextlib.suppress(aiohttp.ClientError):
                async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.2)


async def _post(port: int, activity: dict[str, object]) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"http://127.0.0.1:{port}/api/messages", json=activity) as response,
    ):
        return response.status


async def _until(done: Callable[[], bool], what: str, limit: float = 60.0) -> None:
    """Poll ``done`` (the server is another process: there is nothing to wait on)."""
    for _ in range(int(limit / 0.2)):
        if done():
            return
        await asyncio.sleep(0.2)
    pytest.fail(f"not within {limit:g} s: {what}")


async def test_everyone_is_welcomed_on_their_own_channel_without_writing_first(
    db_url: str,
) -> None:
    loaded = mentorbot("scheme", "load", "--demo", "--now", LOADED_AT, db=db_url)
    assert loaded.returncode == 0, loaded.stderr
    before = mentorbot("people", db=db_url)
    assert before.stdout.splitlines()[-1].endswith("15 not reached yet.")

    async with (
        FakeSlackApi(users=dict(SLACK_PEOPLE)) as slack,
        FakeBotConnector() as connector,
        SmtpServer() as relay,
    ):
        nadia = connector.add_person("mentee2@example.org", "Nadia Kaur")
        owen = connector.add_person("mentor2@example.org", "Owen Whitfield")
        leah = connector.add_person("mentor3@example.org", "Leah Dunn")
        dev = connector.add_person("steering@example.org", "Dev Anand")
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "MENTORBOT_NOW", "MENTORBOT_SMTP_URL")
            and not k.startswith(("SLACK_", "TEAMS_"))
        }
        env.update(
            {
                "SLACK_BOT_TOKEN": "xoxb-test",
                "SLACK_SIGNING_SECRET": "test-signing-secret",
                "SLACK_API_URL": slack.url,
                "TEAMS_ALLOW_UNAUTHENTICATED": "true",  # (loopback only: local testing)
                "MENTORBOT_SMTP_URL": relay.url,
                "MENTORBOT_MAIL_FROM": MAIL_FROM,
            }
        )
        port = _free_port()
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "serve", "--port", str(port), "--sweep-every", "1",
            "--db", db_url, "--now", SERVED_AT,
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await _up(port)

            def welcomed_on_slack() -> set[str]:
                return {
                    str(post["channel"])
                    for post in slack.posts()
                    if "I'm mentorbot" in str(post.get("blocks"))
                }

            # Slack: found by email at the first sweep, welcomed in a DM opened for them.
            await _until(lambda: len(welcomed_on_slack()) == 4, "four welcomes on Slack")
            assert welcomed_on_slack() == {f"D{user}" for user in SLACK_PEOPLE}

            # Teams: an admin policy installs the app for Nadia; it is added to a team too.
            assert await _post(port, connector.activity("installation_update", nadia)) == 200
            team = connector.team_install("19:trainees@thread.tacv2", owen, [owen, leah, dev])
            assert await _post(port, team) == 200

            def welcomed_on_teams() -> set[str]:
                return {
                    call.conversation
                    for call in connector.sent()
                    if any("I'm mentorbot" in text for text in call.texts())
                }

            await _until(lambda: len(welcomed_on_teams()) == 4, "four welcomes on Teams")
            personal = {p.conversation for p in (nadia, owen, leah, dev)}
            assert welcomed_on_teams() == personal
            # Nobody got two, and nothing was said in the team's channel.
            slack_welcomes = [p for p in slack.posts() if "I'm mentorbot" in str(p.get("blocks"))]
            assert len(slack_welcomes) == 4

            # Alex is on neither platform: no email yet, on the day he was added.
            assert relay.messages == []
            assert sorted(call.conversation for call in connector.sent()) == sorted(personal)
        finally:
            server.send_signal(signal.SIGTERM)
            _out, err = await asyncio.wait_for(server.communicate(), timeout=60)
        assert server.returncode == 0, err.decode()
        assert "Traceback" not in err.decode()

        # The next working day: Alex is welcomed by email, and nobody else again.
        smtp = {"MENTORBOT_SMTP_URL": relay.url, "MENTORBOT_MAIL_FROM": MAIL_FROM}
        swept = await asyncio.to_thread(
            mentorbot, "nudge", "--now", NEXT_DAY, db=db_url, extra_env=smtp
        )
        assert swept.returncode == 0, swept.stderr
        # So are the demo's applicants and the mentors of its cohort in selection, on no
        # platform either.
        assert sorted(to for (to,) in relay.recipients) == sorted(
            [
                *(f"applicant{n}@example.org" for n in ("", "2", "3", "4")),
                "mentor4@example.org",
                "mentor5@example.org",
                "moderator@example.org",
            ]
        )
        (email,) = [m for m in relay.messages if m["Subject"] == "Hello Alex!"]
        assert email["Subject"] == "Hello Alex!"
        text = str(email.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        assert "I'm mentorbot" in text
        assert "moderator" in text

    people = mentorbot("people", db=db_url, extra_env={"MENTORBOT_SMTP_URL": relay.url})
    assert people.returncode == 0, people.stderr
    lines = people.stdout.splitlines()
    assert not [line for line in lines if line.endswith("not yet")]
    assert lines[-1] == "15 people: 4 on Slack, 4 on Teams, 7 by email, 0 not reached yet."
