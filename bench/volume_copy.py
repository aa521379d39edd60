"""Bulk loading plumbing: COPY, indexes built once, sequences moved on."""
import itertools
import time
from contextlib import contextmanager

CHUNK_ROWS = 20_000


def copy_rows(connection, table, columns, rows):
    "COPY the text-format rows into table; return how many"
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(
                f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
            for chunk in batched(rows, CHUNK_ROWS):
                copy.write(''.join(chunk))
                count += len(chunk)
    return count


def batched(iterable, size):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@contextmanager
def indexes_built_after(connection, tables, log):
    """Drop the secondary indexes and the unique, exclusion and foreign key
    constraints of tables, and create them again on leaving

    Building an index once over sorted data is many times faster than
    updating it row by row."""
    with connection.cursor() as cursor:
        constraints = [c for table in tables
            for c in table_constraints(cursor, table)]
        indexes = [i for table in tables
            for i in secondary_indexes(cursor, table)]
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT {name}')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX {name}')
    connection.commit()
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in indexes:
            with log(f'index {name}'):
                cursor.execute(definition)
        for table, name, definition in constraints:
            with log(f'constraint {name}'):
                cursor.execute(
                    f'ALTER TABLE {table} ADD CONSTRAINT {name} {definition}')
    connection.commit()


def table_constraints(cursor, table):
    cursor.execute("""
        SELECT conname, pg_get_constraintdef(oid)
        FROM pg_constraint
        WHERE conrelid = %s::regclass AND contype IN ('u', 'x', 'f')
        ORDER BY contype DESC, conname""", (table,))
    return [(table, name, definition) for name, definition in cursor]


def secondary_indexes(cursor, table):
    "The indexes of table that no constraint owns"
    cursor.execute("""
        SELECT i.indexname, i.indexdef
        FROM pg_indexes AS i
        WHERE i.tablename = %s
            AND NOT EXISTS (
                SELECT 1 FROM pg_constraint AS c
                WHERE c.conname = i.indexname
                    AND c.conrelid = %s::regclass)
        ORDER BY i.indexname""", (table, table))
    return list(cursor)


def next_values(connection, table, number_sequence):
    "The next id of table and the next value of its number sequence"
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) + 1 FROM {table}')
        next_id, = cursor.fetchone()
        cursor.execute(
            f'SELECT last_value + CASE WHEN is_called THEN 1 ELSE 0 END '
            f'FROM {number_sequence}')
        next_value, = cursor.fetchone()
    return next_id, next_value


def advance_sequences(connection, table, number_sequence, numbers):
    "Move the id and number sequences past what was loaded"
    with connection.cursor() as cursor:
        if numbers.next_id > 1:
            cursor.execute(
                "SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM "
                f"{table}_id_seq)))", (f'{table}_id_seq', numbers.next_id - 1))
        if numbers.next_value > 1:
            cursor.execute("SELECT setval(%s, %s)",
                (number_sequence, numbers.next_value - 1))
    connection.commit()


class Clock:
    "Prints how long each part took"

    def __init__(self):
        self.started = time.monotonic()
        self.parts = []

    @contextmanager
    def __call__(self, name):
        start = time.monotonic()
        yield
        seconds = time.monotonic() - start
        self.parts.append((name, seconds))
        print(f'{name}: {seconds:.1f} s', flush=True)

    @property
    def total(self):
        return time.monotonic() - self.started
