"""Looking into the test database behind the API."""
import os

import psycopg


def policies_on(database, external_reference):
    "Return the numbers of the policies on an insured object"
    uri = os.environ['TRYTOND_DATABASE__URI'] + database
    with psycopg.connect(uri) as connection:
        rows = connection.execute(
            'SELECT number FROM insurance_policy '
            'WHERE external_reference = %s', (external_reference,))
        return [number for number, in rows]
