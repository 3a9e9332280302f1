"""Proactive Teams messages from the outbox: stored references, the personal chat created when
needed, 429/412/502/504 backed off, an ambiguous failure never re-sent blindly."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.channels import teams
from bot.channels.base import DeliveryError
from bot.channels.teams.adapter import TeamsSettings
from conversations.messages import Choice, Question, Text, preview
from tests.fakes.bot_connector import BOT_ID, TENANT, FakeBotConnector
from tests.fakes.bot_connector import Person as TeamsUser

APP_ID = "0b6a1f5e-3c1d-4e4f-9a7b-1d2e3f4a5b6c"
PARTS = [
    Text("Your diary entry is saved.", private=True),
    Question("Anything else?", (Choice("No", "x:no"),)),
]


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    async with FakeBotConnector() as fake:
        yield fake


def _address(service_url: str, user: TeamsUser, conversation: bool = True) -> dict[str, Any]:
    reference: dict[str, Any] = {
        "user": {"id": user.user_id, "aadObjectId": user.aad},
        "bot": {"id": BOT_ID, "name": "mentorbot"},
        "channelId": "msteams",
        "serviceUrl": service_url,
    }
    if conversation:
        reference["conversation"] = {
            "conversationType": "personal", "id": user.conversation, "tenantId": TENANT,
        }  # fmt: skip
    return {"platform": "teams", "tenantId": TENANT, "reference": reference}


async def _send(address: dict[str, Any], parts: list[Any] = PARTS) -> str:
    settings = TeamsSettings(app_id=APP_ID, tenant_id=TENANT, token_provider=lambda: "t")
    async with aiohttp.ClientSession() as http:
        return await teams.sender_from_env(http, settings=settings).send(
            address, parts, preview(parts)
        )


async def test_a_stored_reference_is_continued(connector: FakeBotConnector) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    message_id = await _send(_address(connector.url + "/", user))
    [call] = connector.sent()
    # botbuilder's continuation posts as a reply to the continuation's own id: Teams accepts it.
    assert call.path.startswith(f"/v3/conversations/{user.conversation}/activities")
    assert message_id == call.answered_id
    assert call.body is not None
    assert call.body["summary"] == "Anything else?"  # never the private diary text
    assert call.body["channelData"] == {"tenant": {"id": TENANT}}
    assert call.texts() == ["Your diary entry is saved.", "Anything else?"]


async def test_the_personal_chat_is_created_when_the_address_has_none(
    connector: FakeBotConnector,
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    await _send(_address(connector.url + "/", user, conversation=False))
    [create] = connector.creates()
    assert create.body is not None
    assert create.body["members"] == [{"id": user.user_id}]
    # botbuilder names it "tenantID" on the wire; Teams reads channelData.tenant.id too.
    assert create.body["tenantID"] == TENANT
    assert create.body["channelData"] == {"tenant": {"id": TENANT}}
    [call] = connector.sent()
    assert call.conversation == user.conversation


async def test_throttling_is_retried_later(connector: FakeBotConnector) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    connector.fail_next(429, retry_after=7)
    with pytest.raises(DeliveryError) as raised:
        await _send(_address(connector.url + "/", user))
    assert not raised.value.permanent
    assert not raised.value.ambiguous
    assert raised.value.retry_after == 7


@pytest.mark.parametrize("status", [412, 500, 502, 503, 504])
async def test_an_error_after_the_send_was_accepted_is_never_sent_again(
    connector: FakeBotConnector, status: int
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    connector.fail_next(status, posted=True)  # Teams posted it, then answered an error
    with pytest.raises(DeliveryError) as raised:
        await _send(_address(connector.url + "/", user))
    assert raised.value.ambiguous
    assert "may have been posted" in str(raised.value)
    assert len(connector.posted(user.conversation)) == 1


@pytest.mark.parametrize("status", [412, 502, 504])
async def test_a_gateway_error_creating_the_personal_chat_is_retried_later(
    connector: FakeBotConnector, status: int
) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    connector.fail_next(status, retry_after=7)  # the chat is not there yet: nothing was sent
    with pytest.raises(DeliveryError) as raised:
        await _send(_address(connector.url + "/", user, conversation=False))
    assert not raised.value.permanent
    assert not raised.value.ambiguous
    assert raised.value.retry_after == 7
    assert connector.sent() == []


async def test_a_refused_address_is_permanent(connector: FakeBotConnector) -> None:
    user = connector.add_person("mentee@example.org", "Priya Shah")
    connector.fail_next(403)
    with pytest.raises(DeliveryError) as raised:
        await _send(_address(connector.url + "/", user))
    assert raised.value.permanent


async def test_no_connection_is_retried_and_a_dropped_one_is_ambiguous() -> None:
    user = TeamsUser("29:u", "aad", "e@example.org", "U", "a:c")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(DeliveryError) as refused:
        await _send(_address(f"http://127.0.0.1:{closed_port}/", user))
    assert not refused.value.ambiguous
    assert not refused.value.permanent

    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1024)  # the request arrived; the answer never comes
        writer.close()

    server = await asyncio.start_server(drop, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        with pytest.raises(DeliveryError) as dropped:
            await _send(_address(f"http://127.0.0.1:{port}/", user))
    finally:
        server.close()
        await server.wait_closed()
    assert dropped.value.ambiguous


async def test_an_address_without_a_reference_is_permanent() -> None:
    with pytest.raises(DeliveryError) as raised:
        await _send({"platform": "teams"})
    assert raised.value.permanent
