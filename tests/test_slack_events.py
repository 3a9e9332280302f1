"""The Slack message events people send besides plain text, as Slack sends them, signed, through
the real server and bolt app with the Web API faked: a file attached, an edited message, a reply
in a DM thread, a deleted message. Fixed clock: Mon 23 Nov 2026, 10:00 London."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from bot.outbox import Deliverer
from conversations.clock import Clock
from storage.db import transaction
from storage.models import DialogState, DiaryEntry, Inbox, Outbox
from tests.fakes.slack_api import BOT_USER, TEAM
from tests.test_slack_harness import MENTEE, SlackHarness, configure, message, press, shown

FILES_NOT_READ = "I can't open files, so I've only read what you typed."
EDIT_NOT_READ = "I'd already read that message before you edited it"
_edits = iter(range(1, 10**6))


@pytest.fixture
async def slack(
    demo: Engine, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[SlackHarness]:
    configure(monkeypatch)
    async with SlackHarness(demo, clock) as harness:
        yield harness


def _with_file(text: str, thread_ts: str | None = None) -> dict[str, Any]:
    """A direct message with a screenshot attached (subtype file_share, ``files``)."""
    body = message(text)
    body["event"]["subtype"] = "file_share"
    body["event"]["files"] = [
        {
            "id": "F0SCREEN",
            "name": "screenshot.png",
            "mimetype": "image/png",
            "url_private": "https://files.slack.com/files-pri/T0TEST-F0SCREEN/screenshot.png",
        }
    ]
    if thread_ts:
        body["event"]["thread_ts"] = thread_ts
    return body


def _in_thread(text: str, thread_ts: str) -> dict[str, Any]:
    body = message(text)
    body["event"]["thread_ts"] = thread_ts
    return body


def _edit(original: dict[str, Any], text: str) -> dict[str, Any]:
    """Slack's ``message_changed`` event for ``original`` edited to ``text``: the event has no
    user of its own; ``message`` is the message as it now is, ``previous_message`` as it was."""
    n = next(_edits)
    before = original["event"]
    body = message("")
    body["event_id"] = f"EvEDIT{n:06d}"
    edited_at = f"1790000009.{n:06d}"
    now = {
        "type": "message",
        "user": before["user"],
        "text": text,
        "ts": before["ts"],
        "team": TEAM,
        "edited": {"user": before["user"], "ts": edited_at},
        "source_team": TEAM,
        "user_team": TEAM,
    }
    then = {"type": "message", "user": before["user"], "text": before["text"], "ts": before["ts"]}
    for field in ("thread_ts", "files"):
        if field in before:
            now[field] = then[field] = before[field]
    body["event"] = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": before["channel"],
        "ts": edited_at,
        "event_ts": edited_at,
        "channel_type": "im",
        "message": now,
        "previous_message": then,
    }
    return body


def _diary(db: Engine) -> list[str]:
    with transaction(db) as session:
        return [e.text for e in session.exec(select(DiaryEntry).order_by(col(DiaryEntry.id)))]


def _replies(db: Engine) -> list[Outbox]:
    with transaction(db) as session:
        rows = session.exec(
            select(Outbox).where(Outbox.kind == "reply").order_by(col(Outbox.id))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _inbox_rows(db: Engine) -> int:
    with transaction(db) as session:
        return len(session.exec(select(Inbox.id)).all())


def _dm(slack: SlackHarness) -> list[dict[str, Any]]:
    return slack.posts_to(f"D{MENTEE}")


# -- a file attached ----------------------------------------------------------------------------


async def test_a_message_with_a_file_is_read_once_and_the_reply_says_the_file_was_not(
    slack: SlackHarness,
) -> None:
    body = _with_file("diary: chaired my first huddle, notes attached")
    await slack.event(body)
    await slack.event(body)  # Slack's retry of the same delivery
    [reply] = _dm(slack)
    assert shown(reply).count(FILES_NOT_READ) == 1
    assert shown(reply).index(FILES_NOT_READ) < shown(reply).index("Saved to your diary")
    assert "thread_ts" not in reply  # not in a thread: the reply is not either
    assert _diary(slack.db) == ["chaired my first huddle, notes attached"]
    # The reply as stored for a resend says it too; the file itself was never asked for.
    [row] = _replies(slack.db)
    assert row.parts[0]["text"].startswith(FILES_NOT_READ)
    assert row.address is None
    assert not [c for c in slack.api.calls if c.method.startswith("files.")]
    with transaction(slack.db) as session:
        kept = str([(s.state, s.history) for s in session.exec(select(DialogState))])
    assert "F0SCREEN" not in kept
    assert "screenshot" not in kept


async def test_a_file_alone_in_a_thread_gets_the_kind_word_there_once(
    slack: SlackHarness,
) -> None:
    await slack.event(message("hi"))
    top = _dm(slack)[-1]["ts"]
    body = _with_file("", thread_ts=top)
    await slack.event(body)
    await slack.event(body)
    [note] = _dm(slack)[1:]
    assert shown(note).startswith("I can't open files, so I don't know what you sent.")
    assert note["thread_ts"] == top
    # Words added to it afterwards are read: the file alone started no turn.
    await slack.event(_edit(body, "diary: the huddle overran"))
    assert _diary(slack.db) == ["the huddle overran"]
    reply = _dm(slack)[-1]
    assert "Saved to your diary" in shown(reply)
    assert shown(reply).count(FILES_NOT_READ) == 1
    assert reply["thread_ts"] == top


# -- an edited message -------------------------------------------------------------------------


async def test_an_edit_of_a_message_already_read_is_not_a_second_turn(
    slack: SlackHarness,
) -> None:
    original = message("diary: chaired my first huddle")
    await slack.event(original)
    assert "Saved to your diary" in shown(_dm(slack)[-1])
    with transaction(slack.db) as session:
        state_before = [(s.dialog, s.state, s.version) for s in session.exec(select(DialogState))]

    edit = _edit(original, "diary: chaired my first board huddle")
    await slack.event(edit)
    [note] = _dm(slack)[1:]
    assert shown(note) == (
        "I'd already read that message before you edited it, so I haven't acted on the change. "
        "If something's different, just tell me again."
    )
    assert "thread_ts" not in note

    await slack.event(edit)  # the same edit, delivered again
    await slack.event(_edit(original, "diary: chaired my first big huddle"))  # edited again
    await slack.event(original)  # and the original, delivered again
    assert len(_dm(slack)) == 2  # the reply and the one note: nothing more
    assert _diary(slack.db) == ["chaired my first huddle"]
    assert len(_replies(slack.db)) == 1
    with transaction(slack.db) as session:
        state_after = [(s.dialog, s.state, s.version) for s in session.exec(select(DialogState))]
    assert state_after == state_before


async def test_an_edit_of_case_or_punctuation_only_is_let_pass_quietly(
    slack: SlackHarness,
) -> None:
    original = message("diary: chaired my first huddle")
    await slack.event(original)
    await slack.event(_edit(original, "Diary: chaired my first huddle!"))
    assert len(_dm(slack)) == 1
    assert _diary(slack.db) == ["chaired my first huddle"]


async def test_an_edit_of_a_message_never_received_is_read_as_that_message(
    slack: SlackHarness,
) -> None:
    # Only the punctuation changed: still the message's first reading, so it is read.
    lost = message("diary: the huddle ran late")
    await slack.event(_edit(lost, "diary: the huddle ran late!"))
    assert _diary(slack.db) == ["the huddle ran late!"]
    slack.api.calls.clear()

    original = message("diary: chaired my first huddle")  # lost on its way: never sent to us
    edit = _edit(original, "diary: chaired my first board huddle")
    await slack.event(edit)
    [reply] = _dm(slack)
    assert "Saved to your diary" in shown(reply)
    assert _diary(slack.db) == ["the huddle ran late!", "chaired my first board huddle"]

    await slack.event(edit)  # redelivered
    await slack.event(original)  # the original turns up late
    await slack.event(_edit(original, "diary: chaired the board huddle"))  # a later edit
    assert _diary(slack.db) == ["the huddle ran late!", "chaired my first board huddle"]
    assert len(_replies(slack.db)) == 2
    assert [shown(p) for p in _dm(slack)[1:]] == [
        "I'd already read that message before you edited it, so I haven't acted on the change. "
        "If something's different, just tell me again."
    ]


async def test_our_own_message_updated_and_a_deleted_message_are_not_read(
    slack: SlackHarness,
) -> None:
    await slack.event(message("book a meeting tomorrow at 3pm for an hour by video"))
    question = _dm(slack)[-1]
    await slack.interactive(
        press(question, "Change the length")
    )  # our buttons replaced by the choice
    posts, rows = len(slack.api.posts()), _inbox_rows(slack.db)
    # What Slack sends back for the chat.update of our own message: refused at the door.
    ours = message("")
    ours["event"] = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": f"D{MENTEE}",
        "ts": "1790000010.000001",
        "channel_type": "im",
        "message": {
            "type": "message",
            "user": BOT_USER,
            "bot_id": "B0MENTORBOT",
            "text": "cancelled",
            "ts": question["ts"],
            "edited": {"user": BOT_USER, "ts": "1790000010.000001"},
        },
        "previous_message": {"type": "message", "user": BOT_USER, "text": "x", "ts": "1"},
    }
    assert (await slack.event(ours))[0] == 200
    assert _inbox_rows(slack.db) == rows
    # The person deletes a message: nothing to answer.
    gone = message("")
    gone["event"] = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": f"D{MENTEE}",
        "ts": "1790000010.000002",
        "deleted_ts": question["ts"],
        "channel_type": "im",
        "previous_message": {"type": "message", "user": MENTEE, "text": "hi", "ts": "2"},
    }
    assert (await slack.event(gone))[0] == 200
    # A language-detection refresh: a message_changed with the words unchanged.
    said = message("diary: a quiet week")
    await slack.event(said)
    refreshed = _edit(said, "diary: a quiet week")
    refreshed["event"]["message"].pop("edited")
    await slack.event(refreshed)
    assert len(slack.api.posts()) == posts + 1  # only the reply to "diary: a quiet week"
    assert _diary(slack.db) == ["a quiet week"]


# -- threads ----------------------------------------------------------------------------------


async def test_a_reply_in_a_dm_thread_is_answered_in_that_thread(slack: SlackHarness) -> None:
    await slack.event(message("hi"))
    top = _dm(slack)[-1]
    assert "thread_ts" not in top
    await slack.event(_in_thread("book a meeting tomorrow at 3pm for an hour by video", top["ts"]))
    proposal = _dm(slack)[-1]
    assert proposal["thread_ts"] == top["ts"]
    assert "Shall I send it to Tom?" in shown(proposal)
    # A press on a question in the thread is answered there too.
    pressed = press(proposal, "Change the length")
    pressed["message"]["thread_ts"] = top["ts"]  # as Slack gives a message in a thread
    await slack.interactive(pressed)
    assert _dm(slack)[-1]["thread_ts"] == top["ts"]
    # A thread reply also sent to the chat is answered in the thread.
    broadcast = _in_thread("what's next", top["ts"])
    broadcast["event"]["subtype"] = "thread_broadcast"
    await slack.event(broadcast)
    assert _dm(slack)[-1]["thread_ts"] == top["ts"]
    # Back at the top of the chat, the reply is there.
    await slack.event(message("help"))
    assert "thread_ts" not in _dm(slack)[-1]
    assert [r.address for r in _replies(slack.db)] == [
        None,
        {"platform": "slack", "thread": top["ts"]},
        {"platform": "slack", "thread": top["ts"]},
        {"platform": "slack", "thread": top["ts"]},
        None,
    ]


async def test_a_thread_reply_that_could_not_be_posted_goes_to_the_thread_later(
    slack: SlackHarness,
) -> None:
    await slack.event(message("hi"))
    top = _dm(slack)[-1]["ts"]
    slack.api.fail_next("chat.postMessage", 500)
    await slack.event(_in_thread("diary: chaired my first huddle", top))
    [_, waiting] = _replies(slack.db)  # the post failed: the reply waits in the outbox
    assert waiting.status == "pending"
    assert waiting.address == {"platform": "slack", "thread": top}
    later = Clock.fixed((slack.clock.now() + timedelta(minutes=1)).isoformat())
    from bot.channels.slack import sender_from_env

    async with aiohttp.ClientSession() as http:
        deliverer = Deliverer(slack.db, later, {"slack": sender_from_env(http)}, worker="t")
        assert (await deliverer.deliver_once()).sent == 1
    reply = _dm(slack)[-1]
    assert "Saved to your diary" in shown(reply)
    assert reply["thread_ts"] == top


def test_an_edit_waits_behind_its_authors_earlier_messages_in_the_inbox() -> None:
    """The inbox replays one person's deliveries in order: an edit (whose event names no user
    of its own) is theirs too, so it cannot overtake the message it edits."""
    from bot.channels.slack.inbox import Pending

    original = message("diary: chaired my first huddle")
    edit = _edit(original, "diary: chaired my first board huddle")
    assert Pending("ev:1", edit).person == Pending("ev:2", original).person == f"user:{MENTEE}"


def test_a_thread_reply_goes_to_the_thread_only_on_the_platform_it_was_written_on(
    demo: Engine, clock: Clock
) -> None:
    """A reply row names the Slack thread it answers. Sent on Slack, it goes to that thread; a
    person reached on Teams instead gets it in their chat there; with no identity on any
    platform in use it is not claimed (it waits for the console, as any reply does)."""
    from storage import outbox_queries
    from storage.models import ChannelIdentity, Person

    now = clock.now()
    thread = {"platform": "slack", "thread": "1790000000.000001"}
    with transaction(demo) as session:
        priya = session.exec(select(Person).where(Person.email == "mentee@example.org")).one()
        assert priya.id is not None
        person = priya.id
        row = Outbox(
            recipient_id=person,
            address=thread,
            kind="reply",
            parts=[{"type": "text", "text": "Saved.", "private": False}],
            next_attempt_at=now,
            created_at=now,
        )
        session.add(row)
    lease = timedelta(minutes=1)
    with transaction(demo) as session:
        assert outbox_queries.claim(session, "t", now, 10, lease, platforms=["slack"]) == []
        session.add(
            ChannelIdentity(
                person_id=person,
                platform="teams",
                user_id="29:priya",
                address={"platform": "teams", "conversation": "a:priya"},
                created_at=now,
            )
        )
        session.add(
            ChannelIdentity(
                person_id=person,
                platform="slack",
                tenant=TEAM,
                user_id=MENTEE,
                address={"team": TEAM, "user": MENTEE, "channel": f"D{MENTEE}"},
                created_at=now,
            )
        )
    with transaction(demo) as session:
        [claimed] = outbox_queries.claim(session, "t", now, 10, lease, platforms=["slack"])
        on_slack = outbox_queries.routes(session, [claimed], ["slack"])[claimed.id or 0]
        on_teams = outbox_queries.routes(session, [claimed], ["teams"])[claimed.id or 0]
    assert on_slack.address == {
        "team": TEAM,
        "user": MENTEE,
        "channel": f"D{MENTEE}",
        "thread": "1790000000.000001",
    }
    assert on_teams.address == {"platform": "teams", "conversation": "a:priya"}
