#!/usr/bin/env python3
"""Load the demo data into a database where the insurance modules are active.

Idempotent: every module's demo.load() creates only what is missing, and the
staff users are looked up by login first. Run by scripts/run.sh.

    python scripts/demo_data.py --database insurance_demo
    python scripts/demo_data.py --list-users | --list-keys
"""
import argparse
import importlib
import inspect
import os

DEMO_MODULES = [
    'insurance_product', 'insurance_channel', 'insurance_policy',
    'insurance_claim', 'insurance_report', 'insurance_document']

# Fixed, documented keys so that partners' sandboxes and the README can use
# them; only their hashes are stored. Never use these outside a demo database.
DEMO_API_KEYS = {
    'TAOMALL': 'ick_demo_taomall_0123456789abcdefghijklmnopqrstuv',
    'ZHIFUPAY': 'ick_demo_zhifupay_0123456789abcdefghijklmnopqrstu',
    }

# login, name, group XML id in insurance_product
DEMO_STAFF = [
    ('underwriter', "王核保（核保）", 'group_underwriter'),
    ('business', "李业务（业务）", 'group_business'),
    ('service', "张客服（客服）", 'group_customer_service'),
    ('claims', "赵理赔（理赔）", 'group_claims'),
    ('finance', "钱财务（财务）", 'group_finance'),
    ('analyst', "孙分析（分析）", 'group_analyst'),
    ('manager', "周主管（保险管理员）", 'group_insurance_admin'),
    ]


def staff_password():
    return os.environ.get('DEMO_STAFF_PASSWORD', 'demo2026')


def load_module_demos():
    for module in DEMO_MODULES:
        try:
            demo = importlib.import_module(f'trytond.modules.{module}.demo')
        except ModuleNotFoundError:
            continue
        if 'api_keys' in inspect.signature(demo.load).parameters:
            demo.load(api_keys=DEMO_API_KEYS)
        else:
            demo.load()


def load_staff_users():
    from trytond.pool import Pool
    pool = Pool()
    User = pool.get('res.user')
    Lang = pool.get('ir.lang')
    ModelData = pool.get('ir.model.data')
    chinese, = Lang.search([('code', '=', 'zh_CN')])
    existing = {u.login for u in User.search(
                [('login', 'in', [s[0] for s in DEMO_STAFF])])}
    User.create([{
                'login': login,
                'name': name,
                'password': staff_password(),
                'language': chinese.id,
                'groups': [('add', [
                            ModelData.get_id('insurance_product', group)])],
                }
            for login, name, group in DEMO_STAFF if login not in existing])
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {'language': chinese.id})


def finish_module_configuration():
    """Mark the module configuration wizard done, as trytond does once the
    administrator went through it: the languages and users are set up here,
    so the administrator's first login lands on the menu"""
    from trytond.pool import Pool
    Item = Pool().get('ir.module.config_wizard.item')
    Item.write(Item.search([('state', '=', 'open')]), {'state': 'done'})


def load(database):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool.start()
    Pool(database).init()
    with Transaction().start(database, 0) as transaction:
        load_module_demos()
        load_staff_users()
        finish_module_configuration()
        transaction.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database', '-d')
    parser.add_argument('--list-users', action='store_true')
    parser.add_argument('--list-keys', action='store_true')
    args = parser.parse_args()
    if args.list_users:
        print(', '.join(login for login, _, _ in DEMO_STAFF))
    elif args.list_keys:
        for channel, key in DEMO_API_KEYS.items():
            print(f'{channel}: {key}')
    elif args.database:
        load(args.database)
    else:
        parser.error("--database is required")


if __name__ == '__main__':
    main()
