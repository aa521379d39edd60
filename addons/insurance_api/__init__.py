# The partner JSON API under /api/v1, served by trytond's WSGI application.
# Importing the routes registers them on trytond.wsgi.app when trytond loads
# the module; the models are registered from tryton.cfg.
from trytond.wsgi import app

from . import docs, middleware, routes  # noqa: F401

middleware.install(app)
