import os
import subprocess
import sys

from trytond.modules.insurance_channel import apikey_cli
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, with_transaction
from trytond.transaction import Transaction

from .tools import create_channel


@with_transaction()
def test_generate_key():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    channel = create_channel()

    raw_key = apikey_cli.generate_key('SHOP', name="batch")

    api_key = ApiKey.authenticate(raw_key)
    assert (api_key.channel, api_key.name) == (channel, "batch")
    assert apikey_cli.generate_key('UNKNOWN') is None


@with_transaction()
def test_command_prints_a_key_once():
    pool = Pool()
    ApiKey = pool.get('insurance.channel.api_key')
    transaction = Transaction()
    channel = create_channel('CLI')
    transaction.commit()  # the command works in its own transaction
    try:
        command = [
            sys.executable, '-m', apikey_cli.__name__,
            '--database', DB_NAME, '--channel', 'CLI', '--name', 'ops']
        done = subprocess.run(
            command, capture_output=True, text=True, env=os.environ,
            timeout=120)
        assert done.returncode == 0, done.stderr
        raw_key, = done.stdout.split()

        transaction.commit()
        assert ApiKey.authenticate(raw_key).channel == channel

        unknown = subprocess.run(
            command[:-4] + ['--channel', 'NOPE'], capture_output=True,
            text=True, env=os.environ, timeout=120)
        assert unknown.returncode == 1 and not unknown.stdout
    finally:
        pool.get('insurance.channel').delete([channel])
        transaction.commit()
