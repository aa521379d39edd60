"""The OpenAPI document and the Swagger UI page partner developers read.

Swagger UI comes from the npm package swagger-ui-dist installed in
static/node_modules (see README of the module); it is served from here, no
CDN involved.
"""
import mimetypes
import os

from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

from trytond.protocols.wrappers import Response
from trytond.wsgi import app

from .endpoint import endpoint
from .middleware import API_PREFIX
from .openapi import document

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
