"""Renewals (续保): a new policy for the next term, from the old end.

The new policy is issued by the issuance engine under the contract version
active at renewal (operation renew), with a new number; it points back with
renewed_from, and the old one finds it as renewed_to.

Both stay in force at once without tripping the one-in-force-per-object
exclusion constraint: their periods are half-open ([start, end)), so the old
end and the new start meet without overlapping. The new policy is in force
from its issue, not yet effective until its start, as any future-dated
policy is.
"""
from trytond.model import Unique, fields
from trytond.pool import PoolMeta
from trytond.wizard import StateAction, Wizard

from . import issuance


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    renewed_from = fields.Many2One(
        'insurance.policy', "Renewed From", readonly=True,
        ondelete='RESTRICT')
    renewals = fields.One2Many(
        'insurance.policy', 'renewed_from', "Renewals", readonly=True)
    renewed_to = fields.Function(
        fields.Many2One('insurance.policy', "Renewed To"),
        'get_renewed_to', searcher='search_renewed_to')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('renewed_once', Unique(t, t.renewed_from),
                'insurance_policy.msg_policy_renewed_once'),
            ]

    def get_renewed_to(self, name):
        # The unique constraint on renewed_from allows one renewal at most
        return self.renewals[0].id if self.renewals else None

    @classmethod
    def search_renewed_to(cls, name, clause):
        return [('renewals' + clause[0][len(name):], *clause[1:])]

    def renew(self, plan_code=None, idempotency_key=None):
        """Issue the policy of the next term, on plan_code or the same
        plan; return it or raise IssuanceError"""
        policy = self.locked(self)
        if policy.renewed_to:
            raise issuance.refusal('ALREADY_RENEWED',
                'msg_policy_already_renewed', policy=policy.number)
        policy.check_in_force()
        application = policy.application_for(
            plan_code or policy.plan.code, policy.end_date)
        quotation = issuance.quote(
            policy.channel.id, application, operation='renew')
        renewal = issuance.store(quotation, idempotency_key)
        renewal.renewed_from = policy
        renewal.save()
        return renewal


class Renew(Wizard):
    "Renew Policy"
    __name__ = 'insurance.policy.renew'

    start = StateAction('insurance_policy.act_policy_form')

    def do_start(self, action):
        renewal = self.record.renew()
        return action, {'res_id': [renewal.id]}
