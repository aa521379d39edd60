"""Which database the partner API serves.

Partners do not name a database in their URLs, so the API serves one:
INSURANCE_DATABASE, or else the first of TRYTOND_DATABASE_NAMES (the
database gunicorn preloads).
"""
import csv
import io
import os


def api_database_name():
    name = os.environ.get('INSURANCE_DATABASE')
    if name:
        return name
    names = os.environ.get('TRYTOND_DATABASE_NAMES', '')
    for row in csv.reader(io.StringIO(names)):
        if row:
            return row[0]
    return None
