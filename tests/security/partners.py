"""Partners issuing policies in parallel as a careful partner does: on a
lost connection or a 5xx, the same request again with the same
Idempotency-Key, after the Retry-After the server asked for."""
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

from ..api.applications import return_shipping

MAX_TRIES = 30


@dataclass
class Issuance:
    "One policy asked for, under one key, and how its tries went"
    key: str
    body: dict
    tries: int = 0
    lost_connections: int = 0
    server_errors: list = field(default_factory=list)  # status codes
    status: int | None = None
    answer: dict | None = None
    read_status: int | None = None  # of the policy read back

    @property
    def policy_no(self):
        return self.answer.get('policy_no') if self.answer else None


class Partners:
    """threads partners issuing return-shipping policies until stopped;
    retry_server_errors: whether a 5xx is retried (else it only counts)"""

    def __init__(self, client, threads=8, retry_server_errors=True,
            read_back=False):
        "read_back: read each policy issued (GET) once answered"
        self.client = client
        self.threads = threads
        self.retry_server_errors = retry_server_errors
        self.read_back = read_back
        self.issuances = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.workers = []

    def __enter__(self):
        for _ in range(self.threads):
            thread = threading.Thread(target=self._issue_until_stopped)
            thread.start()
            self.workers.append(thread)
        return self

    def __exit__(self, *exc_info):
        self.stopping.set()
        for thread in self.workers:
            thread.join()

    def _issue_until_stopped(self):
        session = requests.Session()
        while not self.stopping.is_set():
            issuance = Issuance(uuid.uuid4().hex, return_shipping())
            with self.lock:
                self.issuances.append(issuance)
            self.issue(issuance, session)
            if self.read_back and issuance.policy_no:
                issuance.read_status = self.read(issuance, session)

    def issue(self, issuance, session):
        "Try issuance until it gets an answer that is not a failure"
        while issuance.tries < MAX_TRIES:
            issuance.tries += 1
            try:
                response = session.post(
                    self.client.base_url + '/policies', json=issuance.body,
                    headers=self.client.headers(issuance.key), timeout=60)
            except requests.ConnectionError:
                issuance.lost_connections += 1
                time.sleep(0.05)
                continue
            if response.status_code >= 500:
                issuance.server_errors.append(response.status_code)
                if self.retry_server_errors:
                    time.sleep(min(float(
                                response.headers.get('Retry-After', 0.1)), 2))
                    continue
            issuance.status = response.status_code
            issuance.answer = response.json()
            return
        raise AssertionError(f"{issuance.key}: no answer in {MAX_TRIES} tries")

    def read(self, issuance, session):
        "The status of the GET of issuance's policy (0: connection lost)"
        try:
            return session.get(
                f'{self.client.base_url}/policies/{issuance.policy_no}',
                headers=self.client.headers(), timeout=60).status_code
        except requests.ConnectionError:
            return 0

    def ask_again(self, issuance):
        "The answer to issuance's request sent once more, with its key"
        response = self.client.session.post(
            self.client.base_url + '/policies', json=issuance.body,
            headers=self.client.headers(issuance.key), timeout=60)
        return response.status_code, response.json()
