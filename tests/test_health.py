import requests

from .server import running_server


def test_health_reports_reachable_database(demo_server):
    response = requests.get(demo_server + '/api/v1/health', timeout=10)

    assert response.status_code == 200
    assert response.json() == {'status': 'ok', 'database': 'reachable'}


def test_health_answers_503_when_database_is_down(demo_database):
    # Nothing listens on port 9 of the loopback: the database is "down".
    with running_server(
            demo_database,
            TRYTOND_DATABASE__URI='postgresql://postgres@127.0.0.1:9/',
            TRYTOND_DATABASE_NAMES='') as base_url:
        response = requests.get(base_url + '/api/v1/health', timeout=30)

    assert response.status_code == 503
    assert response.json()['database'] == 'unreachable'
