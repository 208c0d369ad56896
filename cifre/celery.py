"""Celery application.

Configured from Django settings (``CELERY_*``). Without ``REDIS_URL`` the settings make
every task run inline, so a newcomer needs no broker and no worker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cifre.settings")

app = Celery("cifre")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="cifre.ping")
def ping(value: str = "pong") -> str:
    """Round-trip task used by the health check and the worker test."""
    return value
