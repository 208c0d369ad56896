"""The automatic assignment of 500 dossiers to 60 evaluators with conflicts, 3 evaluators per dossier.

Run: `.venv/bin/python bench/bench_assignment.py` (or `make bench`). Pure Python, no database: it times
``applications.evaluation.assignment.solve`` (what ``propose`` calls once it has read the call) on a
random but fixed world: 40 labs and 10 disciplines, each evaluator in a lab (same lab as a dossier:
conflict), some of them thesis directors of dossiers, the e-mail-domain rule on, 2 % of pairs with a
declared conflict, capacities from 25 to 40 dossiers, 150 assignments already made (kept). Target
(issue 11): under 2 s, every dossier served, the most and least loaded evaluators one dossier apart
at most. Prints the median and worst of 5 runs and the load spread; exit status 1 when a target is missed.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

DOSSIERS, EVALUATORS, PER_DOSSIER, RUNS, TARGET = 500, 60, 3, 5, 2.0
DISCIPLINES = ["géographie", "économie", "sociologie", "histoire", "droit", "urbanisme", "santé", "écologie"] + [
    "science politique",
    "informatique",
]


def world(seed: int = 11):
    from applications.evaluation.assignment import DossierInput, EvaluatorInput, email_domain, unit_code

    rng = random.Random(seed)
    labs = [f"UMR {8000 + i}" for i in range(40)]
    domains = [f"univ-{i}.fr" for i in range(25)]
    evaluators = []
    existing = {}
    for i in range(EVALUATORS):
        email = f"expert{i}@{rng.choice(domains)}"
        evaluators.append(
            EvaluatorInput(
                id=i + 1,
                label=f"Expert {i}",
                capacity=rng.randint(25, 40),
                load=0,
                lab_code=unit_code(rng.choice(labs)),
                email=email,
                domains=frozenset({email_domain(email)}),
                disciplines=frozenset(rng.sample(DISCIPLINES, 2)),
                keywords=frozenset(rng.sample(["eau", "chaleur", "mobilité", "logement", "santé", "école"], 2)),
            )
        )
    dossiers = []
    for j in range(DOSSIERS):
        director = rng.choice(evaluators).email if rng.random() < 0.05 else f"dir{j}@{rng.choice(domains)}"
        excluded = {e.id for e in evaluators if rng.random() < 0.02}
        already = 1 if j < 150 else 0
        if already:
            pick = rng.choice([e for e in evaluators if e.id not in excluded])
            excluded.add(pick.id)
            existing[pick.id] = existing.get(pick.id, 0) + 1
        dossiers.append(
            DossierInput(
                id=10_000 + j,
                label=f"2027-{j + 1:04d}",
                need=PER_DOSSIER - already,
                lab_code=unit_code(rng.choice(labs)),
                director_email=director,
                disciplines=frozenset({rng.choice(DISCIPLINES)}),
                keywords=frozenset(rng.sample(["eau", "chaleur", "mobilité", "logement", "santé", "école"], 2)),
                excluded=frozenset(excluded),
            )
        )
    evaluators = [EvaluatorInput(**{**e.__dict__, "load": existing.get(e.id, 0)}) for e in evaluators]
    return dossiers, evaluators


def main() -> int:
    import django

    django.setup()
    from applications.evaluation.assignment import solve

    dossiers, evaluators = world()
    times, solution = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        solution = solve(dossiers, evaluators, domain_rule=True)
        times.append(time.perf_counter() - start)
    loads = sorted(solution.loads.values())
    matched = sum(1 for _ in solution.pairs)
    print(
        f"assignment of {DOSSIERS} dossiers to {EVALUATORS} evaluators, {PER_DOSSIER} each "
        f"({sum(d.need for d in dossiers)} new slots, 150 kept): median {statistics.median(times):.3f} s, "
        f"worst {max(times):.3f} s (target < {TARGET} s)"
    )
    print(
        f"served: {solution.ok} ({matched} new assignments); loads from {loads[0]} to {loads[-1]} "
        f"(spread {solution.spread}, target <= 1)"
    )
    return 0 if solution.ok and max(times) < TARGET and solution.spread <= 1 else 1


if __name__ == "__main__":
    sys.exit(main())
