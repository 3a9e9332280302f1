"""Who may see and act on a concern, on every surface (issue 11, items 1, 2, 4 and 5).

The whole matrix: roles (tests/concern_world.py) x actions (open, ack, snooze, contact, resolve)
x surfaces (typed in chat, a button in the person's own chat, a button on the alert in the lead
channel on Slack and on Teams); then export and reports (in chat and through the CLI), and the
escalation to the chair. Nobody in the pairing a concern is about may do anything with it,
whatever other role they hold; the lead channel never shows its text or a name; a refused press
leaves the alert and its buttons for the lead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.outbox import Deliverer
from conversations.clock import Clock
from conversations.messages import Incoming
from conversations.nudges import sweep
from storage import queries, report_queries
from storage.db import transaction
from storage.models import AuditLog, Cohort, Concern, Nudge, Scheme
from tests.concern_world import ACTORS, RAISERS, ROLES, TEXTS, add_person, build, pair
from tests.fakes.slack_api import SlackUser
from tests.test_cli import mentorbot
from tests.test_slack_harness import SlackHarness, press, shown
from tests.test_slack_journeys import slack_env  # noqa: F401  (the fixture is used by name)
from tests.transcript import Chat, channel_inbox

REFUSED = (
    "I can't find that alert, or it isn't one you can act on. "
    "Alerts are for the project lead and the steering group."
)
VERBS = ("open", "ack", "snooze", "contact", "resolve")
LABELS = {
    "open": "Open",
    "ack": "Acknowledge",
    "snooze": "Snooze 1 week",
    "contact": "Contact them",
}
NAMES = ("Priya", "Tom", "Sam", "Leah", "Reed", "Dunn", "Shah", "Okafor")


@pytest.fixture
def world(demo: Engine, clock: Clock) -> Engine:
    build(demo, clock)
    return demo


def _person_id(db: Engine, email: str) -> int:
    with transaction(db) as s:
        person = queries.person_by_email(s, email)
        assert person is not None
        assert person.id is not None
        return person.id


def _done(db: Engine, ref: str, verb: str, person_id: int) -> bool:
    """Whether ``verb`` took effect on the concern ``ref``, done by ``person_id``."""
    with transaction(db) as s:
        concern = s.get(Concern, int(ref[1:]))
        assert concern is not None
        actions = {
            a.action
            for a in s.exec(
                select(AuditLog).where(AuditLog.subject == ref, AuditLog.actor_id == person_id)
            )
        }
    return {
        "open": "concern_opened" in actions,
        "ack": concern.acknowledged_by_id == person_id and "acknowledged" in actions,
        "snooze": concern.snoozed_until is not None and "snoozed" in actions,
        "contact": "contact_details_viewed" in actions,
        "resolve": concern.resolved_by_id == person_id and concern.status == "resolved",
    }[verb]


def _untouched(db: Engine, ref: str, person_id: int) -> None:
    """Nothing happened to ``ref`` and nothing is recorded against ``person_id``."""
    with transaction(db) as s:
        concern = s.get(Concern, int(ref[1:]))
        assert concern is not None
        audits = s.exec(
            select(AuditLog).where(AuditLog.subject == ref, AuditLog.actor_id == person_id)
        ).all()
    assert audits == []
    assert concern.acknowledged_at is None
    assert concern.snoozed_until is None
    assert (concern.status, concern.resolved_at) == ("open", None)


def _check_reply(role: str, ref: str, verb: str, reply: str) -> None:
    if role not in ACTORS:
        assert reply == REFUSED
        return
    assert reply != REFUSED
    if verb == "open":
        assert TEXTS[ref] in reply
    elif verb == "contact":
        assert RAISERS[ref] in reply


# -- chat: typed, and a button in the person's own chat -------------------------------------


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("role", list(ROLES))
def test_typed_in_chat(world: Engine, clock: Clock, role: str, verb: str) -> None:
    who = ROLES[role]
    chat = Chat(world, clock, who.email)
    reply = chat.said(f"{verb} {who.ref}")
    _check_reply(role, who.ref, verb, reply)
    if role in ACTORS:
        assert _done(world, who.ref, verb, chat.person_id)
    else:
        _untouched(world, who.ref, chat.person_id)


@pytest.mark.parametrize("verb", VERBS)
@pytest.mark.parametrize("role", list(ROLES))
def test_a_button_in_their_own_chat(world: Engine, clock: Clock, role: str, verb: str) -> None:
    who = ROLES[role]
    chat = Chat(world, clock, who.email)
    pressed = Incoming(
        person_id=chat.person_id, action=f"lead:{verb}:{who.ref}", event_id=f"press-{role}-{verb}"
    )
    reply = chat.send(pressed)
    _check_reply(role, who.ref, verb, reply)
    if role in ACTORS:
        assert _done(world, who.ref, verb, chat.person_id)
    else:
        _untouched(world, who.ref, chat.person_id)


@pytest.mark.parametrize("holder", ["lead", "chair"])
def test_the_lead_or_chair_who_is_the_partner_is_its_subject(
    demo: Engine, clock: Clock, holder: str
) -> None:
    """The pairing rule wins: a lead or chair who mentors the raiser can do nothing with it,
    and the escalation goes to someone who can (the moderator, when the chair is the subject)."""
    email = ROLES[holder].email
    add_person(demo, clock, email, "", "demo-cohort", "mentor")
    add_person(demo, clock, "mentee4@example.org", "Ana Silva", "demo-cohort", "mentee")
    pair(demo, clock, "mentee4@example.org", email)
    ana = Chat(demo, clock, "mentee4@example.org")
    ana.said("I want to raise a safeguarding concern: my mentor shared a patient's scan")
    ana.said("Send it")
    subject = Chat(demo, clock, email)
    for verb in VERBS:
        assert subject.said(f"{verb} C1") == REFUSED
    assert "No open concerns." in subject.said("scheme health")
    _untouched(demo, "C1", subject.person_id)
    later = Clock.fixed("2026-11-25T10:00:00+00:00")  # two working days on
    sweep(demo, later)
    with transaction(demo) as s:
        told = {n.subject for n in s.exec(select(Nudge).where(Nudge.rule == "concern_escalation"))}
    chair, moderator = (_person_id(demo, ROLES[r].email) for r in ("chair", "moderator"))
    assert told == ({f"concern:1>{moderator}"} if holder == "chair" else {f"concern:1>{chair}"})


# -- the lead channel: the alert, and pressing its buttons ----------------------------------


def test_the_lead_channel_alert_has_no_text_and_no_names_and_opening_is_recorded(
    demo: Engine, clock: Clock
) -> None:
    build(demo, clock)
    alerts = channel_inbox(demo, clock)
    assert "URGENT: safety concern C2 in Demo cohort" in alerts
    assert "New concern C1 in Demo cohort: relationship difficulty." in alerts
    for private in (*NAMES, *TEXTS.values(), "scan", "cancelled"):
        assert private not in alerts
    lead = Chat(demo, clock, "lead@example.org")
    opened = lead.said("show C2")
    assert "*Raised by:* Sam Reed, Mon 23 Nov, 10:00" in opened
    assert "*Pairing:* Sam Reed (mentee) and Leah Dunn (mentor), active" in opened
    assert f"*What they wrote:* {TEXTS['C2']}" in opened
    lead.said("snooze C2")
    lead.said("ack C2")
    history = Chat(demo, clock, "chair@example.org").said("open C2")
    assert (
        "*History:* snoozed until Mon 30 Nov, 10:00 by Morgan Ellis, Mon 23 Nov, 10:00; "
        "acknowledged by Morgan Ellis, Mon 23 Nov, 10:00." in history
    )
    with transaction(demo) as s:
        rows = s.exec(select(AuditLog).where(AuditLog.action == "concern_opened")).all()
    assert [(r.actor_id, r.subject, r.detail) for r in rows] == [
        (lead.person_id, "C2", {"surface": "console", "where": "direct"}),
        (_person_id(demo, "chair@example.org"), "C2", {"surface": "console", "where": "direct"}),
    ]
    assert channel_inbox(demo, clock).count("scan") == 0  # nothing more reached the channel


SLACK_IDS = {role: f"U0{n:02d}" for n, role in enumerate(ROLES)}
SLACK_LEAD = SLACK_IDS["lead"]
LEAD_CHANNEL = "C0LEAD"


@pytest.fixture
async def slack(
    world: Engine,
    clock: Clock,
    slack_env: None,  # noqa: F811  (the fixture, imported by name)
) -> AsyncIterator[SlackHarness]:
    from storage import outbox_queries

    with transaction(world) as s:
        scheme = s.exec(select(Scheme)).one()
        outbox_queries.set_scheme_channel(s, scheme, {"platform": "slack", "channel": LEAD_CHANNEL})
    users = {SLACK_IDS[role]: SlackUser(who.email, name=role) for role, who in ROLES.items()}
    async with SlackHarness(world, clock, users) as harness:
        from bot.channels.slack import sender_from_env

        async with aiohttp.ClientSession() as http:
            deliverer = Deliverer(
                world, clock, {"slack": sender_from_env(http)}, worker="t", pacing={}
            )
            while (await deliverer.deliver_once()).total:
                pass
        yield harness


def _alert(slack: SlackHarness, ref: str) -> dict[str, Any]:
    [post] = [p for p in slack.posts_to(LEAD_CHANNEL) if f"concern {ref} in" in shown(p)]
    return post


@pytest.mark.parametrize("verb", list(LABELS))
@pytest.mark.parametrize("role", list(ROLES))
async def test_a_button_on_the_alert_in_the_slack_lead_channel(
    slack: SlackHarness, role: str, verb: str
) -> None:
    who = ROLES[role]
    alert = _alert(slack, who.ref)
    for private in (*NAMES, TEXTS[who.ref]):
        assert private not in str(alert)
    person_id = _person_id(slack.db, who.email)
    user = SLACK_IDS[role]
    await slack.interactive(press(alert, LABELS[verb], user=user))
    reply = shown(slack.last_post(f"D{user}"))
    _check_reply(role, who.ref, verb, reply)
    updates = slack.api.of("chat.update")
    in_channel = "\n".join(shown(p) for p in slack.posts_to(LEAD_CHANNEL))
    assert TEXTS[who.ref] not in in_channel  # Open answers in the presser's own chat
    if role in ACTORS:
        assert _done(slack.db, who.ref, verb, person_id)
        # Only acknowledging settles the alert; Open, Contact them and Snooze leave its buttons.
        assert len(updates) == (1 if verb == "ack" else 0)
        return
    _untouched(slack.db, who.ref, person_id)
    assert updates == []  # the alert and its buttons are as they were
    # ... and the lead's own press of the same button still counts.
    await slack.interactive(press(alert, LABELS[verb], user=SLACK_LEAD))
    assert _done(slack.db, who.ref, verb, _person_id(slack.db, ROLES["lead"].email))


async def test_asking_for_contact_details_leaves_the_alert_to_be_acknowledged(
    slack: SlackHarness,
) -> None:
    """Morgan presses *Contact them* (then *Snooze 1 week*) on urgent alert C2: it is not
    acknowledged, so the alert keeps its buttons for everyone in the channel; Dev's
    *Acknowledge* then settles it."""
    alert = _alert(slack, "C2")
    await slack.interactive(press(alert, "Contact them", user=SLACK_LEAD))
    assert "Contact details for C2" in shown(slack.last_post(f"D{SLACK_LEAD}"))
    await slack.interactive(press(alert, "Snooze 1 week", user=SLACK_LEAD))
    with transaction(slack.db) as s:
        concern = s.get(Concern, 2)
        assert concern is not None
        assert concern.acknowledged_at is None
    assert slack.api.of("chat.update") == []  # "Acknowledge" is still there for everyone
    dev = SLACK_IDS["other_steering_member"]
    await slack.interactive(press(alert, "Acknowledge", user=dev))
    [update] = slack.api.of("chat.update")
    assert "✓ Acknowledge" in str(update["blocks"])  # now it is answered
    assert _done(slack.db, "C2", "ack", _person_id(slack.db, ROLES["other_steering_member"].email))


# -- Teams: a press on the alert in a team channel ------------------------------------------


async def test_a_refused_press_on_a_teams_alert_leaves_the_card_for_the_lead(
    world: Engine, clock: Clock
) -> None:
    from tests.fakes.bot_connector import FakeBotConnector
    from tests.test_teams_journeys import LEAD_CHANNEL, _in_channel, _pair

    async with FakeBotConnector() as connector:
        async for teams in _pair(world, clock, connector):
            morgan = connector.add_person("lead@example.org", "Morgan Ellis")
            leah = connector.add_person("mentor3@example.org", "Leah Dunn")
            assert (
                await teams.bot.post(
                    _in_channel(connector, morgan, "use this channel for lead alerts")
                )
                == 200
            )
            await teams.deliver()
            [card] = [
                c for c in connector.sent(LEAD_CHANNEL) if any("concern C2" in t for t in c.texts())
            ]
            assert not any(n in " ".join(card.texts()) for n in NAMES)

            await _tap(
                teams.bot, connector, card, leah, "Acknowledge"
            )  # Leah is the partner C2 is about
            assert connector.updates() == []  # the card keeps its buttons
            _untouched(world, "C2", _person_id(world, "mentor3@example.org"))
            await teams.deliver()
            assert REFUSED in "\n".join(
                t for c in connector.sent(leah.conversation) for t in c.texts()
            )
            await _tap(teams.bot, connector, card, morgan, "Open")
            assert connector.updates() == []
            await teams.deliver()
            mine = "\n".join(t for c in connector.sent(morgan.conversation) for t in c.texts())
            assert TEXTS["C2"] in mine  # in Morgan's own chat ...
            channel = "\n".join(  # the channel and its threads
                t
                for c in connector.sent()
                if c.conversation.split(";")[0] == LEAD_CHANNEL
                for t in c.texts()
            )
            assert TEXTS["C2"] not in channel  # ... never in the channel
            await _tap(teams.bot, connector, card, morgan, "Acknowledge")
            assert len(connector.updates()) == 1  # now the card is answered
            assert _done(world, "C2", "ack", _person_id(world, "lead@example.org"))


async def _tap(bot: Any, connector: Any, card: Any, user: Any, label: str) -> None:
    """Press ``label`` on ``card``, a card in the team channel, as ``user``."""
    from tests.test_teams_journeys import _button, _in_channel

    activity = connector.activity(
        "card_submit", user, value=_button(card, label)["data"], replyToId=card.answered_id
    )
    in_channel = _in_channel(connector, user, "")
    activity["conversation"] = in_channel["conversation"]
    activity["channelData"] = in_channel["channelData"]
    assert await bot.post(activity) == 200


# -- export, reports and the CLI --------------------------------------------------------------


def test_an_export_holds_a_concern_only_for_its_raiser(world: Engine) -> None:
    with transaction(world) as s:
        for role, who in ROLES.items():
            person = queries.person_by_email(s, who.email)
            assert person is not None
            assert person.id is not None
            exported = str(queries.export_person(s, person.id))
            assert (TEXTS[who.ref] in exported) is (role == "raiser"), role


@pytest.mark.parametrize("role", list(ROLES))
def test_reports_count_a_concern_only_for_those_allowed(
    world: Engine, clock: Clock, role: str
) -> None:
    email = ROLES[role].email
    health = Chat(world, clock, email).said("scheme health")
    with transaction(world) as s:
        person_id = _person_id(world, email)
        demo = s.exec(select(Cohort).where(Cohort.slug == "demo-cohort")).one()
        assert demo.id is not None
        try:
            figures = report_queries.health(s, person_id, demo.id, clock.now())
        except report_queries.NotAllowed:
            figures = None
    if role in ACTORS:
        assert figures is not None
        assert "*Concerns*\n• 2 open concerns" in health
        assert "At risk: Sam Reed & Leah Dunn" in health
        assert sum(c.total for c in figures.concerns) == 2
    elif role == "partner_on_steering":
        assert figures is not None  # Leah steers the cohort, but C2 is about her
        assert "*Concerns*\n• 1 open concern" in health
        assert "Sam Reed & Leah Dunn (" not in health
        assert [p.open_concerns for p in figures.pairs if p.mentor == "Leah Dunn"] == [0]
    elif role == "steering_of_other_cohort":
        assert figures is None  # Kim steers the second cohort only
        assert "Here's the scheme health for Second cohort." in health
        assert "• No open concerns." in health
    else:
        assert figures is None
        assert "Reports on the scheme are for the project lead" in health


def test_the_cli_never_hands_a_concern_to_its_subject(world: Engine, db_url: str) -> None:
    from tests.conftest import NOW

    leah, dev = ROLES["partner_on_steering"].email, ROLES["other_steering_member"].email
    said = mentorbot("chat", "--user", leah, "--now", NOW, stdin="ack C2\nopen C2\n", db=db_url)
    assert said.returncode == 0, said.stderr
    assert said.stdout.count(REFUSED) == 2
    assert TEXTS["C2"] not in said.stdout
    exported = mentorbot("export", "--user", leah, db=db_url)
    assert TEXTS["C2"] not in exported.stdout
    report = mentorbot("report", "--as", leah, "--now", NOW, db=db_url)
    assert report.returncode == 0, report.stderr
    assert "1 open concern" in report.stdout
    assert "| Sam Reed | Leah Dunn | active |" in report.stdout
    report = mentorbot("report", "--as", dev, "--now", NOW, db=db_url)
    assert "2 open concerns" in report.stdout
    lead_channel = mentorbot("inbox", "--channel", "lead", db=db_url)
    for private in (*NAMES, *TEXTS.values()):
        assert private not in lead_channel.stdout
    acked = mentorbot("chat", "--user", dev, "--now", NOW, stdin="ack C2\n", db=db_url)
    assert "Acknowledged C2." in acked.stdout


# -- the escalation to the chair ------------------------------------------------------------


def test_an_acknowledgement_by_the_partner_does_not_stop_the_escalation(
    world: Engine, clock: Clock
) -> None:
    Chat(world, clock, ROLES["partner_on_steering"].email).said("ack C2")
    Chat(world, clock, ROLES["lead"].email).said("ack C1")
    with transaction(world) as s:  # as left by a version that let her acknowledge it
        concern = s.get(Concern, 2)
        assert concern is not None
        concern.acknowledged_at = clock.now()
        concern.acknowledged_by_id = _person_id(world, ROLES["partner_on_steering"].email)
        s.add(concern)
    later = Clock.fixed("2026-11-25T10:00:00+00:00")
    sweep(world, later)
    chair = Chat(world, later, ROLES["chair"].email).inbox()
    assert "A concern (C2) raised on Mon 23 Nov, 10:00 (safety) hasn't been acknowledged" in chair
    assert "C1" not in chair  # the lead acknowledged that one
    assert "scan" not in chair


def test_a_concern_out_of_reach_looks_like_one_that_does_not_exist(
    world: Engine, clock: Clock
) -> None:
    kim = Chat(world, clock, ROLES["steering_of_other_cohort"].email)
    assert kim.said("open C99") == kim.said("open C2") == REFUSED


# -- item 4: a steering member acts only on their own cohort's alerts and failed messages ----


def _second_cohort_pair(db: Engine, clock: Clock) -> None:
    """Two people of the second cohort, and their dead letters beside one of the demo's."""
    from storage.models import Outbox, OutboxStatus

    for email, name in (("mentee5@example.org", "Eve Marsh"), ("mentor5@example.org", "Ian Cole")):
        add_person(db, clock, email, name, "second", "mentee" if "mentee" in email else "mentor")
    with transaction(db) as s:
        scheme = s.exec(select(Scheme)).one()
        for email in ("mentee5@example.org", "mentee@example.org"):
            person = queries.person_by_email(s, email)
            assert person is not None
            s.add(
                Outbox(
                    recipient_id=person.id,
                    scheme_id=scheme.id,
                    kind="nudge",
                    parts=[{"type": "text", "text": "Reminder", "private": False}],
                    preview=f"Reminder for {person.display_name}",
                    status=OutboxStatus.DEAD.value,
                    attempts=8,
                    last_error="channel_not_found",
                    next_attempt_at=clock.now(),
                    created_at=clock.now(),
                )
            )
        s.add(
            Outbox(
                channel="lead",
                scheme_id=scheme.id,
                kind="concern",
                parts=[{"type": "text", "text": "New concern C9", "private": False}],
                preview="New concern C9 in Demo cohort",
                status=OutboxStatus.DEAD.value,
                attempts=8,
                last_error="not_in_channel",
                next_attempt_at=clock.now(),
                created_at=clock.now(),
            )
        )


def test_failed_messages_are_shown_per_cohort(world: Engine, clock: Clock) -> None:
    _second_cohort_pair(world, clock)
    kim = Chat(world, clock, ROLES["steering_of_other_cohort"].email).said("failed messages")
    assert "to Eve Marsh (nudge)" in kim
    assert "Priya" not in kim
    assert "#lead" not in kim  # the scheme's channel is the lead's and chair's to fix
    dev = Chat(world, clock, ROLES["other_steering_member"].email).said("failed messages")
    assert "to Priya Shah (nudge)" in dev
    assert "Eve" not in dev
    for role in ("lead", "chair"):  # they reach the whole scheme
        both = Chat(world, clock, ROLES[role].email).said("failed messages")
        assert "to Priya Shah (nudge)" in both
        assert "to Eve Marsh (nudge)" in both
        assert "to #lead (concern)" in both


def test_failed_messages_do_not_tell_the_partner_a_concern_was_raised_about_her(
    world: Engine, clock: Clock
) -> None:
    """Sam's reply to his urgent concern about Leah (C2) could not be delivered. The lead and
    the steering group see that a message to Sam failed, never what it said; Leah, on the
    steering group and the concern's subject, does not see it at all."""
    from storage.models import Outbox

    with transaction(world) as s:  # as left by a delivery that failed for good
        rows = s.exec(select(Outbox).where(col(Outbox.preview).like("Sent to the project%")))
        for row in rows:
            row.status = "dead"
            row.last_error = "channel_not_found"
            s.add(row)
    for role in ("lead", "other_steering_member"):
        seen = Chat(world, clock, ROLES[role].email).said("failed messages")
        assert "to Sam Reed (reply), tried 1x. Last error: channel_not_found" in seen
        assert "marked urgent" not in seen
    shown = Chat(world, clock, ROLES["partner_on_steering"].email).said("failed messages")
    assert "Leah won't be told" not in shown
    assert "marked urgent" not in shown
    assert "Sam" not in shown


def test_a_reminder_alert_is_for_those_who_steer_its_cohort(world: Engine, clock: Clock) -> None:
    sweep(world, Clock.fixed("2026-12-07T16:00:00+00:00"))  # demo contracts unsigned
    with transaction(world) as s:
        nudge = s.exec(select(Nudge).where(Nudge.rule == "contract_unsigned_lead")).one()
    ref = f"N{nudge.id}"
    kim = Chat(world, clock, ROLES["steering_of_other_cohort"].email)
    for verb in ("ack", "contact", "snooze"):
        assert kim.said(f"{verb} {ref}") == REFUSED
    with transaction(world) as s:
        assert s.exec(select(AuditLog).where(AuditLog.subject == ref)).all() == []
    assert "Priya Shah" in Chat(world, clock, ROLES["other_steering_member"].email).said(
        f"contact {ref}"
    )
    assert f"Acknowledged {ref}." in Chat(world, clock, ROLES["chair"].email).said(f"ack {ref}")


def test_a_report_posted_to_the_lead_channel_ties_no_concern_to_a_pair(
    world: Engine, clock: Clock
) -> None:
    channel_inbox(world, clock)  # the alerts
    lead = Chat(world, clock, ROLES["lead"].email)
    mine = lead.said("scheme health, post it to the lead channel")
    assert "At risk: Sam Reed & Leah Dunn (open concern)." in mine  # the lead's own copy
    posted = channel_inbox(world, clock)
    assert "• 2 open concerns" in posted  # counted by category, as before
    assert "open concern)" not in posted
    assert "At risk: Sam Reed" not in posted


def test_an_acknowledgement_by_the_subject_is_not_the_one_that_counts(
    world: Engine, clock: Clock
) -> None:
    leah = _person_id(world, ROLES["partner_on_steering"].email)
    with transaction(world) as s:  # as left by a version that let her acknowledge it
        s.add(AuditLog(at=clock.now(), actor_id=leah, action="acknowledged", subject="C2"))
    reply = Chat(world, clock, ROLES["lead"].email).said("ack C2")
    assert reply.startswith("Acknowledged C2.")
    assert _done(world, "C2", "ack", _person_id(world, ROLES["lead"].email))


async def test_open_asked_in_the_slack_lead_channel_answers_in_a_direct_message(
    slack: SlackHarness,
) -> None:
    from tests.test_slack_harness import mention

    asked = mention("open C2", user=SLACK_LEAD)
    asked["event"]["channel"] = LEAD_CHANNEL
    await slack.event(asked)
    assert TEXTS["C2"] in shown(slack.last_post(f"D{SLACK_LEAD}"))
    channel = "\n".join(str(p) for p in slack.posts_to(LEAD_CHANNEL))
    assert TEXTS["C2"] not in channel
    assert "I've sent that to you privately" in shown(slack.last_post(LEAD_CHANNEL))
    leah = SLACK_IDS["partner_on_steering"]
    asked = mention("open C2", user=leah)
    asked["event"]["channel"] = LEAD_CHANNEL
    await slack.event(asked)
    assert shown(slack.last_post(f"D{leah}")) == REFUSED


@pytest.mark.parametrize("role", list(ROLES))
def test_app_home_shows_nothing_of_a_concern(world: Engine, clock: Clock, role: str) -> None:
    from bot.channels.slack.home import home_view

    view = str(home_view(world, clock, _person_id(world, ROLES[role].email)))
    for private in TEXTS.values():
        assert private not in view
    assert "C2" not in view
