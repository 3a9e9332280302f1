"""Reaching everyone from day one (issue 14, items 1 and 2): people linked on Slack by email and
on Teams by their install events or a team's roster, one welcome each, the lead told of anyone
the bot cannot reach, and ``mentorbot people``. Slack and the Bot Connector are local fakes."""

from __future__ import annotations

import io
from datetime import timedelta

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot import outbox, reach
from bot.channels import teams
from bot.channels.slack.sender import SlackSender, make_client
from bot.people import listing
from conversations import reach as rules
from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import transaction
from storage.models import ChannelIdentity, Membership, Nudge, Outbox, Person
from tests.fakes.bot_connector import TENANT, FakeBotConnector
from tests.fakes.slack_api import TEAM, FakeSlackApi, SlackUser
from tests.test_teams import Teams, _server, _settings
from tests.transcript import Chat, channel_inbox

ON_SLACK = {
    "U0PRIYA": SlackUser("mentee@example.org", tz="Europe/Dublin", name="priya"),
    "U0TOM": SlackUser("Mentor@Example.org", name="tom"),  # Slack matches emails in any case
    "U0LEAD": SlackUser("lead@example.org", name="morgan"),
}


def _identities(db: Engine, platform: str) -> dict[str, ChannelIdentity]:
    with transaction(db) as session:
        rows = session.exec(
            select(ChannelIdentity, Person)
            .join(Person, col(Person.id) == col(ChannelIdentity.person_id))
            .where(ChannelIdentity.platform == platform)
        ).all()
        return {person.email: identity for identity, person in rows}


def _later(clock: Clock, **delta: float) -> Clock:
    return Clock.fixed(clock.now() + timedelta(**delta))


async def _deliver_slack(db: Engine, clock: Clock, api: FakeSlackApi) -> outbox.DeliveryStats:
    async with aiohttp.ClientSession() as http:
        sender = SlackSender(
            make_client(http, "xoxb-test", api.url), reach.chat_opened(db, "slack")
        )
        deliverer = outbox.Deliverer(db, clock, {"slack": sender}, worker="test", pacing={})
        return await deliverer.deliver_once()


# -- Slack: linked by email, DM opened when the first message is due -------------------------


async def test_slack_people_are_linked_by_email_and_a_miss_is_asked_again_the_next_day(
    demo: Engine, clock: Clock
) -> None:
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        client = make_client(http, "xoxb-test", api.url)
        assert await reach.link_slack(demo, clock, client) == 3
        looked_up = [call["email"] for call in api.of("users.lookupByEmail")]
        assert len(looked_up) == 15  # everyone in the demo scheme (three cohorts), once
        linked = _identities(demo, "slack")
        assert set(linked) == {"mentee@example.org", "mentor@example.org", "lead@example.org"}
        priya = linked["mentee@example.org"]
        assert (priya.tenant, priya.user_id) == (TEAM, "U0PRIYA")
        assert priya.address == {"team": TEAM, "user": "U0PRIYA"}  # the DM: opened when due

        # The same day, nobody is asked about again: not the linked, not the twelve Slack lacks.
        assert await reach.link_slack(demo, _later(clock, hours=3), client) == 0
        assert len(api.of("users.lookupByEmail")) == 15
        # Nadia joins Slack; the next day she (and the other eleven) are asked about again.
        api.users["U0NADIA"] = SlackUser("mentee2@example.org", name="nadia")
        assert await reach.link_slack(demo, _later(clock, days=1), client) == 1
        assert len(api.of("users.lookupByEmail")) == 15 + 12
        # Someone added to the scheme later is looked up at the next sweep, that day.
        next_day = _later(clock, days=1, hours=2)
        with transaction(demo) as session:
            cohort_id = session.exec(select(Membership.cohort_id)).first()
            assert cohort_id is not None
            newcomer = Person(
                email="newcomer@example.org", display_name="Sam Newcomer", created_at=next_day.now()
            )
            session.add(newcomer)
            session.flush()
            assert newcomer.id is not None
            session.add(Membership(person_id=newcomer.id, cohort_id=cohort_id, role="mentee"))
        api.users["U0SAM"] = SlackUser("newcomer@example.org", name="sam")
        assert await reach.link_slack(demo, next_day, client) == 1
        assert [c["email"] for c in api.of("users.lookupByEmail")][15 + 12 :] == [
            "newcomer@example.org"
        ]
    assert {"mentee2@example.org", "newcomer@example.org"} <= set(_identities(demo, "slack"))
    with transaction(demo) as session:
        priya_person = session.get(Person, priya.person_id)
        assert priya_person is not None
        assert priya_person.time_zone == "Europe/Dublin"  # Slack's, while she had the default


async def test_a_slack_failure_ends_the_pass_and_the_next_sweep_carries_on(
    demo: Engine, clock: Clock
) -> None:
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        api.fail_next("users.lookupByEmail", error="missing_scope")
        client = make_client(http, "xoxb-test", api.url)
        assert await reach.link_slack(demo, clock, client) == 0
        assert len(api.of("users.lookupByEmail")) == 1
        with transaction(demo) as session:  # a failure is not a miss: nobody is put off a day
            assert session.exec(select(Nudge)).all() == []
        assert await reach.link_slack(demo, clock, client) == 3


async def test_the_first_sweep_welcomes_each_slack_person_once_in_a_dm_it_opens(
    demo: Engine, clock: Clock
) -> None:
    Chat(demo, clock, "lead@example.org").said("help")  # Morgan has met the bot already
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        await reach.link_slack(demo, clock, make_client(http, "xoxb-test", api.url))
        swept = sweep(demo, clock, rules.specs)
        # Priya and Tom; not Morgan, who wrote first (the demo's own nudges come too).
        assert swept.by_rule["welcome"] == 2
        await _deliver_slack(demo, clock, api)
        opened = sorted(call["users"] for call in api.of("conversations.open"))
        assert opened == ["U0PRIYA", "U0TOM"]  # once each: the DM is kept
        by_channel = {
            post["channel"]: post for post in api.posts() if "I'm mentorbot" in str(post["blocks"])
        }
        assert set(by_channel) == {"DU0PRIYA", "DU0TOM"}
        welcome = str(by_channel["DU0PRIYA"]["blocks"])
        assert "Hello Priya! I'm mentorbot" in welcome
        assert "Your mentor is Tom Okafor" in welcome
        assert "remind you to meet Tom" in welcome
        assert "your diary is yours alone" in welcome
        assert "docs/privacy.md" in welcome
        assert "pause reminders until" in welcome
        assert "Your mentee is Priya Shah" in str(by_channel["DU0TOM"]["blocks"])
        # The DM is kept: the next message goes straight there.
        assert _identities(demo, "slack")["mentee@example.org"].address["channel"] == "DU0PRIYA"

        # A restart, a later sweep: no second welcome.
        assert sweep(demo, _later(clock, hours=1), rules.specs).created == 0
        assert sweep(demo, _later(clock, days=9), rules.specs).by_rule.get("welcome") is None


async def test_a_welcome_waits_for_working_hours_and_the_end_of_a_pause(
    demo: Engine, clock: Clock
) -> None:
    Chat(demo, clock, "mentee@example.org")  # (no message: she has not written)
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        await reach.link_slack(demo, clock, make_client(http, "xoxb-test", api.url))
    saturday_night = Clock.fixed("2026-11-28T23:00:00+00:00")
    assert sweep(demo, saturday_night, rules.specs).by_rule["welcome"] == 3
    with transaction(demo) as session:
        welcomes = select(Nudge.outbox_id).where(Nudge.rule == "welcome")
        due = {
            row.next_attempt_at
            for row in session.exec(select(Outbox).where(col(Outbox.id).in_(welcomes))).all()
        }
    assert {moment.date().isoformat() for moment in due} == {"2026-11-30"}  # Monday


# -- Teams: install events and a team's roster ------------------------------------------------


async def test_an_install_pushed_by_policy_welcomes_the_person_once(
    demo: Engine, clock: Clock
) -> None:
    async with FakeBotConnector() as connector:
        user = connector.add_person("mentor@example.org", "Tom Okafor")
        async with _server(demo, clock, _settings(connector)) as (url, http):
            bot = Teams(url, http, connector)
            # An admin policy installs the app: the same event, and Tom has said nothing.
            assert await bot.post(connector.activity("installation_update", user)) == 200
            assert await bot.post(connector.activity("conversation_update", user)) == 200
        [welcome] = connector.sent(user.conversation)
        assert "Hello Tom! I'm mentorbot" in welcome.texts()[0]
        assert any("Your mentee is Priya Shah" in text for text in welcome.texts())
    # Shown at once, and recorded: the sweep does not send it again.
    assert sweep(demo, _later(clock, minutes=5), rules.specs).by_rule.get("welcome") is None
    with transaction(demo) as session:
        welcome_row = select(Nudge.outbox_id).where(Nudge.rule == "welcome")
        [row] = session.exec(select(Outbox).where(col(Outbox.id).in_(welcome_row))).all()
        assert row.status == "sent"


async def test_installed_in_a_team_links_members_from_the_paged_roster(
    demo: Engine, clock: Clock
) -> None:
    async with FakeBotConnector() as connector:
        nadia = connector.add_person("mentee2@example.org", "Nadia Kaur")
        owen = connector.add_person("MENTOR2@example.org", "Owen Whitfield")
        stranger = connector.add_person("visitor@example.org", "Sam Visitor")
        leah = connector.add_person("mentor3@example.org", "Leah Dunn")
        install = connector.team_install(
            "19:team@thread.tacv2", nadia, [nadia, owen, stranger, leah]
        )
        async with _server(demo, clock, _settings(connector)) as (url, http):
            assert await Teams(url, http, connector).post(install) == 200
        pages = [c.path for c in connector.calls if "pagedmembers" in c.path]
        assert len(pages) >= 1
        team = "/v3/conversations/19:team@thread.tacv2/pagedmembers"
        assert all(p.startswith(team) for p in pages)
        assert connector.sent() == []  # nothing said in the team
        linked = _identities(demo, "teams")
        assert set(linked) == {"mentee2@example.org", "mentor2@example.org", "mentor3@example.org"}
        assert linked["mentee2@example.org"].tenant == TENANT
        assert linked["mentee2@example.org"].user_id == nadia.aad
        reference = linked["mentee2@example.org"].address["reference"]
        assert reference["user"]["id"] == nadia.user_id
        assert "conversation" not in reference or not reference["conversation"]

        # The first sweep welcomes each in a personal chat, created as the message goes.
        assert sweep(demo, clock, rules.specs).by_rule["welcome"] == 3
        async with aiohttp.ClientSession() as http:
            sender = teams.sender_from_env(http, settings=_settings(connector))
            sender.opened = reach.chat_opened(demo, "teams")
            stats = await outbox.Deliverer(
                demo, clock, {"teams": sender}, worker="test", pacing={}
            ).deliver_once()
        assert stats.sent >= 3
        assert {c.body["members"][0]["id"] for c in connector.creates() if c.body} == {
            nadia.user_id, owen.user_id, leah.user_id,
        }  # fmt: skip
        [welcome] = connector.sent(nadia.conversation)
        assert "Hello Nadia! I'm mentorbot" in welcome.texts()[0]
    # The personal chat is kept: the next message goes straight there, created once.
    chat = _identities(demo, "teams")["mentee2@example.org"].address["reference"]["conversation"]
    assert chat == {"conversationType": "personal", "id": nadia.conversation, "tenantId": TENANT}


async def test_a_long_roster_is_read_page_by_page(demo: Engine, clock: Clock) -> None:
    async with FakeBotConnector() as connector:
        crowd = [connector.add_person(f"guest{n}@example.org", f"Guest {n}") for n in range(230)]
        priya = connector.add_person("mentee@example.org", "Priya Shah")
        install = connector.team_install("19:big@thread.tacv2", crowd[0], [*crowd, priya])
        async with _server(demo, clock, _settings(connector)) as (url, http):
            assert await Teams(url, http, connector).post(install) == 200
        pages = [c.path for c in connector.calls if "pagedmembers" in c.path]
    assert len(pages) == 3  # 100, 100, 31
    assert "continuationToken=200" in pages[-1]
    assert set(_identities(demo, "teams")) == {"mentee@example.org"}


# -- who can't be reached ----------------------------------------------------------------------


async def test_the_lead_channel_hears_once_of_someone_unreached_for_three_working_days(
    demo: Engine, clock: Clock
) -> None:
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        await reach.link_slack(demo, clock, make_client(http, "xoxb-test", api.url))
    # Loaded Monday 10:00: Thursday 09:59 is not yet three working days.
    thursday = Clock.fixed("2026-11-26T09:59:00+00:00")
    assert sweep(demo, thursday, rules.specs).by_rule.get("unreachable_lead") is None
    thursday_later = Clock.fixed("2026-11-26T10:05:00+00:00")
    assert (
        sweep(demo, thursday_later, rules.specs).by_rule["unreachable_lead"] == 18
    )  # per person and cohort
    alerts = channel_inbox(demo, thursday_later)
    assert "I can't reach Nadia Kaur (mentee) yet" in alerts
    assert "I can't reach Leah Dunn (mentor) yet" in alerts
    assert "Priya" not in alerts  # she is on Slack
    again = sweep(demo, _later(thursday_later, days=8), rules.specs)
    assert again.by_rule.get("unreachable_lead") is None


async def test_a_weekend_does_not_count_as_working_days(demo: Engine) -> None:
    friday = Clock.fixed("2026-11-27T16:00:00+00:00")
    with transaction(demo) as session:
        for person in session.exec(select(Person)).all():
            person.created_at = friday.now()
            session.add(person)
    tuesday = Clock.fixed("2026-12-01T17:00:00+00:00")  # Mon, Tue: two working days
    assert sweep(demo, tuesday, rules.specs).by_rule.get("unreachable_lead") is None
    wednesday = Clock.fixed("2026-12-02T16:00:00+00:00")
    assert (
        sweep(demo, wednesday, rules.specs).by_rule["unreachable_lead"] == 23
    )  # per person and cohort


@pytest.mark.parametrize(
    "question", ["who can't you reach?", "anyone unreachable?", "who hasn't the bot reached"]
)
async def test_the_lead_asks_who_the_bot_cannot_reach(
    demo: Engine, clock: Clock, question: str
) -> None:
    async with FakeSlackApi(users=dict(ON_SLACK)) as api, aiohttp.ClientSession() as http:
        await reach.link_slack(demo, clock, make_client(http, "xoxb-test", api.url))
    answer = Chat(demo, clock, "lead@example.org").said(question)
    assert "I can't reach 12 people yet" in answer
    assert "Nadia Kaur (mentee, Demo cohort" in answer or "Nadia Kaur (mentee" in answer
    assert "Priya Shah" not in answer
    assert "Slack has no account with their scheme email (checked Mon 23 Nov)" in answer


def test_only_the_lead_and_steering_group_are_told_who_cannot_be_reached(
    demo: Engine, clock: Clock
) -> None:
    answer = Chat(demo, clock, "mentee@example.org").said("who can't you reach?")
    assert "Nadia" not in answer
    assert "shown to the project lead and the steering group" in answer
    chair = Chat(demo, clock, "chair@example.org").said("who can't you reach?")
    assert "I can't reach 15 people yet" in chair
    assert "Nadia Kaur (mentee, Demo cohort): no Slack or Teams account linked yet" in chair
    assert "Leah Dunn (mentor, steering group member, Demo cohort)" in chair


def test_people_lists_how_each_person_is_reached(demo: Engine, clock: Clock) -> None:
    with transaction(demo) as session:
        priya = session.exec(select(Person).where(Person.email == "mentee@example.org")).one()
        tom = session.exec(select(Person).where(Person.email == "mentor@example.org")).one()
        assert priya.id is not None
        assert tom.id is not None
        for person_id, platform in ((priya.id, "slack"), (tom.id, "teams")):
            session.add(
                ChannelIdentity(
                    person_id=person_id, platform=platform, tenant="T", user_id=f"u{person_id}",
                    address={}, created_at=clock.now(),
                )
            )  # fmt: skip
    out = io.StringIO()
    assert listing(demo, "demo-cohort", out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    by_name = {line.split("  ")[0].strip(): line for line in lines[:-1]}
    assert by_name["Priya Shah"].endswith("  Slack")
    assert by_name["Tom Okafor"].endswith("  Teams")
    assert by_name["Nadia Kaur"].endswith("  not yet")
    assert "mentee (demo-cohort)" in by_name["Nadia Kaur"]
    assert len({line.rindex("  ") for line in lines[:-1]}) == 1  # the last column aligned
    assert lines[-1] == "9 people: 1 on Slack, 1 on Teams, 0 by email, 7 not reached yet."
    assert listing(demo, "no-such-cohort", io.StringIO()) == 2


def test_email_counts_only_when_the_server_sends_email(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    monkeypatch.setenv("MENTORBOT_SMTP_URL", "smtp://127.0.0.1:2525")
    listing(demo, None, out)
    assert out.getvalue().splitlines()[-1].endswith("15 by email, 0 not reached yet.")
