"""The dense signal: WordLlama's static 256-d token embeddings, averaged per claim.

`wordllama` 0.4.0.post1 ships its weights (``weights/l2_supercat_256.safetensors``) and its
tokenizer (``tokenizers/l2_supercat_tokenizer_config.json``) inside the wheel, but its own
``WordLlama.load()`` looks for the tokenizer in another folder and then downloads it from
Hugging Face. We never call it, and never import the ``wordllama`` package itself (its
``inference`` module reconfigures logging on import): the two shipped files are read
directly with ``safetensors`` and ``tokenizers``, which wordllama depends on. Nothing here
touches the network.

The model loads on first use (about 0.4 s), in the analysis worker, never at import time.
"""

from __future__ import annotations

import threading
from pathlib import Path

DIM = 256
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")
_lock = threading.Lock()
_model: _Model | None = None


class DenseUnavailable(RuntimeError):
    """The shipped WordLlama files are missing or unreadable."""


def package_dir() -> Path:
    """Where the installed ``wordllama`` package lives, found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("wordllama")
    if spec is None or not spec.submodule_search_locations:
        raise DenseUnavailable("the wordllama package is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


class _Model:
    def __init__(self, root: Path) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        weights = root.joinpath(*_WEIGHTS)
        tokenizer = root.joinpath(*_TOKENIZER)
        if not weights.is_file() or not tokenizer.is_file():
            raise DenseUnavailable(f"wordllama files missing under {root}")
        table = load_file(str(weights))["embedding.weight"]
        self.table = np.ascontiguousarray(table.astype(np.float32))
        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    def embed(self, texts: list[str], batch: int = 512):
        """Unit-length mean token embeddings, one row per text (float32, n x 256)."""
        import numpy as np

        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        vocab = self.table.shape[0]
        for lo in range(0, len(texts), batch):
            encoded = self.tokenizer.encode_batch(texts[lo : lo + batch], add_special_tokens=False)
            rows = [[i for i in enc.ids if 0 <= i < vocab] for enc in encoded]
            lengths = np.array([len(r) for r in rows])
            ids = np.fromiter((i for r in rows for i in r), dtype=np.int64, count=lengths.sum())
            if not len(ids):
                continue
            # Mean of each text's token vectors in one pass: sums at the row starts.
            starts = np.r_[0, np.cumsum(lengths)[:-1]]
            nonempty = lengths > 0
            sums = np.add.reduceat(self.table[ids], starts[nonempty], axis=0)
            out[lo + np.flatnonzero(nonempty)] = sums / lengths[nonempty, None]
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms
        return out


def model() -> _Model:
    """The loaded model (loaded once per process, thread-safe)."""
    global _model
    with _lock:
        if _model is None:
            _model = _Model(package_dir())
        return _model


def embed(texts: list[str]):
    """Unit-length embeddings of ``texts`` (numpy float32 array, one row per text)."""
    return model().embed(texts)
