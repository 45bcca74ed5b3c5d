"""A process-local cache of calendar text, bounded by its size in bytes."""

import threading
from collections import OrderedDict
from collections.abc import Hashable

# What an entry costs besides its bytes (key, stamp, dictionary slot), roughly.
ENTRY_OVERHEAD = 200


class SizedCache:
    """Least recently used entries, dropped once their sizes add up to more than ``max_bytes``.

    Each entry carries the stamp of the data it was built from (a version, an ETag): a lookup
    names the stamp it expects and misses on any other, so nothing is served after the data
    changed, whichever process changed it.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, tuple[Hashable, bytes]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, stamp: Hashable) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != stamp:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, stamp: Hashable, data: bytes) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old[1]) + ENTRY_OVERHEAD
            if len(data) + ENTRY_OVERHEAD > self.max_bytes:
                return
            self._entries[key] = (stamp, data)
            self._size += len(data) + ENTRY_OVERHEAD
            while self._size > self.max_bytes:
                _key, (_stamp, dropped) = self._entries.popitem(last=False)
                self._size -= len(dropped) + ENTRY_OVERHEAD

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def __len__(self) -> int:
        return len(self._entries)
