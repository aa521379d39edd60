"""What a number costs: trytond's ir.sequence against the PostgreSQL
sequence of insurance_base.numbering (the way every number is taken).

    python bench/numbering.py --database DB [--count 2000]

DB has insurance_base activated (any database of the project). Each way
takes --count policy-like numbers (P, the day in China, 10 digits) one by
one, then as many in one call, in a transaction rolled back at the end.
"""
import argparse
import time


def timed(function, count):
    "Microseconds per number"
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1_000_000 / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', required=True)
    parser.add_argument('--count', type=int, default=2000)
    arguments = parser.parse_args()
    count = arguments.count

    from trytond.modules.insurance_base.numbering import Numbering
    from trytond.modules.insurance_base.timezone import china_today
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    pool = Pool(arguments.database)
    with Transaction().start(arguments.database, 0, readonly=True):
        pool.init()
    with Transaction().start(arguments.database, 0,
            context={'date': china_today()}) as transaction:
        Type, Sequence = pool.get('ir.sequence.type'), pool.get('ir.sequence')
        kind, = Type.create([{'name': "bench"}])
        sequence, = Sequence.create([{'name': "bench", 'sequence_type': kind,
                    'prefix': 'P${date_Y}${date_m}${date_d}',
                    'padding': 10}])
        numbering = Numbering('bench_numbering_seq', 'P', digits=10)
        numbering.create()
        try:
            figures = {
                'ir.sequence get(), one by one': timed(lambda: [
                        Sequence(sequence.id).get() for _ in range(count)],
                    count),
                'ir.sequence get_many(n)': timed(lambda: list(
                        Sequence(sequence.id).get_many(count)), count),
                'Numbering.next(), one by one': timed(lambda: [
                        numbering.next() for _ in range(count)], count),
                'Numbering.next_many(n)': timed(lambda:
                    numbering.next_many(count), count),
                }
        finally:
            transaction.rollback()
    for way, microseconds in figures.items():
        print(f'| {way} | {microseconds:.0f} µs |')


if __name__ == '__main__':
    main()
