"""The README's commands work as typed after its set-up (issue 14)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ACTIVATE = re.compile(r"(?:^|&&|;)\s*(?:\.|source)\s+\.venv/bin/activate\b", re.M)


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, re.S)


def _setup_blocks() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return _sh_blocks(section)


def _commands_after_setup() -> list[str]:
    rest = README.split("## Set up", 1)[1].split("\n## ", 1)[1]
    lines = []
    for block in _sh_blocks(rest):
        for line in block.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line:
                lines.append(line)
    return lines


def test_setup_puts_the_commands_on_path():
    first = _setup_blocks()[0]
    bare = [c for c in _commands_after_setup() if c.split()[0] in ("ballerina-tui", "python")]
    assert bare, "the README shows commands to type"
    # Either the set-up activates the venv, or no later command relies on PATH.
    assert ACTIVATE.search(first), first


def test_every_setup_command_names_the_venv_until_it_is_activated():
    for block in _setup_blocks():
        for command in re.split(r"&&|\n", block):
            words = shlex.split(command)
            if not words or words[0] in (".", "source"):
                continue
            if words[0] == "python3" and words[1:3] == ["-m", "venv"]:
                continue
            assert words[0].startswith(".venv/bin/") or ACTIVATE.search(block.split(command)[0]), (
                command
            )


def test_readme_commands_parse():
    from ballerina_tui.cli import build_parser

    parser = build_parser()
    for command in _commands_after_setup():
        words = shlex.split(command)
        if words[0] != "ballerina-tui":
            continue
        parser.parse_args(words[1:])  # SystemExit on a command that does not parse


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "activate").exists(), reason="no .venv here")
def test_activate_line_puts_ballerina_tui_on_path():
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["PATH"] = "/usr/bin:/bin"
    proc = subprocess.run(
        ["sh", "-c", ". .venv/bin/activate && ballerina-tui --version && command -v python"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ballerina-tui ")
    assert str(ROOT / ".venv" / "bin" / "python") in proc.stdout
