"""A delivery worker in its own process, for the crash test (tests/test_outbox.py).

    python tests/outbox_worker.py --db URL --worker NAME --lease 2 --batch 10 --concurrency 1
    python tests/outbox_worker.py --sweep ...   (a scheduler: sweep for due nudges, then deliver)

Delivers due outbox rows (webhook channels only, real clock, no pacing) until a pass finds
nothing, then exits 0. The test kills it with SIGKILL part-way.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

import aiohttp

from bot.channels.webhook import WebhookSender
from bot.outbox import Deliverer
from conversations.clock import Clock
from conversations.nudges import sweep
from storage.db import make_engine


async def work(args: argparse.Namespace) -> None:
    db = make_engine(args.db)
    if args.sweep:  # a scheduler process: sweep for due nudges first, then deliver them
        sweep(db, Clock())
    async with aiohttp.ClientSession() as session:
        deliverer = Deliverer(
            db,
            Clock(),
            {"webhook": WebhookSender(session)},
            worker=args.worker,
            lease=timedelta(seconds=args.lease),
            batch=args.batch,
            concurrency=args.concurrency,
            pacing={},
        )
        while (await deliverer.deliver_once()).total:
            pass
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--worker", default="worker")
    parser.add_argument("--lease", type=float, default=60.0)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--sweep", action="store_true", help="sweep for due nudges first")
    asyncio.run(work(parser.parse_args()))


if __name__ == "__main__":
    main()
