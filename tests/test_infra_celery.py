"""Celery: inline without a broker; a real worker against the Redis at REDIS_URL."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from accounts.models import User
from cifre.celery import app, ping
from tests.factories import UserFactory


@app.task(name="tests.count_users")
def count_users(domain: str) -> int:
    """Reads the database from the worker: proves the worker runs Django with committed rows."""
    return User.objects.filter(email__endswith=f"@{domain}").count()


def test_tasks_run_inline_without_a_broker():
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert app.conf.task_always_eager is True
    assert ping.delay("bonjour").get(timeout=1) == "bonjour"


def test_app_is_configured_from_settings():
    assert app.main == "cifre"
    assert app.conf.timezone == "Europe/Paris"
    assert app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE
    assert app.conf.task_acks_late is True
    assert app.conf.worker_prefetch_multiplier == 1


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_tasks_through_redis():
    UserFactory(email="a@worker.test")
    UserFactory(email="b@worker.test")
    # The app reads settings under the CELERY_ namespace: override those keys for this test only.
    keys = ("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    saved = {k: app.conf[k] for k in keys}
    app.conf.update(dict(zip(keys, (False, settings.REDIS_URL, settings.REDIS_URL), strict=True)))
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            result = ping.delay("par le worker")
            assert result.get(timeout=20) == "par le worker"
            assert count_users.delay("worker.test").get(timeout=20) == 2
            # Really through the broker: not an inline (eager) result, and the results live in Redis.
            assert type(result).__name__ == "AsyncResult"
            assert type(app.backend).__name__ == "RedisBackend"
            assert app.connection_for_write().transport.driver_type == "redis"
    finally:
        app.conf.update(saved)
