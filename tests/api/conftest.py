"""The API tests use the fixtures of tests/conftest.py: the demo database and
gunicorn, with the channels of seed.py added."""
