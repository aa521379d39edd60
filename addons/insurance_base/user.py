"""Login throttling by client address and login together.

trytond counts the failed logins of a login from anywhere and, past
`[session] max_attempt` within `[session] timeout`, refuses it to everybody:
six wrong passwords from a stranger lock the real user out. It also delays
each attempt by up to 2 ** failures seconds inside the server's worker, and
evaluates parallel attempts all at once.

Here the failures counted are those of the login from the client's network
(trytond's ip_network: the address in IPv4, its /56 in IPv6), so a stranger
locks out only himself; one attempt of a login from a network is evaluated
at a time, a parallel one is refused at once (nothing waits); no attempt is
delayed in a worker; a refusal tells when to retry. trytond's limit of
attempts per network whatever the login (max_attempt_ip_network) still holds.
The client address behind the proxy is the forwarded one (insurance_api's
forwarded.py trusts the proxy only).
"""
import datetime as dt
import hashlib
import math

from sql import Cast, Null, Select
from sql.aggregate import Count, Min
from sql.functions import Function

import trytond.config as config
from trytond.exceptions import LoginException
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .nested_access import NestedSearchAccess

# The attempt being evaluated from the same network answers "retry in 1 s"
BUSY_RETRY = 1


class TryAdvisoryLock(Function):
    "Take the lock of a bigint key until the transaction ends, or false"
    __slots__ = ()
    _function = 'PG_TRY_ADVISORY_XACT_LOCK'


class User(NestedSearchAccess, metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def get_login(cls, login, parameters):
        Attempt = Pool().get('res.user.login.attempt')
        Attempt.throttle(login)
        with Transaction().set_context(_login_throttled=True):
            return super().get_login(login, parameters)


class LoginAttempt(metaclass=PoolMeta):
    __name__ = 'res.user.login.attempt'

    @classmethod
    def throttle(cls, login):
        """Refuse an attempt of login from the client's network while another
        is evaluated, or when max_attempt failed within the window"""
        login = login[:cls.login.size]
        network = cls.client_network()
        if not cls._evaluate_alone(login, network):
            raise throttled(login, BUSY_RETRY)
        failures, oldest = cls._failures(login, network)
        if failures >= config.getint('session', 'max_attempt', default=5):
            window = dt.timedelta(
                seconds=config.getint('session', 'timeout'))
            wait = (oldest + window - dt.datetime.now()).total_seconds()
            raise throttled(login, max(math.ceil(wait), 1))

    @classmethod
    def client_network(cls):
        _, network = Transaction().remote_address()
        return str(network) if network else None

    @classmethod
    def _evaluate_alone(cls, login, network):
        "Take the lock of login from network until the transaction ends"
        digest = hashlib.sha256(f'{login}\0{network}'.encode()).digest()
        key = int.from_bytes(digest[:8], 'big', signed=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*Select([TryAdvisoryLock(Cast(key, 'BIGINT'))]))
        return cursor.fetchone()[0]

    @classmethod
    def _failures(cls, login, network):
        "(count, oldest creation) of the failures within the window"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(Count(),
                Min(table.create_date),
                where=(table.login == login)
                & cls._of_network(table, network)
                & (table.create_date >= cls.delay())))
        return cursor.fetchone()

    @staticmethod
    def _of_network(table, network):
        if network is None:
            return table.ip_network == Null
        return table.ip_network == network

    @classmethod
    def count(cls, login, device_cookie=None):
        if Transaction().context.get('_login_throttled'):
            # User.get_login throttled by network: trytond would refuse the
            # login to everybody and sleep 2 ** count seconds in the worker
            return 0
        return super().count(login, device_cookie)

    @classmethod
    def remove(cls, login, device_cookie=None):
        "Forgive the failures of the login from the client's network only"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=(table.login == login[:cls.login.size])
                & cls._of_network(table, cls.client_network())))


def throttled(login, seconds):
    """The refusal telling when to retry: sao shows its message and asks the
    password again"""
    return LoginException('password', gettext(
            'insurance_base.msg_login_throttled',
            login=login, seconds=seconds), type='password')
