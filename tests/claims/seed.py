#!/usr/bin/env python3
"""The claims channel of the claims API tests, on top of tests/api/seed.py.

CLAIMMALL (or the code given) sells return shipping with the claim
operation and posts its callbacks to the URL given; prints its raw API key
as JSON.
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from tests.api.seed import channel_with_contract  # noqa: E402

OPERATIONS = ['quote', 'issue', 'query', 'claim']


def main(database, callback_url, code='CLAIMMALL'):
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, 0, context={'language': 'en'}):
        _, key = channel_with_contract(
            code, OPERATIONS, callback_url=callback_url)
    print(json.dumps({code: key}))


if __name__ == '__main__':
    main(*sys.argv[1:4])
