# Insurance products: products, versions, plans, coverages, rating tables and
# underwriting rules. Classes are registered from tryton.cfg.
