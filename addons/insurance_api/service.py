"""The service's own resources: health, the OpenAPI document and the Swagger
UI page partner developers read.

Swagger UI comes from the npm package swagger-ui-dist, installed in
static/node_modules by scripts/lib.sh (ensure_swagger_ui); it is served from
here, no CDN involved.
"""
import mimetypes
import os
from typing import Literal

from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from trytond.protocols.wrappers import Response
from trytond.wsgi import app

from .database import api_database_name, database_reachable
from .endpoint import endpoint
from .idempotency import Answer
from .middleware import API_PREFIX
from .openapi import document
from .schemas import ResponseModel

SWAGGER_UI = os.path.join(
    os.path.dirname(__file__), 'static', 'node_modules', 'swagger-ui-dist')
ASSETS = API_PREFIX + '/docs/assets'
PAGE = f'''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Insurance partner API</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="{ASSETS}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "{API_PREFIX}/openapi.json",
      dom_id: "#swagger-ui",
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
'''


class Health(ResponseModel):
    status: Literal['ok', 'unavailable']
    database: Literal['reachable', 'unreachable']


@endpoint('GET', '/health', summary="Liveness and database reachability",
    authenticated=False, transactional=False, response=Health,
    responses={503: Health}, tags=('service',))
def health(call):
    reachable = database_reachable(api_database_name())
    document = Health(
        status='ok' if reachable else 'unavailable',
        database='reachable' if reachable else 'unreachable')
    return Answer(200 if reachable else 503,
        document.model_dump_json().encode())


@endpoint('GET', '/openapi.json', summary="This OpenAPI document",
    authenticated=False, transactional=False, tags=('service',))
def openapi(call):
    return document()


@app.route(API_PREFIX + '/docs', methods=['GET'])
def docs_page(request):
    return Response(PAGE, content_type='text/html; charset=utf-8')


@app.route(API_PREFIX + '/docs/assets/<path:name>', methods=['GET'])
def docs_asset(request, name):
    path = safe_join(SWAGGER_UI, name)
    if path is None or not os.path.isfile(path):
        raise NotFound()
    content_type = mimetypes.guess_type(path)[0] or 'application/octet-stream'
    with open(path, 'rb') as asset:
        return Response(asset.read(), content_type=content_type,
            headers={'Cache-Control': 'public, max-age=86400'})
