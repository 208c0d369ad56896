"""A database of its own for each benchmark: created under a unique name, dropped at exit, never a question.

``DATABASE_URL`` (PostgreSQL) names the server and the credentials only: its database is never written
to. Each benchmark creates ``bench_<label>_<pid>`` there (a leftover of that name, from a run that was
killed, is replaced without asking), migrates it, and drops it when it ends, whether it succeeds, fails
or is interrupted. Without ``DATABASE_URL`` (SQLite), the database is a file in a temporary folder,
removed at the end. Import this module before ``django.setup()``.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # runs the ``finally`` that drops the database


@contextmanager
def own_database(label: str) -> Iterator[str]:
    """Point Django's default connection at a fresh, migrated database; yield its name; drop it at exit."""
    from django.conf import settings
    from django.db import connection

    name = f"bench_{label}_{os.getpid()}"
    folder = None
    if connection.vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"{name}-")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(folder, "bench.sqlite3")
    else:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    original = connection.settings_dict["NAME"]
    created = None
    try:
        # autoclobber: an existing database of that name is dropped and made again, no prompt.
        created = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
        yield created
    finally:
        if created is not None:
            connection.creation.destroy_test_db(original, verbosity=0, keepdb=False)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


def require_postgres(script: str) -> None:
    """Benchmarks that need PostgreSQL use the server of ``DATABASE_URL``, by default the local one."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_SERVER)
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://", "pgsql://")):
        print(f"{script} needs PostgreSQL: set DATABASE_URL=postgres://… (it refuses to run on SQLite).")
        sys.exit(1)
