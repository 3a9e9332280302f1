"""Reads of mentoring contracts, scoped to the two partners of a pairing.

A contract belongs to its pair: only the mentee and the mentor of the pairing read it here (the
project team gets its copy through the lead channel when both have signed).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from storage.models import Cohort, Contract, Pairing, PairingStatus
from storage.scheme_settings import SchemeSettings

# The scheme's contract period (``[scheme.contract] period_days``): a pair matched after the
# cohort's launch (a re-match) signs within this many days of being matched.


def pairing_of(session: Session, person_id: int, pairing_id: int) -> Pairing | None:
    """The active pairing ``pairing_id`` when ``person_id`` is one of its two partners."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or pairing.status != PairingStatus.ACTIVE.value:
        return None
    if person_id not in (pairing.mentee_id, pairing.mentor_id):
        return None
    return pairing


def contract_of(session: Session, person_id: int, pairing_id: int) -> Contract | None:
    """The contract of a pairing, for one of its partners only (None for anyone else)."""
    pairing = session.get(Pairing, pairing_id)
    if pairing is None or person_id not in (pairing.mentee_id, pairing.mentor_id):
        return None
    return session.exec(select(Contract).where(Contract.pairing_id == pairing_id)).first()


def period_days(scheme_settings: dict[str, Any] | None) -> int:
    """The scheme's contract period in days (default three weeks)."""
    return SchemeSettings.read(scheme_settings).contract.period_days


def new_pair_deadline(cohort: Cohort, matched_on: date, days: int, *, rematch: bool) -> date | None:
    """The contract deadline a pair gets when it is matched on ``matched_on``: the cohort's for
    the cohort's own matching (while it is still ahead), else the match date plus the scheme's
    contract period: a re-matched pair never inherits a cohort deadline days away."""
    own = cohort.contract_deadline
    if not rematch and own is not None and own >= matched_on:
        return own
    return matched_on + timedelta(days=days)


def deadline_of(session: Session, pairing: Pairing) -> date | None:
    """The pair's contract deadline: its own (a re-match), or its cohort's."""
    if pairing.contract_deadline is not None:
        return pairing.contract_deadline
    cohort = session.get(Cohort, pairing.cohort_id)
    return cohort.contract_deadline if cohort is not None else None
