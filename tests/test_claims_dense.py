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
