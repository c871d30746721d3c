"""Where things live on disk, and how we write them without ever leaving half a file."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

APP_NAME = "ballerina-tui"

ENV_REVIEWS = "BALLERINA_TUI_REVIEWS"
ENV_CACHE = "BALLERINA_TUI_CACHE_DIR"
ENV_DATA = "BALLERINA_TUI_DATA_DIR"


def bundled_data_dir() -> Path:
    """The reviews and characters shipped with the package.

    An installed wheel carries them as ``ballerina_tui/data``; a source checkout
    (or an editable install) has them at the top-level ``data/``.
    """
    here = Path(__file__).resolve().parent
    installed = here / "data"
    if installed.is_dir():
        return installed
    return here.parent / "data"


def default_reviews_dir() -> Path:
    env = os.environ.get(ENV_REVIEWS)
    if env:
        return Path(env).expanduser()
    return bundled_data_dir() / "reviews"


def cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def corpus_key(folder: Path) -> str:
    """A short stable name for a review folder, used to keep one index per folder."""
    resolved = str(Path(folder).expanduser().resolve())
    return hashlib.sha256(resolved.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def atomic_write_text(path: Path, text: str, *, overwrite: bool = True) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8 (newlines written as they are)."""
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = True) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half.

    The data goes to a temporary file in the same folder, is flushed to disk, and is then
    renamed over the target. With ``overwrite=False`` an existing file raises
    ``FileExistsError`` (checked atomically with a hard link where the file system allows).
    """
    path = Path(path)
    folder = path.parent
    if not folder.exists():
        raise FileNotFoundError(f"folder does not exist: {folder}")
    if path.is_dir():
        raise IsADirectoryError(f"is a folder, not a file: {path}")
    try:
        existing = os.stat(path).st_mode
    except OSError:
        existing = None
    # Renaming over a file needs only the folder to be writable: without this check a
    # write-protected file was silently replaced (and came back with mode 0600).
    if existing is not None and (not existing & 0o222 or not os.access(path, os.W_OK)):
        raise PermissionError(errno.EACCES, "the file is write-protected", str(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        # mkstemp makes the file 0600; a new file gets the mode any program would give it
        # (0666 less the umask), a replaced file keeps its own.
        with contextlib.suppress(OSError):
            os.fchmod(fd, stat.S_IMODE(existing) if existing is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:
                if path.exists():
                    raise FileExistsError(str(path)) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
        tmp = ""
        with contextlib.suppress(OSError):
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@contextlib.contextmanager
def file_lock(path: Path, *, shared: bool = False, wait: bool = True) -> Iterator[None]:
    """An advisory inter-process lock on ``path`` (created if missing).

    Used around index updates and highlight writes so two instances take turns. On
    platforms without ``fcntl`` this degrades to no locking. With ``wait=False`` a lock
    held elsewhere raises ``BlockingIOError`` at once.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        fcntl.flock(fd, mode if wait else mode | fcntl.LOCK_NB)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _umask() -> int:
    """The process umask (read from /proc where possible, so no thread ever sees it 0)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class OutputError(OSError):
    """Why an output file cannot be written, in one line for the user."""


def write_output(path: Path, text: str, *, force: bool = False) -> Path:
    """Write a report or an export to ``path`` by the rules every ``-o`` option follows.

    - a character device or a FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is written
      to in place: that is writing, not replacing, so it needs no ``--force`` and the node
      is never swapped for a regular file;
    - a regular file is replaced atomically, keeps its mode, and only with ``force``;
    - a folder, a missing folder, a block device, a socket or a file we may not write
      raises :class:`OutputError` with one clear line.
    """
    path = Path(path).expanduser()
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    if mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        return _write_in_place(path, text)
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{path} is a folder; give a file name")
    if mode is not None and not stat.S_ISREG(mode):
        kind = "block device" if stat.S_ISBLK(mode) else "socket" if stat.S_ISSOCK(mode) else ""
        raise OutputError(f"{path} is a {kind or 'special file'}; not writing to it")
    if mode is None and not path.parent.is_dir():
        raise OutputError(f"folder {path.parent} does not exist")
    if mode is not None and (not mode & 0o222 or not os.access(path, os.W_OK)):
        raise OutputError(f"cannot write {path}: the file is write-protected")
    if mode is not None and not force:
        raise OutputError(f"{path} exists; use --force to overwrite it")
    try:
        atomic_write_text(path, text, overwrite=force)
    except FileExistsError:
        raise OutputError(f"{path} exists; use --force to overwrite it") from None
    except IsADirectoryError:
        raise OutputError(f"{path} is a folder; give a file name") from None
    except FileNotFoundError:
        raise OutputError(f"folder {path.parent} does not exist") from None
    except PermissionError as exc:
        reason = exc.strerror or "permission denied"
        raise OutputError(f"cannot write {path}: {reason}") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _write_in_place(path: Path, text: str) -> Path:
    """Write to a device or a pipe through a plain ``open``: no temporary file, no rename."""
    try:
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
    except PermissionError:
        raise OutputError(f"cannot write {path}: permission denied") from None
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        data = text.encode("utf-8", "surrogateescape")
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except BrokenPipeError:
        pass  # the reader went away: like `| head`
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return path
