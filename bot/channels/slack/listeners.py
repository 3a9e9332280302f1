"""The Slack listeners: ``register(bolt_app, deps)`` wires them; no module-level state.

Every delivery is stored in the inbox before it is acknowledged (``inbox.py``: the global
middleware, in the inbox's own threads). Every listener then acks first (Slack wants an answer
within 3 s) and does the work: identity, the engine turn (synchronous storage, so in a worker
thread), the replies, ``mark_delivered``. Nothing here touches the database on the event loop.

De-duplication is durable. :func:`event_key` names each delivery: ``ev:<event_id>`` for the
Events API, ``press:<channel>:<message ts>:<block id>:<user>`` for a button on a message (one
answer per question and person, so a double click counts once; the buttons are then replaced by
the choice, unless the turn keeps the question: a refused press on a lead-channel alert, *Open*),
``act:<user>:<action_ts>`` for a button in the App Home, ``view:<id>:<hash>`` for a modal
submission, ``cmd:``/``sc:`` plus the trigger id for a slash command or shortcut. The key is
unique in the inbox: the global middleware answers a delivery whose key is already there with
``BoltResponse(status=200)`` (a plain ``return`` would make bolt answer 404, and Slack would
retry again). It also goes into the engine's ``processed_event`` row in the turn's own
transaction, so a turn replayed from the inbox after it had committed changes nothing. A direct
message's turn is keyed by the message instead (:func:`message_key`), so the message and an
edit of it start one turn between them (``on_edit``); its inbox row is closed after the turn.

Direct messages: a reply in a DM thread is answered in that thread (``Incoming.thread``, kept
in the reply's outbox row); a file attached is never fetched, and the reply says so at its top
(``Incoming.notes``); deletions, joins and other subtypes are not something said to us.

Identity: Slack (team, user) -> our person through ``channel_identity``; an unknown user is
looked up with ``users.info``, matched by email, linked (with the DM channel as address) and
given the Slack time zone when the person still has the default one. A Slack user who is in
no scheme is told how to join.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine as Database

from bot.channels.slack import blocks as bk
from bot.channels.slack.home import home_view
from bot.channels.slack.inbox import HAND_OFF, KEY, REPLAY, SlackInbox, inboxed
from bot.channels.slack.sender import PLATFORM, FilesNotShared, dm_channel, post_parts
from bot.settings import chat_platforms
from conversations.clock import Clock
from conversations.cut_off import platform_cut_off, platform_restored
from conversations.engine import Delivered
from conversations.engine import Engine as DialogEngine
from conversations.messages import Form, Incoming, Part, Place, Text, Where, preview
from conversations.shared_places import answer_in_shared_place
from storage import queries
from storage.db import transaction

T = TypeVar("T")
log = logging.getLogger(__name__)

COMMAND = "/mentoring"
SHORTCUT = "mentorbot_menu"

# A direct message sent with a file attached (a screenshot, say): its text is read as any
# other message, and the reply says, once, at its top, that the file itself was not.
FILE_SHARE = "file_share"
FILES_NOT_READ = (
    "I can't open files, so I've only read what you typed. If the file matters, please "
    "describe what's in it (and leave out anything that identifies a patient)."
)
FILE_ONLY = (
    "I can't open files, so I don't know what you sent. Please type what you'd like to say "
    "(and leave out anything that identifies a patient)."
)
# A reply in a thread also sent to the chat ("Also send to direct message"): read as any.
BROADCAST = "thread_broadcast"
# A direct message edited after the bot had read it: the edit is not acted on (the turn it
# started has happened), and the person is told so, once per message.
EDITED = "message_changed"
EDIT_NOT_READ = (
    "I'd already read that message before you edited it, so I haven't acted on the change. "
    "If something's different, just tell me again."
)


async def file_alone(deps: Deps, body: dict[str, Any], event: dict[str, Any]) -> None:
    """A file sent with no words: no turn, and a kind word, once per message. (Its key is not
    the message's own, so adding words to it by an edit is read as a new message.)"""
    channel = str(event.get("channel", ""))
    key = message_key(channel, str(event.get("ts", ""))) or event_key(body)
    if key is not None and not await deps.run(claim, deps.db, f"files:{key}", deps.clock):
        return  # a redelivery: already told
    dm = channel or await dm_channel(deps.client, str(event.get("user", "")))
    await post_parts(deps.client, dm, [Text(FILE_ONLY)], FILE_ONLY, thread_ts=_thread_of(event))


def _thread_of(message: dict[str, Any]) -> str | None:
    """The thread a message was written in; None for a message at the top of the chat (a
    thread's first message has its own ts as ``thread_ts``)."""
    thread = str(message.get("thread_ts") or "")
    return thread if thread and thread != message.get("ts") else None


def same_words(edited: str, before: str) -> bool:
    """Whether an edit left the words as they were (only case, spacing or punctuation moved)."""
    return re.findall(r"\w+", edited.casefold()) == re.findall(r"\w+", before.casefold())


JOIN_TEXT = (
    "Hello! I'm mentorbot, the assistant of your organisation's mentoring scheme. "
    "I can't find you in a scheme yet, so there's nothing I can do for you here just now.\n"
    "To join, ask the scheme's project lead to add you with the email address of your Slack "
    "profile (or apply when applications open). Once you're added, just say hello to me here."
)


@dataclass
class Deps:
    """What the listeners need, passed in explicitly."""

    db: Database
    clock: Clock
    engine: DialogEngine
    client: AsyncWebClient
    inbox: SlackInbox
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)
    # The App Home last published to each Slack user, so an unchanged one is not re-sent.
    homes: dict[str, str] = field(default_factory=dict)
    # Dialog turns run here, two at a time: the ack path never queues behind them, and the
    # database and the interpreter are not crowded by more turns than they can serve.
    turns: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-turn")
    )

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """``function(*args)`` on the turn threads (storage is synchronous)."""
        return await asyncio.get_running_loop().run_in_executor(self.turns, function, *args)

    def track(self) -> None:
        """Remember the running listener so shutdown (and tests) can wait for it."""
        task = asyncio.current_task()
        if task is not None:
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def idle(self, limit: float = 10.0) -> None:
        """Until every listener that has started has finished."""
        current = asyncio.current_task()
        pending = [t for t in self.tasks if t is not current and not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=limit)


@dataclass(frozen=True)
class Who:
    person_id: int
    dm: str


# -- de-duplication -------------------------------------------------------------------------


def event_key(body: dict[str, Any]) -> str | None:
    """The durable de-duplication key of one delivery (see the module docstring)."""
    kind = body.get("type")
    if kind == "event_callback" and body.get("event_id"):
        return f"ev:{body['event_id']}"
    if kind == "block_actions" and body.get("actions"):
        action = body["actions"][0]
        container = body.get("container") or {}
        user = (body.get("user") or {}).get("id", "")
        if container.get("type") == "message" and container.get("message_ts"):
            # Per person: a press by someone not allowed to act never uses up the lead's.
            return (
                f"press:{container.get('channel_id', '')}:{container['message_ts']}:"
                f"{action.get('block_id', '')}:{user}"
            )
        return f"act:{user}:{action.get('action_ts', '')}"
    if kind == "view_submission":
        view = body.get("view") or {}
        return f"view:{view.get('id', '')}:{view.get('hash', '')}"
    if kind in ("shortcut", "message_action") and body.get("trigger_id"):
        return f"sc:{body['trigger_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"cmd:{body['trigger_id']}"
    return None


async def keep(inbox: SlackInbox, key: str, body: dict[str, Any]) -> BoltResponse | None:
    """Store the delivery ``key`` in the inbox; None when it may go on, else the answer that
    ends it: 200 for a redelivery (already stored), 503 when it cannot be stored (Slack sends
    it again)."""
    try:
        fresh = await inbox.store(key, body)
    except Exception:
        log.exception("could not store Slack delivery %s; Slack will send it again", key)
        return BoltResponse(status=503, body="")
    return None if fresh else BoltResponse(status=200, body="")


def message_key(channel: str, ts: str) -> str | None:
    """The turn key of one direct message, whichever delivery brings it (the message, Slack's
    retry of it, or its edit when the message itself never reached us): ``msg:<channel>:<ts>``.
    So a message starts one turn at most, however it arrives."""
    return f"msg:{channel}:{ts}" if channel and ts else None


def read_already(db: Database, key: str) -> bool:
    """Whether ``key`` was processed (a read: the turn that would record it decides)."""
    with transaction(db) as session:
        return queries.event_recorded(session, PLATFORM, key)


def claim(db: Database, key: str, clock: Clock) -> bool:
    """Record ``key`` as processed; False when it already was (for work outside the engine)."""
    with transaction(db) as session:
        return queries.record_event(session, PLATFORM, key, clock.now())


def cut_off(db: Database, clock: Clock, team: str, why: str) -> int:
    """Slack cut us off (``why``: the event): record it once and tell the leads."""
    others = [p for p in chat_platforms() if p != PLATFORM]
    with transaction(db) as session:
        return platform_cut_off(session, PLATFORM, team, why, clock.now(), others)


def back_again(db: Database, clock: Clock, team: str) -> bool:
    """Our token works (``auth.test`` at start-up): Slack is no longer cut off, if it was."""
    with transaction(db) as session:
        return platform_restored(session, PLATFORM, team, clock.now())


# -- identity -------------------------------------------------------------------------------


def _known(db: Database, team: str, user: str) -> Who | None:
    with transaction(db) as session:
        identity = queries.identity_of(session, PLATFORM, team, user)
        if identity is None:
            return None
        return Who(identity.person_id, str(identity.address.get("channel", "")))


def _link(
    db: Database, clock: Clock, team: str, user: str, email: str, tz: str, dm: str
) -> Who | None:
    """Link the Slack user to the person with ``email``; None when there is no such person.
    The Slack profile's time zone is taken while the person still has the default."""
    with transaction(db) as session:
        person_id = queries.link_identity(
            session,
            platform=PLATFORM,
            tenant=team,
            user_id=user,
            email=email,
            address={"team": team, "user": user, "channel": dm},
            now=clock.now(),
        )
        if person_id is None:
            return None
        queries.set_time_zone(session, person_id, tz, only_if_default=True)
        return Who(person_id, dm)


async def resolve(deps: Deps, team: str, user: str, dm_hint: str = "") -> Who | None:
    """Our person for a Slack user, linking them by email the first time."""
    who = await deps.run(_known, deps.db, team, user)
    if who is not None:
        if not who.dm:
            who = Who(who.person_id, dm_hint or await dm_channel(deps.client, user))
        return who
    info = await deps.client.users_info(user=user)
    profile_user = info.get("user") or {}
    if profile_user.get("is_bot") or profile_user.get("deleted"):
        return None
    email = str((profile_user.get("profile") or {}).get("email") or "")
    if not email:
        return None
    dm = dm_hint or await dm_channel(deps.client, user)
    tz = str(profile_user.get("tz") or "")
    return await deps.run(_link, deps.db, deps.clock, team, user, email, tz, dm)


# -- one turn -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Said:
    """One thing a Slack user did, in neutral terms, with where to answer. ``key`` is the
    delivery's (its inbox row); ``turn_key``, when set, de-duplicates the turn instead (a
    direct message's :func:`message_key`). ``thread_ts``: the thread to answer in (of the
    mention's channel, or of the DM ``dm_hint``)."""

    team: str
    user: str
    key: str | None
    turn_key: str | None = None
    text: str = ""
    action: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    where: Where = Where.DIRECT
    dm_hint: str = ""
    channel: str = ""  # the public channel of a mention
    thread_ts: str | None = None
    trigger_id: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def turn(self) -> str | None:
        return self.turn_key or self.key


async def run_turn(deps: Deps, said: Said) -> Delivered | None:
    """Resolve the person, run the engine turn, show the replies; None for a stranger."""
    who = await resolve(deps, said.team, said.user, said.dm_hint)
    # The turn closes its inbox row in its own transaction when they share the key; else the
    # listener's wrapper closes it afterwards (``inbox.inboxed``).
    closes = said.turn == said.key
    if who is None:
        fresh = said.turn is None or await deps.run(claim, deps.db, said.turn, deps.clock)
        if closes:
            deps.inbox.closed(said.key)
        if fresh:
            dm = said.dm_hint or await dm_channel(deps.client, said.user)
            await post_parts(deps.client, dm, [Text(JOIN_TEXT)], JOIN_TEXT)
        return None
    shared = said.where is Where.CHANNEL and bool(said.channel)
    # A thread of the DM they wrote in (never of another channel the DM id does not name).
    thread = said.thread_ts if not shared and said.dm_hint == who.dm else None
    msg = Incoming(
        person_id=who.person_id,
        text=said.text,
        where=said.where,
        action=said.action,
        values=dict(said.values),
        platform=PLATFORM,
        event_id=said.turn,
        place=await _place(deps, said.team, said.channel) if shared else None,
        thread=thread,
        notes=said.notes,
    )
    delivered = await deps.run(deps.engine.handle, msg)
    if closes:
        deps.inbox.closed(said.key)
    if delivered.duplicate:
        return delivered
    parts = list(delivered.parts)
    if said.trigger_id:
        parts = await _open_first_form(deps, parts, said.trigger_id, who.dm)
    outbox_id = delivered.outbox_ids[0] if delivered.outbox_ids else None
    try:
        if shared:
            # Nothing about the person is shown in a channel (conversations/shared_places.py).
            answer = answer_in_shared_place(replace(delivered, parts=parts), bool(who.dm))
            if answer.in_private:
                private = answer.in_private
                await post_parts(
                    deps.client, who.dm, private, preview(private), outbox_id=outbox_id
                )
            if answer.in_place:
                here = answer.in_place
                await post_parts(
                    deps.client, said.channel, here, preview(here), thread_ts=said.thread_ts
                )
            if not answer.in_private and not delivered.shareable:
                return delivered  # not shown anywhere: the deliverer keeps trying
        elif parts:
            await post_parts(
                deps.client, who.dm, parts, preview(parts), thread_ts=thread, outbox_id=outbox_id
            )
    except FilesNotShared:
        # The text is there (with a note that a file is missing): sending it again from the
        # outbox would repeat it, so it counts as delivered.
        log.exception("posted the reply to Slack user %s without its files", said.user)
    except Exception:
        # The reply stays pending in the outbox: the deliverer sends it after its grace.
        log.exception("could not post the reply to Slack user %s", said.user)
        return delivered
    await deps.run(deps.engine.mark_delivered, delivered.outbox_ids)
    await refresh_homes(deps, who.person_id)
    return delivered


async def _place(deps: Deps, team: str, channel: str) -> Place:
    """The channel a mention was said in: its address, and its name when Slack gives it."""
    label = f"the Slack channel {channel}"
    try:
        info = await deps.client.conversations_info(channel=channel)
        name = (info.get("channel") or {}).get("name")
        if name:
            label = f"#{name}"
    except Exception:
        log.info("conversations.info failed for %s; naming it by its id", channel)
    return Place({"platform": PLATFORM, "team": team, "channel": channel}, label)


async def refresh_homes(deps: Deps, person_id: int) -> None:
    """After a turn, republish App Home for the speaker and their partner (when they are on
    Slack) if what it shows (partner, next meeting, open actions, due surveys) changed."""
    members = await deps.run(_pair_members, deps.db, person_id)
    for member_id, slack_user in members.items():
        view = await deps.run(home_view, deps.db, deps.clock, member_id)
        fingerprint = json.dumps(view, sort_keys=True)
        if deps.homes.get(slack_user) == fingerprint:
            continue
        try:
            await deps.client.views_publish(user_id=slack_user, view=view)
        except Exception:
            log.warning("could not republish App Home for Slack user %s", slack_user)
            continue
        deps.homes[slack_user] = fingerprint


def _pair_members(db: Database, person_id: int) -> dict[int, str]:
    with transaction(db) as session:
        return queries.pair_members_on(session, person_id, PLATFORM)


async def _open_first_form(deps: Deps, parts: list[Part], trigger_id: str, dm: str) -> list[Part]:
    """Show the first form as a modal (the trigger id lives 3 s); the form part then leaves
    the message. If the modal cannot open, the form stays as a "Fill in" button."""
    for n, part in enumerate(parts):
        if isinstance(part, Form):
            try:
                await deps.client.views_open(trigger_id=trigger_id, view=bk.modal(part, dm))
            except Exception:
                log.warning("views.open failed; sending the form as a button", exc_info=True)
                return parts
            return parts[:n] + parts[n + 1 :]
    return parts


async def publish_home(deps: Deps, user: str, who: Who) -> None:
    view = await deps.run(home_view, deps.db, deps.clock, who.person_id)
    await deps.client.views_publish(user_id=user, view=view)
    deps.homes[user] = json.dumps(view, sort_keys=True)


# -- registration ---------------------------------------------------------------------------

Listener = Callable[..., Awaitable[None]]


def _team(body: dict[str, Any]) -> str:
    team = body.get("team_id") or body.get("team") or ""
    if isinstance(team, dict):
        team = team.get("id", "")
    return str(team)


def register(app: AsyncApp, deps: Deps) -> Wiring:
    """Every middleware and listener of the Slack channel (see manifest/slack.yaml)."""

    async def store_first(
        body: dict[str, Any], context: Any, next: Callable[[], Awaitable[BoltResponse]]
    ) -> Any:
        """Into the inbox before any listener (so before any ack); a redelivery stops here.
        When the inbox hands off, the listener only acks: the turn worker does the work."""
        key = event_key(body)
        hand_off = deps.inbox.hand_off and not context.get(REPLAY)
        if key is None:
            if hand_off:
                log.warning("Slack delivery with no key (%s): acknowledged only", body.get("type"))
                context[HAND_OFF] = True
            return await next()
        if not context.get(REPLAY):
            stopped = await keep(deps.inbox, key, body)
            if stopped is not None:
                return stopped
        context[KEY] = key
        if hand_off:
            context[HAND_OFF] = True
        return await next()

    app.middleware(store_first)

    async def on_message(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        deps.track()
        subtype = event.get("subtype")
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if subtype == EDITED:
            await on_edit(body, event)
            return
        if subtype not in (None, FILE_SHARE, BROADCAST):
            return  # deletions, joins, bot messages: not something the person said to us
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        text = bk.plain_text(str(event.get("text", "")))
        with_files = subtype == FILE_SHARE or bool(event.get("files"))
        if with_files and not text.strip():
            await file_alone(deps, body, event)
            return
        said = Said(
            team=_team(body),
            user=str(event.get("user", "")),
            key=event_key(body),
            turn_key=message_key(channel, ts),
            text=text,
            dm_hint=channel,
            thread_ts=_thread_of(event),
            notes=(FILES_NOT_READ,) if with_files else (),
        )
        await run_turn(deps, said)

    async def on_edit(body: dict[str, Any], event: dict[str, Any]) -> None:
        """A direct message edited: a message the bot has read already is not read again (the
        person is told, once per message, unless the edit only touched case, spacing or
        punctuation); one it never got (lost, or refused) is read now, as if just sent."""
        after = event.get("message") or {}
        before = event.get("previous_message") or {}
        if not after.get("edited") or after.get("bot_id") or after.get("subtype"):
            return  # not the person editing their words (our own message updated, an unfurl)
        text = bk.plain_text(str(after.get("text", "")))
        channel = str(event.get("channel", ""))
        key = message_key(channel, str(after.get("ts", "")))
        if key is None or not text.strip():
            return
        if await deps.run(read_already, deps.db, key):
            trivial = same_words(text, bk.plain_text(str(before.get("text", ""))))
            if not trivial and await deps.run(claim, deps.db, f"edited:{key}", deps.clock):
                note: list[Part] = [Text(EDIT_NOT_READ)]
                await post_parts(
                    deps.client, channel, note, EDIT_NOT_READ, thread_ts=_thread_of(after)
                )
            return
        said = Said(
            team=_team(body),
            user=str(after.get("user", "")),
            key=event_key(body),
            turn_key=key,
            text=text,
            dm_hint=channel,
            thread_ts=_thread_of(after),
            notes=(FILES_NOT_READ,) if after.get("files") else (),
        )
        await run_turn(deps, said)

    async def on_mention(
        ack: Any, body: dict[str, Any], event: dict[str, Any], context: Any
    ) -> None:
        await ack()
        deps.track()
        said = Said(
            team=_team(body),
            user=str(event.get("user", "")),
            key=event_key(body),
            text=bk.plain_text(str(event.get("text", "")), context.get("bot_user_id")),
            where=Where.CHANNEL,
            channel=str(event.get("channel", "")),
            thread_ts=str(event.get("thread_ts") or event.get("ts") or "") or None,
        )
        await run_turn(deps, said)

    async def on_home_opened(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        await ack()
        deps.track()
        if event.get("tab") != "home":
            return
        user = str(event.get("user", ""))
        who = await resolve(deps, _team(body), user, str(event.get("channel", "")))
        if who is None:
            await deps.client.views_publish(user_id=user, view=_stranger_home())
            return
        await publish_home(deps, user, who)

    async def on_command(ack: Any, body: dict[str, Any], command: dict[str, Any]) -> None:
        await _ack_command(ack, command)
        deps.track()
        said = Said(
            team=_team(body),
            user=str(command.get("user_id", "")),
            key=event_key(body),
            text=str(command.get("text", "")).strip() or "menu",
            trigger_id=command.get("trigger_id"),
        )
        await run_turn(deps, said)

    async def on_shortcut(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        deps.track()
        said = Said(
            team=_team(body),
            user=str((body.get("user") or {}).get("id", "")),
            key=event_key(body),
            text="menu",
            trigger_id=body.get("trigger_id"),
        )
        await run_turn(deps, said)

    async def on_action(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        deps.track()
        our_action = bk.action_of(str(action.get("action_id", "")))
        user = str((body.get("user") or {}).get("id", ""))
        if our_action == bk.OPEN_FORM_ACTION:
            who = await resolve(deps, _team(body), user)
            if who is not None:
                form = bk.form_from_button(str(action.get("value", "")))
                await deps.client.views_open(
                    trigger_id=body["trigger_id"], view=bk.modal(form, who.dm)
                )
            return
        label = str((action.get("text") or {}).get("text", ""))
        value = action.get("value")
        if action.get("type") == "static_select":  # a pick from a long list's drop-down
            pick = bk.picked(action)
            if pick is None:
                return
            our_action, value, label = pick
        container = body.get("container") or {}
        message = body.get("message") or {}
        # A press on a question in a DM thread is answered in that thread.
        dm = str(container.get("channel_id", "")) if container.get("type") == "message" else ""
        dm = dm if dm.startswith("D") else ""
        said = Said(
            team=_team(body),
            user=user,
            key=event_key(body),
            text=label,
            action=our_action,
            values={"value": value} if value else {},
            dm_hint=dm,
            thread_ts=_thread_of(message) if dm else None,
            trigger_id=body.get("trigger_id"),
        )
        delivered = await run_turn(deps, said)
        if delivered is None or delivered.duplicate:
            return
        if container.get("type") == "message" and message.get("blocks"):
            if delivered.keep_question:
                return  # refused, or not settling it (Open, Contact them, Snooze): buttons stay
            await deps.client.chat_update(
                channel=str(container.get("channel_id", "")),
                ts=str(container.get("message_ts", "")),
                text=message.get("text") or label,
                blocks=bk.answered(message["blocks"], str(action.get("block_id", "")), label),
            )
        elif container.get("type") == "view":
            who = await resolve(deps, _team(body), user)
            if who is not None:
                await publish_home(deps, user, who)

    async def on_form(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        if not await _ack_form(ack, view):
            return
        deps.track()
        submit, channel, values = bk.form_values(view)
        said = Said(
            team=_team(body),
            user=str((body.get("user") or {}).get("id", "")),
            key=event_key(body),
            action=submit,
            values=values,
            dm_hint=channel,
        )
        await run_turn(deps, said)

    async def on_cut_off(ack: Any, body: dict[str, Any], event: dict[str, Any]) -> None:
        """``app_uninstalled``, or ``tokens_revoked`` naming our bot: stop sending on Slack and
        tell the leads another way (``conversations.cut_off``). bolt passes both events on
        without calling ``auth.test`` (the token may already be dead)."""
        await ack()
        deps.track()
        kind = str(event.get("type", ""))
        if kind == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            log.info("Slack: user tokens revoked; the bot token is not among them")
            return
        await deps.run(cut_off, deps.db, deps.clock, _team(body), kind)

    def listen(listener: Listener) -> Listener:
        return inboxed(listener, deps.inbox)

    wiring = Wiring()
    wiring.event(app, "message", listen(on_message))
    wiring.event(app, "app_mention", listen(on_mention))
    wiring.event(app, "app_home_opened", listen(on_home_opened))
    wiring.event(app, "app_uninstalled", listen(on_cut_off))
    wiring.event(app, "tokens_revoked", listen(on_cut_off))
    wiring.commands.append(COMMAND)
    app.command(COMMAND)(
        inboxed(on_command, deps.inbox, lambda args: _ack_command(args.ack, args.command or {}))
    )
    wiring.shortcuts.append(SHORTCUT)
    app.shortcut(SHORTCUT)(listen(on_shortcut))
    app.action(re.compile(".*"))(listen(on_action))  # every button: the action id routes it
    app.view(bk.FORM_CALLBACK)(
        inboxed(on_form, deps.inbox, lambda args: _ack_form(args.ack, args.view or {}))
    )
    return wiring


# -- what an ack answers at once (also all a handed-off delivery gets from the server) -------


async def _ack_command(ack: Any, command: dict[str, Any]) -> None:
    in_dm = str(command.get("channel_id", "")).startswith("D")
    await ack() if in_dm else await ack(text="I'll answer you in our direct messages.")


async def _ack_form(ack: Any, view: dict[str, Any]) -> bool:
    """Refuse a form with a blank-looking answer (the modal stays open with the errors);
    False when it was refused."""
    _submit, _channel, values = bk.form_values(view)
    errors = {
        name: "Please write something here."
        for name, value in values.items()
        if value and not value.strip()
    }
    if errors:
        await ack(response_action="errors", errors=errors)
        return False
    await ack()
    return True


@dataclass
class Wiring:
    """What :func:`register` subscribed, for the manifest test."""

    events: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    shortcuts: list[str] = field(default_factory=list)

    def event(self, app: AsyncApp, name: str, listener: Listener) -> None:
        self.events.append(name)
        app.event(name)(listener)


def _stranger_home() -> dict[str, Any]:
    return {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": bk.escape(JOIN_TEXT)}}],
    }
