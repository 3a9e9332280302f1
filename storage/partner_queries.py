"""Who a person's mentoring partner is and how to reach them; an event's end time.

Read-only. A partner's profile is what they chose to share with the scheme (the mentor profile:
organisation, bio, style, contact preference); the department and a mentee's organisation come
from the cohort's ``settings["people"]``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from storage.models import Cohort, Event, MentorProfile, Pairing, Person


@dataclass(frozen=True)
class Partner:
    name: str
    email: str
    is_mentor: bool
    organisation: str = ""
    department: str = ""
    bio: str = ""
    style: str = ""
    contact_preference: str = ""


def partner_in(session: Session, pairing: Pairing, person_id: int) -> Partner | None:
    """The other person of ``pairing``, with what the scheme knows of them."""
    other_id = pairing.mentor_id if pairing.mentee_id == person_id else pairing.mentee_id
    other = session.get(Person, other_id)
    if other is None or other.erased_at is not None:
        return None
    cohort = session.get(Cohort, pairing.cohort_id)
    settings = cohort.settings if cohort is not None and isinstance(cohort.settings, dict) else {}
    known = (settings.get("people") or {}).get(other.email) or {}
    profile = session.exec(select(MentorProfile).where(MentorProfile.person_id == other_id)).first()
    return Partner(
        name=other.display_name,
        email=other.email,
        is_mentor=other_id == pairing.mentor_id,
        organisation=str(known.get("organisation") or (profile.organisation if profile else "")),
        department=str(known.get("department") or ""),
        bio=profile.bio if profile else "",
        style=profile.style if profile else "",
        contact_preference=profile.contact_preference if profile else "",
    )


def event_ends_at(session: Session, event: Event) -> datetime | None:
    """When an event ends, if the scheme says (kept in the cohort's settings)."""
    cohort = session.get(Cohort, event.cohort_id)
    settings = cohort.settings if cohort is not None and isinstance(cohort.settings, dict) else {}
    raw = ((settings.get("events") or {}).get(event.key) or {}).get("ends_at")
    return datetime.fromisoformat(raw) if isinstance(raw, str) else None
