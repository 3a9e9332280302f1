"""Microsoft Teams on botbuilder 4.17.1: the only module that imports botbuilder/botframework.

- :func:`mount`: ``POST /api/messages``. Each request is authenticated first (a Bot Framework
  JWT, checked against the channel's OpenID metadata), then run by a ``CloudAdapter`` turn.
- :class:`TeamsSender`: proactive messages through stored conversation references.
- :class:`TeamsSettings`: the configuration, from ``TEAMS_*`` environment variables.

Traps of botbuilder 4.17.1 (the final release: the Bot Framework SDK is archived and out of
support since the end of 2025; the successor is the Microsoft 365 Agents SDK, whose stored
conversation references are compatible, so only this package changes when we move):
- with an empty app id it silently disables authentication: we fail closed instead (no app id:
  mounted only with ``TEAMS_ALLOW_UNAUTHENTICATED=true``, and a warning);
- a request without ``Authorization``, a token signed by an unknown key, or an expired token
  raise errors other than ``PermissionError`` inside the SDK (HTTP 500): every authentication
  failure here is a 401, before the adapter runs;
- it fetches the OpenID metadata with blocking ``requests`` inside the event loop: we
  authenticate in a worker thread (with its own loop), so the server never stalls;
- ``ConversationAccount`` maps ``tenantId`` as ``tenantID``, so references lose the tenant:
  the address keeps ``tenantId`` beside the reference, and we restore it when sending;
- an invoke that returns a body (Action.Execute) fails with HTTP 500: cards use Action.Submit,
  which arrives as a message with ``value``.

Address (ChannelIdentity.address, or a scheme channel's settings): ``{"platform": "teams",
"tenantId": ..., "reference": <ConversationReference, camelCase JSON>}``. A reference without a
conversation means "create the personal chat when needed" (the sender tells ``opened`` of the
chat it created, and the scheduler's keeps it in the identity, so it is created once).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import aiohttp
import jwt
from aiohttp import web
from sqlalchemy import Engine as Database

from bot import metrics
from bot.channels.base import DeliveryError
from bot.channels.teams.calendar import CalendarLinks, link_invites
from bot.channels.teams.cards import render_activities, submission, submitted_card
from bot.outbox import AMBIGUOUS
from conversations import reach
from conversations.clock import Clock
from conversations.engine import Engine
from conversations.messages import Incoming, Part, Place, Text, Where, preview
from conversations.registry import default_registry
from conversations.shared_places import answer_in_shared_place
from storage import outbox_queries, queries
from storage.db import transaction

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from botbuilder.core import TurnContext
    from botbuilder.core.teams import TeamsInfo
    from botbuilder.integration.aiohttp import (
        CloudAdapter,
        ConfigurationBotFrameworkAuthentication,
    )
    from botbuilder.schema import (
        Activity,
        ChannelAccount,
        ConversationParameters,
        ConversationReference,
    )
    from botframework.connector.auth import (
        AppCredentials,
        AuthenticateRequestResult,
        AuthenticationConstants,
        PasswordServiceClientCredentialFactory,
        ServiceClientCredentialsFactory,
    )
    from msrest.exceptions import ClientRequestError, HttpOperationError


log = logging.getLogger(__name__)

PLATFORM = "teams"
ROUTE = "/api/messages"
# What the reply to a request takes at most; Teams re-sends an activity after 15 s.
RETRYABLE_STATUS = frozenset({408, 412, 429, 500, 502, 503, 504})
_TEAMS_CHANNEL = "msteams"
# A team's roster is read this many members a page, for at most this many pages.
ROSTER_PAGE_SIZE = 100
ROSTER_PAGES = 200


@dataclass(frozen=True)
class TeamsSettings:
    """``TEAMS_APP_ID``, ``TEAMS_APP_PASSWORD``, ``TEAMS_TENANT_ID``, ``TEAMS_APP_TYPE``
    (SingleTenant by default), ``TEAMS_ALLOW_UNAUTHENTICATED``; ``TEAMS_OPENID_METADATA_URL``
    and ``TEAMS_TOKEN_ISSUER`` for another cloud (or a local fake). ``token_provider`` replaces
    the MSAL client-credentials token for outgoing calls (a managed identity, or tests)."""

    app_id: str = ""
    app_password: str = field(default="", repr=False)  # a secret: never in repr or logs
    tenant_id: str = ""
    app_type: str = "SingleTenant"
    allow_unauthenticated: bool = False
    openid_metadata_url: str = ""
    token_issuer: str = ""
    token_provider: Callable[[], str] | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls) -> TeamsSettings:
        env = os.environ.get
        return cls(
            app_id=env("TEAMS_APP_ID", ""),
            app_password=env("TEAMS_APP_PASSWORD", ""),
            tenant_id=env("TEAMS_TENANT_ID", ""),
            app_type=env("TEAMS_APP_TYPE", "") or "SingleTenant",
            allow_unauthenticated=env("TEAMS_ALLOW_UNAUTHENTICATED", "") == "true",
            openid_metadata_url=env("TEAMS_OPENID_METADATA_URL", ""),
            token_issuer=env("TEAMS_TOKEN_ISSUER", ""),
        )

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)


class _Configuration:
    """The attribute bag ``ConfigurationBotFrameworkAuthentication`` reads."""

    def __init__(self, settings: TeamsSettings) -> None:
        self.APP_ID = settings.app_id
        self.APP_PASSWORD = settings.app_password
        self.APP_TENANTID = settings.tenant_id
        self.APP_TYPE = settings.app_type
        if settings.openid_metadata_url:
            tenant = settings.tenant_id or AuthenticationConstants.DEFAULT_CHANNEL_AUTH_TENANT
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = settings.openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = (
                settings.token_issuer or AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
            )
            self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = (
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
            )
            self.TO_CHANNEL_FROM_BOT_LOGIN_URL = (
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX + tenant
            )


class _TokenCredentials(AppCredentials):  # type: ignore[misc]
    def __init__(self, app_id: str, provider: Callable[[], str]) -> None:
        super().__init__(app_id=app_id)
        self._provider = provider

    def get_access_token(self, force_refresh: bool = False) -> str:
        return self._provider()


class _TokenCredentialsFactory(ServiceClientCredentialsFactory):  # type: ignore[misc]
    def __init__(self, app_id: str, provider: Callable[[], str]) -> None:
        self.app_id = app_id
        self.provider = provider

    async def is_valid_app_id(self, app_id: str) -> bool:
        return app_id == self.app_id

    async def is_authentication_disabled(self) -> bool:
        return not self.app_id

    async def create_credentials(
        self, app_id: str, oauth_scope: str, login_endpoint: str, validate_authority: bool
    ) -> AppCredentials:
        if app_id != self.app_id:
            raise PermissionError("invalid app id")
        return _TokenCredentials(app_id, self.provider)


def _authentication(settings: TeamsSettings) -> ConfigurationBotFrameworkAuthentication:
    config = _Configuration(settings)
    factory: ServiceClientCredentialsFactory | None = None
    if not settings.authenticated:
        factory = PasswordServiceClientCredentialFactory()
    elif settings.token_provider is not None:
        factory = _TokenCredentialsFactory(settings.app_id, settings.token_provider)
    return ConfigurationBotFrameworkAuthentication(config, credentials_factory=factory)


# -- addresses --------------------------------------------------------------------------------


def tenant_of(activity: Activity) -> str:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
        return str(tenant["id"])
    conversation = activity.conversation
    return str(getattr(conversation, "tenant_id", "") or "")


def address_of(reference: ConversationReference, tenant: str) -> dict[str, Any]:
    """The stored address: the reference as the wire's camelCase JSON, with its tenant."""
    data: dict[str, Any] = reference.serialize()
    conversation = data.get("conversation")
    if isinstance(conversation, dict):
        conversation.pop("tenantID", None)
        if tenant:
            conversation["tenantId"] = tenant
    data.pop("activityId", None)  # a stored reference addresses the chat, not one message
    return {"platform": PLATFORM, "tenantId": tenant, "reference": data}


def reference_of(address: dict[str, Any]) -> tuple[ConversationReference, str]:
    raw = address.get("reference")
    if not isinstance(raw, dict) or not isinstance(raw.get("serviceUrl"), str):
        raise DeliveryError("Teams address has no conversation reference", permanent=True)
    tenant = str(address.get("tenantId") or "")
    reference = ConversationReference().deserialize(raw)
    if reference.conversation is not None and tenant:
        reference.conversation.tenant_id = tenant
    return reference, tenant


def _with_tenant(activity: dict[str, Any], tenant: str) -> Activity:
    if tenant:
        activity = {**activity, "channelData": {"tenant": {"id": tenant}}}
    return Activity().deserialize(activity)


# -- inbound ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Identity:
    person_id: int
    new: bool
    # A personal chat with the person is stored (so an answer can go there privately).
    private_chat: bool = True


class TeamsBot:
    """One turn per activity: who it is, what they said, the engine's replies."""

    def __init__(self, db: Database, clock: Clock, engine: Engine) -> None:
        self.db = db
        self.clock = clock
        self.engine = engine
        self.links = CalendarLinks.of(db, clock)  # meeting invites: Add to calendar

    async def on_turn(self, context: TurnContext) -> None:
        activity: Activity = context.activity
        if activity.type == "message":
            await self._message(context)
        elif activity.type == "conversationUpdate":
            added = activity.members_added or []
            bot_id = activity.recipient.id if activity.recipient else None
            if any(m.id == bot_id for m in added):
                await self._installed(context)
        elif activity.type == "installationUpdate" and str(activity.action or "").startswith("add"):
            await self._installed(context)
        # Other activities (typing, reactions, invokes) need no answer from us.

    async def _installed(self, context: TurnContext) -> None:
        """The app was installed for someone (by them, or pushed by an admin policy: the same
        events, with no message from the person) or in a team. A person is linked and welcomed
        at once; in a team, every scheme member on its roster is linked (their personal chat
        is created when the first message for them is due)."""
        activity: Activity = context.activity
        conversation_type = activity.conversation.conversation_type if activity.conversation else ""
        if conversation_type not in (None, "", "personal"):
            reference = TurnContext.get_conversation_reference(activity)
            log.info(
                "Teams: installed in a %s; its address, for a scheme channel: %s",
                conversation_type,
                address_of(reference, tenant_of(activity)),
            )
            await self._read_roster(context)
            return
        identity = await self._identify(context)
        if identity is None:
            await self._unknown(context)
            return
        if identity.new:
            welcome = await asyncio.to_thread(self._welcome, identity.person_id)
            if welcome is not None:  # the scheme's welcome, once per person
                outbox_id, parts = welcome
                await self._reply(context, parts, [outbox_id])
                await asyncio.to_thread(self.engine.mark_delivered, [outbox_id])
                return
            hello: list[Part] = [
                Text(
                    "Hello! I'm mentorbot, your mentoring scheme's assistant. "
                    "Type help to see what I can do."
                )
            ]
            await self._reply(context, hello)

    def _welcome(self, person_id: int) -> tuple[int, list[Part]] | None:
        with transaction(self.db) as session:
            return reach.welcome_now(session, person_id, self.clock.now())

    async def _read_roster(self, context: TurnContext) -> None:
        """Link the scheme's people among the members of the team (or group chat) the app was
        installed in, read page by page (the connector's ``pagedmembers``)."""
        activity: Activity = context.activity
        tenant = tenant_of(activity)
        token: str | None = None
        linked = 0
        for _page in range(ROSTER_PAGES):
            try:
                page = await TeamsInfo.get_paged_members(context, token, ROSTER_PAGE_SIZE)
            except (HttpOperationError, ClientRequestError) as exc:
                log.warning("Teams: could not read the roster: %s", exc)
                return
            found: list[tuple[str, str, dict[str, Any]]] = []
            for member in page.members or []:
                email = getattr(member, "email", None) or getattr(
                    member, "user_principal_name", None
                )
                aad = getattr(member, "aad_object_id", None)
                if not email or not aad or not member.id:
                    continue
                reference = TurnContext.get_conversation_reference(activity)
                reference.user = ChannelAccount(id=member.id, name=member.name, aad_object_id=aad)
                reference.conversation = None  # their personal chat: created when needed
                found.append((str(email).strip().lower(), str(aad), address_of(reference, tenant)))
            linked += await asyncio.to_thread(self._link_roster, tenant, found)
            token = page.continuation_token
            if not token:
                break
        log.info("Teams: linked %d scheme members from the roster", linked)

    def _link_roster(self, tenant: str, found: list[tuple[str, str, dict[str, Any]]]) -> int:
        made = 0
        with transaction(self.db) as session:
            for email, aad, address in found:
                if queries.identity_of(session, PLATFORM, tenant, aad) is not None:
                    continue
                linked = queries.linked_identity(
                    session, platform=PLATFORM, tenant=tenant, user_id=aad, email=email,
                    address=address, now=self.clock.now(),
                )  # fmt: skip
                made += 1 if linked is not None and linked.created else 0
        return made

    async def _message(self, context: TurnContext) -> None:
        activity: Activity = context.activity
        identity = await self._identify(context)
        if identity is None:
            await self._unknown(context)
            return
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        text = TurnContext.remove_recipient_mention(activity) if not personal else activity.text
        submitted = submission(activity.value)
        msg = Incoming(
            person_id=identity.person_id,
            text=(text or "").strip() if submitted is None else "",
            where=Where.DIRECT if personal else Where.CHANNEL,
            # Asked in a team channel, it is answered (and carried on) in the personal chat.
            conversation="direct",
            action=submitted[0] if submitted else None,
            values=submitted[1] if submitted else {},
            platform=PLATFORM,
            event_id=event_key(activity),
            place=None if personal else _place(activity),
        )
        delivered = await asyncio.to_thread(self.engine.handle, msg)
        if delivered.duplicate:
            log.info("Teams: activity %s was already handled", activity.id)
            return
        if submitted is not None and activity.reply_to_id and not delivered.keep_question:
            # (A refused press on a lead-channel alert, or Open, Contact them or Snooze, leaves
            # the card as it was: only acknowledging settles it.)
            await self._disable_card(context, activity.reply_to_id, submitted[2])
        if not personal:
            # Nothing about the person is shown in a team channel (see
            # conversations/shared_places.py): the reply goes to their own chat, now.
            answer = answer_in_shared_place(delivered, identity.private_chat)
            if answer.in_place:
                shown = delivered.outbox_ids if delivered.shareable else None
                await self._reply(context, answer.in_place, shown)
            if delivered.shareable:
                await asyncio.to_thread(self.engine.mark_delivered, delivered.outbox_ids)
            else:  # to the personal chat, created now if Teams lets us
                await asyncio.to_thread(self._send_now, delivered.outbox_ids)
            return
        await self._reply(context, delivered.parts, delivered.outbox_ids)
        await asyncio.to_thread(self.engine.mark_delivered, delivered.outbox_ids)

    def _send_now(self, outbox_ids: list[int]) -> None:
        with transaction(self.db) as session:
            outbox_queries.send_now(session, outbox_ids, self.clock.now())

    async def _disable_card(self, context: TurnContext, activity_id: str, label: str) -> None:
        update = Activity().deserialize(submitted_card(label))
        update.id = activity_id
        try:
            await context.update_activity(update)
        except HttpOperationError as exc:  # the reply matters more than the old card
            log.warning("Teams: could not update card %s: %s", activity_id, exc)

    async def _reply(
        self, context: TurnContext, parts: list[Part], outbox_ids: list[int] | None = None
    ) -> None:
        """Show ``parts`` in the conversation. When Teams may have posted them despite an error
        (see :func:`_send_failed`), their outbox rows are recorded as possibly sent (dead, with
        that note), so the deliverer does not post them a second time."""
        shown = link_invites(parts, self.links)
        for raw in render_activities(shown, preview(parts)):
            try:
                await context.send_activity(Activity().deserialize(raw))
            except HttpOperationError as exc:
                failure = _send_failed(exc)
                if not (failure.ambiguous and outbox_ids):
                    raise
                await asyncio.to_thread(self._possibly_sent, outbox_ids, str(failure))
                return

    def _possibly_sent(self, outbox_ids: list[int], error: str) -> None:
        with transaction(self.db) as session:
            outbox_queries.record_possibly_sent(
                session, outbox_ids, self.clock.now(), f"{AMBIGUOUS}: {error}"
            )

    async def _unknown(self, context: TurnContext) -> None:
        parts: list[Part] = [
            Text(
                "I can't find you in a mentoring scheme yet. Ask your scheme lead to add the "
                "email address you use for Teams, then say hello again."
            )
        ]
        await self._reply(context, parts)

    async def _identify(self, context: TurnContext) -> _Identity | None:
        """Our person for the sender: by AAD object id, else linked by email (looked up
        through the connector). Keeps the stored reference and time zone current."""
        activity: Activity = context.activity
        user = activity.from_property
        aad = getattr(user, "aad_object_id", None) if user else None
        if not aad or user is None:
            return None
        tenant = tenant_of(activity)
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        reference = TurnContext.get_conversation_reference(activity)
        if not personal:  # reach the person in their own chat, created when first needed
            reference.conversation = None
        address = address_of(reference, tenant)
        zone = _time_zone(activity.local_timezone)
        known = await asyncio.to_thread(
            self._known, tenant, aad, address if personal else None, zone
        )
        if known is not None:
            return known
        email = await _member_email(context, user.id)
        if not email:
            return None
        return await asyncio.to_thread(self._link, email, tenant, aad, address, zone)

    def _known(
        self, tenant: str, aad: str, address: dict[str, Any] | None, zone: str | None
    ) -> _Identity | None:
        with transaction(self.db) as session:
            identity = queries.identity_of(session, PLATFORM, tenant, aad)
            if identity is None:
                return None
            if address is not None and identity.address != address:
                identity.address = address
                session.add(identity)
            queries.set_time_zone(session, identity.person_id, zone)
            return _Identity(
                identity.person_id, new=False, private_chat=_has_chat(identity.address)
            )

    def _link(
        self, email: str, tenant: str, aad: str, address: dict[str, Any], zone: str | None
    ) -> _Identity | None:
        with transaction(self.db) as session:
            linked = queries.linked_identity(
                session,
                platform=PLATFORM,
                tenant=tenant,
                user_id=aad,
                email=email,
                address=address,
                now=self.clock.now(),
            )
            if linked is None:
                log.info("Teams: no person with the email of AAD user %s", aad)
                return None
            queries.set_time_zone(session, linked.person_id, zone)
            # Only the turn that made the link welcomes: of two install events that arrive
            # together (both find the person unlinked), the unique key lets one create it.
            return _Identity(linked.person_id, new=linked.created, private_chat=_has_chat(address))


def _has_chat(address: dict[str, Any]) -> bool:
    """The address is a personal chat (not only a user to create one with)."""
    reference = address.get("reference")
    conversation = reference.get("conversation") if isinstance(reference, dict) else None
    return isinstance(conversation, dict) and bool(conversation.get("id"))


def _place(activity: Activity) -> Place:
    """The team channel a message was said in: its address (the channel itself, not the
    thread), and its name when Teams gives it."""
    reference = TurnContext.get_conversation_reference(activity)
    if reference.conversation is not None and reference.conversation.id:
        reference.conversation.id = reference.conversation.id.split(";", 1)[0]
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    channel, team = data.get("channel") or {}, data.get("team") or {}
    # Teams leaves out the name of a team's General channel, whose id is the team's.
    general = bool(channel.get("id")) and channel.get("id") == team.get("id")
    name = channel.get("name") or ("General" if general else "")
    if name:
        label = f"the {name} channel"
    elif activity.conversation is not None and activity.conversation.conversation_type == "channel":
        label = "a Teams channel"
    else:
        label = "a Teams group chat"
    if team.get("name"):
        label += f" in {team['name']}"
    return Place(address_of(reference, tenant_of(activity)), label)


def _time_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


async def _member_email(context: TurnContext, user_id: str) -> str | None:
    try:
        member = await TeamsInfo.get_member(context, user_id)
    except (HttpOperationError, ClientRequestError) as exc:
        log.warning("Teams: member lookup failed: %s", exc)
        return None
    email = getattr(member, "email", None) or getattr(member, "user_principal_name", None)
    return str(email).strip().lower() if email else None


# -- the route --------------------------------------------------------------------------------


def event_key(activity: Activity) -> str:
    """The de-duplication key of an activity: its id within its conversation (ids are only
    unique per conversation: two chats can send the same one)."""
    conversation = activity.conversation.id if activity.conversation else ""
    key = f"{conversation}|{activity.id}"
    if len(key) > 200:
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return key


def _from_a_bot(activity: Activity) -> bool:
    sender = activity.from_property
    if sender is None:
        return False
    role = str(getattr(sender, "role", "") or "").lower()
    recipient = activity.recipient.id if activity.recipient else None
    # Teams user ids start "29:", bot (app) ids "28:".
    return role == "bot" or str(sender.id or "").startswith("28:") or sender.id == recipient


def screen(activity: Activity, settings: TeamsSettings) -> web.Response | None:
    """The answer to an authenticated activity we do not handle, or None to handle it: one from
    another tenant than ``TEAMS_TENANT_ID`` is refused (403); one written by a bot gets no
    reply (200)."""
    if settings.tenant_id:
        extra = getattr(activity.conversation, "additional_properties", None) or {}
        # botbuilder reads the conversation's tenant only as "tenantID": Teams sends "tenantId".
        named = {tenant_of(activity), str(extra.get("tenantId") or "")} - {""}
        if named != {settings.tenant_id}:
            log.warning("Teams: refused an activity from tenant %s", ", ".join(sorted(named)))
            return web.Response(status=403, text="another tenant\n")
    if _from_a_bot(activity):
        log.info("Teams: no reply to a %s activity from a bot", activity.type)
        return web.Response(status=200)
    return None


class _Endpoint:
    def __init__(self, settings: TeamsSettings, bot: TeamsBot) -> None:
        self.settings = settings
        self.auth = _authentication(settings)
        self.adapter = CloudAdapter(self.auth)
        self.bot = bot

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if "application/json" not in request.headers.get("Content-Type", ""):
            raise web.HTTPUnsupportedMediaType()
        try:
            body = await request.json()
        except ValueError as exc:
            raise web.HTTPBadRequest(text="not JSON") from exc
        if not isinstance(body, dict) or not body.get("type"):
            raise web.HTTPBadRequest(text="not an activity")
        activity = Activity().deserialize(body)
        result = await self._authenticate(activity, request.headers.get("Authorization", ""))
        refused = screen(activity, self.settings)
        if refused is not None:
            return refused
        invoke = await self.adapter.process_activity(result, activity, self.bot.on_turn)
        if invoke is not None and invoke.status and invoke.status != 200:
            return web.Response(status=int(invoke.status))
        return web.Response(status=200)

    async def _authenticate(self, activity: Activity, header: str) -> AuthenticateRequestResult:
        if not self.settings.authenticated:
            return await self.auth.authenticate_request(activity, None)
        if not header.startswith("Bearer ") or len(header) < 8:
            raise web.HTTPUnauthorized()
        if not _expires(header.removeprefix("Bearer ").strip()):
            # botbuilder (PyJWT) checks "exp" only when the token has one: a token that never
            # expires would be good forever once leaked.
            log.info("Teams: refused a token without an expiry")
            raise web.HTTPUnauthorized()
        try:
            # The SDK fetches OpenID metadata with blocking requests: keep it off our loop.
            result: AuthenticateRequestResult = await asyncio.to_thread(
                asyncio.run, self.auth.authenticate_request(activity, header)
            )
        except Exception as exc:
            log.info("Teams: refused a request: %s: %s", type(exc).__name__, exc)
            raise web.HTTPUnauthorized() from None
        return result


def _expires(token: str) -> bool:
    """Whether the (not yet verified) token has a numeric ``exp`` claim."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False
    return isinstance(claims.get("exp"), int | float)


def mount(
    app: web.Application, db: Database, clock: Clock, *, settings: TeamsSettings | None = None
) -> None:
    """Add ``POST /api/messages``; fail closed without an app id (see the module docstring)."""
    settings = settings or TeamsSettings.from_env()
    if not settings.authenticated:
        if not settings.allow_unauthenticated:
            log.error("Teams: TEAMS_APP_ID is not set: the Teams endpoint is not mounted")
            return
        log.warning(
            "Teams: TEAMS_APP_ID is not set and TEAMS_ALLOW_UNAUTHENTICATED=true: "
            "%s accepts UNAUTHENTICATED requests (local testing only)",
            ROUTE,
        )
    engine = Engine(db, clock, default_registry(), on_turn=metrics.EVENTS.turn)
    endpoint = _Endpoint(settings, TeamsBot(db, clock, engine))
    app.router.add_post(ROUTE, endpoint.handle)


# -- proactive --------------------------------------------------------------------------------


class TeamsSender:
    """Sends through stored conversation references (``continue_conversation``), creating the
    personal chat when the address has none. Failures become :class:`DeliveryError`."""

    platform = PLATFORM

    def __init__(
        self,
        settings: TeamsSettings,
        links: CalendarLinks | None = None,
        opened: Callable[[dict[str, Any], dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        self.settings = settings
        self.adapter = CloudAdapter(_authentication(settings))
        self.links = links  # meeting invites: Add to calendar (without: a note says so)
        # Told (old address, new address) of each personal chat it created for an address
        # with none (``bot.reach.chat_opened`` keeps it, so the chat is created once).
        self.opened = opened

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        """``outbox_id`` is not sent: Teams has no message metadata to carry it."""
        reference, tenant = reference_of(address)
        shown = link_invites(parts, self.links)
        activities = [_with_tenant(a, tenant) for a in render_activities(shown, preview)]
        if not activities:
            raise DeliveryError("nothing to send", permanent=True)
        sent: list[str] = []

        async def deliver(context: TurnContext) -> None:
            for activity in activities:
                try:
                    response = await context.send_activity(activity)
                except HttpOperationError as exc:
                    raise _send_failed(exc) from exc
                sent.append(str(getattr(response, "id", "") or ""))

        created: list[str] = []

        async def deliver_created(context: TurnContext) -> None:
            chat = context.activity.conversation.id if context.activity.conversation else None
            if chat:
                created.append(str(chat))
            await deliver(context)

        try:
            if reference.conversation is None or not reference.conversation.id:
                await self._create_and_send(reference, tenant, deliver_created)
                if created and self.opened is not None:
                    await self.opened(address, _with_chat(address, created[0], tenant))
            else:
                await _classified(
                    self.adapter.continue_conversation(reference, deliver, self.settings.app_id),
                    "send",
                )
        except DeliveryError as exc:
            if not sent:
                raise
            # Part of the message is in the chat (its text, say, but not its image): a retry
            # would post that part again, so it is given up with what went and what did not.
            raise DeliveryError(
                f"{exc} after {len(sent)} of {len(activities)} activities of the message were "
                "sent (not retried: that would repeat them)",
                permanent=not exc.ambiguous,
                ambiguous=exc.ambiguous,
            ) from exc
        return sent[-1] if sent and sent[-1] else "teams"

    async def delete(self, address: dict[str, Any], message_id: str) -> bool:
        """Delete an activity the bot posted in the stored conversation (Bot Connector
        ``DELETE .../activities/{id}``). An address still without a chat (one created by a
        sender that kept no record of it) cannot be searched: :class:`DeliveryError`."""
        reference, _ = reference_of(address)
        if reference.conversation is None or not reference.conversation.id:
            raise DeliveryError("Teams address has no conversation to delete in", permanent=True)

        gone: list[bool] = []

        async def remove(context: TurnContext) -> None:
            try:
                await context.delete_activity(message_id)
            except HttpOperationError as exc:
                if _status(exc) != 404:
                    raise
                gone.append(True)

        await _classified(
            self.adapter.continue_conversation(reference, remove, self.settings.app_id), "delete"
        )
        return not gone

    async def _create_and_send(
        self,
        reference: ConversationReference,
        tenant: str,
        deliver: Callable[[TurnContext], Awaitable[None]],
    ) -> None:
        if reference.user is None or reference.bot is None:
            raise DeliveryError("Teams address has neither conversation nor user", permanent=True)
        parameters = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=reference.user.id)],
            tenant_id=tenant or None,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        await _classified(
            self.adapter.create_conversation(
                self.settings.app_id,
                deliver,
                parameters,
                reference.channel_id or _TEAMS_CHANNEL,
                reference.service_url,
            ),
            "create conversation and send",
        )


def _with_chat(address: dict[str, Any], chat: str, tenant: str) -> dict[str, Any]:
    """``address`` with the personal chat created for it."""
    reference = dict(address.get("reference") or {})
    reference["conversation"] = {"conversationType": "personal", "id": chat}
    if tenant:
        reference["conversation"]["tenantId"] = tenant
    return {**address, "reference": reference}


def _retry_after(exc: HttpOperationError) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    try:
        return max(float(headers.get("Retry-After", "")), 0.0)
    except (TypeError, ValueError):
        return None


def _refused_before_sending(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionRefusedError | aiohttp.ClientConnectorError):
            return True
        if (
            "connection refused" in str(seen).lower()
            or "name or service not known" in str(seen).lower()
        ):
            return True
        seen = seen.__cause__ or seen.__context__ or getattr(seen, "inner_exception", None)
    return False


def _status(exc: HttpOperationError) -> int:
    return int(getattr(getattr(exc, "response", None), "status_code", 0) or 0)


def _send_failed(exc: HttpOperationError) -> DeliveryError:
    """A message the connector answered with an error. 429 is a refusal before any work, so it
    is retried. A 5xx or 412 came after the connector took the activity in, and Teams is known to
    post the message all the same: re-sending could show it twice and there is no way to look it
    up, so it is ambiguous (never re-sent; the lead sees it with the failed messages, marked
    "may have been delivered"). Other 4xx are permanent."""
    status = _status(exc)
    if status in (408, 429):
        return DeliveryError(f"Teams send answered HTTP {status}", retry_after=_retry_after(exc))
    if status == 412 or status >= 500:
        return DeliveryError(
            f"Teams accepted the message but answered HTTP {status}: it may have been posted",
            ambiguous=True,
        )
    return DeliveryError(f"Teams send answered HTTP {status}", permanent=True)


async def _classified(call: Awaitable[Any], what: str) -> None:
    try:
        await call
    except DeliveryError:
        raise
    except HttpOperationError as exc:  # creating a personal chat is idempotent: retried
        status = _status(exc)
        message = f"Teams {what} answered HTTP {status}"
        if status in RETRYABLE_STATUS:
            raise DeliveryError(message, retry_after=_retry_after(exc)) from exc
        raise DeliveryError(message, permanent=True) from exc
    except (ClientRequestError, OSError, TimeoutError, aiohttp.ClientError) as exc:
        if _refused_before_sending(exc):
            raise DeliveryError(f"Teams unreachable ({what}): {exc}") from exc
        raise DeliveryError(
            f"Teams {what} failed after the request may have left: {exc}", ambiguous=True
        ) from exc


def sender_from_env(
    http: aiohttp.ClientSession,
    *,
    settings: TeamsSettings | None = None,
    links: CalendarLinks | None = None,
) -> TeamsSender:
    """The Teams sender. botbuilder's connector makes its own HTTP requests, so ``http`` is not
    used (it is the port's common signature). ``links``: the signed calendar download links."""
    return TeamsSender(settings or TeamsSettings.from_env(), links)
