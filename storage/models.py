"""The domain schema (DESIGN.md "Storage"), as SQLModel tables.

Every datetime is timezone-aware and stored as UTC (SQLModel's ``UTCDateTime`` rejects naive
values). Enumerations are stored as their string values. Uniqueness constraints, not Python
checks, are what make a duplicate event, a second application or a second nudge impossible.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.sealing import SealedJSON, SealedText


class Role(StrEnum):
    MENTEE = "mentee"
    MENTOR = "mentor"
    LEAD = "lead"
    STEERING_CHAIR = "steering_chair"
    STEERING_MEMBER = "steering_member"
    MODERATOR = "moderator"


class PairingStatus(StrEnum):
    ACTIVE = "active"
    ENDED_EARLY = "ended_early"
    COMPLETED = "completed"


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    HELD = "held"
    # Replaced by a move its partner accepted (the meeting that ``replaces_id`` it).
    MOVED = "moved"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SELECTED = "selected"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Verdict(StrEnum):
    """A steering decision on an application."""

    ACCEPT = "accept"
    REJECT = "reject"
    UNSURE = "unsure"


class ReviewStage(StrEnum):
    """Who decides: each member reviews; the chair decides a non-consensus; failing that, the
    independent moderator."""

    MEMBER = "member"
    CHAIR = "chair"
    MODERATOR = "moderator"


class ConflictKind(StrEnum):
    APPRAISER = "appraiser"
    EDUCATIONAL_SUPERVISOR = "educational_supervisor"
    LINE_MANAGEMENT = "line_management"
    SAME_DEPARTMENT = "same_department"
    OTHER = "other"


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    DISCARDED = "discarded"


class FitAnswer(StrEnum):
    GOOD_FIT = "good_fit"
    STILL_DECIDING = "still_deciding"
    NOT_A_GOOD_FIT = "not_a_good_fit"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    DEAD = "dead"
    # A nudge that no longer applies when it fell due (storage.nudge_queries.obsolete): dropped.
    OBSOLETE = "obsolete"


def _json_column(default_is_list: bool = False) -> Any:
    return Field(
        default_factory=list if default_is_list else dict,
        sa_column=Column(JSON, nullable=False),
    )


def _sealed_json(default_is_list: bool = False) -> Any:
    """A JSON value that holds what people wrote: sealed at rest (``storage.sealing``)."""
    return Field(
        default_factory=list if default_is_list else dict,
        sa_column=Column(SealedJSON, nullable=False),
    )


def _sealed_text(default: str | None = "") -> Any:
    """Words people wrote: sealed at rest (``storage.sealing``)."""
    if default is None:
        return Field(sa_column=Column(SealedText, nullable=False))
    return Field(default=default, sa_column=Column(SealedText, nullable=False))


# A person's time zone until they (or their chat platform) say otherwise.
DEFAULT_TIME_ZONE = "Europe/London"


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320, unique=True, index=True)
    display_name: str = Field(max_length=200)
    time_zone: str = Field(default=DEFAULT_TIME_ZONE, max_length=64)
    created_at: datetime
    erased_at: datetime | None = None
    # Nudges wait until this moment ("pause reminders until 5 Jan", "I'm on leave until ...").
    paused_until: datetime | None = None
    # A pause that starts later ("away 23rd-27th March"): none means it started already.
    pause_starts_at: datetime | None = None
    # The last message the person sent the bot: the silence rule watches it.
    last_active_at: datetime | None = None


class ChannelIdentity(SQLModel, table=True):
    """A person's account on one platform, with the address the bot reaches them at."""

    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("platform", "tenant", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    platform: str = Field(max_length=32)
    tenant: str = Field(default="", max_length=128)
    user_id: str = Field(max_length=256)
    address: dict[str, Any] = _json_column()
    created_at: datetime


class Scheme(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200)
    time_zone: str = Field(default="Europe/London", max_length=64)
    lead_channel: str = Field(max_length=100)
    settings: dict[str, Any] = _json_column()
    updated_at: datetime


class Cohort(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("scheme_id", "slug"),
        CheckConstraint("ends_on >= starts_on", name="cohort_dates_in_order"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int = Field(foreign_key="scheme.id", index=True, ondelete="CASCADE")
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    starts_on: date
    ends_on: date
    applications_open: date | None = None
    applications_close: date | None = None
    contract_deadline: date | None = None
    settings: dict[str, Any] = _json_column()


class Membership(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("person_id", "cohort_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=32)


class Application(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("cohort_id", "person_id"),
        UniqueConstraint("cohort_id", "reference"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    reference: str | None = Field(default=None, max_length=16)
    status: str = Field(default=ApplicationStatus.DRAFT.value, max_length=16)
    answers: dict[str, Any] = _sealed_json()
    preferences: list[int] = _json_column(default_is_list=True)
    created_at: datetime
    submitted_at: datetime | None = None
    # Set when the outcome (selected / rejected) is final: by consensus, the chair or the
    # moderator. The reason is what the applicant is told when rejected.
    decided_at: datetime | None = None
    decision_reason: str | None = None


class Review(SQLModel, table=True):
    """One steering decision on one application, kept with who, when and why: a member's
    review, the chair's decision on a non-consensus, or the independent moderator's."""

    __table_args__ = (UniqueConstraint("application_id", "reviewer_id", "stage"),)

    id: int | None = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    reviewer_id: int = Field(foreign_key="person.id", index=True)
    stage: str = Field(default=ReviewStage.MEMBER.value, max_length=16)
    verdict: str = Field(max_length=16)
    reason: str = ""
    created_at: datetime
    updated_at: datetime


class ConflictOfInterest(SQLModel, table=True):
    """A declared conflict between a mentee and a mentor (appraiser, educational supervisor,
    line management, ...): the two are never matched."""

    __tablename__ = "conflict_of_interest"
    __table_args__ = (UniqueConstraint("cohort_id", "mentee_id", "mentor_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    mentee_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    mentor_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32)
    declared_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime


class MatchProposal(SQLModel, table=True):
    """A whole-cohort matching proposed by the bot, swapped and approved by the steering group.

    ``pairs``: ``[{mentee_id, mentor_id, rank}]`` (rank 1-3 of the mentee's preferences, or
    null when the mentor was not among them); ``unmatched``: ``[{mentee_id, reason}]``;
    ``score``: ``{first, second, third, unranked, unmatched, cost}``; ``rationale``: why the
    steering group approved it (kept with the decision)."""

    __tablename__ = "match_proposal"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    status: str = Field(default=ProposalStatus.DRAFT.value, max_length=16)
    pairs: list[dict[str, Any]] = _json_column(default_is_list=True)
    unmatched: list[dict[str, Any]] = _json_column(default_is_list=True)
    score: dict[str, Any] = _json_column()
    rationale: str = ""
    created_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime
    decided_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    decided_at: datetime | None = None
    updated_at: datetime


class MentorProfile(SQLModel, table=True):
    __tablename__ = "mentor_profile"
    __table_args__ = (CheckConstraint("capacity >= 0", name="mentor_capacity_not_negative"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", unique=True, ondelete="CASCADE")
    bio: str = ""
    style: str = ""
    ways_of_working: list[str] = _json_column(default_is_list=True)
    contact_preference: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=200)
    capacity: int = 1
    at_full_capacity: bool = False
    conflicts: list[str] = _json_column(default_is_list=True)
    updated_at: datetime


class Pairing(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("mentee_id <> mentor_id", name="pairing_two_people"),
        Index("ix_pairing_status_contact", "status", "last_contact_at"),
        # A mentee has at most one active mentor at a time.
        Index(
            "uq_pairing_active_mentee",
            "cohort_id",
            "mentee_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    mentee_id: int = Field(foreign_key="person.id", index=True)
    mentor_id: int = Field(foreign_key="person.id", index=True)
    status: str = Field(default=PairingStatus.ACTIVE.value, max_length=16)
    started_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None
    # The start of the pair's latest held or confirmed meeting, or of the pairing: kept by
    # storage.schedule on every flush that touches a meeting, so "who has not met for four
    # weeks" is an index range scan instead of a look at every pair.
    last_contact_at: datetime | None = None
    # The approved matching that made this pairing, and the pairing it replaces (re-matching).
    proposal_id: int | None = Field(
        default=None, foreign_key="match_proposal.id", ondelete="SET NULL"
    )
    previous_pairing_id: int | None = Field(
        default=None, foreign_key="pairing.id", ondelete="SET NULL"
    )
    # The pair's own contract deadline (a re-match: its start plus the scheme's contract
    # period); None means the cohort's ``contract_deadline``.
    contract_deadline: date | None = Field(default=None, index=True)


class FitCheck(SQLModel, table=True):
    """Each partner's answer, once the first meeting is logged: good fit / still deciding / not
    a good fit."""

    __tablename__ = "fit_check"
    __table_args__ = (UniqueConstraint("pairing_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    answer: str = Field(max_length=16)
    answered_at: datetime


class SchemeChange(SQLModel, table=True):
    """A change the scheme made in response to feedback (for the annual report)."""

    __tablename__ = "scheme_change"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    text: str
    recorded_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    created_at: datetime


class Contract(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", unique=True, ondelete="CASCADE")
    terms: dict[str, Any] = _json_column()
    deadline: date | None = None
    mentee_signed_name: str | None = None
    mentee_signed_at: datetime | None = None
    mentor_signed_name: str | None = None
    mentor_signed_at: datetime | None = None
    updated_at: datetime


class Meeting(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(
            "duration_minutes > 0 AND duration_minutes <= 720", name="meeting_duration_sensible"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True, ondelete="CASCADE")
    starts_at: datetime = Field(index=True)
    duration_minutes: int
    mode: str = Field(default="video", max_length=16)
    agenda: str = ""
    location: str = ""
    status: str = Field(default=MeetingStatus.PROPOSED.value, max_length=16)
    proposed_by_id: int = Field(foreign_key="person.id")
    decline_reason: str | None = None
    # A proposed move of a confirmed meeting: the meeting it replaces once accepted (until then
    # the original stays confirmed, and a declined move leaves it as it was).
    replaces_id: int | None = Field(default=None, foreign_key="meeting.id", ondelete="SET NULL")
    created_at: datetime
    updated_at: datetime


class Minutes(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True, ondelete="CASCADE")
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", unique=True)
    author_id: int = Field(foreign_key="person.id")
    held_on: date
    discussion: str = _sealed_text()
    decisions: str = _sealed_text()
    created_at: datetime


class ActionItem(SQLModel, table=True):
    __tablename__ = "action_item"

    id: int | None = Field(default=None, primary_key=True)
    pairing_id: int = Field(foreign_key="pairing.id", index=True, ondelete="CASCADE")
    minutes_id: int | None = Field(default=None, foreign_key="minutes.id", ondelete="SET NULL")
    owner_id: int | None = Field(default=None, foreign_key="person.id")
    owner_name: str = Field(default="", max_length=200)
    text: str = _sealed_text(None)
    due: date | None = Field(default=None, index=True)
    done_at: datetime | None = None
    created_at: datetime


class DiaryEntry(SQLModel, table=True):
    """A mentee's reflective diary entry: private to its author."""

    __tablename__ = "diary_entry"

    id: int | None = Field(default=None, primary_key=True)
    author_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    written_on: date
    text: str = _sealed_text()
    what_happened: str = _sealed_text()
    so_what: str = _sealed_text()
    now_what: str = _sealed_text()
    created_at: datetime
    # Shared by its author with their partner ("can I share my last entry with Tom?").
    shared_with_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    shared_at: datetime | None = None


class Survey(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cohort_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    title: str = Field(max_length=200)
    kind: str = Field(default="checkin", max_length=16)
    audience: str = Field(default="both", max_length=16)
    opens_on: date
    closes_on: date
    about_mentor: bool = False


class SurveyQuestion(SQLModel, table=True):
    __tablename__ = "survey_question"
    __table_args__ = (
        UniqueConstraint("survey_id", "key"),
        UniqueConstraint("survey_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    position: int
    key: str = Field(max_length=64)
    text: str
    kind: str = Field(default="text", max_length=16)
    choices: list[str] = _json_column(default_is_list=True)
    required: bool = True


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    answers: dict[str, Any] = _sealed_json()
    follow_up_requested: bool = False
    submitted_at: datetime


class Concern(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    raised_by_id: int = Field(foreign_key="person.id", index=True)
    pairing_id: int | None = Field(default=None, foreign_key="pairing.id")
    category: str = Field(max_length=32)
    text: str = _sealed_text()
    urgent: bool = False
    status: str = Field(default="open", max_length=16)
    created_at: datetime
    acknowledged_at: datetime | None = None
    acknowledged_by_id: int | None = Field(default=None, foreign_key="person.id")
    # "Snooze 1 week" in the lead channel: no reminder about it before then.
    snoozed_until: datetime | None = None
    # When the concern was raised again to the steering group chair, unacknowledged.
    escalated_at: datetime | None = None
    # "resolve C7": the lead or steering group has dealt with it (status becomes "resolved").
    resolved_at: datetime | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")


class Event(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("cohort_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    starts_at: datetime
    mode: str = Field(default="", max_length=32)
    location: str = ""


class DialogState(SQLModel, table=True):
    """Where a person is in a dialog, per conversation; ``version`` guards concurrent turns."""

    __tablename__ = "dialog_state"
    __table_args__ = (UniqueConstraint("person_id", "conversation"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    conversation: str = Field(max_length=200)
    dialog: str | None = Field(default=None, max_length=64)
    schema_version: int = 1
    state: dict[str, Any] = _sealed_json()
    history: list[dict[str, Any]] = _sealed_json(default_is_list=True)
    version: int = 0
    updated_at: datetime


class ProcessedEvent(SQLModel, table=True):
    """A platform event already handled: the unique key makes a retried delivery a no-op."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("platform", "event_id"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    event_id: str = Field(max_length=256)
    processed_at: datetime


class InboxStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DEAD = "dead"


class Inbox(SQLModel, table=True):
    """An incoming platform event, stored before it is acknowledged (a transactional inbox).

    ``(platform, event_key)`` is unique: a redelivered event is not stored twice. A row stays
    ``pending`` until the turn that handles it commits (the turn closes it in its own
    transaction) or its work is otherwise done; a worker holds it under a lease while it runs,
    and a failed attempt waits ``next_attempt_at``. ``body`` is emptied once the row is done,
    so the inbox keeps no second copy of what people wrote.
    """

    __table_args__ = (
        UniqueConstraint("platform", "event_key"),
        Index("ix_inbox_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=32)
    event_key: str = Field(max_length=256)
    body: dict[str, Any] = _sealed_json()
    status: str = Field(default=InboxStatus.PENDING.value, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: str | None = Field(default=None, max_length=96)
    lease_until: datetime | None = None
    last_error: str | None = None
    received_at: datetime
    done_at: datetime | None = None


class Outbox(SQLModel, table=True):
    """Every message the bot sends: replies and messages to others, written with the state change.

    ``recipient_id`` addresses a person; ``channel`` addresses a scheme channel (e.g. the lead
    channel). ``preview`` is the push-notification text and never carries private content.
    """

    __table_args__ = (
        CheckConstraint(
            "(recipient_id IS NOT NULL) <> (channel IS NOT NULL)", name="outbox_one_recipient"
        ),
        Index("ix_outbox_due", "status", "priority", "next_attempt_at"),
        # The silence rule looks at messages sent in a window of days.
        Index("ix_outbox_created", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    scheme_id: int | None = Field(default=None, foreign_key="scheme.id", ondelete="CASCADE")
    recipient_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, ondelete="CASCADE"
    )
    channel: str | None = Field(default=None, max_length=100)
    # With ``channel``: deliver to this route instead of the channel's current one (a notice to
    # a lead channel's old route that its alerts have moved).
    address: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    kind: str = Field(default="message", max_length=32)
    parts: list[dict[str, Any]] = _sealed_json(default_is_list=True)
    preview: str = ""
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16)
    # Lower goes first: urgent concerns (0) ahead of replies and messages (5) and nudges (7).
    priority: int = 5
    attempts: int = 0
    next_attempt_at: datetime
    # A deliverer that claimed the row owns it until the lease ends (then another may retry it).
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    last_error: str | None = None
    created_at: datetime
    sent_at: datetime | None = None
    platform_message_id: str | None = Field(default=None, max_length=256)
    # The concern a lead-channel alert (or its second route) is about: an urgent concern's alert
    # and its second-route messages are never given up on (``outbox_queries.in_urgent_lane``).
    concern_id: int | None = Field(default=None, foreign_key="concern.id", ondelete="SET NULL")


class SecondRoute(SQLModel, table=True):
    """An urgent concern whose lead-channel alert could not be delivered, and so went by a second
    route (the lead's and chair's own chats). One per concern: the unique key makes it so,
    however many workers see the failure at once."""

    __tablename__ = "second_route"

    id: int | None = Field(default=None, primary_key=True)
    concern_id: int = Field(foreign_key="concern.id", unique=True, ondelete="CASCADE")
    # The lead-channel alert that could not go.
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", ondelete="SET NULL")
    reason: str = Field(default="", max_length=500)
    created_at: datetime


class Nudge(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("rule", "subject", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=64)
    subject: str = Field(max_length=128)
    period: str = Field(max_length=64)
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id", ondelete="SET NULL")
    created_at: datetime


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    action: str = Field(max_length=64, index=True)
    subject: str = Field(default="", max_length=128)
    detail: dict[str, Any] = _json_column()


class AuditPermit(SQLModel, table=True):
    """While a row is here, the audit log's guard (a trigger on both databases) lets rows be
    deleted or changed: only ``storage.audit.permitted`` adds one, in the transaction that
    purges or anonymises, and takes it away again before that transaction commits."""

    __tablename__ = "audit_permit"

    id: int | None = Field(default=None, primary_key=True)
    reason: str = Field(max_length=64)
