#!/usr/bin/env python3
"""What a browser test needs in the demo database beyond the demo data, done
as the scripts do it (trytond in a transaction of its own):

- `seed.py DATABASE channel CODE [PRODUCT]`: a new channel CODE selling
  PRODUCT (return shipping by default) with every operation, for a fee of
  10 %; prints its raw API key as JSON;
- `seed.py DATABASE refresh-statistics`: what the statistics cron does every
  minute, at once.
"""
import json
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from trytond.modules.insurance_channel.contract import (  # noqa: E402
    OPERATIONS,
)
from trytond.pool import Pool  # noqa: E402
from trytond.transaction import Transaction  # noqa: E402

from tests.api.seed import (  # noqa: E402
    RETURN_SHIPPING,
    contract,
    key_of,
)
from tests.api.seed import channel as new_channel  # noqa: E402

FEE_RATE = Decimal('0.1')


def channel(code, product=RETURN_SHIPPING):
    created = new_channel(code)
    contract(created, product, [o for o, _ in OPERATIONS],
        fee_rate=FEE_RATE)
    print(json.dumps(key_of(created)))


def refresh_statistics():
    Pool().get('insurance.statistics.day').refresh()


COMMANDS = {'channel': channel, 'refresh-statistics': refresh_statistics}


def main(database, command, *arguments):
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, 0, context={'language': 'en'}):
        COMMANDS[command](*arguments)


if __name__ == '__main__':
    main(*sys.argv[1:])
