"""Expiry (到期): a scheduled job moves in-force policies past their end to
expired, in batches of committed transactions.

The batch update is the bulk form of the Workflow transition in_force ->
expired: it sets only state (and write_uid/write_date, as write would), on
rows that are in force, which is the transition's only source; nothing else
reacts to expiry, so running the ORM per record would only be slower. Each
batch selects its rows FOR UPDATE SKIP LOCKED, so a policy being cancelled
or endorsed at that moment is left for the next run instead of waited for,
and no lock lives longer than one batch.
"""
from sql.functions import CurrentTimestamp

from trytond.model import Index
from trytond.modules.insurance_base.locking import skip_locked
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

BATCH_SIZE = 5000


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # What the job looks for, small: only policies in force
        cls._sql_indexes.add(Index(t, (t.ends_at, Index.Range()),
                where=t.state == 'in_force'))

    @classmethod
    def expire_ended(cls, batch_size=BATCH_SIZE):
        """Expire every in-force policy whose end is past (cron); return
        how many were expired"""
        now = utcnow()
        expired = 0
        while True:
            with Transaction().new_transaction() as transaction:
                count = cls._expire_batch(now, batch_size)
                transaction.commit()
            expired += count
            if count < batch_size:
                return expired

    @classmethod
    def _expire_batch(cls, now, batch_size):
        table, ended = cls.__table__(), cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.state, table.write_uid, table.write_date],
                ['expired', Transaction().user, CurrentTimestamp()],
                where=table.id.in_(ended.select(ended.id,
                        where=(ended.state == 'in_force')
                        & (ended.ends_at <= now),
                        limit=batch_size, for_=skip_locked()))))
        return cursor.rowcount


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('insurance.policy|expire_ended', "Expire Ended Policies"))
