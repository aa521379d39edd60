"""Generate an API key for a channel and print it once.

    python -m trytond.modules.insurance_channel.apikey_cli \\
        --database DB --channel TAOMALL [--name production]

The configuration comes from TRYTOND_CONFIG (and TRYTOND_* variables). Only
the key's hash is stored: copy the printed key now, it cannot be shown again.
"""
import argparse
import sys


def parse_arguments(argv=None):
    parser = argparse.ArgumentParser(
        prog='python -m trytond.modules.insurance_channel.apikey_cli',
        description=__doc__.splitlines()[0])
    parser.add_argument('--database', '-d', required=True)
    parser.add_argument('--channel', '-c', required=True, help="channel code")
    parser.add_argument('--name', '-n', help="what the key is for")
    return parser.parse_args(argv)


def generate_key(channel_code, name=None):
    "Generate a key inside the current transaction; None if no such channel"
    from trytond.pool import Pool
    pool = Pool()
    Channel = pool.get('insurance.channel')
    ApiKey = pool.get('insurance.channel.api_key')
    channels = Channel.search([('code', '=', channel_code)], limit=1)
    if not channels:
        return None
    _, raw_key = ApiKey.generate(channels[0], name=name)
    return raw_key


def main(argv=None):
    args = parse_arguments(argv)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(args.database).init()
    with Transaction().start(args.database, 0) as transaction:
        raw_key = generate_key(args.channel, name=args.name)
        if raw_key is None:
            print(f"No channel with code {args.channel}", file=sys.stderr)
            return 1
        transaction.commit()
    print(raw_key)
    return 0


if __name__ == '__main__':
    sys.exit(main())
