"""Every card and block list the channels render, told to whoever watches.

The Teams card renderer tells each Adaptive Card it makes (:data:`TEAMS_CARD`), the Slack one
each message's blocks (:data:`SLACK_BLOCKS`) and each view (:data:`SLACK_VIEW`: a modal, App
Home). Nothing in the bot watches; the test suite does (``tests/conftest.py`` checks every card
any test renders against the platform's limits and our rules for text), and a watcher could
count what goes out. A watcher must not change what it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TEAMS_CARD = "teams card"
SLACK_BLOCKS = "slack blocks"
SLACK_VIEW = "slack view"

Watcher = Callable[[str, Any], None]
_watchers: list[Watcher] = []


def watch(watcher: Watcher) -> Callable[[], None]:
    """Call ``watcher(kind, payload)`` for everything rendered from now on; returns the call
    that stops it."""
    _watchers.append(watcher)
    return lambda: _watchers.remove(watcher)


def rendered(kind: str, payload: Any) -> None:
    for watcher in tuple(_watchers):
        watcher(kind, payload)
