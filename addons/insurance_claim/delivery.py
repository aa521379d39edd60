"""Posting one callback to a channel: signature, HTTP call, retry schedule.

Plain functions without database access, so the HTTP call is made outside
any transaction.
"""
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import requests

TIMEOUT = 10  # seconds, connect and read
FIRST_DELAY = dt.timedelta(seconds=30)
LONGEST_DELAY = dt.timedelta(hours=4)
# Attempts go on while the delays waited so far stay within the window.
WINDOW = dt.timedelta(hours=24)
ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Callback:
    "An attempt to deliver an event, as read when it was marked"
    event_id: str
    url: str | None
    secret: str
    body: bytes


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    status: int | None = None
    error: str | None = None

    @property
    def channel_unreachable(self):
        "No answer at all: the channel's other events would fare no better"
        return not self.delivered and self.status is None


def signature(secret, timestamp, body):
    "sha256=<hex HMAC-SHA256 of '<timestamp>.<raw body>' keyed by secret>"
    signed = str(timestamp).encode() + b'.' + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f'sha256={digest}'


def headers(callback, timestamp):
    return {
        'Content-Type': 'application/json',
        'User-Agent': 'insurance-core-callbacks/1',
        'X-Event-Id': callback.event_id,
        'X-Timestamp': str(timestamp),
        'X-Signature': signature(callback.secret, timestamp, callback.body),
        }


def post(callback, now):
    "POST the callback signed at now (naive UTC); return its Outcome"
    if not callback.url:
        return Outcome(False, error="The channel has no callback URL.")
    timestamp = int(now.replace(tzinfo=dt.UTC).timestamp())
    try:
        response = requests.post(callback.url, data=callback.body,
            headers=headers(callback, timestamp), timeout=TIMEOUT,
            allow_redirects=False)
    except requests.RequestException as error:
        return Outcome(False, error=str(error)[:ERROR_LENGTH])
    if 200 <= response.status_code < 300:
        return Outcome(True, status=response.status_code)
    return Outcome(False, status=response.status_code,
        error=f'HTTP {response.status_code}: '
        f'{response.text[:ERROR_LENGTH]}')


def retry_delay(attempts):
    "The wait after the attempts-th attempt: 30 s doubling, at most 4 h"
    return min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)


def window_spent(attempts):
    "Tell whether attempts failed attempts used up the ~24 h window"
    waited = sum((retry_delay(n) for n in range(1, attempts + 1)),
        dt.timedelta())
    return waited >= WINDOW
