"""Content-addressed artifact storage: a local folder (default) or any fsspec URL.

Why content addressing: an object's name *is* its sha256, so a reader can always
check what it got, identical files are stored once, and a half-written file can
never pass for a finished one. Every write goes to a temporary name first, is
flushed and fsync'ed, and is then renamed into place (atomic on a local
filesystem; on object stores the final object appears in one put). A model
version only becomes visible in the metadata database after all its objects
exist, so a crash at any point leaves at worst an unreferenced object.

Layout under the root: ``objects/<sha[:2]>/<sha>`` and ``tmp/`` for writes in
progress.
"""

from __future__ import annotations

import hashlib
import os
import pickletools
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from huracan_core._errors import ArtifactError

__all__ = ["ArtifactStore", "looks_like_pickle", "sha256_file"]

_CHUNK = 1 << 20
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib", ".pck", ".dill", ".pt", ".pth")  # torch.save pickles too


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def looks_like_pickle(head: bytes) -> bool:
    """True when ``head`` (the first bytes of a file) parses as a Python pickle stream.

    Parsing uses :mod:`pickletools` (which never executes anything). A pickle
    of protocol 2+ starts with ``PROTO``; to avoid flagging binary formats that
    happen to start with byte 0x80 (a safetensors header length), the opcodes
    must parse up to ``STOP`` or the end of ``head`` without error.
    """
    if len(head) < 3 or head[0] != 0x80 or head[1] not in (2, 3, 4, 5):
        return False
    try:
        for opcode, _arg, _pos in pickletools.genops(head):
            if opcode.name == "STOP":
                return True
    except ValueError as exc:  # only the first bytes were given: truncation still means "a pickle so far"
        return "unknown" not in str(exc)
    except Exception:
        return False
    return True


class ArtifactStore:
    """Objects addressed by sha256 under ``root`` (a local path or an fsspec URL)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        text = os.fspath(root)
        self.url = text
        self._local: Path | None
        if "://" in text and not text.startswith("file://"):
            import fsspec  # optional dependency, only for remote / in-memory stores

            fs, path = fsspec.core.url_to_fs(text)
            self._fs: Any = fs
            self._root = path.rstrip("/")
            self._local = None
        else:
            self._fs = None
            self._local = Path(text[len("file://") :] if text.startswith("file://") else text).absolute()
            self._root = str(self._local)
            (self._local / "objects").mkdir(parents=True, exist_ok=True)
            (self._local / "tmp").mkdir(parents=True, exist_ok=True)

    def __repr__(self) -> str:
        return f"ArtifactStore({self.url!r})"

    # -- paths -----------------------------------------------------------------------------------------
    def object_path(self, sha: str) -> str:
        """Where the object with this hash lives (a filesystem path or a path inside the fsspec store)."""
        return f"{self._root}/objects/{sha[:2]}/{sha}"

    def _tmp_path(self) -> str:
        return f"{self._root}/tmp/{uuid.uuid4().hex}.part"

    # -- queries ---------------------------------------------------------------------------------------
    def exists(self, sha: str, size: int | None = None) -> bool:
        path = self.object_path(sha)
        if self._local is not None:
            try:
                actual = os.stat(path).st_size
            except FileNotFoundError:
                return False
        else:
            if not self._fs.exists(path):
                return False
            actual = int(self._fs.size(path))
        return size is None or actual == size

    def iter_objects(self) -> Iterator[tuple[str, float]]:
        """Every stored object as ``(sha, modification time)``."""
        if self._local is not None:
            for sub in (self._local / "objects").iterdir():
                if sub.is_dir():
                    for entry in sub.iterdir():
                        try:
                            yield entry.name, entry.stat().st_mtime
                        except FileNotFoundError:
                            continue
            return
        base = f"{self._root}/objects"
        if not self._fs.exists(base):
            return
        for path in self._fs.find(base):
            yield path.rsplit("/", 1)[-1], time.time()

    # -- writing ---------------------------------------------------------------------------------------
    def put_file(self, source: str | Path, sha: str) -> None:
        """Store ``source`` under ``sha`` atomically; re-hashes while copying and refuses a mismatch."""
        tmp = self._tmp_path()
        digest = hashlib.sha256()
        try:
            with open(source, "rb") as src, self._open_write(tmp) as dst:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    digest.update(chunk)
                    dst.write(chunk)
                self._sync(dst)
            if digest.hexdigest() != sha:
                raise ArtifactError(
                    f"artifact file {source} changed while it was being stored: expected sha256 {sha}, "
                    f"got {digest.hexdigest()}"
                )
            self._rename(tmp, self.object_path(sha))
        finally:
            self._remove_quietly(tmp)

    def _open_write(self, path: str) -> IO[bytes]:
        if self._local is not None:
            return open(path, "wb")
        return self._fs.open(path, "wb")  # type: ignore[no-any-return]

    def _sync(self, handle: IO[bytes]) -> None:
        handle.flush()
        if self._local is not None:
            os.fsync(handle.fileno())

    def _rename(self, tmp: str, final: str) -> None:
        if self._local is not None:
            parent = os.path.dirname(final)
            os.makedirs(parent, exist_ok=True)
            os.replace(tmp, final)
            fd = os.open(parent, os.O_RDONLY)
            try:
                os.fsync(fd)  # make the rename itself durable
            finally:
                os.close(fd)
        else:
            self._fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
            self._fs.mv(tmp, final)

    def _remove_quietly(self, path: str) -> None:
        try:
            if self._local is not None:
                os.unlink(path)
            elif self._fs.exists(path):
                self._fs.rm(path)
        except FileNotFoundError:
            pass

    def remove(self, sha: str) -> None:
        self._remove_quietly(self.object_path(sha))

    def clean_tmp(self, older_than: float) -> int:
        """Remove interrupted writes older than ``older_than`` seconds; returns how many."""
        removed = 0
        if self._local is None:
            return 0
        cutoff = time.time() - older_than
        for entry in (self._local / "tmp").iterdir():
            try:
                if entry.stat().st_mtime <= cutoff:
                    entry.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    # -- reading ---------------------------------------------------------------------------------------
    def fetch(self, sha: str, dest: Path, *, label: str) -> None:
        """Copy object ``sha`` to ``dest`` if and only if its content matches ``sha``.

        Raises:
            ArtifactError: the object is missing, or its bytes do not hash to ``sha``
                (naming ``label``, the object path, expected and actual hash; a pickle is called out).
        """
        path = self.object_path(sha)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.parent / f".{dest.name}.{uuid.uuid4().hex}.part"
        digest = hashlib.sha256()
        head = b""
        try:
            try:
                src: IO[bytes] = open(path, "rb") if self._local is not None else self._fs.open(path, "rb")
            except FileNotFoundError as exc:
                raise ArtifactError(
                    f"artifact file {label} is missing: object {path} (sha256 {sha}) does not exist"
                ) from exc
            with src, open(tmp, "wb") as out:
                for chunk in iter(lambda: src.read(_CHUNK), b""):
                    if len(head) < 4096:
                        head += chunk[: 4096 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            got = digest.hexdigest()
            if got != sha:
                note = " (the file is a Python pickle, which Huracan never loads)" if looks_like_pickle(head) else ""
                raise ArtifactError(
                    f"artifact file {label} failed verification: object {path} expected sha256 {sha}, got {got}{note}; "
                    "it was modified or corrupted after it was registered"
                )
            os.replace(tmp, dest)
        finally:
            if tmp.exists():
                tmp.unlink()

    def read_bytes(self, sha: str, *, label: str) -> bytes:
        """The verified bytes of a (small) object."""
        path = self.object_path(sha)
        try:
            if self._local is not None:
                data = Path(path).read_bytes()
            else:
                with self._fs.open(path, "rb") as handle:
                    data = handle.read()
        except FileNotFoundError as exc:
            raise ArtifactError(
                f"artifact file {label} is missing: object {path} (sha256 {sha}) does not exist"
            ) from exc
        got = hashlib.sha256(data).hexdigest()
        if got != sha:
            note = " (the file is a Python pickle, which Huracan never loads)" if looks_like_pickle(data[:4096]) else ""
            raise ArtifactError(
                f"artifact file {label} failed verification: object {path} expected sha256 {sha}, got {got}{note}"
            )
        return data
