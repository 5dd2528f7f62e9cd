"""The throw-away PostgreSQL cluster: starts from Debian's binaries, answers on its socket,
and leaves nothing behind when stopped."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.support.pgtemp import ClusterError, TempCluster, postgres_available


def test_session_cluster_is_postgresql_15(pg_cluster):
    engine = create_engine(pg_cluster.url)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW server_version_num")).scalar_one().startswith("15")
        assert conn.execute(text("SHOW listen_addresses")).scalar_one() == ""  # socket only
    engine.dispose()


def test_a_cluster_is_removed_when_stopped(pg_cluster, tmp_path):
    cluster = TempCluster(tmp_path / "second")
    with cluster:
        root = cluster.root
        assert (cluster.data_dir / "PG_VERSION").read_text().strip() == "15"
    assert not root.exists()


def test_a_cluster_refuses_a_folder_in_use(pg_cluster, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "file").write_text("mine")
    with pytest.raises(ClusterError, match="exists and is not empty"):
        TempCluster(tmp_path / "busy").start()
    assert (tmp_path / "busy" / "file").read_text() == "mine"


def test_missing_binaries_are_named(tmp_path):
    assert postgres_available(tmp_path) == f"{tmp_path / 'initdb'} not found (install Debian's postgresql-15)"
    with pytest.raises(ClusterError, match="initdb not found"):
        TempCluster(tmp_path / "x", bin_dir=Path(tmp_path)).start()
