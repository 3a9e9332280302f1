"""Prometheus metrics for ``GET /metrics`` (prometheus-client), every name ``mentorbot_*``.

Two kinds, and they add up differently across processes:

- **Counted where it happens, per process** (:data:`EVENTS`): turns by platform and their
  latency (``mentorbot_turns_total``, ``mentorbot_turn_seconds``), nudges created by rule
  (``mentorbot_nudges_created_total``), the sweep's duration (``mentorbot_sweep_seconds``)
  and what each delivery came to (``mentorbot_outbox_deliveries_total``). Each server process
  counts its own, from zero when it starts: sum them across instances (``sum by (platform)
  (rate(...))``). The Slack turn worker reports its turns to its server over a pipe
  (``bot.channels.slack.worker``), so a server's figures include its worker's.
- **Read from the database at scrape time** (:class:`DatabaseCollector`): outbox rows due,
  failed (waiting to be tried again), dead and sent, by priority; the age of the oldest due
  row; people not reachable. Every instance shows the same figures: take one (``max``), do
  not sum them.

A :func:`registry` of our own (never prometheus-client's global one), so each server, and each
test, has its own set; the event metrics are shared by the registries of one process.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from conversations import reach
from conversations.clock import Clock
from storage import ops_queries
from storage.db import transaction

log = logging.getLogger(__name__)

TURN_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SWEEP_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Events:
    """The metrics counted as things happen in this process."""

    def __init__(self) -> None:
        self.turns = Counter(
            "mentorbot_turns", "Dialog turns run, by platform", ["platform"], registry=None
        )
        self.turn_seconds = Histogram(
            "mentorbot_turn_seconds",
            "How long a dialog turn took, by platform",
            ["platform"],
            buckets=TURN_BUCKETS,
            registry=None,
        )
        self.nudges = Counter(
            "mentorbot_nudges_created",
            "Nudges created by the sweep, by rule",
            ["rule"],
            registry=None,
        )
        self.sweep_seconds = Histogram(
            "mentorbot_sweep_seconds",
            "How long one nudge sweep took",
            buckets=SWEEP_BUCKETS,
            registry=None,
        )
        self.deliveries = Counter(
            "mentorbot_outbox_deliveries",
            "Outbox sends tried by this process, by outcome (sent, failed, dead)",
            ["outcome"],
            registry=None,
        )

    def collectors(self) -> list[Collector]:
        return [self.turns, self.turn_seconds, self.nudges, self.sweep_seconds, self.deliveries]

    def turn(self, platform: str, seconds: float) -> None:
        self.turns.labels(platform=platform).inc()
        self.turn_seconds.labels(platform=platform).observe(seconds)

    def swept(self, seconds: float, by_rule: Mapping[str, int]) -> None:
        self.sweep_seconds.observe(seconds)
        for rule, created in by_rule.items():
            self.nudges.labels(rule=rule).inc(created)

    def delivered(self, sent: int, failed: int, dead: int) -> None:
        for outcome, count in (("sent", sent), ("failed", failed), ("dead", dead)):
            if count:
                self.deliveries.labels(outcome=outcome).inc(count)


EVENTS = Events()


class DatabaseCollector(Collector):
    """Gauges read from the database when Prometheus scrapes (a few indexed counts)."""

    def __init__(self, db: Engine, clock: Clock, platforms: Collection[str]) -> None:
        self.db = db
        self.clock = clock
        self.platforms = list(platforms)

    def describe(self) -> Iterator[Metric]:
        return iter(())  # (no query at registration time)

    def collect(self) -> Iterator[Metric]:
        now = self.clock.now()
        up = GaugeMetricFamily("mentorbot_database_up", "1 when the last scrape read the database")
        try:
            with transaction(self.db) as session:
                counts = ops_queries.outbox_counts(session, now)
                oldest = ops_queries.oldest_due(session, now, self.platforms)
                # With email set up, everyone not on a chat platform is reached by email
                # (``conversations.reach.reached_by``, the rule `mentorbot people` shows).
                unreachable = (
                    0
                    if reach.email_configured()
                    else ops_queries.people_not_reachable(session, now.date())
                )
        except Exception as exc:
            log.warning("metrics: could not read the database (%s)", type(exc).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        for name, help_text, by_priority in (
            ("due", "Outbox rows pending and due now, by priority", counts.due),
            ("failed", "Outbox rows waiting to be tried again after a failure", counts.failed),
            ("dead", "Outbox rows given up on (shown to the lead), by priority", counts.dead),
            ("sent", "Outbox rows sent (until retention removes them), by priority", counts.sent),
        ):
            family = GaugeMetricFamily(f"mentorbot_outbox_{name}", help_text, labels=["priority"])
            for priority, count in sorted(by_priority.items()):
                family.add_metric([str(priority)], count)
            yield family
        age = 0.0 if oldest is None else max((now - oldest).total_seconds(), 0.0)
        yield GaugeMetricFamily(
            "mentorbot_outbox_oldest_due_seconds",
            "How long the oldest deliverable outbox row has been due (0: none is)",
            value=age,
        )
        yield GaugeMetricFamily(
            "mentorbot_people_not_reachable",
            "People in a cohort that has not ended whom no chat platform reaches",
            value=unreachable,
        )


def registry(
    db: Engine, clock: Clock, platforms: Collection[str], events: Events = EVENTS
) -> CollectorRegistry:
    """A registry of our own: this process's event metrics and the database's gauges."""
    found = CollectorRegistry(auto_describe=False)
    for collector in events.collectors():
        found.register(collector)
    found.register(DatabaseCollector(db, clock, platforms))
    return found
