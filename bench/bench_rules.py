"""Median time to compute one convention plan, over 10,000 random conventions.

Run: `.venv/bin/python bench/bench_rules.py` (or `make bench`). Target (issue 3): under 1 ms.
Pure Python, no database: it measures ``conventions.rules.plan_convention`` alone.
"""

import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from conventions import rules  # noqa: E402

COUNT = 10_000


def random_facts(rng: random.Random) -> rules.Facts:
    effective = date(2015, 1, 1) + timedelta(days=rng.randrange(21 * 365))
    months = rng.randint(1, 36)
    base_end = rules.add_months(effective, months) - timedelta(days=1)
    suspensions, cursor = [], effective
    for _ in range(rng.randint(0, 3)):
        if cursor > base_end:
            break
        start = cursor + timedelta(days=rng.randint(0, (base_end - cursor).days))
        end = rules.add_months(start, 1) - timedelta(days=1) + timedelta(days=rng.randint(0, 200))
        suspensions.append(rules.Suspension(start, end))
        cursor = end + timedelta(days=1)
    scheduled = rules.scheduled_end(effective, months, suspensions)
    termination = None
    if rng.random() < 0.2:
        earliest = max([effective, *[s.end for s in suspensions]])
        termination = earliest + timedelta(days=rng.randint(0, (scheduled - earliest).days))
    facts = rules.Facts(
        effective,
        Decimal("14000"),
        months,
        suspensions=tuple(suspensions),
        termination_date=termination,
        work_permit_required=rng.random() < 0.3,
    )
    received = {
        k: effective + timedelta(days=rng.randint(0, 1500)) for k in rules.obligation_keys(facts) if rng.random() < 0.7
    }
    return rules.Facts(**{**facts.__dict__, "received": received})


def main() -> None:
    rng = random.Random(20261123)
    conventions = [random_facts(rng) for _ in range(COUNT)]
    as_of = date(2027, 6, 1)
    timings = []
    for facts in conventions:
        start = time.perf_counter()
        rules.plan_convention(facts, as_of)
        timings.append(time.perf_counter() - start)
    median_ms = statistics.median(timings) * 1000
    p95_ms = statistics.quantiles(timings, n=20)[-1] * 1000
    print(
        f"rules.plan_convention over {COUNT} random conventions: median {median_ms:.3f} ms, "
        f"p95 {p95_ms:.3f} ms, total {sum(timings):.2f} s (target: median < 1 ms)"
    )


if __name__ == "__main__":
    main()
