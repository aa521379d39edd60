"""Routes of the partner API that need no authentication."""
import json
import logging

from trytond import backend
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction
from trytond.wsgi import app

from .database import api_database_name

logger = logging.getLogger(__name__)


def json_response(payload, status=200):
    return Response(
        json.dumps(payload, ensure_ascii=False), status=status,
        content_type='application/json')


def database_reachable(name):
    try:
        with Transaction().start(name, 0, readonly=True) as transaction:
            cursor = transaction.connection.cursor()
            cursor.execute('SELECT 1')
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Health check: database %s unreachable", name,
            exc_info=True)
        return False


@app.route('/api/v1/health', methods=['GET'])
def health(request):
    name = api_database_name()
    reachable = bool(name) and database_reachable(name)
    status = 200 if reachable else 503
    return json_response({
            'status': 'ok' if reachable else 'unavailable',
            'database': 'reachable' if reachable else 'unreachable',
            }, status=status)
