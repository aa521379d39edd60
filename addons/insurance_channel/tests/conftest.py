import pytest

from trytond.tests.test_tryton import activate_module


@pytest.fixture(scope='module', autouse=True)
def insurance_channel_module():
    activate_module('insurance_channel')
