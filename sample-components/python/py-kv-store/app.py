"""example:kv/store@0.1.0 in Python: named buckets (a resource, in store.py) in memory, and a
count of the bucket handles dropped, so it stands in for the Rust provider behind kv-app."""

from typing import List

import store
from wit_world import exports
from wit_world.exports.store import Listing


class Store(exports.Store):
    def list_buckets(self) -> List[Listing]:
        return [
            Listing(bucket=store.Bucket(name), size=len(contents))
            for name, contents in sorted(store.BUCKETS.items())
            if contents
        ]

    def size_of(self, b: store.Bucket) -> int:
        return len(store.BUCKETS[b.name()])

    def close(self, b: store.Bucket) -> None:
        # Owned: the handle ends with this call, and the bucket object with it.
        pass

    def drops(self) -> int:
        return store.DROPS[0]
