"""Field access rules in the clauses trytond converts without checks.

trytond checks the fields that a staff member's search names against
ir.model.field.access, through dotted relations too (channel.webhook_secret).
A clause nested in a relation's `where`, (channel, where, [(webhook_secret,
like, 'a%')]), or met through a relation while trytond builds the query, is
converted without access checks: a search on a secret (a password hash, an
API key hash) would answer, a prefix at a time. The models with such fields
take NestedSearchAccess: whenever a staff request converts a domain of
theirs, the fields it names are checked.
"""
from trytond.pool import Pool
from trytond.tools.domain_inversion import is_leaf
from trytond.transaction import Transaction, check_access


def staff_request():
    """Whether the transaction answers a staff member's request (sao,
    JSON-RPC), wherever in it: trytond converts domains and orders without
    access checks, through relations too, so the request and its user tell
    (the partner API, the workers and the crons run as user 0)"""
    transaction = Transaction()
    return bool(transaction.user) and '_request' in transaction.context


def domain_fields(domain):
    "The names of the model's own fields in the clauses of domain"
    if is_leaf(domain):
        yield domain[0].split('.', 1)[0]
    elif domain and not isinstance(domain, str):
        for clause in domain:
            if isinstance(clause, (list, tuple)):
                yield from domain_fields(clause)


class NestedSearchAccess:
    __slots__ = ()

    @classmethod
    def search_domain(cls, domain, active_test=None, tables=None):
        if staff_request() and not Transaction().check_access:
            FieldAccess = Pool().get('ir.model.field.access')
            with check_access():
                FieldAccess.check(cls.__name__, set(domain_fields(domain)))
        return super().search_domain(
            domain, active_test=active_test, tables=tables)
