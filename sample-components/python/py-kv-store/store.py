"""The `bucket` resource of example:kv/store@0.1.0 (componentize-py looks for an exported
interface's resources in a module named after the interface: this one)."""

from typing import Dict, List, Optional

from wit_world.exports import store as kv

#: Every bucket's contents, by name: buckets of one name share them.
BUCKETS: Dict[str, Dict[str, str]] = {}
#: How many bucket handles were dropped.
DROPS = [0]


class Bucket(kv.Bucket):
    def __init__(self, name: str) -> None:
        self._name = name
        BUCKETS.setdefault(name, {})

    @staticmethod
    def find(name: str) -> Optional["Bucket"]:
        return Bucket(name) if BUCKETS.get(name) else None

    def get(self, key: str) -> Optional[str]:
        return BUCKETS[self._name].get(key)

    def set(self, key: str, value: str) -> None:
        BUCKETS[self._name][key] = value

    def keys(self) -> List[str]:
        return sorted(BUCKETS[self._name])

    def name(self) -> str:
        return self._name

    def __del__(self) -> None:
        # Counted only once Python frees the object: componentize-py 0.25 keeps exported
        # resources' objects after their handles are dropped, so this stays 0 there.
        DROPS[0] += 1
