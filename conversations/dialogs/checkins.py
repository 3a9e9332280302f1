"""The checkins journey (being built)."""

from __future__ import annotations

from conversations.engine import Registry


def register(registry: Registry) -> None:
    """Wire this journey's intents, dialogs and button routes into ``registry``."""
