"""The e-policy (电子保单) of a policy as a PDF: the same look-up, channel
isolation and grant as reading the policy (查询保单)."""
from trytond.pool import Pool

from .endpoint import endpoint
from .idempotency import Answer
from .policies import check_granted, policy_of_path

PDF = 'application/pdf'


@endpoint('GET', '/policies/{policy_no}/document',
    summary="The e-policy of a policy, as a PDF", media_type=PDF,
    errors=('NOT_FOUND', 'OPERATION_NOT_AUTHORIZED'), tags=('policies',),
    description="The policy as it is now (after its endorsements), in "
    "Chinese, with its verification code and a QR code that holds the "
    "policy number and that code (电子保单). A policy of another channel "
    "answers 404.")
def read_policy_document(call):
    PolicyDocument = Pool().get('insurance.policy.document', type='report')
    policy = policy_of_path(call)
    check_granted(policy, 'query')
    return Answer(200, PolicyDocument.pdf(policy), (
            ('Content-Disposition',
                f'inline; filename="{policy.number}.pdf"'),))
