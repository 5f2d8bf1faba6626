"""The current time for services. Demo data and replays can set it; everything else reads it.

`now()` is Django's `timezone.now()` unless a block runs under `at(instant)`.
"""

import datetime as dt
import threading
from contextlib import contextmanager

from django.utils import timezone

_local = threading.local()


def now() -> dt.datetime:
    return getattr(_local, "instant", None) or timezone.now()


@contextmanager
def at(instant: dt.datetime):
    previous = getattr(_local, "instant", None)
    _local.instant = instant
    try:
        yield instant
    finally:
        _local.instant = previous
