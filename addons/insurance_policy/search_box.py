"""What staff type in the search box of policies, found by index.

Customer service finds a caller's policy by its number, the policyholder's
or insured's phone or ID number, the order or account number, or a name.
sao sends the text as `rec_name ilike '%text%'`: compared so to every
column, it would read the whole table (millions of policies) on each
search. Instead each kind of identifier is compared as it can be found by
an index: numbers, phones, ID numbers and external references exactly (a
number also by its beginning), names by their beginning.
"""
import re

from trytond.tools import (
    escape_wildcard,
    is_full_text,
    strip_wildcard,
    unescape_wildcard,
)
from trytond.tools.domain_inversion import is_leaf

from .personal_data import EXACT_OPERATORS, PERSONAL_FIELDS

# The columns the search box looks at, for searches it cannot shape
SEARCHED_FIELDS = (
    'number', 'external_reference',
    'policyholder_name', 'policyholder_phone', 'policyholder_id_number',
    'insured_name', 'insured_phone', 'insured_id_number')
# Spaces, dashes, dots and brackets people type inside phone numbers
SEPARATORS = re.compile(r'[\s\-.()（）]')
# A mainland mobile number, maybe after the country code
MOBILE = re.compile(r'(?:\+?86)?(1\d{10})')
POLICY_NUMBER = re.compile(r'P?(\d+)', re.IGNORECASE)
# A group of a number read out in groups (139 1234 0001, 110101 1990...X)
NUMBER_GROUP = re.compile(r'[+(（]?\d+[)）\-]?\d*[Xx]?')


def search_box_domain(operator, value):
    """The domain of policies matching what was typed in the search box, or
    None when the clause is not a search of a text (negations, patterns)"""
    if operator not in {'ilike', 'like'} or not isinstance(value, str):
        return None
    if not is_full_text(value):
        return None
    text = unescape_wildcard(strip_wildcard(value)).strip()
    if not text:
        return None
    compact = SEPARATORS.sub('', text)
    exact = {text, compact, compact.upper()}
    mobile = MOBILE.fullmatch(compact)
    if mobile:
        exact.add(mobile.group(1))
    domain = ['OR']
    for name in ['external_reference', 'policyholder_phone', 'insured_phone',
            'policyholder_id_number', 'insured_id_number']:
        domain.append((name, 'in', sorted(exact)))
    number = POLICY_NUMBER.fullmatch(compact)
    if number:
        domain.append(('number', 'like', f'P{number.group(1)}%'))
    for name in ['policyholder_name', 'insured_name']:
        domain.append((name, 'like', escape_wildcard(text) + '%'))
    return domain


def every_field_domain(clause, staff=False):
    """The clause applied to each searched column (the former, slow search);
    for staff, to phones and ID numbers only when it compares full values"""
    _, operator, operand, *extra = clause
    if operator.startswith('!') or operator.startswith('not '):
        bool_op = 'AND'
    else:
        bool_op = 'OR'
    return [bool_op] + [(field, operator, operand, *extra)
        for field in SEARCHED_FIELDS
        if not staff or field not in PERSONAL_FIELDS
        or operator in EXACT_OPERATORS]


def joined_number_groups(domain):
    """domain with the words sao makes of a number typed in groups (one
    rec_name clause per word of "139 1234 0001") searched as one text"""
    if is_leaf(domain) or not isinstance(domain, (list, tuple)):
        return domain
    if len(domain) > 1 and all(map(number_group, domain)):
        text = ' '.join(number_group(clause) for clause in domain)
        return [('rec_name', 'ilike', f'%{text}%')]
    return [joined_number_groups(clause) for clause in domain]


def number_group(clause):
    "The group of digits a search box clause looks for, if it is one"
    if (is_leaf(clause) and len(clause) == 3
            and tuple(clause[:2]) == ('rec_name', 'ilike')
            and isinstance(clause[2], str)):
        text = unescape_wildcard(strip_wildcard(clause[2]))
        if NUMBER_GROUP.fullmatch(text):
            return text
    return None
