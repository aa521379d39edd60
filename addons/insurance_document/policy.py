"""The e-policy on the policy form: print it, email it, see what was sent;
and the verification of a document by its code."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.fields.selection import TranslatedSelection
from trytond.pool import Pool, PoolMeta
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import mail
from .verification import is_genuine, read_payload, verification_code


class Policy(metaclass=PoolMeta):
    __name__ = 'insurance.policy'

    state_string = TranslatedSelection('state')
    verification_code = fields.Function(fields.Char(
            "Verification Code",
            help="Printed on the e-policy and in its QR code: a document "
            "whose code differs is not ours."),
        'get_verification_code')
    emails = fields.One2Many('ir.email', 'resource', "Emails", readonly=True,
        help="The emails sent about the policy: e-policies and others.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'print_document': {'icon': 'tryton-print'},
                'email_document': {'icon': 'tryton-email'},
                })

    @property
    def written_premium(self):
        "The premium at issue plus the differences of the endorsements"
        return self.premium + sum(
            (e.premium_delta for e in self.endorsements), Decimal(0))

    @classmethod
    def get_verification_code(cls, policies, name):
        Configuration = Pool().get('insurance.document.configuration')
        secret = Configuration.secret()
        return {p.id: verification_code(secret, p.number) for p in policies}

    @classmethod
    @ModelView.button_action('insurance_document.report_policy_document')
    def print_document(cls, policies):
        pass

    @classmethod
    @ModelView.button_action('insurance_document.wizard_email_document')
    def email_document(cls, policies):
        pass

    def send_document(self, to):
        "Email the e-policy to the address to; return the ir.email"
        ModelData = Pool().get('ir.model.data')
        return mail.send(self, to,
            'insurance_document.msg_document_email_subject',
            'insurance_document.msg_document_email_body',
            reports=[ModelData.get_id(
                    'insurance_document', 'report_policy_document')],
            number=self.number, name=self.policyholder_name)


class EmailDocumentStart(ModelView):
    "Email E-Policy"
    __name__ = 'insurance.policy.document.email.start'
    __string__ = "Email E-Policy"

    policy = fields.Many2One('insurance.policy', "Policy", readonly=True)
    to = fields.Char("To", required=True,
        help="The address the caller gives.")


class EmailDocument(Wizard):
    "Email E-Policy"
    __name__ = 'insurance.policy.document.email'

    start = StateView('insurance.policy.document.email.start',
        'insurance_document.email_document_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-email', default=True),
            ])
    send = StateTransition()

    def default_start(self, fields):
        return {
            'policy': self.record.id,
            'to': self.record.policyholder_email,
            }

    def transition_send(self):
        self.record.send_document(self.start.to)
        return 'end'


class VerifyStart(ModelView):
    "Verify E-Policy"
    __name__ = 'insurance.policy.document.verify.start'
    __string__ = "Verify E-Policy"

    scanned = fields.Char("Scanned QR Code",
        help="The text a scanner reads from the QR code fills in the "
        "number and the code.")
    number = fields.Char("Policy Number", required=True, strip=True)
    code = fields.Char("Verification Code", required=True, strip=True)

    @fields.depends('scanned')
    def on_change_scanned(self):
        if read := read_payload(self.scanned):
            self.number, self.code = read


class VerifyResult(ModelView):
    "Verify E-Policy"
    __name__ = 'insurance.policy.document.verify.result'
    __string__ = "E-Policy Verification"

    genuine = fields.Boolean("Genuine", readonly=True)
    verdict = fields.Text("Verdict", readonly=True)
    policy = fields.Many2One('insurance.policy', "Policy", readonly=True)


class Verify(Wizard):
    "Verify E-Policy"
    __name__ = 'insurance.policy.document.verify'

    start = StateView('insurance.policy.document.verify.start',
        'insurance_document.verify_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Verify", 'verify', 'tryton-ok', default=True),
            ])
    verify = StateTransition()
    result = StateView('insurance.policy.document.verify.result',
        'insurance_document.verify_result_view_form', [
            Button("Verify Another", 'start', 'tryton-back'),
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_verify(self):
        return 'result'

    def default_result(self, fields):
        policy, verdict = verify(self.start.number, self.start.code)
        return {
            'genuine': policy is not None,
            'verdict': verdict,
            'policy': policy.id if policy else None,
            }


def verify(number, code):
    """(policy, verdict) of a document showing number and code: the policy
    is None when the document is not genuine"""
    pool = Pool()
    Policy = pool.get('insurance.policy')
    Configuration = pool.get('insurance.document.configuration')
    policies = Policy.search([('number', '=', number)], limit=1)
    if not policies:
        return None, gettext('insurance_document.msg_verify_unknown',
            number=number)
    policy, = policies
    if not is_genuine(Configuration.secret(), policy.number, code):
        return None, gettext('insurance_document.msg_verify_mismatch',
            number=number)
    return policy, gettext('insurance_document.msg_verify_genuine',
        number=number, state=policy.state_string)
