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

    def embed(self, texts: list[str], batch: int = 512, chunk: int = 16384):
        """Unit-length mean token embeddings, one row per text (float32, n x 256).

        Computed ``chunk`` texts at a time, so that memory beyond the result stays small
        whatever the corpus size."""
        import numpy as np

        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for lo in range(0, len(texts), chunk):
            self._embed_into(out[lo : lo + chunk], texts[lo : lo + chunk], batch)
        return out

    def _embed_into(self, out, texts: list[str], batch: int) -> None:
        import numpy as np

        vocab = self.table.shape[0]
        chunks, counts = [], []
        # ``encode_batch_fast`` (tokenizers >= 0.21) gives the same ids without the offsets.
        encode = getattr(self.tokenizer, "encode_batch_fast", self.tokenizer.encode_batch)
        for lo in range(0, len(texts), batch):
            encoded = encode(texts[lo : lo + batch], add_special_tokens=False)
            raw = np.array([len(enc.ids) for enc in encoded], dtype=np.int64)
            ids = np.fromiter(
                (i for enc in encoded for i in enc.ids), dtype=np.int64, count=int(raw.sum())
            )
            valid = (ids >= 0) & (ids < vocab)
            owner = np.repeat(np.arange(len(encoded)), raw)
            chunks.append(ids[valid])
            counts.append(np.bincount(owner[valid], minlength=len(encoded)))
        if not texts:
            return
        ids = np.concatenate(chunks)
        lengths = np.concatenate(counts)
        starts = np.r_[0, np.cumsum(lengths)[:-1]]
        nonempty = np.flatnonzero(lengths > 0)
        sums = _segment_sums(self.table, ids, starts[nonempty], lengths[nonempty])
        # The mean in float32: the same floats as dividing in float64 and rounding (a
        # quotient rounded to 53 bits and then to 24 is the quotient rounded to 24).
        sums /= lengths[nonempty, None].astype(np.float32)
        out[nonempty] = sums
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        out /= norms


def _segment_sums(table, ids, starts, lengths, rows: int = 8192):
    """``np.add.reduceat(table[ids], starts, axis=0)``, bit for bit, without its cost.

    ``reduceat`` along the rows makes one strided inner loop per column and segment (22 ns
    an element here). The same sums in the same order (the first row plus NumPy's pairwise
    sum of the rest) are computed here for all segments of one length at once, a row
    offset at a time: a few thousand whole-array additions for any corpus size.
    """
    import numpy as np

    out = np.empty((len(starts), table.shape[1]), dtype=table.dtype)
    order = np.argsort(lengths, kind="stable")
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    for group in np.split(order, bounds):
        n = int(lengths[group[0]])
        for lo in range(0, len(group), rows):
            part = group[lo : lo + rows]
            first = starts[part]

            def row(k, first=first):
                return table[ids[first + k]]

            out[part] = row(0) if n == 1 else row(0) + _pairwise(row, 1, n - 1)
    return out


def _pairwise(row, lo: int, n: int):
    """NumPy's pairwise float sum (``pairwise_sum`` in its loops) of ``row(lo) … row(lo+n-1)``:
    below 8 terms one by one from zero; up to 128, eight running sums combined as a tree,
    then the rest; above, the two halves (the first a multiple of 8) summed apart."""
    if n < 8:
        res = row(lo) + 0.0  # NumPy starts from 0.0: -0.0 becomes 0.0, nothing else moves
        for k in range(lo + 1, lo + n):
            res = res + row(k)
        return res
    if n <= 128:
        acc = [row(lo + j) for j in range(8)]
        k = 8
        while k < n - n % 8:
            for j in range(8):
                acc[j] = acc[j] + row(lo + k + j)
            k += 8
        res = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))
        for rest in range(k, n):
            res = res + row(lo + rest)
        return res
    half = n // 2
    half -= half % 8
    return _pairwise(row, lo, half) + _pairwise(row, lo + half, n - half)


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
