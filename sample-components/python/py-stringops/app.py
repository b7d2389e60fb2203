"""The seed's string operations in Python: exports example:stringoperations/operations@0.1.0,
so it drops into consumer-app in place of the Rust provider."""

from wit_world import exports


class Operations(exports.Operations):
    def reverse(self, s: str) -> str:
        return s[::-1]

    def word_count(self, s: str) -> int:
        return len(s.split())
