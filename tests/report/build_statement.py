#!/usr/bin/env python3
"""Build the current month's statement of a channel at once and print its
figures and lines as JSON (tests/report/test_replica.py).

    python tests/report/build_statement.py DATABASE CHANNEL_CODE
"""
import datetime as dt
import json
import sys
import time

from trytond.pool import Pool
from trytond.transaction import Transaction

CHINA = dt.timezone(dt.timedelta(hours=8))


def build(channel_code):
    pool = Pool()
    Channel = pool.get('insurance.channel')
    Statement = pool.get('insurance.statement')
    Line = pool.get('insurance.statement.line')
    channel, = Channel.search([('code', '=', channel_code)])
    statement, = Statement.create([{
                'channel': channel.id,
                'period': dt.datetime.now(CHINA).strftime('%Y-%m')}])
    started = time.monotonic()
    Statement.build_now([statement])
    lines = Line.search([('statement', '=', statement.id)])
    return {
        'seconds': time.monotonic() - started,
        'issued_count': statement.issued_count,
        'premium': str(statement.premium),
        'issued': [line.record for line in lines if line.kind == 'issue'],
        }


def main(database, channel_code):
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, 0, context={'language': 'en'}):
        figures = build(channel_code)
    print(json.dumps(figures))


if __name__ == '__main__':
    main(*sys.argv[1:])
