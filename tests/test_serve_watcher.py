"""Which watcher `mkdocs serve` uses (serve_watcher.py): inotify only where its notices cover every
change, with MkDocs' own handlers and counts moved over; polling everywhere else."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from postmortem_kb.plugin import PostmortemsPlugin
from postmortem_kb.serve_watcher import NOTHING_WATCHED, distrust, filesystem_of, use_native_watcher
from watchdog.observers.polling import PollingObserver

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 0:25 / /mnt/share rw,relatime shared:2 - nfs4 server:/export rw
31 30 0:26 / /mnt/share/local rw shared:3 - tmpfs tmpfs rw
32 22 0:27 / /home/a\\040b rw shared:4 - virtiofs shared rw
33 22 0:28 / /mnt/shared rw shared:5 - 9p drvfs rw
"""


def test_the_filesystem_is_the_longest_mount_point_above_the_path() -> None:
    assert filesystem_of("/srv/kb/postmortems", MOUNTINFO) == "ext4"
    assert filesystem_of("/mnt/share/kb", MOUNTINFO) == "nfs4"
    assert filesystem_of("/mnt/share/local/kb", MOUNTINFO) == "tmpfs"
    assert filesystem_of("/mnt/shared/kb", MOUNTINFO) == "9p"  # not /mnt/share's: a prefix of the name only
    assert filesystem_of("/home/a b/kb", MOUNTINFO) == "virtiofs"  # spaces escaped as \040


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_network_and_virtual_filesystems_and_symlinks_keep_polling(tmp_path: Path) -> None:
    assert distrust(["/mnt/share/kb"], MOUNTINFO) == "/mnt/share/kb is on nfs4"
    assert distrust(["/home/a b/kb"], MOUNTINFO) == "/home/a b/kb is on virtiofs"
    docs = tmp_path / "docs"
    (docs / "team").mkdir(parents=True)
    local = f"1 0 0:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:2 / {tmp_path} rw - tmpfs tmpfs rw\n"
    assert distrust([str(docs)], local) is None
    (tmp_path / "real.yml").write_text("site_name: x\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").symlink_to(tmp_path / "real.yml")  # a file watched through a link
    assert distrust([str(docs), str(tmp_path / "mkdocs.yml")], local) == f"{tmp_path / 'mkdocs.yml'} is a symlink"
    (tmp_path / "linked-docs").symlink_to(docs, target_is_directory=True)
    assert distrust([str(tmp_path / "linked-docs")], local) == f"{tmp_path / 'linked-docs'} is a symlink"
    (docs / "team" / "shared").symlink_to(tmp_path / "elsewhere")
    assert distrust([str(docs)], local) == f"{docs / 'team' / 'shared'} is a symlink"


def _server(tmp_path: Path) -> tuple[LiveReloadServer, Path, Path]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2025-01-01-outage.md").write_text("---\ntitle: x\n---\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text("site_name: x\n", encoding="utf-8")
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    server.watch(str(docs))
    server.watch(str(docs))  # watched twice (a plugin may): MkDocs counts it, and so must the move
    server.watch(str(config_file))
    return server, docs, config_file


def _wants_rebuild(server: LiveReloadServer, within: float) -> bool:
    deadline = time.monotonic() + within
    while True:
        with server._rebuild_cond:
            if server._want_rebuild:
                server._want_rebuild = False
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.005)


def test_on_a_local_disk_serve_hears_each_edit_at_once_and_not_the_build_reading_files(tmp_path: Path) -> None:
    server, docs, config_file = _server(tmp_path)
    if distrust([str(docs), str(config_file)]) is not None:
        pytest.skip(f"inotify is not trusted here: {distrust([str(docs), str(config_file)])}")
    from watchdog.observers.inotify import InotifyObserver  # Linux only

    plugin = PostmortemsPlugin()
    plugin.load_config({})
    try:
        plugin.on_serve(server, config=MkDocsConfig(), builder=lambda: None)
        observer = server.observer
        assert isinstance(observer, InotifyObserver)  # hears an edit when it happens, not at the next poll
        assert server._watched_paths == {str(docs): 2, str(config_file): 1}
        # watchdog watches a file through its folder, and tells the file's events apart
        assert sorted(e.watch.path for e in observer.emitters) == sorted([str(docs), str(tmp_path)])
        server.unwatch(str(docs))  # MkDocs' count moved along: one unwatch of two leaves it watched
        assert len(observer.emitters) == 2
        server.watch(str(docs))
        observer.start()
        time.sleep(0.1)
        assert not _wants_rebuild(server, 0.05)
        (docs / "2025-01-01-outage.md").read_bytes()  # what a build does to every postmortem
        os.listdir(docs)
        config_file.read_text(encoding="utf-8")
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "index.html").write_text("built", encoding="utf-8")  # the build's output
        (tmp_path / "notes.txt").write_text("beside mkdocs.yml", encoding="utf-8")
        assert not _wants_rebuild(server, 0.3)
        (docs / "2025-01-01-outage.md").write_text("---\ntitle: edited\n---\n", encoding="utf-8")
        assert _wants_rebuild(server, 2.0)
        # the rest of the write's burst (MkDocs waits for it to end before rebuilding), then nothing
        # more for it: no second watcher (MkDocs' polling, every 0.5 s) reports the same write later
        deadline = time.monotonic() + 3
        while _wants_rebuild(server, 0.2) and time.monotonic() < deadline:
            pass
        assert not _wants_rebuild(server, 0.7)
        (docs / "2025-02-02-new.md").write_text("---\ntitle: new\n---\n", encoding="utf-8")
        assert _wants_rebuild(server, 2.0)
        (docs / "2025-02-02-new.md").unlink()
        assert _wants_rebuild(server, 2.0)
        config_file.write_text("site_name: y\n", encoding="utf-8")
        assert _wants_rebuild(server, 2.0)
    finally:
        server.observer.stop()
        if server.observer.is_alive():
            server.observer.join()
        server.server_close()


def test_with_watcher_polling_or_a_symlink_in_the_docs_mkdocs_keeps_polling(tmp_path: Path) -> None:
    server, docs, _config_file = _server(tmp_path)
    try:
        plugin = PostmortemsPlugin()
        plugin.load_config({"watcher": "polling"})
        plugin.on_serve(server, config=MkDocsConfig(), builder=lambda: None)
        assert isinstance(server.observer, PollingObserver)
        (docs / "linked").symlink_to(tmp_path)
        plugin = PostmortemsPlugin()
        plugin.load_config({})
        plugin.on_serve(server, config=MkDocsConfig(), builder=lambda: None)
        assert isinstance(server.observer, PollingObserver)
        assert use_native_watcher(object()) == "the server has no polling observer to replace"
        bare = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
        assert use_native_watcher(bare) == NOTHING_WATCHED  # --no-livereload
        assert isinstance(bare.observer, PollingObserver)
        bare.server_close()
    finally:
        server.server_close()
