"""Per-channel rate limit: a token bucket per channel in each process.

gunicorn's sync workers share no memory, and a shared counter (a database
row or an external store) would add a round trip to every request. Sync
workers close the connection after each request, so the kernel spreads the
requests about evenly over the workers: each process grants its share, the
channel's rate divided by the number of workers (GUNICORN_WORKERS,
defaulting like config/gunicorn.conf.py to 2 per core). The burst allowed
is one second's worth of requests. A channel may thus see 429 slightly
before its exact rate when the spread is uneven, never much after it.
"""
import functools
import math
import multiprocessing
import os
import threading
import time

from .errors import ApiError


@functools.cache
def worker_count():
    try:
        return max(1, int(os.environ['GUNICORN_WORKERS']))
    except (KeyError, ValueError):
        return 2 * multiprocessing.cpu_count()


class TokenBucket:

    def __init__(self, rate):
        self.rate = rate
        self.capacity = max(rate, 1.0)
        self.tokens = self.capacity
        self.updated = time.monotonic()

    def take(self):
        "Take a token; return 0 or the seconds to wait for the next one"
        now = time.monotonic()
        self.tokens = min(
            self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0
        return (1 - self.tokens) / self.rate


class RateLimiter:

    def __init__(self):
        self.buckets = {}
        self.lock = threading.Lock()

    def check(self, channel_id, requests_per_second):
        "Raise RATE_LIMITED when the channel exceeds its rate"
        if not requests_per_second:
            return
        rate = requests_per_second / worker_count()
        with self.lock:
            bucket = self.buckets.get(channel_id)
            if bucket is None or bucket.rate != rate:
                bucket = self.buckets[channel_id] = TokenBucket(rate)
            wait = bucket.take()
        if wait:
            raise ApiError('RATE_LIMITED',
                headers={'Retry-After': str(math.ceil(wait))})


rate_limiter = RateLimiter()
