# Insurance products: products, versions, plans, coverages, rating tables and
# underwriting rules. Classes are registered from tryton.cfg.

from .database_driver import require_psycopg_c

# Imported by trytond in gunicorn, trytond-worker, trytond-cron and
# trytond-admin before they serve: each refuses to start on the slow driver.
require_psycopg_c()
