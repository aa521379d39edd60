"""What the lifecycle tests share: an account-security channel and policy."""
import datetime as dt

from trytond.modules.insurance_base.timezone import china_today
from trytond.modules.insurance_policy.issuance import Application, issue

from .test_issuance import BUYER, channel_selling, products

LIFECYCLE = ('quote', 'issue', 'query', 'endorse', 'renew', 'cancel')


def security_channel(operations=LIFECYCLE):
    "A new channel selling every plan of ACCOUNT_SECURITY"
    return channel_selling(
        products()['ACCOUNT_SECURITY'], operations=operations)


def account_application(account='A1', plan='BASIC', effective_date=None):
    return Application(
        product_code='ACCOUNT_SECURITY', plan_code=plan,
        effective_date=effective_date or china_today(),
        policyholder=BUYER, insured=BUYER,
        risk={'account_id': account, 'account_tier': 'standard'})


def security_policy(channel, account='A1', plan='BASIC', days_ahead=0):
    effective_date = china_today() + dt.timedelta(days=days_ahead)
    return issue(channel.id,
        account_application(account, plan, effective_date))
