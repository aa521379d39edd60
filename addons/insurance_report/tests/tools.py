"""Builders of the records the report tests need, placed anywhere in time.

Times are given in China (the month of a statement is a China month) and
stored as naive UTC, as trytond stores them.
"""
import datetime as dt
import io
import itertools
from decimal import Decimal

import openpyxl

from trytond.modules.insurance_base.timezone import CHINA
from trytond.modules.insurance_claim.tests.tools import (  # noqa: F401
    create_channel,
    create_contract,
    create_policy,
    create_user,
    file_claim,
)
from trytond.pool import Pool

_numbers = itertools.count(1)


def utc(text):
    "The naive UTC timestamp of text, a time in China as YYYY-MM-DD HH:MM"
    china = dt.datetime.fromisoformat(text).replace(tzinfo=CHINA)
    return china.astimezone(dt.UTC).replace(tzinfo=None)


def contract_with_fee(channel, fee_rate):
    Contract = Pool().get('insurance.contract')
    contract = create_contract(channel)
    Contract.write([contract], {'fee_rate': Decimal(fee_rate)})
    return Contract(contract.id)


def change_fee(contract, fee_rate):
    "Make a new version of the active contract with fee_rate; return it"
    Contract = Pool().get('insurance.contract')
    Contract.write([contract], {'fee_rate': Decimal(fee_rate)})
    return Contract(contract.id).current_version


def issue(contract, at, premium, plan_code='STANDARD'):
    "A policy of the contract's current version issued at (China time)"
    Policy = Pool().get('insurance.policy')
    policy = create_policy(contract, plan_code)
    Policy.write([policy], {
            'issued_at': utc(at), 'premium': Decimal(premium)})
    return Policy(policy.id)


def endorse(policy, at, premium_delta, contract_version=None):
    "An endorsement of policy made at (China time)"
    Endorsement = Pool().get('insurance.policy.endorsement')
    endorsement, = Endorsement.create([{
                'number': f'E{next(_numbers):016d}',
                'policy': policy.id,
                'effective_date': utc(at).date(),
                'plan_before': policy.plan.id,
                'plan_after': policy.plan.id,
                'premium_delta': Decimal(premium_delta),
                'contract_version': (
                    contract_version or policy.contract_version).id,
                'created_at': utc(at),
                }])
    return endorsement


def cancel(policy, at, refund):
    "Cancel policy at (China time) with refund"
    Policy = Pool().get('insurance.policy')
    Policy.write([policy], {
            'state': 'cancelled',
            'cancelled_at': utc(at),
            'cancellation_date': utc(at).date(),
            'refund': Decimal(refund),
            })
    return Policy(policy.id)


def pay_claim(policy, at, amount):
    "A claim on policy filed an hour before it was paid at (China time)"
    Claim = Pool().get('insurance.claim')
    claim = file_claim(policy)
    Claim.write([claim], {'filed_at': utc(at) - dt.timedelta(hours=1)})
    Claim.write([claim], {
            'state': 'paid',
            'approved_amount': Decimal(amount),
            'paid_amount': Decimal(amount),
            'payment_reference': f'PAY-{claim.number}',
            'paid_at': utc(at),
            })
    return Claim(claim.id)


def create_statement(channel, period):
    Statement = Pool().get('insurance.statement')
    statement, = Statement.create([{
                'channel': channel.id, 'period': period}])
    return statement


def built(channel, period):
    "The statement of channel for period, built"
    Statement = Pool().get('insurance.statement')
    statement = create_statement(channel, period)
    Statement.build_now([statement])
    return Statement(statement.id)


def workbook(data):
    return openpyxl.load_workbook(io.BytesIO(data), read_only=False)


def sheet_rows(sheet):
    "The rows of sheet under its header, as tuples of values"
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]
