"""The dense signal: WordLlama's shipped files, loaded with the network blocked, lazily."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from ballerina_tui.claims import dense


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the dense model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_model_loads_from_the_wheel_with_sockets_blocked(no_network, monkeypatch):
    monkeypatch.setattr(dense, "_model", None)  # force a fresh load under the block
    vectors = dense.embed(
        [
            "set between the events of Chapter 3 and Chapter 4",
            "takes place between Chapter 3 and Chapter 4",
            "the soundtrack is loud",
        ]
    )
    assert vectors.shape == (3, dense.DIM)
    sims = vectors @ vectors.T
    assert abs(sims[0, 0] - 1.0) < 1e-5
    # Same fact in other words is nearer than an unrelated claim.
    assert sims[0, 1] > sims[0, 2] + 0.3


def test_wordllama_package_itself_is_never_imported(no_network):
    code = (
        "import sys\n"
        "from ballerina_tui.claims import dense\n"
        "dense.embed(['a claim'])\n"
        "print('wordllama' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_importing_the_claim_engine_does_not_load_the_model():
    code = (
        "import sys\n"
        "import ballerina_tui.claims\n"
        "from ballerina_tui.claims import dense\n"
        "print(dense._model is None, 'tokenizers' in sys.modules, 'numpy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "False", "False"]


def test_empty_text_gets_a_zero_vector_not_nan():
    import numpy as np

    vectors = dense.embed(["", "   ", "\x00"])
    assert np.isfinite(vectors).all()
    assert (vectors[0] == 0).all()
    assert (np.linalg.norm(vectors, axis=1) <= 1.0 + 1e-5).all()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_segment_sums_equal_numpy_reduceat_bit_for_bit(seed):
    """The vectorised segment sums give exactly ``np.add.reduceat``'s floats (same order of
    additions), for segment lengths around each of the pairwise sum's cut points."""
    import numpy as np

    rng = np.random.default_rng(seed)
    table = rng.standard_normal((500, 16)).astype(np.float32) * 10 ** rng.uniform(-3, 3, 16)
    table = table.astype(np.float32)
    lengths = np.array(
        [1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257, 300, 520, 1031]
        + list(rng.integers(1, 60, 200))
    )
    rng.shuffle(lengths)
    ids = rng.integers(0, len(table), int(lengths.sum()))
    starts = np.r_[0, np.cumsum(lengths)[:-1]]
    expected = np.add.reduceat(table[ids], starts, axis=0)
    got = dense._segment_sums(table, ids, starts, lengths, rows=37)
    assert got.dtype == expected.dtype
    assert np.array_equal(got, expected)


def test_embeddings_are_the_mean_of_the_token_vectors():
    import numpy as np

    model = dense.model()
    texts = ["", "the camera work is stunning", "a " * 200 + "heist", "Rififi (1955) 8/10"]
    got = model.embed(texts)
    for text, row in zip(texts, got, strict=True):
        ids = [i for i in model.tokenizer.encode(text, add_special_tokens=False).ids]
        if not ids:
            assert not row.any()
            continue
        mean = model.table[ids].mean(axis=0)
        assert np.allclose(row, mean / np.linalg.norm(mean), atol=1e-5)
