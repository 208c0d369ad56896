"""Settings of bench/bench_closing_hour.py: the test settings (fast hashing, e-mail kept in memory),
with Celery going through Redis to a real worker when the benchmark found one (``BENCH_EAGER=0``)."""

import os

from cifre.settings_test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = os.environ.get("BENCH_EAGER", "1") == "1"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
