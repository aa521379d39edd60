"""Tasks of ir.queue that a dead worker left behind run again.

trytond marks a task dequeued (dequeued_at, committed at once) before one of
its worker processes runs it, and finished (finished_at) in the task's own
transaction. A worker killed in between leaves the task dequeued for ever:
nothing pulls it again.

Here a running task holds a lock on its own row until its transaction ends,
and a cron puts back in the queue the tasks dequeued for a while, unfinished
and unlocked: their transaction is gone, so is their worker (PostgreSQL
drops the locks of a connection that drops). A task is put back at most
MAX_RECLAIMS times. A task that failed on a UserError is left to ir.error,
whose "solve" runs it again.

A task thus runs at least once, and may run twice: every task must be
idempotent. The insurance tasks are: a delivery posts only due events (the
partner deduplicates by X-Event-Id), an adjudication decides only submitted
claims, a bulk chunk and a statement step each commit in one transaction.
"""
import datetime as dt
import logging

from sql import Literal, Null
from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp
from sql.operators import Concat, Exists

import trytond.config as config
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .locking import skip_locked

MAX_RECLAIMS = 5
# Seconds a task stays dequeued before its worker is deemed dead; a live
# one holds the lock anyway: this only covers the instant between the
# worker's pull and the task's lock.
RECLAIM_AFTER = 60

logger = logging.getLogger(__name__)


class Queue(metaclass=PoolMeta):
    __name__ = 'ir.queue'

    reclaims = fields.Integer(
        "Reclaims", readonly=True,
        help="How many times the task was put back in the queue after its "
        "worker died.")

    @classmethod
    def default_reclaims(cls):
        return 0

    def run(self):
        self.lock_while_running()
        super().run()

    def lock_while_running(self):
        "Hold the task's row until this transaction ends"
        table = self.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(Literal(1),
                where=table.id == self.id,
                for_=skip_locked(table, strength='NO KEY UPDATE')))

    @classmethod
    def reclaim_abandoned(cls, after=None):
        "Put back in the queue the tasks whose worker died; return their ids"
        pool = Pool()
        Error = pool.get('ir.error')
        queue, abandoned, error = (
            cls.__table__(), cls.__table__(), Error.__table__())
        if after is None:
            after = config.getint(
                'queue', 'reclaim_after', default=RECLAIM_AFTER)
        failed = Exists(error.select(Literal(1), where=error.origin == Concat(
                    f'{cls.__name__},', abandoned.id)))
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        cursor.execute(*queue.update(
                [queue.dequeued_at, queue.reclaims],
                [Null, Coalesce(queue.reclaims, 0) + 1],
                where=queue.id.in_(abandoned.select(abandoned.id,
                        where=(abandoned.finished_at == Null)
                        & (abandoned.dequeued_at
                            < CurrentTimestamp() - dt.timedelta(
                                seconds=after))
                        & (Coalesce(abandoned.reclaims, 0) < MAX_RECLAIMS)
                        & ~failed,
                        for_=skip_locked(abandoned))),
                returning=[queue.id, queue.name]))
        reclaimed = cursor.fetchall()
        for task_id, name in reclaimed:
            logger.warning("Task %s of queue %s put back: its worker died",
                task_id, name)
        if reclaimed and transaction.database.has_channel():
            transaction.database.notify(
                transaction.connection, cls.__name__, '')
        return [task_id for task_id, _ in reclaimed]


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('ir.queue|reclaim_abandoned', "Reclaim Abandoned Queue Tasks"))
