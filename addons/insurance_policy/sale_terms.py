"""What a channel may sell of a product now: a cached snapshot of its
contract version, so that quoting and issuing read no contract per call.

The cache is cleared on any change of a channel, contract, contract version
or product version, in every gunicorn worker at once ([cache] clean_timeout
= 0 is set by config/gunicorn.conf.py); CACHE_DURATION bounds the staleness
where caches are only synchronised every clean_timeout seconds.
"""
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from trytond.cache import Cache
from trytond.modules.insurance_base.cache import cleared_on_change
from trytond.pool import Pool, PoolMeta

CACHE_DURATION = dt.timedelta(minutes=5)
NO_CONTRACT = 'none'

_sale_terms = Cache(
    'insurance_policy.sale_terms', duration=CACHE_DURATION, context=False)
# Contract versions never change once created
_granted_operations = Cache(
    'insurance_policy.granted_operations', context=False)


@dataclass(frozen=True, slots=True)
class SaleTerms:
    channel_id: int
    channel_code: str
    channel_kind: str
    channel_open: bool
    contract_number: str
    contract_version_id: int
    product_id: int
    product_version_id: int
    product_withdrawn: bool
    operations: frozenset
    plans: tuple  # (code, plan id) pairs
    rate_adjustment: Decimal
    start_date: dt.date
    end_date: dt.date | None

    def grants(self, operation):
        return operation in self.operations

    def plan_id(self, plan_code):
        return dict(self.plans).get(plan_code)

    def covers(self, date):
        return (self.start_date <= date
            and (not self.end_date or date <= self.end_date))

    def for_rules(self):
        "The plain values underwriting rules see as channel and contract"
        channel = {'code': self.channel_code, 'kind': self.channel_kind}
        contract = {
            'number': self.contract_number,
            'rate_adjustment': self.rate_adjustment,
            }
        return channel, contract


def sale_terms(channel_id, product_code):
    "Return the SaleTerms of the channel on product_code or None"
    key = (channel_id, product_code)
    terms = _sale_terms.get(key)
    if terms is None:
        terms = load_sale_terms(channel_id, product_code) or NO_CONTRACT
        _sale_terms.set(key, terms)
    return None if terms == NO_CONTRACT else terms


def granted_operations(contract_version_id):
    "Return the operations a contract version grants"
    operations = _granted_operations.get(contract_version_id)
    if operations is None:
        Version = Pool().get('insurance.contract.version')
        operations = frozenset(
            Version(contract_version_id).operations or ())
        _granted_operations.set(contract_version_id, operations)
    return operations


def load_sale_terms(channel_id, product_code):
    Contract = Pool().get('insurance.contract')
    version = Contract.find_for(channel_id, product_code)
    if version is None:
        return None
    channel = version.channel
    product_version = version.product_version
    return SaleTerms(
        channel_id=channel.id,
        channel_code=channel.code,
        channel_kind=channel.kind,
        channel_open=channel.state == 'open',
        contract_number=version.contract.number,
        contract_version_id=version.id,
        product_id=product_version.product.id,
        product_version_id=product_version.id,
        product_withdrawn=version.product_withdrawn,
        operations=frozenset(version.operations or ()),
        plans=tuple((p.code, p.id) for p in version.plans),
        rate_adjustment=version.rate_adjustment,
        start_date=version.start_date,
        end_date=version.end_date)


class Channel(cleared_on_change(_sale_terms), metaclass=PoolMeta):
    __name__ = 'insurance.channel'


class Contract(cleared_on_change(_sale_terms), metaclass=PoolMeta):
    __name__ = 'insurance.contract'


class ContractVersion(cleared_on_change(_sale_terms), metaclass=PoolMeta):
    __name__ = 'insurance.contract.version'


class ProductVersion(cleared_on_change(_sale_terms), metaclass=PoolMeta):
    __name__ = 'insurance.product.version'
