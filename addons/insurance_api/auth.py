"""Who is calling: the channel behind the bearer API key.

The key lookup is cached per process (what a request needs of the key and
its channel), so that an authenticated request costs no query. The cache is
cleared on any change of a key or a channel in this process; other processes
see the change within CACHE_DURATION, as trytond synchronises its caches
between processes only every [cache] clean_timeout (5 minutes by default).
"""
import datetime as dt
import time
from dataclasses import dataclass

from trytond.cache import Cache
from trytond.modules.insurance_base.cache import cleared_on_change
from trytond.modules.insurance_channel.api_key import LAST_USED_RESOLUTION
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .errors import ApiError

CACHE_DURATION = dt.timedelta(seconds=10)

_accesses = Cache(
    'insurance_api.channel_access', duration=CACHE_DURATION, context=False)
_last_recorded = {}


@dataclass(frozen=True, slots=True)
class ChannelAccess:
    "What a request needs to know about the channel of its API key"
    key_id: int
    channel_id: int
    channel_code: str
    channel_open: bool
    ip_allowlist: str | None
    rate_limit: int


def bearer_token(request):
    scheme, _, token = request.headers.get('Authorization', '').partition(' ')
    if scheme.lower() != 'bearer' or not token.strip():
        return None
    return token.strip()


def authenticate(request):
    "Return the ChannelAccess of the request or raise the contract's error"
    token = bearer_token(request)
    access = token and channel_access(token)
    if not access:
        raise ApiError('UNAUTHENTICATED')
    if not access.channel_open:
        raise ApiError('CHANNEL_CLOSED')
    if not ip_allowed(access, request.remote_addr):
        raise ApiError('IP_NOT_ALLOWED')
    record_use(access)
    return access


def channel_access(token):
    access = _accesses.get(token)
    if access is None:
        # In a transaction of its own, ended before the request's first
        # statement: behind pgbouncer (transaction mode) a request never
        # holds a server connection while waiting for another one (the
        # rate limit's, record_use's), which could deadlock a full pool.
        with Transaction().new_transaction():
            access = load_channel_access(token)
        if access:
            _accesses.set(token, access)
    return access


def load_channel_access(token):
    ApiKey = Pool().get('insurance.channel.api_key')
    api_key = ApiKey.authenticate(token)
    if not api_key:
        return None
    channel = api_key.channel
    return ChannelAccess(
        key_id=api_key.id,
        channel_id=channel.id,
        channel_code=channel.code,
        channel_open=channel.state == 'open',
        ip_allowlist=channel.ip_allowlist,
        rate_limit=channel.rate_limit)


def ip_allowed(access, address):
    if not access.ip_allowlist:
        return True
    Channel = Pool().get('insurance.channel')
    return Channel(ip_allowlist=access.ip_allowlist).ip_allowed(address or '')


def record_use(access):
    "Let the key record its use, at most once a minute per process"
    now = time.monotonic()
    resolution = LAST_USED_RESOLUTION.total_seconds()
    if now - _last_recorded.get(access.key_id, -resolution) < resolution:
        return
    _last_recorded[access.key_id] = now
    ApiKey = Pool().get('insurance.channel.api_key')
    ApiKey(access.key_id, last_used=None).record_use()


class ApiKey(cleared_on_change(_accesses), metaclass=PoolMeta):
    __name__ = 'insurance.channel.api_key'


class Channel(cleared_on_change(_accesses), metaclass=PoolMeta):
    __name__ = 'insurance.channel'
