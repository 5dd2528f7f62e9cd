"""A throw-away PostgreSQL 15 cluster for tests and benchmarks.

`TempCluster(path).start()` runs Debian's `initdb` and `pg_ctl` from
/usr/lib/postgresql/15/bin into `path`, listening on a unix socket only (no TCP port),
and `.stop()` stops it and removes the folder. `initdb` refuses to run as root, so
when we are root the server binaries run as the unprivileged `postgres` user
(`runuser -u postgres --`) and the folder is handed to that user.
"""

from __future__ import annotations

import atexit
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PG_BIN", "ClusterError", "TempCluster", "postgres_available"]

PG_BIN = Path(os.environ.get("ICAOPS_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"  # Debian's postgresql package creates it
DATABASE = "icaops"
ROLE = "icaops"
PORT = 5432  # names the socket file only; nothing listens on TCP


class ClusterError(RuntimeError):
    """The cluster could not be created, started or stopped; the message says which step."""


def postgres_available(bin_dir: Path = PG_BIN) -> str | None:
    """None when a cluster can be started here, else the reason it cannot."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not (bin_dir / tool).is_file():
            return f"{bin_dir / tool} not found (install Debian's postgresql-15)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root and `runuser` is not installed"
    return None


class TempCluster:
    """A PostgreSQL cluster living in one folder, for as long as the caller needs it."""

    def __init__(self, path: str | Path | None = None, *, durable: bool = False, bin_dir: Path = PG_BIN) -> None:
        """`path` is the folder to create the cluster in (a fresh temporary folder if None
        or if the server user could not reach it); `durable=False` turns fsync off, which
        is what a throw-away cluster wants."""
        self.bin_dir = bin_dir
        self.durable = durable
        self._as_root = os.geteuid() == 0
        self._owned_tmp: Path | None = None
        self.root = Path(path) if path is not None else None
        self._running = False
        self._created = False  # whether the folder is ours to remove

    @property
    def data_dir(self) -> Path:
        return self._root() / "data"

    @property
    def socket_dir(self) -> Path:
        return self._root() / "sock"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the cluster's database (psycopg 3, unix socket)."""
        return f"postgresql+psycopg://{ROLE}@/{DATABASE}?host={self.socket_dir}&port={PORT}"

    def start(self) -> TempCluster:
        """Create the cluster, start the server and create the database; returns self."""
        reason = postgres_available(self.bin_dir)
        if reason:
            raise ClusterError(f"cannot start PostgreSQL: {reason}")
        root = self._prepare_root()
        self._created = True
        atexit.register(self.stop)  # an interpreter that exits early still stops the server
        try:
            self._start(root)
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self, root: Path) -> None:
        for folder in (root, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(0o700)
        if self._as_root:
            user = pwd.getpwnam(SERVER_USER)
            for folder in (root, self.socket_dir):
                os.chown(folder, user.pw_uid, user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            ROLE,
            "--auth=trust",
            "--no-locale",
            "--encoding=UTF8",
            "--no-sync",
            "--no-instructions",
        )
        options = [f"-k {self.socket_dir}", "-c listen_addresses=''", f"-p {PORT}", "-c max_connections=50"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            "-l",
            str(root / "server.log"),
            "-o",
            " ".join(options),
            "-w",
            "-t",
            "60",
            "start",
        )
        self._running = True
        self._create_database()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the cluster's folder."""
        atexit.unregister(self.stop)
        try:
            if self._running or (self.root is not None and (self.data_dir / "postmaster.pid").exists()):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            self._running = False
            if self._created and self.root is not None and self.root.exists():
                shutil.rmtree(self.root, ignore_errors=True)
            if self._owned_tmp is not None:
                shutil.rmtree(self._owned_tmp, ignore_errors=True)

    def __enter__(self) -> TempCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _root(self) -> Path:
        assert self.root is not None, "the cluster has not been started"
        return self.root

    def _prepare_root(self) -> Path:
        if self.root is not None and self.root.exists() and any(self.root.iterdir()):
            raise ClusterError(f"{self.root}: folder exists and is not empty; expected a new folder")
        if self.root is None or (self._as_root and not _reachable_by(self.root, SERVER_USER)):
            # The server user must be able to walk down to the folder: use a fresh one in
            # the system temporary folder (sticky, world-traversable) instead.
            self._owned_tmp = Path(tempfile.mkdtemp(prefix="icaops-pg-"))
            self._owned_tmp.chmod(0o711)  # traversable, not listable
            self.root = self._owned_tmp / "cluster"
        return self.root

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin_dir / tool), *args]
        if self._as_root:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd="/", check=False)
        if done.returncode != 0:
            log = self._root() / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterError(f"{tool} failed (exit {done.returncode}): {done.stderr.strip()}\n{tail}")

    def _create_database(self) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=ROLE, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')


def _reachable_by(path: Path, user: str) -> bool:
    """Whether `user` could traverse every existing ancestor of `path`."""
    entry = pwd.getpwnam(user)
    groups = {entry.pw_gid} | set(os.getgrouplist(user, entry.pw_gid))
    folder = path.resolve()
    for ancestor in [folder, *folder.parents]:
        if not ancestor.exists():
            continue
        st = ancestor.stat()
        if st.st_uid == entry.pw_uid:
            bit = stat.S_IXUSR
        elif st.st_gid in groups:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True
