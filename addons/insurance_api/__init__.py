# The partner JSON API under /api/v1, served by trytond's WSGI application.
# The models are registered from tryton.cfg; the routes are registered on
# trytond.wsgi.app when trytond imports the module. pytest may import this
# folder once more under another name: the routes are registered once.
# One module per resource, each with its bodies, documents and endpoints:
# quotes, policies, policy_document, policy_lifecycle, claims, service
# (health, documentation).
if __name__ == 'trytond.modules.insurance_api':
    from trytond.wsgi import app

    from . import (  # noqa: F401
        claims,
        forwarded,
        middleware,
        policies,
        policy_document,
        policy_lifecycle,
        quotes,
        served_database,
        service,
    )

    middleware.install(app)
    forwarded.install(app)
    served_database.install(app)
