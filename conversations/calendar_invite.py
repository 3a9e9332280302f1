"""Calendar invites (.ics, RFC 5545 / iTIP RFC 5546) for booked meetings, built with icalendar.

One meeting is one calendar event for its whole life: the UID is ``mentorbot-meeting-<id>@mentorbot``
whatever happens to it, and each new version of the invite carries a higher SEQUENCE, so a
calendar replaces the old version (a new time) or removes it (``METHOD:CANCEL``) instead of
adding a second event. DTSTART is in UTC, so one file serves both partners whatever their zones.
A move of a confirmed meeting is a new meeting (``replaces_id``): once accepted, the old event
gets one ``METHOD:CANCEL`` and the new time one new invite; a declined move sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, TypeGuard

from conversations.messages import Attachment

Method = Literal["REQUEST", "CANCEL"]

PRODID = "-//mentorbot//meetings//EN"
MODE_LOCATIONS = {"in_person": "In person", "video": "Video call", "phone": "Phone call"}


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


def is_invite(part: object) -> TypeGuard[Attachment]:
    """A calendar file (an invite or its cancellation) among a message's parts: channels that
    can carry a file send it as one (an email attachment, a Slack upload, a Teams link)."""
    return isinstance(part, Attachment) and part.media_type.startswith("text/calendar")


def meeting_uid(meeting_id: int) -> str:
    return f"mentorbot-meeting-{meeting_id}@mentorbot"


def meeting_invite(
    *,
    meeting_id: int,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    mentee: Attendee,
    mentor: Attendee,
    method: Method,
    sequence: int,
    now: datetime,
) -> Attachment:
    """The invite (``REQUEST``) or its cancellation (``CANCEL``) as a message attachment.

    The mentee is the organiser: in the scheme the mentee arranges the meetings. The agenda is
    left out on purpose: calendars are often shared with assistants and colleagues.
    """
    if starts_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("invite times must be timezone-aware")
    # icalendar is imported here, when an invite is made, not in every chat's start-up.
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    event = Event()
    event.add("uid", meeting_uid(meeting_id))
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", starts_at.astimezone(UTC))
    event.add("duration", timedelta(minutes=duration_minutes))
    event.add("summary", f"Mentoring: {mentee.name} and {mentor.name}")
    event.add("location", MODE_LOCATIONS.get(mode, mode))
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organiser = vCalAddress(f"mailto:{mentee.email}")
    organiser.params["cn"] = vText(mentee.name)
    event.add("organizer", organiser)
    for person in (mentee, mentor):
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = vText(person.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        event.add("attendee", attendee, encode=False)
    cal.add_component(event)

    kind = "cancel" if method == "CANCEL" else "invite"
    return Attachment(
        filename=f"mentoring-meeting-{meeting_id}-{kind}.ics",
        media_type=f"text/calendar; charset=utf-8; method={method}",
        content=cal.to_ical().decode("utf-8"),
    )
