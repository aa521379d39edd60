"""Numbers of the business records: a letter, the day in China for records
of a day (policies, endorsements, claims), a PostgreSQL sequence.

One way for every number, rather than trytond's ir.sequence, because
numbering sits on the hot path of the partner API and of bulk issuance
(bench/numbering.py, figures in docs/benchmarks.md): a nextval is one short
statement, where ir.sequence.get() also reads its record through the ORM and
bumps the transaction's counter, so every record read before is read again;
bulk issuance takes a chunk's numbers in one query. Staff never configure
these numbers: their format is part of the partner contract. A number taken
by a transaction that rolls back is lost: gaps are expected.
"""
from dataclasses import dataclass

from trytond.transaction import Transaction

from .timezone import china_today


@dataclass(frozen=True, slots=True)
class Numbering:
    sequence: str  # the PostgreSQL sequence
    prefix: str
    digits: int  # of the sequence's value, zero-padded
    dated: bool = True  # the day in China (YYYYMMDD) after the prefix

    def create(self, start=1):
        """Create the sequence if missing (from the model's __register__),
        starting at start (or what the function start returns)"""
        transaction = Transaction()
        database, connection = transaction.database, transaction.connection
        if not database.sequence_exist(connection, self.sequence):
            database.sequence_create(connection, self.sequence,
                start_value=start() if callable(start) else start)

    def next(self):
        "A new number"
        transaction = Transaction()
        return self.format(transaction.database.sequence_nextval(
                transaction.connection, self.sequence))

    def next_many(self, count):
        "count new numbers, taken in one query"
        transaction = Transaction()
        return [self.format(value)
            for value in transaction.database.sequence_nextvals(
                transaction.connection, self.sequence, count)]

    def sql(self):
        """The SQL expression and parameters of a new number, for a
        statement numbering its rows as next() does (the sequence's values
        are not expected to outgrow digits)"""
        day = f'{china_today():%Y%m%d}' if self.dated else ''
        return ("%s || LPAD(NEXTVAL(%s)::TEXT, %s, '0')",
            (self.prefix + day, self.sequence, self.digits))

    def format(self, value):
        "The number of the sequence's value, dated today in China"
        day = f'{china_today():%Y%m%d}' if self.dated else ''
        return f'{self.prefix}{day}{value:0{self.digits}d}'
