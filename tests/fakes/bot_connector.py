"""A local Bot Connector (the Teams side of the Bot Framework) for the Teams channel's tests.

``FakeBotConnector`` runs an aiohttp app on 127.0.0.1 at a free port; its URL is the
``serviceUrl`` of the activities the tests post to the bot. It

- records every call the bot makes (``Call.card()`` its Adaptive Card, ``Call.images()`` the
  inline images decoded from their data URIs): ``POST /v3/conversations/{id}/activities`` (send),
  ``POST .../activities/{activityId}`` (reply), ``PUT .../activities/{activityId}`` (update), ``DELETE .../activities/{activityId}`` (delete:
  404 for one deleted already),
  ``POST /v3/conversations`` (create a personal chat);
- answers member lookups (``GET /v3/conversations/{id}/members/{userId}``) from ``members``,
  and a team's roster a page at a time (``GET /v3/conversations/{teamId}/pagedmembers``, with
  ``pageSize`` and ``continuationToken``; the last page has no token) from ``teams``: see
  ``team_install``, the ``conversationUpdate`` Teams sends when the app is added to a team;
- can fail the next K sends with a status (and ``Retry-After``), after letting ``after`` through;
  a failure may come after the activity was posted (``posted=True``: Teams' 502s and 412s that
  still show the message), and ``posted()`` lists what the chat really shows;
- can hold member lookups until ``hold_lookups(n)`` of them are waiting (two install events that
  arrive together, both looking the person up before either links them);
- refuses an activity over 100 KB as Teams does (413, ``MessageSizeTooBig``);
- serves OpenID metadata and a JWKS (``/openid/...``) with a locally generated RSA key, and
  signs Bot Framework tokens with it (or with a key it does not publish).

Activities are built from the recorded shapes in ``tests/fixtures/teams/*.json``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import copy
import json
import re
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from tests.fakes import LocalServer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "teams"
ISSUER = "https://api.botframework.com"
TENANT = "6babcaad-604b-40ac-a9d7-9fd97c0b779f"
BOT_ID = "28:bot"
KEY_ID = "local-test-key"
MAX_MESSAGE_BYTES = 100_000  # "The bot message size limit is 100 KB"


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: dict[str, Any] | None
    authorization: str
    answered_id: str = ""

    @property
    def conversation(self) -> str:
        return self.path.split("/")[3] if self.path.count("/") >= 3 else ""

    def card(self) -> dict[str, Any]:
        """The activity's one Adaptive Card (an inline image may come beside it)."""
        assert self.body is not None
        [attachment] = [
            a
            for a in self.body["attachments"]
            if a["contentType"] == "application/vnd.microsoft.card.adaptive"
        ]
        card: dict[str, Any] = attachment["content"]
        return card

    def images(self) -> list[tuple[str, str, bytes]]:
        """The inline images: (name, content type, bytes decoded from the data URI)."""
        assert self.body is not None
        found = []
        for attachment in self.body.get("attachments") or []:
            if not str(attachment["contentType"]).startswith("image/"):
                continue
            header, _, data = str(attachment["contentUrl"]).partition(",")
            assert header == f"data:{attachment['contentType']};base64", header
            found.append((attachment["name"], attachment["contentType"], base64.b64decode(data)))
        return found

    def texts(self) -> list[str]:
        """The card's text as a person reads it, one string per part: each line of a TextBlock
        or RichTextBlock, bold and italic markers removed; a line that follows with no spacing
        joins with a line break, a new paragraph (``Medium`` spacing) with a blank line."""
        out: list[str] = []
        for element in self.card()["body"]:
            if element["type"] == "TextBlock":
                line = _unmark(element["text"])
            elif element["type"] == "RichTextBlock":
                line = "".join(run["text"] for run in element["inlines"])
            else:
                continue
            spacing = element.get("spacing")
            if out and spacing in ("None", "Medium"):
                out[-1] += ("\n" if spacing == "None" else "\n\n") + line
            else:
                out.append(line)
        return out

    def buttons(self) -> list[dict[str, Any]]:
        """What a person can press: each Action.Submit button, and each option of a *More*
        drop-down as the submit Teams sends when it is picked and *Choose* pressed (the
        Action.Submit's data with the card's input values merged in)."""
        found: list[dict[str, Any]] = []
        for element in self.card()["body"]:
            if element["type"] != "ActionSet":
                continue
            for action in element["actions"]:
                if action["type"] == "Action.Submit":
                    found.append(action)
                elif action["type"] == "Action.ShowCard":
                    found += _picks(action["card"])
        return found


def _picks(card: dict[str, Any]) -> list[dict[str, Any]]:
    [choose] = card["actions"]
    picks = []
    for element in card["body"]:
        if element["type"] == "Input.ChoiceSet":
            for choice in element["choices"]:
                data = {**choose["data"], element["id"]: choice["value"]}
                picks.append({"type": "Action.Submit", "title": choice["title"], "data": data})
    return picks


def _unmark(text: str) -> str:
    """TextBlock markdown's bold and italic markers removed."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    return re.sub(r"(?<![\w_])_(\S(?:.*?\S)?)_(?![\w_])", r"\1", text)


@dataclass
class Person:
    """A Teams user as the connector knows them."""

    user_id: str
    aad: str
    email: str
    name: str
    conversation: str


def _account(person: Person) -> dict[str, Any]:
    """A TeamsChannelAccount, as the connector returns members."""
    given, _, surname = person.name.partition(" ")
    return {
        "id": person.user_id, "name": person.name, "aadObjectId": person.aad,
        "email": person.email, "userPrincipalName": person.email, "givenName": given,
        "surname": surname, "tenantId": TENANT, "userRole": "user",
    }  # fmt: skip


@dataclass
class FakeBotConnector(LocalServer):
    members: dict[str, Person] = field(default_factory=dict)
    # A team's id -> the user ids on its roster.
    teams: dict[str, list[str]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    deleted: set[str] = field(default_factory=set)
    url: str = ""
    _failures: deque[tuple[int, float | None]] = field(default_factory=deque)
    _fail_after: int = 0
    _runner: web.AppRunner | None = None
    _key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    _activity_seq: int = 0
    _posted_anyway: bool = False
    _echo: bool = False
    _held: list[asyncio.Event] = field(default_factory=list)
    _hold_for: int = 0

    # -- people and activities ---------------------------------------------------------------

    def add_person(self, email: str, name: str) -> Person:
        n = len(self.members) + 1
        person = Person(
            user_id=f"29:user-{n}",
            aad=str(uuid.UUID(int=n)),
            email=email,
            name=name,
            conversation=f"a:personal-{n}",
        )
        self.members[person.user_id] = person
        return person

    def activity(self, fixture_name: str, person: Person, **changes: Any) -> dict[str, Any]:
        """A recorded activity shape, addressed from ``person`` in their personal chat."""
        self._activity_seq += 1
        activity = copy.deepcopy(fixture(fixture_name))
        activity["id"] = f"act-in-{self._activity_seq}"
        activity["serviceUrl"] = self.url + "/"
        activity["from"].update(
            {"id": person.user_id, "aadObjectId": person.aad, "name": person.name}
        )
        activity["conversation"]["id"] = person.conversation
        activity["conversation"]["tenantId"] = TENANT
        activity["channelData"]["tenant"]["id"] = TENANT
        activity.update(changes)
        return activity

    def team_install(self, team_id: str, by: Person, roster: list[Person]) -> dict[str, Any]:
        """The ``conversationUpdate`` Teams sends when ``by`` adds the app to a team (the bot
        in ``membersAdded``, in the team's General channel, whose id is the team's); the
        team's roster is ``roster``."""
        self.teams[team_id] = [p.user_id for p in roster]
        self._activity_seq += 1
        return {
            "type": "conversationUpdate",
            "id": f"f:team-{self._activity_seq}",
            "timestamp": "2026-11-23T09:59:00.000Z",
            "serviceUrl": self.url + "/",
            "channelId": "msteams",
            "from": {"id": by.user_id, "aadObjectId": by.aad},
            "conversation": {
                "isGroup": True, "conversationType": "channel", "tenantId": TENANT, "id": team_id,
            },
            "recipient": {"id": BOT_ID, "name": "mentorbot"},
            "membersAdded": [{"id": BOT_ID}],
            "channelData": {
                "team": {"id": team_id, "name": "Radiology trainees", "aadGroupId": str(uuid.uuid4())},
                "eventType": "teamMemberAdded",
                "tenant": {"id": TENANT},
            },
        }  # fmt: skip

    # -- what the bot sent -------------------------------------------------------------------

    def sent(self, conversation: str | None = None) -> list[Call]:
        """Messages posted (sends and replies), in order; optionally to one conversation."""
        return [
            c
            for c in self.calls
            if c.method == "POST"
            and "/activities" in c.path
            and (conversation is None or c.conversation == conversation)
        ]

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    def creates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.path == "/v3/conversations"]

    def fail_next(
        self,
        status: int,
        count: int = 1,
        retry_after: float | None = None,
        *,
        after: int = 0,
        posted: bool = False,
        echo: bool = False,
    ) -> None:
        """``echo``: the error body repeats the request's Authorization header (as a careless
        gateway does)."""
        self._failures.extend((status, retry_after) for _ in range(count))
        self._fail_after = after
        self._posted_anyway = posted
        self._echo = echo

    def posted(self, conversation: str | None = None) -> list[Call]:
        """The messages the chat shows: sends answered with an id, and failed ones that were
        posted anyway (``fail_next(..., posted=True)``)."""
        return [c for c in self.sent(conversation) if c.answered_id]

    def hold_lookups(self, count: int) -> None:
        """Answer no member lookup until ``count`` of them are waiting."""
        self._hold_for = count

    # -- tokens ------------------------------------------------------------------------------

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/openid/.well-known/openid-configuration"

    def token(
        self,
        audience: str,
        *,
        unknown_key: bool = False,
        expires_in: int | None = 3600,
        issuer: str = ISSUER,
        service_url: str | None = None,
    ) -> str:
        key = (
            rsa.generate_private_key(public_exponent=65537, key_size=2048)
            if unknown_key
            else self._key
        )
        now = int(time.time())
        issued = now - 60 if expires_in is None or expires_in > 0 else now - 7200
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url if service_url is not None else self.url + "/",
            "nbf": issued,
            "iat": issued,
        }
        if expires_in is not None:  # None: a token that never expires, which we refuse
            claims["exp"] = now + expires_in
        kid = "some-other-key" if unknown_key else KEY_ID
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})

    # -- the server --------------------------------------------------------------------------

    async def _record(self, request: web.Request, answered_id: str = "") -> Call:
        raw = await request.read()  # read once, kept by aiohttp: _send may have read it
        body = json.loads(raw) if raw else None
        call = Call(
            request.method,
            request.path,
            body,
            request.headers.get("Authorization", ""),
            answered_id,
        )
        self.calls.append(call)
        return call

    def _failure(self, authorization: str = "") -> web.Response | None:
        if not self._failures:
            return None
        if self._fail_after > 0:
            self._fail_after -= 1
            return None
        status, retry_after = self._failures.popleft()
        headers = {"Retry-After": f"{retry_after:g}"} if retry_after is not None else {}
        message = (
            f"slow down (request had Authorization: {authorization})"
            if self._echo
            else ("slow down")
        )
        return web.json_response(
            {"error": {"code": "Throttled", "message": message}}, status=status, headers=headers
        )

    async def _send(self, request: web.Request) -> web.Response:
        if len(await request.read()) > MAX_MESSAGE_BYTES:
            await self._record(request)
            return web.json_response(
                {"error": {"code": "MessageSizeTooBig", "message": "too big"}}, status=413
            )
        failure = self._failure(request.headers.get("Authorization", ""))
        answered_id = f"act-out-{len(self.calls) + 1}"
        if failure is not None and not self._posted_anyway:
            answered_id = ""
        await self._record(request, answered_id)
        return failure or web.json_response({"id": answered_id})

    async def _update(self, request: web.Request) -> web.Response:
        await self._record(request)
        return web.json_response({"id": request.match_info["activity"]})

    async def _delete(self, request: web.Request) -> web.Response:
        await self._record(request)
        activity = request.match_info["activity"]
        if activity in self.deleted:
            return web.json_response({"error": {"code": "NotFound", "message": "gone"}}, status=404)
        self.deleted.add(activity)
        return web.Response(status=200)

    async def _create(self, request: web.Request) -> web.Response:
        call = await self._record(request)
        failure = self._failure()
        if failure is not None:
            return failure
        assert call.body is not None
        [member] = call.body["members"]
        person = self.members[member["id"]]
        return web.json_response({"id": person.conversation, "serviceUrl": self.url + "/"})

    async def _member(self, request: web.Request) -> web.Response:
        self.calls.append(Call("GET", request.path, None, request.headers.get("Authorization", "")))
        if self._hold_for:
            arrived = asyncio.Event()
            self._held.append(arrived)
            if len(self._held) >= self._hold_for:
                self._hold_for = 0
                for held in self._held:
                    held.set()
            with contextlib.suppress(TimeoutError):  # never hang a test that sent fewer
                await asyncio.wait_for(arrived.wait(), timeout=10)
        person = self.members.get(request.match_info["user"])
        if person is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        return web.json_response(_account(person))

    async def _paged(self, request: web.Request) -> web.Response:
        """A page of a team's roster: ``{"members": [...], "continuationToken": ...}``."""
        query = f"?{request.query_string}" if request.query_string else ""
        auth = request.headers.get("Authorization", "")
        self.calls.append(Call("GET", request.path + query, None, auth))
        roster = self.teams.get(request.match_info["conversation"])
        if roster is None:
            return web.json_response({"error": {"code": "NotFound"}}, status=404)
        size = max(1, min(int(request.query.get("pageSize") or 50), 500))
        start = int(request.query.get("continuationToken") or 0)
        page = roster[start : start + size]
        body: dict[str, Any] = {"members": [_account(self.members[u]) for u in page]}
        if start + size < len(roster):
            body["continuationToken"] = str(start + size)
        return web.json_response(body)

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/openid/keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self._key.public_key()))
        jwk.update({"kid": KEY_ID, "use": "sig", "alg": "RS256", "endorsements": ["msteams"]})
        return web.json_response({"keys": [jwk]})

    async def start(self) -> FakeBotConnector:
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_delete(
            "/v3/conversations/{conversation}/activities/{activity}", self._delete
        )
        app.router.add_get("/v3/conversations/{conversation}/members/{user}", self._member)
        app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged)
        app.router.add_get("/openid/.well-known/openid-configuration", self._openid)
        app.router.add_get("/openid/keys", self._keys)
        self.url = await self.serve(app)
        return self
