from trytond.model import fields
from trytond.pool import Pool, PoolMeta


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    claims = fields.One2Many(
        'insurance.claim', 'policy', "Claims", readonly=True)

    def has_paid_claim(self):
        "A claim paid on the policy leaves nothing to refund at cancellation"
        Claim = Pool().get('insurance.claim')
        return bool(Claim.search([
                    ('policy', '=', self.id),
                    ('paid_amount', '>', 0),
                    ], limit=1, order=[]))
