"""Rate limits per client without keeping the client's address.

The address (IPv6 by its /64 network) is hashed with a key that changes every day, and the
counters live only in the cache: Redis when REDIS_URL is set (shared by every worker and app
server, and kept when a worker restarts), else each worker's own memory (development).
"""

import hashlib
import hmac
import ipaddress
import logging
import time

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone

logger = logging.getLogger(__name__)


def client_address(request):
    """The client's address, trusting exactly TRUSTED_PROXY_HOPS reverse proxies."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def client_key(request):
    address = client_address(request)
    try:
        ip = ipaddress.ip_address(address)
        if ip.version == 6 and not ip.ipv4_mapped:
            address = str(ipaddress.ip_network(f"{ip}/64", strict=False))
        elif ip.version == 6:
            address = str(ip.ipv4_mapped)
    except ValueError:
        pass
    day = timezone.now().date().isoformat()
    key = hmac.new(f"{settings.SECRET_KEY}:ratelimit:{day}".encode(), digestmod=hashlib.sha256)
    key.update(address.encode())
    return key.hexdigest()[:32]


def retry_after(request, scope, limit, window):
    """Count this request; 0 if it is within the limit, else the seconds until it resets."""
    now = time.time()
    bucket = int(now // window)
    key = f"ratelimit:{scope}:{client_key(request)}:{bucket}"
    try:
        count = _count(key, window + 5)
    except (redis.RedisError, OSError) as error:
        # Redis away for a moment: residents go on unlimited rather than get an error page.
        logger.warning("Rate limit not counted, the cache did not answer: %s", error)
        return 0
    if count > limit:
        return max(1, int((bucket + 1) * window - now))
    return 0


def _count(key, timeout):
    """The counter after adding this request. In Redis one round trip (every resident page
    passes here): create the key with its expiry unless it exists, then INCR, pipelined."""
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        full_key = cache.make_and_validate_key(key)
        pipe = cache._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return pipe.execute()[1]
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
