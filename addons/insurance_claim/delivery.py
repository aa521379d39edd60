"""Posting one callback to a channel: signature, HTTP call, retry schedule.

Plain functions without database access, so the HTTP call is made outside
any transaction.

The callback URL's host is resolved and every address checked
(callback_target) right before the call, which then connects to a checked
address: a name that resolves elsewhere a moment later (DNS rebinding)
changes nothing. Proxies of the environment are not used.
"""
import datetime as dt
import hashlib
import hmac
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from trytond.modules.insurance_channel import callback_target

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


def post(callback, now, resolver=callback_target.resolve):
    "POST the callback signed at now (naive UTC); return its Outcome"
    if not callback.url:
        return Outcome(False, error="The channel has no callback URL.")
    try:
        address, *_ = callback_target.checked_addresses(
            callback.url, resolver)
    except (callback_target.ForbiddenTarget, socket.gaierror) as refusal:
        return Outcome(False, error=f"Not sent: {refusal}"[:ERROR_LENGTH])
    timestamp = int(now.replace(tzinfo=dt.UTC).timestamp())
    with requests.Session() as session:
        session.trust_env = False
        session.mount('http://', PinnedAddress(address))
        session.mount('https://', PinnedAddress(address))
        try:
            response = session.post(callback.url, data=callback.body,
                headers=headers(callback, timestamp), timeout=TIMEOUT,
                allow_redirects=False)
        except requests.RequestException as error:
            return Outcome(False, error=str(error)[:ERROR_LENGTH])
    if 200 <= response.status_code < 300:
        return Outcome(True, status=response.status_code)
    return Outcome(False, status=response.status_code,
        error=f'HTTP {response.status_code}: '
        f'{response.text[:ERROR_LENGTH]}')


class PinnedAddress(HTTPAdapter):
    """A transport connecting to an address checked beforehand

    The request line, the Host header, TLS's server name and the check of
    the certificate keep the URL's host name; only the socket goes to the
    address."""

    def __init__(self, address):
        super().__init__(max_retries=0)
        self.address = address

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        request.headers['Host'] = parts.netloc.rpartition('@')[2]
        return super().send(request, **kwargs)

    def get_connection_with_tls_context(
            self, request, verify, proxies=None, cert=None):
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(
            request, verify, cert)
        if host_params['scheme'] == 'https':
            hostname = host_params['host']
            pool_kwargs = {**pool_kwargs,
                'server_hostname': hostname, 'assert_hostname': hostname}
        return self.poolmanager.connection_from_host(
            **{**host_params, 'host': str(self.address)},
            pool_kwargs=pool_kwargs)


def retry_delay(attempts):
    "The wait after the attempts-th attempt: 30 s doubling, at most 4 h"
    return min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)


def window_spent(attempts):
    "Tell whether attempts failed attempts used up the ~24 h window"
    waited = sum((retry_delay(n) for n in range(1, attempts + 1)),
        dt.timedelta())
    return waited >= WINDOW
