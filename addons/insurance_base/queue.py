"""Named queues of ir.queue: each kind of background work waits only behind
its own kind.

trytond-worker --name NAME runs the tasks of one queue only; scripts/run.sh
and docker/compose.yaml run one worker per name of QUEUE_NAMES, so a long
run of callback deliveries never delays the adjudication of a claim, nor a
bulk issuance the build of a statement. Tasks pushed without a name go to
trytond's 'default' queue, which a worker of its own runs too.
"""
from trytond.transaction import Transaction

CALLBACKS = 'callbacks'
ADJUDICATION = 'adjudication'
BULK = 'bulk'
STATEMENTS = 'statements'
QUEUE_NAMES = (CALLBACKS, ADJUDICATION, BULK, STATEMENTS, 'default')


def queue(model, name):
    "model.__queue__, pushing its tasks on the queue name"
    return _NamedQueue(model, name)


class _NamedQueue:
    __slots__ = ('_model', '_name')

    def __init__(self, model, name):
        self._model = model
        self._name = name

    def __getattr__(self, method):
        def push(*args, **kwargs):
            with Transaction().set_context(queue_name=self._name):
                return getattr(self._model.__queue__, method)(
                    *args, **kwargs)
        return push
