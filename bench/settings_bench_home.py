"""Settings of bench/bench_home.py: the test settings, plus a minimal view to compare against."""

from cifre.settings_test import *  # noqa: F403

ROOT_URLCONF = "bench.urls_bench_home"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
# Production behaviour of the page cache (the test settings turn its per-process level off).
EVENTS_PAGE_CACHE_LOCAL_SECONDS = 1
