"""Idempotent POST and PATCH: the first answer of a key is the answer.

The record of a key is inserted in the transaction that makes the business
change, before making it (INSERT ... ON CONFLICT DO NOTHING). A concurrent
request with the same key blocks on the unique index (channel, key) until
the first transaction ends, then fails to serialize (the isolation is
repeatable read): its transaction is restarted, finds the committed record
and replays its answer. Business refusals are recorded too (the change is
rolled back to a savepoint, the record stays), so a retry gets the same
refusal.
"""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sql import Conflict

from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.insurance_base.tables import created
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

from .errors import ApiError

KEEP = dt.timedelta(days=7)
KEY_MAX_LENGTH = 64


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes
    headers: tuple = ()

    @classmethod
    def of_error(cls, error):
        body = json.dumps(error.body, ensure_ascii=False).encode()
        return cls(error.status, body, tuple(error.headers.items()))


def valid_key(key):
    return (key is not None and 1 <= len(key) <= KEY_MAX_LENGTH
        and all(' ' <= c <= '~' for c in key))


def fingerprint(method, path, payload):
    "Identify a request by what it asks, not by how its JSON is spelled"
    canonical = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(',', ':'))
    return hashlib.sha256(
        f'{method} {path}\n{canonical}'.encode()).hexdigest()


class IdempotencyRecord(ModelSQL, ModelView):
    __name__ = 'insurance.api.idempotency'
    __string__ = "API Idempotency Record"

    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='CASCADE')
    key = fields.Char("Idempotency Key", required=True, readonly=True)
    method = fields.Char("Method", required=True, readonly=True)
    path = fields.Char("Path", required=True, readonly=True)
    request_hash = fields.Char(
        "Request Hash", required=True, readonly=True,
        help="SHA-256 of the method, path and body of the first request.")
    response_status = fields.Integer("Response Status", readonly=True)
    response_body = fields.Text("Response Body", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('channel_key_unique', Unique(t, t.channel, t.key),
                'insurance_api.msg_idempotency_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.create_date, Index.Range())))
        cls._order = [('id', 'DESC')]

    @classmethod
    def answer(cls, channel_id, key, method, path, request_hash, produce,
            savepoint=True):
        """Return the recorded Answer of key or record the one of produce()

        produce returns an Answer or raises ApiError; without savepoint,
        it must raise before changing anything."""
        record_id = cls._insert(channel_id, key, method, path, request_hash)
        if record_id is None:
            return cls._replay(cls._find(channel_id, key), request_hash)
        if savepoint:
            answer = cls._produce_in_savepoint(produce)
        else:
            answer = cls._produce(produce)
        cls._record_answer(record_id, answer)
        return answer

    @classmethod
    def _find(cls, channel_id, key):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                table.request_hash, table.response_status,
                table.response_body,
                where=(table.channel == channel_id) & (table.key == key)))
        return cursor.fetchone()

    @staticmethod
    def _replay(recorded, request_hash):
        recorded_hash, status, body = recorded
        if recorded_hash != request_hash:
            raise ApiError('IDEMPOTENCY_KEY_REUSED')
        return Answer(status, body.encode())

    @classmethod
    def _insert(cls, channel_id, key, method, path, request_hash):
        "Return the id of the new record of key, None if it was recorded"
        table = cls.__table__()
        creation, created_values = created(table)
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.insert(
                [table.channel, table.key, table.method, table.path,
                    table.request_hash, *creation],
                [[channel_id, key, method, path, request_hash,
                        *created_values]],
                on_conflict=Conflict(
                    table, indexed_columns=[table.channel, table.key]),
                returning=[table.id]))
        inserted = cursor.fetchone()
        return inserted[0] if inserted else None

    @staticmethod
    def _produce(produce):
        try:
            return produce()
        except ApiError as error:
            return Answer.of_error(error)

    @staticmethod
    def _produce_in_savepoint(produce):
        cursor = Transaction().connection.cursor()
        cursor.execute('SAVEPOINT idempotent_change')
        try:
            answer = produce()
        except ApiError as error:
            cursor.execute('ROLLBACK TO SAVEPOINT idempotent_change')
            return Answer.of_error(error)
        cursor.execute('RELEASE SAVEPOINT idempotent_change')
        return answer

    @classmethod
    def _record_answer(cls, record_id, answer):
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.response_status, table.response_body],
                [answer.status, answer.body.decode()],
                where=table.id == record_id))

    @classmethod
    def purge_expired(cls):
        "Delete the records older than the contract keeps them (cron)"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(
                where=table.create_date < utcnow() - KEEP))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('insurance.api.idempotency|purge_expired',
                "Purge Expired Idempotency Records"))
