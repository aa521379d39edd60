"""Row locks that skip what another transaction holds (python-sql has none).

Two adjudication jobs or two callback workers then never take the same row,
and neither waits for the other.
"""
from sql import For


class SkipLocked(For):
    "FOR <strength> [OF tables] SKIP LOCKED"
    __slots__ = ('strength',)

    def __init__(self, *tables, strength='UPDATE'):
        super().__init__('UPDATE', *tables)
        self.strength = strength

    def __str__(self):
        tables = ''
        if self.tables:
            # the aliases the tables have in the query
            tables = ' OF ' + ', '.join(f'"{t.alias}"' for t in self.tables)
        return f'FOR {self.strength}{tables} SKIP LOCKED'
