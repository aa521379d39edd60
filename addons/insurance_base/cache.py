"""Caches of snapshots that must forget what changes."""


def cleared_on_change(cache):
    """Return a mixin clearing cache whenever a record of the model it
    extends is created, written or deleted in this process"""
    class ClearedOnChange:
        __slots__ = ()

        @classmethod
        def on_modification(cls, mode, records, field_names=None):
            super().on_modification(mode, records, field_names=field_names)
            cache.clear()
    return ClearedOnChange
