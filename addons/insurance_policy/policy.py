"""The policy (保单): what was issued to whom, on which terms, for when."""
import json

from sql.conditionals import Coalesce
from sql.functions import Function
from sql.operators import Equal

from trytond.i18n import gettext
from trytond.model import (
    Exclude,
    Index,
    ModelSQL,
    ModelView,
    Unique,
    Workflow,
    fields,
)
from trytond.modules.insurance_base.exceptions import WorkflowGuardError
from trytond.modules.insurance_base.guard import WorkflowGuard
from trytond.modules.insurance_base.money import MONEY_DIGITS
from trytond.modules.insurance_base.nested_access import staff_request
from trytond.modules.insurance_base.numbering import Numbering
from trytond.pool import Pool
from trytond.sql.functions import TSRange
from trytond.sql.operators import RangeOverlap
from trytond.transaction import Transaction

from .personal_data import PersonalChar
from .search_box import (
    every_field_domain,
    joined_number_groups,
    search_box_domain,
)

NUMBERING = Numbering('insurance_policy_number_seq', 'P', digits=10)
ID_TYPE_SELECTION = [
    ('ID_CARD', "Resident Identity Card"),
    ('PASSPORT', "Passport"),
    ('HMT_PERMIT', "Hong Kong, Macao or Taiwan Permit"),
    ('OTHER', "Other"),
    ]
ID_TYPES = tuple(code for code, _ in ID_TYPE_SELECTION)


class Policy(WorkflowGuard, Workflow, ModelSQL, ModelView):
    __name__ = 'insurance.policy'
    __string__ = "Insurance Policy"
    _rec_name = 'number'

    number = fields.Char("Number", required=True, readonly=True)
    channel = fields.Many2One(
        'insurance.channel', "Channel", required=True, readonly=True,
        ondelete='RESTRICT')
    contract_version = fields.Many2One(
        'insurance.contract.version', "Contract Version", required=True,
        readonly=True, ondelete='RESTRICT')
    product = fields.Many2One(
        'insurance.product', "Product", required=True, readonly=True,
        ondelete='RESTRICT')
    product_version = fields.Many2One(
        'insurance.product.version', "Product Version", required=True,
        readonly=True, ondelete='RESTRICT')
    plan = fields.Many2One(
        'insurance.plan', "Plan", required=True, readonly=True,
        ondelete='RESTRICT')
    policyholder_name = fields.Char(
        "Policyholder", required=True, readonly=True)
    policyholder_id_type = fields.Selection(
        ID_TYPE_SELECTION, "Policyholder ID Type", required=True,
        readonly=True)
    policyholder_id_number = PersonalChar(
        "Policyholder ID Number", required=True, readonly=True)
    policyholder_phone = PersonalChar("Policyholder Phone", readonly=True)
    policyholder_email = fields.Char("Policyholder Email", readonly=True)
    insured_name = fields.Char("Insured", required=True, readonly=True)
    insured_id_type = fields.Selection(
        ID_TYPE_SELECTION, "Insured ID Type", required=True, readonly=True)
    insured_id_number = PersonalChar(
        "Insured ID Number", required=True, readonly=True)
    insured_phone = PersonalChar("Insured Phone", readonly=True)
    insured_email = fields.Char("Insured Email", readonly=True)
    risk = fields.Dict(None, "Risk", readonly=True)
    risk_text = fields.Function(fields.Text("Risk"), 'get_json_text')
    external_reference = fields.Char(
        "External Reference", required=True, readonly=True,
        help="The insured object at the channel: the order number for "
        "return shipping, the account for account security.")
    premium = fields.Numeric(
        "Premium", digits=MONEY_DIGITS, required=True, readonly=True)
    rating = fields.Dict(
        None, "Rating", readonly=True,
        help="The quote the premium comes from, with its breakdown.")
    rating_text = fields.Function(fields.Text("Rating"), 'get_json_text')
    sum_insured = fields.Numeric(
        "Sum Insured", digits=MONEY_DIGITS, required=True, readonly=True)
    currency = fields.Char("Currency", required=True, readonly=True)
    starts_at = fields.Timestamp("Start", required=True, readonly=True)
    ends_at = fields.Timestamp("End", required=True, readonly=True)
    state = fields.Selection([
            ('in_force', "In Force"),
            ('cancelled', "Cancelled"),
            ('expired', "Expired"),
            ], "State", readonly=True, required=True, sort=False)
    issued_at = fields.Timestamp("Issued At", required=True, readonly=True)
    idempotency_key = fields.Char("Idempotency Key", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.number),
                'insurance_policy.msg_policy_number_unique'),
            # Two requests racing for the same insured object: the second
            # waits on this constraint's index, then fails. The object's key
            # enters the index as its 64-bit hash: btree_gist compares text
            # keys slowly (the text made this constraint two thirds of the
            # database's work of an issue). A collision could only refuse a
            # policy, never let a second one in force: with a million
            # policies in force on a channel, one issue in 10**13. The key
            # is named by the product's line (orders by return shipping...):
            # products of other lines may cover the same object.
            ('one_in_force_per_product_key', Exclude(t,
                    (t.channel, Equal),
                    (HashTextExtended(t.external_reference, 0), Equal),
                    (t.product, Equal),
                    (TSRange(t.starts_at, t.ends_at, '[)'), RangeOverlap),
                    where=t.state == 'in_force'),
                'insurance_policy.msg_policy_duplicate'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.state, Index.Equality(cardinality='low'))),
                Index(t, (t.issued_at, Index.Range())),
                Index(t, (t.channel, Index.Equality()),
                    (t.issued_at, Index.Range())),
                Index(t, (t.policyholder_name, Index.Similarity())),
                # trytond compares an optional Char as COALESCE(column, '')
                Index(t,
                    (Coalesce(t.policyholder_phone, ''), Index.Equality())),
                Index(t, (t.policyholder_id_number, Index.Equality())),
                Index(t, (t.insured_name, Index.Similarity())),
                Index(t, (Coalesce(t.insured_phone, ''), Index.Equality())),
                Index(t, (t.insured_id_number, Index.Equality())),
                Index(t, (t.external_reference, Index.Equality())),
                })
        cls._order = [('issued_at', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('in_force', 'cancelled'),
            ('in_force', 'expired'),
            }

    @classmethod
    def __register__(cls, module):
        create_extension('btree_gist')
        # Migration: the constraint on the key's text became one on its
        # hash, then one per product
        table_h = cls.__table_handler__(module)
        for former in ['one_in_force_per_object', 'one_in_force_per_key']:
            table_h.drop_constraint(former)
        super().__register__(module)
        # line.xml of insurance_product is loaded now
        Pool().get('insurance.product').migrate_line_codes()
        NUMBERING.create()

    @classmethod
    def default_state(cls):
        return 'in_force'

    @classmethod
    def create(cls, vlist):
        if Transaction().check_access:
            cls.refuse_outside_engine()
        return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, policies, values=None, external=False):
        super().check_modification(
            mode, policies, values=values, external=external)
        if external and mode == 'delete':
            cls.refuse_outside_engine()

    @classmethod
    def refuse_outside_engine(cls):
        raise WorkflowGuardError(gettext(
                'insurance_policy.msg_policy_issued_only'))

    def get_json_text(self, name):
        value = getattr(self, name[:-len('_text')])
        return json.dumps(value, ensure_ascii=False, indent=2,
            sort_keys=True, default=str)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False,
            query=False):
        "A number typed in groups in the search box is searched as one"
        return super().search(joined_number_groups(domain), offset=offset,
            limit=limit, order=order, count=count, query=query)

    @classmethod
    def search_rec_name(cls, name, clause):
        "What staff type in the search box (see search_box)"
        _, operator, operand, *_ = clause
        return (search_box_domain(operator, operand)
            or every_field_domain(clause, staff=staff_request()))

    @classmethod
    def next_number(cls):
        "A new policy number: P, the day in China, the sequence"
        return NUMBERING.next()

    @classmethod
    def next_numbers(cls, count):
        "count new policy numbers, taken in one query (bulk issuance)"
        return NUMBERING.next_many(count)

    @classmethod
    def number_sql(cls):
        "The SQL and parameters of a new number, taken inside a statement"
        return NUMBERING.sql()


class HashTextExtended(Function):
    "PostgreSQL's 64-bit hash of a text, with a seed"
    __slots__ = ()
    _function = 'HASHTEXTEXTENDED'


def create_extension(name):
    """Create the PostgreSQL extension, committed at once

    trytond checks extensions on another connection, and creates the GiST
    exclusion constraint only when btree_gist is there; without it, it would
    check the constraint in Python under a table lock."""
    database = Transaction().database
    if database.has_extension(name):
        return
    connection = database.get_connection(autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE EXTENSION IF NOT EXISTS "{name}"')
    finally:
        database.put_connection(connection)
    database._extensions[database.name].pop(name, None)
