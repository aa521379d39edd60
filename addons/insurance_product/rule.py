from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields, sequence_ordered

from .exceptions import RuleExpressionError
from .rules import InvalidRule, compile_rule
from .terms import RuleTerms
from .version import VersionContentMixin


class PlanRule(VersionContentMixin, sequence_ordered(), ModelSQL, ModelView):
    __name__ = 'insurance.plan.rule'
    __string__ = "Insurance Plan Underwriting Rule"
    _parent_field = 'plan'

    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True)
    expression = fields.Char(
        "Expression", required=True,
        help="A condition the request must satisfy, e.g. "
        "0 < risk.order_amount <= 50000. Names: risk, policyholder, insured, "
        "effective_date, today, channel, contract.")
    error_code = fields.Char(
        "Error Code", required=True, strip=True,
        help="The code partners receive, e.g. ORDER_AMOUNT_OUT_OF_RANGE.")
    message = fields.Char("Message", required=True, translate=True)
    # Not "active": Tryton would hide inactive rules and not copy them.
    enabled = fields.Boolean(
        "Active", help="Only active rules are checked.")

    @staticmethod
    def default_enabled():
        return True

    @property
    def product_version(self):
        return self.plan.version

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if 'expression' in field_names:
            for rule in rules:
                rule.check_expression()

    def check_expression(self):
        try:
            compile_rule(self.expression)
        except InvalidRule as exception:
            raise RuleExpressionError(gettext(
                    'insurance_product.msg_rule_expression_invalid',
                    rule=self.name, error=str(exception))) from exception

    def get_terms(self):
        return RuleTerms(
            name=self.name, expression=self.expression,
            code=self.error_code, message=self.message)
