"""Personal data on policies (个人信息保护法): least privilege and a log.

ID numbers and phones reach staff masked (110***********1234, 138****5678).
Customer service (who call customers back and check who they speak to),
claims handlers (who contact claimants before paying) and administrators may
unmask a policy: each unmasking is logged (who, which policy, when) and shows
the numbers to that user for UNMASKED_MINUTES. Underwriters, business staff
and finance work without them: the rules and the rating read them inside the
engines, channels and statements do not need them. Analysts see no policy.

Staff find a policy by a full phone or ID number (the search box), never by
a part of one nor sorted by them: a search by prefix would unmask a number a
digit at a time. The fields themselves (PersonalChar) refuse it to staff's
requests, so that searches and sorts through a relation (claims by
`policy.policyholder_phone`, `policy where [...]`) are refused as well. The
partner API, the engines and the documents read the numbers in full: they
run as user 0, without access checks.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.nested_access import staff_request
from trytond.modules.insurance_base.timezone import utcnow
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

PERSONAL_FIELDS = {
    'policyholder_id_number', 'policyholder_phone',
    'insured_id_number', 'insured_phone'}
UNMASKED_MINUTES = 10
EXACT_OPERATORS = {'=', 'in'}


def mask(value):
    "value with only its first 3 and last 4 characters shown"
    if not value:
        return value
    if len(value) <= 7:
        return '*' * len(value)
    return value[:3] + '*' * (len(value) - 7) + value[-4:]


class PersonalChar(fields.Char):
    """A phone or ID number: staff search it by its full value only and
    never sort on it, on its model or through a relation"""

    def convert_domain(self, domain, tables, Model):
        if domain[1] not in EXACT_OPERATORS:
            refuse_staff()
        return super().convert_domain(domain, tables, Model)

    def convert_order(self, name, tables, Model):
        refuse_staff()
        return super().convert_order(name, tables, Model)


def refuse_staff():
    if staff_request():
        raise AccessError(gettext(
                'insurance_policy.msg_personal_data_search'))


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'unmask': {
                    'icon': 'tryton-search',
                    'depends': [],
                    },
                })

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if Transaction().check_access and PERSONAL_FIELDS & set(fields_names):
            Unmasking = Pool().get('insurance.policy.unmasking')
            unmasked = Unmasking.unmasked(ids)
            for values in result:
                if values['id'] not in unmasked:
                    for name in PERSONAL_FIELDS & values.keys():
                        values[name] = mask(values[name])
        return result

    @classmethod
    @ModelView.button
    def unmask(cls, policies):
        "Show the personal data of policies to the user for a while, logged"
        Pool().get('insurance.policy.unmasking').record(policies)


class Unmasking(WorkflowGuard, ModelSQL, ModelView):
    __name__ = 'insurance.policy.unmasking'
    __string__ = "Personal Data Unmasking"

    policy = fields.Many2One(
        'insurance.policy', "Policy", required=True, readonly=True,
        ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='RESTRICT')
    at = fields.Timestamp("At", required=True, readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.user, Index.Equality()), (t.policy, Index.Equality()),
                (t.at, Index.Range())))
        cls._order = [('at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def record(cls, policies):
        "Log that the user unmasks policies now"
        if not policies:
            return
        table = cls.__table__()
        transaction = Transaction()
        now = utcnow()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.insert(
                [table.policy, table.user, table.at, table.create_uid,
                    table.create_date],
                [[p.id, transaction.user, now, transaction.user, now]
                    for p in policies]))

    @classmethod
    def unmasked(cls, policy_ids):
        "The ids of policy_ids that the user unmasked lately"
        table = cls.__table__()
        transaction = Transaction()
        since = utcnow() - dt.timedelta(minutes=UNMASKED_MINUTES)
        cursor = transaction.connection.cursor()
        cursor.execute(*table.select(table.policy,
                where=(table.user == transaction.user)
                & table.policy.in_(list(policy_ids) or [-1])
                & (table.at >= since),
                group_by=[table.policy]))
        return {policy_id for policy_id, in cursor}
