"""Run every benchmark of bench/ (files named bench_*.py), one process each, and print their figures.

Usage: `make bench`, or `.venv/bin/python bench/run.py [name ...]` for some of them.
Benchmarks that need PostgreSQL read DATABASE_URL (see bench/README.md), the server on which each
creates, then drops, a database of its own; those that read BENCH_POSTGRES_URL get the same server
unless it is set. Standard input is closed: no benchmark may stop on a question.
"""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(n in s.stem for n in names)]
    env = dict(os.environ)
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        env.setdefault("BENCH_POSTGRES_URL", env["DATABASE_URL"])
    status = 0
    for script in scripts:
        print(f"== {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent, env=env, stdin=subprocess.DEVNULL)
        status = status or result.returncode
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
