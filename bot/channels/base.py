"""The delivery port every channel implements, and the one error it raises.

- :class:`Sender`: ``send(address, parts, preview) -> platform message id``; the outbox
  deliverer (``bot/outbox.py``) picks the sender by the platform of the row's address.
- :class:`DeliveryError`: a failed send, classified so the deliverer knows what to do next:
  retry later (after ``retry_after`` when the platform said so), give up (``permanent``), or
  give up *and* say that it may have arrived (``ambiguous``).

The address is the stored, opaque JSON of one conversation (a channel identity's ``address``,
or a scheme's ``settings["channels"][name]``); only the sender of that platform reads it.
"""

from __future__ import annotations

from typing import Any, Protocol

from conversations.messages import Part


class DeliveryError(Exception):
    """A send that did not (certainly) succeed.

    ``retry_after``: seconds the platform asked us to wait (HTTP 429 ``Retry-After``).
    ``permanent``: retrying cannot help (bad address, no access, message refused).
    ``ambiguous``: the request may have been applied (for instance a timeout after it was sent).
    A create is not idempotent on Slack or Teams, so the deliverer never re-sends an ambiguous
    failure: it dead-letters it as "may have been delivered" for the lead to check.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.ambiguous = ambiguous


class Sender(Protocol):
    """Sends rendered parts to one stored address on one platform."""

    platform: str

    async def send(
        self,
        address: dict[str, Any],
        parts: list[Part],
        preview: str,
        *,
        outbox_id: int | None = None,
    ) -> str:
        """Post the message; return the platform's message id. Raise :class:`DeliveryError`
        for every failure the platform or the network reports. ``outbox_id`` travels with the
        message where the platform allows (Slack message metadata), so a resend after an
        ambiguous failure can be reconciled."""
        ...


class Deleter(Protocol):
    """Deletes a message the bot posted earlier (an erasure: ``mentorbot erase``)."""

    platform: str

    async def delete(self, address: dict[str, Any], message_id: str) -> bool:
        """Delete it; False when the platform no longer has it. Raise :class:`DeliveryError`
        when it cannot be deleted."""
        ...
