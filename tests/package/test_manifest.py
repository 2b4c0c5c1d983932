"""Manifest: every file, sorted, sizes and SHA-256, deterministic; verification finds each kind of change."""

from __future__ import annotations

import hashlib
import json

from sdtm_convert.package.manifest import verify_manifest, write_manifest


def _tree(root):
    (root / "m5" / "sdtm").mkdir(parents=True)
    (root / "m5" / "sdtm" / "dm.xpt").write_bytes(b"DM" * 40)
    (root / "m5" / "sdtm" / "define.xml").write_text("<ODM/>")
    (root / "b.txt").write_text("b")
    (root / "A.txt").write_text("a")


def test_manifest_lists_every_file_sorted_with_size_and_hash(tmp_path):
    _tree(tmp_path)
    path = write_manifest(tmp_path, extra={"study": "NCT03745417", "created": "2026-11-25T00:00:00"})
    doc = json.loads(path.read_text())
    assert list(doc) == ["created", "study", "files"]
    assert [f["path"] for f in doc["files"]] == ["A.txt", "b.txt", "m5/sdtm/define.xml", "m5/sdtm/dm.xpt"]
    dm = doc["files"][3]
    assert dm == {"path": "m5/sdtm/dm.xpt", "size": 80, "sha256": hashlib.sha256(b"DM" * 40).hexdigest()}


def test_manifest_is_byte_identical_and_does_not_list_itself(tmp_path):
    _tree(tmp_path)
    a = write_manifest(tmp_path, extra={"x": 1}).read_bytes()
    b = write_manifest(tmp_path, extra={"x": 1}).read_bytes()
    assert a == b and b"manifest.json" not in a


def test_verify_detects_changed_missing_and_unlisted_files(tmp_path):
    _tree(tmp_path)
    write_manifest(tmp_path, extra={})
    assert verify_manifest(tmp_path) == []
    (tmp_path / "A.txt").write_text("A")  # same size, other content
    (tmp_path / "b.txt").unlink()
    (tmp_path / "new.txt").write_text("n")
    assert [(i.code, i.file) for i in verify_manifest(tmp_path)] == [
        ("manifest-file-changed", "A.txt"),
        ("manifest-file-missing", "b.txt"),
        ("manifest-file-unlisted", "new.txt"),
    ]


def test_verify_without_manifest(tmp_path):
    assert [i.code for i in verify_manifest(tmp_path)] == ["manifest-missing"]
