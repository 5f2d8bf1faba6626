"""Rate limits (giới hạn số lần thử) kept in Django's cache, so that every web node sees the same
counters when the cache is shared (Redis, Memcached); LocMemCache serves one process.

Fixed windows: the key names the limit, a hash of who is counted and the window's number, so a
counter needs only `add` and `incr` (atomic on shared caches) and expires by itself.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from motcua.core import windows
from motcua.core.errors import ActionError


class RateLimited(ActionError):
    """Too many tries; `retry_after` says in how many seconds the next is accepted (429)."""

    status = 429

    def __init__(self, retry_after: int, field: str | None = None):
        self.retry_after = retry_after
        super().__init__(wait_message(retry_after), field)


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many attempts. Please try again in %(n)d second.",
            "Too many attempts. Please try again in %(n)d seconds.",
            seconds,
        ) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many attempts. Please try again in %(n)d minute.",
        "Too many attempts. Please try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def _window(name: str) -> tuple[int, int]:
    return settings.MOTCUA_RATE_LIMITS[name]


def _keys(name: str, who: str, window: int, now: float) -> tuple[str, str, int]:
    """The counter of the current window, the lock, and the seconds left in the window."""
    # Hashed so that no phone number or e-mail address sits in the cache in clear.
    digest = hashlib.sha256(f"{name}:{who}".encode()).hexdigest()[:32]
    index = int(now // window)
    left = max(1, math.ceil((index + 1) * window - now))
    return f"motcua:rl:{name}:{digest}:{index}", f"motcua:rl:{name}:{digest}:lock", left


def _locked_for(lock_key: str, now: float) -> int:
    until = cache.get(lock_key)
    return max(0, math.ceil(until - now)) if until else 0


def check(name: str, who: str, field: str | None = None) -> None:
    """Refuse if the limit was reached (without counting this try). Reaching it locks for a
    whole window from that moment, so the wait does not depend on where the window happens to end."""
    limit, window = _window(name)
    now = time.time()
    counter, lock, left = _keys(name, who, window, now)
    wait = _locked_for(lock, now)
    if wait:
        raise RateLimited(wait, field)
    if (cache.get(counter) or 0) >= limit:
        raise RateLimited(left, field)


def count(name: str, who: str) -> int:
    """Count one try; the counter lives as long as its window, the lock a full window."""
    limit, window = _window(name)
    now = time.time()
    counter, lock, left = _keys(name, who, window, now)
    tries = windows.bump(cache, counter, left + 1)
    if tries >= limit:
        cache.add(lock, now + window, timeout=window + 1)
    return tries


def hit(name: str, who: str, field: str | None = None) -> None:
    """Count this try and refuse it if it goes over the limit."""
    limit, window = _window(name)
    if count(name, who) > limit:
        now = time.time()
        _, lock, left = _keys(name, who, window, now)
        raise RateLimited(_locked_for(lock, now) or left, field)


def reset(name: str, who: str) -> None:
    """Forget the current window's tries (after a success)."""
    _, window = _window(name)
    counter, lock, _left = _keys(name, who, window, time.time())
    cache.delete_many([counter, lock])
