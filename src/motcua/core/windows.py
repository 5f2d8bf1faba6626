"""Fixed-window counters in Django's cache, the mechanism under every rate limit (log-in codes,
the public look-up, feedback, signature checks). `add` and `incr` are atomic on shared caches
(Redis, Memcached), so every web node counts the same tries; a counter expires by itself."""

from __future__ import annotations

import time


def client_address(request) -> str:
    """Who is counted: the address the proxy in front passed on (see docs/deployment.md)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def window_key(key: str, window: int, now: float | None = None) -> str:
    """`key` for the current window of `window` seconds."""
    return f"{key}:{int((time.time() if now is None else now) // window)}"


def bump(cache, key: str, timeout: int) -> int:
    """Add one to the counter `key` (made with `timeout` seconds to live); its new value."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.add(key, 1, timeout)
        return 1
