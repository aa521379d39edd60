"""Row locks that skip what another transaction holds.

Two adjudication runs, two callback workers or two expiry batches then never
take the same row, and neither waits for the other.
"""
import functools

from trytond.transaction import Transaction


def skip_locked(*tables, strength='UPDATE'):
    """The clause FOR <strength> [OF tables] SKIP LOCKED of a select

    The clause is trytond's (Database.get_select_for_skip_locked), which
    adds SKIP LOCKED where the database has it. Two things it lacks are
    added: the tables are named by their alias in the query, as PostgreSQL
    requires once a query joins (python-sql's For names the table itself),
    and the strength may be NO KEY UPDATE, which leaves foreign keys to the
    row free."""
    For = Transaction().database.get_select_for_skip_locked()
    return _of_aliases(For)(strength, *tables)


@functools.cache
def _of_aliases(base):
    class SkipLocked(base):
        __slots__ = ('strength', 'locked_tables')

        def __init__(self, strength, *tables):
            super().__init__('UPDATE')
            self.strength = strength
            self.locked_tables = tables

        def __str__(self):
            of = ''
            if self.locked_tables:
                of = ' OF ' + ', '.join(
                    f'"{table.alias}"' for table in self.locked_tables)
            return super().__str__().replace(
                'FOR UPDATE', f'FOR {self.strength}{of}', 1)
    return SkipLocked
