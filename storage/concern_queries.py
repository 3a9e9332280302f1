"""Reads of concerns, scoped by the one rule in ``storage.access``: a concern is seen by the
person who raised it and by the project lead and the steering group (chair, members,
independent moderator) of its cohort: nobody else.

Someone on the steering group who is part of the pairing a concern is about (a mentor who also
sits on the steering group) does not see it: they are its subject, not its reader.
"""

from __future__ import annotations

from sqlmodel import Session

from storage.access import ConcernAction, concern_for, concerns_for
from storage.models import Concern


def concerns_visible_to(session: Session, viewer_id: int) -> list[Concern]:
    """The concerns ``viewer_id`` may read, oldest first."""
    return concerns_for(session, viewer_id, ConcernAction.READ)


def concern_visible_to(session: Session, viewer_id: int, concern_id: int) -> Concern | None:
    """One concern, when ``viewer_id`` may read it."""
    return concern_for(session, viewer_id, concern_id, ConcernAction.READ)
