"""Reads and writes of mentoring contracts, scoped to the two partners of a pairing.

A contract belongs to its pair: only the mentee and the mentor of the pairing read it here (the
project team gets its copy through the lead channel when both have signed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
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


# ``Contract.terms``: the parts both partners agree, and each partner's own contact.
SHARED_TERMS = ("plan", "confidentiality", "objectives")


def shared_terms(contract: Contract | None) -> dict[str, str]:
    """The parts both partners agree ("" for one not agreed yet)."""
    terms = contract.terms if contract is not None else {}
    return {key: str(terms.get(key, "") or "") for key in SHARED_TERMS}


def contacts_of(contract: Contract | None) -> dict[str, str]:
    """Each partner's best way and time to be reached, by role (mentee, mentor)."""
    contacts = (contract.terms if contract is not None else {}).get("contact", {})
    return dict(contacts) if isinstance(contacts, dict) else {}


@dataclass(frozen=True)
class Saved:
    """A contract as one partner saved it, and what that did to it."""

    contract: Contract
    first_fill: bool  # nothing shared was agreed before
    changed: bool  # the shared parts changed (so every signature given was cleared)
    partner_had_signed: bool


def save_contract(
    session: Session,
    person_id: int,
    pairing: Pairing,
    shared: dict[str, str],
    contact: str,
    *,
    sign: bool,
    signed_name: str,
    now: datetime,
) -> Saved:
    """Write one partner's contract: the shared parts, their own contact and, with ``sign``,
    their signature. A change to the shared parts clears both signatures given so far."""
    assert pairing.id is not None
    role = "mentee" if pairing.mentee_id == person_id else "mentor"
    other = "mentor" if role == "mentee" else "mentee"
    contract = contract_of(session, person_id, pairing.id)
    stored = shared_terms(contract)
    first_fill = not any(stored.values())
    if contract is None:
        contract = Contract(pairing_id=pairing.id, terms={}, updated_at=now)
    changed = stored != shared and not first_fill
    partner_had_signed = getattr(contract, f"{other}_signed_at") is not None
    for who in ("mentee", "mentor") if changed else ():
        setattr(contract, f"{who}_signed_name", None)
        setattr(contract, f"{who}_signed_at", None)
    if sign:
        setattr(contract, f"{role}_signed_name", signed_name)
        setattr(contract, f"{role}_signed_at", now)
    contract.terms = {**shared, "contact": {**contacts_of(contract), role: contact}}
    contract.deadline = deadline_of(session, pairing)
    contract.updated_at = now
    session.add(contract)
    return Saved(contract, first_fill, changed, partner_had_signed)
