# The partner JSON API under /api/v1, served by trytond's WSGI application.
# The models are registered from tryton.cfg; the routes are registered on
# trytond.wsgi.app when trytond imports the module. pytest may import this
# folder once more under another name: the routes are registered once.
if __name__ == 'trytond.modules.insurance_api':
    from trytond.wsgi import app

    from . import (  # noqa: F401
        claim_api,
        docs,
        forwarded,
        middleware,
        policy_lifecycle_api,
        routes,
        served_database,
    )

    middleware.install(app)
    forwarded.install(app)
    served_database.install(app)
