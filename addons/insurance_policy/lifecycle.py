"""What endorsements, renewals and cancellations share: a policy in force,
locked while it changes, and the application it answers."""
from decimal import Decimal

from trytond.modules.insurance_base.timezone import china_date, utcnow
from trytond.pool import PoolMeta

from .issuance import Application, Person, refusal


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    @classmethod
    def locked(cls, policy):
        """Return policy read again under a row lock

        Lifecycle operations of one policy wait for each other, so that two
        requests cannot both cancel, renew or endorse it. ModelSQL.lock has
        trytond restart the transaction with the row locked (its RPC
        dispatcher, worker and cron do, and so does the partner API, run by
        with_transaction)."""
        cls.lock([policy])
        return cls(policy.id)

    @property
    def in_force(self):
        "In force and not past its end (the expiry job may not have run)"
        return self.state == 'in_force' and utcnow() < self.ends_at

    def check_in_force(self):
        if not self.in_force:
            raise refusal('POLICY_NOT_IN_FORCE', 'msg_policy_not_in_force',
                policy=self.number, state=self.state)

    @property
    def term_premium(self):
        """The full-term premium of the current plan

        The rating follows endorsements, while premium keeps what was
        written at issue."""
        if self.rating and 'premium' in self.rating:
            return Decimal(self.rating['premium'])
        return self.premium

    def application_for(self, plan_code, effective_date):
        "The Application of the same parties and risk on plan_code"
        return Application(
            product_code=self.product.code,
            plan_code=plan_code,
            effective_date=effective_date,
            policyholder=self.person('policyholder'),
            insured=self.person('insured'),
            risk=dict(self.risk or {}))

    def person(self, role):
        def value(name):
            return getattr(self, f'{role}_{name}')
        return Person(value('name'), value('id_type'), value('id_number'),
            value('phone'), value('email'))

    @property
    def start_date(self):
        return china_date(self.starts_at)

    @property
    def end_date(self):
        return china_date(self.ends_at)
