"""Owner-only files for outputs that hold customer information (CPNI, 47 U.S.C. 222; VI.8).

Every file is created with mode 0600 from its first byte: it is written under a temporary
name that `tempfile.mkstemp` creates 0600 in the target's folder, then renamed over the
target, so a reader never sees a half-written file and a file that existed before with a
looser mode is replaced, not reused. Folders the program creates for such files are 0700.
Databases create their own side files (journals, WAL), so they are opened under
`private_umask` or created empty with mode 0600 before the engine opens them
(docs/cpni.md).
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FILE_MODE",
    "FOLDER_MODE",
    "private_database_file",
    "private_file",
    "private_folder",
    "private_path",
    "private_umask",
    "write_private_bytes",
    "write_private_text",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700
_PRIVATE_UMASK = 0o077


class _UmaskHold:
    """Who holds the private umask (a count under a lock) and the umask to restore."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.before = 0


_hold = _UmaskHold()


def private_folder(path: str | os.PathLike[str]) -> Path:
    """`path` as a folder; every folder this creates (the path and missing parents) is 0700.
    A folder that already exists keeps its mode."""
    folder = Path(path)
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.is_dir():
            break
        missing.append(candidate)
    for candidate in reversed(missing):
        try:
            candidate.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not candidate.is_dir():
                raise
    return folder


@contextmanager
def private_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """A temporary path (already created empty, 0600) for a writer that takes a file name;
    renamed over `path` when the block ends without error, removed otherwise."""
    target = Path(path)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    os.close(fd)
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


@contextmanager
def private_file(
    path: str | os.PathLike[str], mode: str = "w", *, encoding: str | None = None, newline: str | None = None
) -> Iterator[IO[Any]]:
    """`path` opened for writing (`mode` "w" or "wb"), owner-only (see the module)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"private_file writes a new file: mode 'w' or 'wb', got {mode!r}")
    with private_path(path) as temporary:
        if mode == "wb":
            with open(temporary, "wb") as binary:
                yield binary
        else:
            with open(temporary, "w", encoding=encoding or "utf-8", newline=newline) as text:
                yield text


def write_private_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path`, owner-only; returns the path."""
    with private_file(path, "w", encoding=encoding) as out:
        out.write(text)
    return Path(path)


def write_private_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write `data` to `path`, owner-only; returns the path."""
    with private_file(path, "wb") as out:
        out.write(data)
    return Path(path)


def private_database_file(path: str | os.PathLike[str]) -> Path:
    """Create `path` empty with mode 0600 if it does not exist (SQLite takes an empty file as
    a new database and gives its journal and WAL the database file's mode); a database file
    of ours that already exists with a looser mode is tightened to 0600."""
    target = Path(path)
    try:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        stat = target.stat()
        if stat.st_uid == os.getuid() and stat.st_mode & 0o077:
            os.chmod(target, FILE_MODE)
    return target


@contextmanager
def private_umask() -> Iterator[None]:
    """Every file created inside the block is owner-only (umask 077): for an engine that names
    and creates its own files (DuckDB's database and WAL). The umask is the process's, so it is
    held by a count: it is restored when the last holder leaves."""
    with _hold.lock:
        if _hold.holders == 0:
            _hold.before = os.umask(_PRIVATE_UMASK)
        _hold.holders += 1
    try:
        yield
    finally:
        with _hold.lock:
            _hold.holders -= 1
            if _hold.holders == 0:
                os.umask(_hold.before)
