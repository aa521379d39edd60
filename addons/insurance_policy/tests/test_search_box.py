"""The search box of policies: what customer service types to find one."""
from dataclasses import replace

import pytest

from trytond.modules.insurance_policy.issuance import Person, issue
from trytond.modules.insurance_policy.search_box import search_box_domain
from trytond.pool import Pool
from trytond.tests.test_tryton import activate_module, with_transaction

from .test_issuance import application, channel_selling, products

CALLER = Person("欧阳娜娜", 'ID_CARD', '11010119900307123X', '13912340001')
OTHER = Person("欧阳修", 'ID_CARD', '110101198001011234', '13700137000')


@pytest.fixture(scope='module', autouse=True)
def module():
    activate_module('insurance_policy')


def found(text):
    "The numbers of the policies found when text is typed in the search box"
    Policy = Pool().get('insurance.policy')
    return {p.number for p in Policy.search(
            [('rec_name', 'ilike', f'%{text}%')])}


def issue_for(channel, person, order_no):
    return issue(channel.id, replace(application(order_no),
            policyholder=person, insured=person))


@with_transaction()
def test_found_by_what_a_caller_reads_out():
    channel = channel_selling(products()['RETURN_SHIPPING'])
    caller = issue_for(channel, CALLER, 'ORDER-CALLER')
    other = issue_for(channel, OTHER, 'ORDER-OTHER')

    assert found('13912340001') == {caller.number}
    assert found('139 1234 0001') == {caller.number}
    assert found('+86 139-1234-0001') == {caller.number}
    assert found(caller.number) == {caller.number}
    assert found(caller.number.lower()) == {caller.number}
    assert found('11010119900307123x') == {caller.number}
    assert found('ORDER-CALLER') == {caller.number}
    assert found('欧阳娜娜') == {caller.number}
    assert found('欧阳') == {caller.number, other.number}
    # Policy numbers by their beginning, with or without the P
    assert found(caller.number[:12]) >= {caller.number, other.number}
    assert found(caller.number[1:]) == {caller.number}


@with_transaction()
def test_a_number_typed_in_groups_is_one_text():
    "sao makes a clause of each word typed: the groups are searched as one"
    Policy = Pool().get('insurance.policy')
    channel = channel_selling(products()['RETURN_SHIPPING'])
    caller = issue_for(channel, CALLER, 'ORDER-CALLER')
    issue_for(channel, OTHER, 'ORDER-OTHER')

    def typed(*words):
        return Policy.search(['AND', [('rec_name', 'ilike', f'%{word}%')
                    for word in words], [('state', '=', 'in_force')]])

    assert typed('139', '1234', '0001') == [caller]
    assert typed('110101', '19900307', '123X') == [caller]
    assert typed('欧阳', '1234') == []  # words, not groups: as before


@with_transaction()
def test_not_found_by_a_fragment_in_the_middle():
    channel = channel_selling(products()['RETURN_SHIPPING'])
    issue_for(channel, CALLER, 'ORDER-CALLER')

    assert found('1234000') == set()
    assert found('娜娜') == set()
    assert found('13912340002') == set()


@with_transaction()
def test_patterns_and_negations_compare_every_column():
    Policy = Pool().get('insurance.policy')
    channel = channel_selling(products()['RETURN_SHIPPING'])
    caller = issue_for(channel, CALLER, 'ORDER-CALLER')
    other = issue_for(channel, OTHER, 'ORDER-OTHER')

    # (policies other tests committed may match too)
    matching = Policy.search([('rec_name', 'ilike', '%1234_001')])
    assert caller in matching and other not in matching
    not_matching = Policy.search(
        [('rec_name', 'not ilike', '%13912340001%')])
    assert other in not_matching and caller not in not_matching


def test_typed_text_becomes_index_friendly_comparisons():
    domain = search_box_domain('ilike', '%139 1234 0001%')
    assert ('policyholder_phone', 'in',
        ['139 1234 0001', '13912340001']) in domain
    assert ('number', 'like', 'P13912340001%') in domain
    assert ('policyholder_name', 'like', '139 1234 0001%') in domain
    assert not any(operator == 'ilike' for _, operator, _ in domain[1:])
    assert search_box_domain('not ilike', '%13912340001%') is None
    assert search_box_domain('ilike', '%50\\%%') is not None
    assert search_box_domain('ilike', '50%off%') is None
