"""Reads of mentoring contracts, scoped to the two partners of a pairing.

A contract belongs to its pair: only the mentee and the mentor of the pairing read it here (the
project team gets its copy through the lead channel when both have signed).
"""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Contract, Pairing, PairingStatus


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
