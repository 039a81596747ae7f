"""Rate-limit counters live in the Django cache: Redis when REDIS_URL is set, shared by every
worker and app server; a Redis that does not answer lets residents through. Redis database 2
at 127.0.0.1:6379 (skipped when none answers)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.test import override_settings

from surveys.models import Response

from .resident import flow_url, walk

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/2"


def redis_answers():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, OSError):
        return False


needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis at 127.0.0.1:6379")

COUNT = """
import django; django.setup()
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory
from engagement import ratelimit
from django.core.cache import caches
print(type(caches["default"]).__name__, *[
    ratelimit.retry_after(RequestFactory().get("/"), "test", 2, 600) for _ in range({times})
])
"""


def count_in_a_new_process(times, secret):
    result = subprocess.run(
        [sys.executable, "-c", COUNT.format(times=times)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "engagement.settings",
            "REDIS_URL": REDIS_URL,
            # A key of its own: the counter's key is a keyed hash of the address.
            "SECRET_KEY": secret,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@needs_redis
def test_rate_limit_counts_are_shared_between_processes_through_redis():
    secret = f"test-ratelimit-{uuid.uuid4()}"
    # Two requests in one worker reach the limit of 2; a third in another worker is refused.
    assert count_in_a_new_process(2, secret) == ["RedisCache", "0", "0"]
    backend, wait = count_in_a_new_process(1, secret)
    assert backend == "RedisCache"
    assert 0 < int(wait) <= 600


def test_rate_limit_lets_residents_through_when_redis_does_not_answer(client, link, areas):
    away = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/2",  # nothing listens on port 9
        }
    }
    with override_settings(CACHES=away, RATE_LIMIT_PAGES=1, RATE_LIMIT_SUBMISSIONS=1):
        assert client.get(flow_url(link)).status_code == 200
        # Every step (the community areas come from the cache too) and the submission.
        assert walk(client, link, areas.first()).status_code == 302
    assert Response.objects.count() == 1


@needs_redis
def test_make_run_uses_a_redis_that_answers(monkeypatch):
    sys.path.insert(0, str(ROOT / "bin"))
    import run

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(run, "LOCAL_REDIS_URL", REDIS_URL)
    run.use_local_redis()
    assert os.environ["REDIS_URL"] == REDIS_URL


def test_make_run_keeps_memory_when_no_redis_answers(monkeypatch):
    sys.path.insert(0, str(ROOT / "bin"))
    import run

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setattr(run, "LOCAL_REDIS_URL", "redis://127.0.0.1:9/2")
    run.use_local_redis()
    assert "REDIS_URL" not in os.environ
