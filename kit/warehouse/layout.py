"""Where a warehouse keeps what on disk, and the file-system steps every write takes.

```
<warehouse>/_files/<table>/platform=<slug>/month=<YYYY-MM>/part-<uuid>.parquet   the store
<warehouse>/_files/<table>/part-<uuid>.parquet                                   (immutable)
<warehouse>/_versions/<version, 20 digits>.json                                   one per commit
<warehouse>/<table>/platform=<slug>/month=<YYYY-MM>/part-<uuid>.parquet          the public tree:
<warehouse>/<table>/part-<uuid>.parquet                                           hard links to the
                                                                                  current version's files
```

A data file is written once into the store and never changed; a version lists the store
files of its state, and kit's readers read exactly those. The public tree holds the
current version's files under the same names (hard links, so no byte is copied), for
plain tools that glob `<table>/platform=*/month=*/*.parquet`. The store and the versions
sit in folders starting with `_`, which Spark, pyarrow and a `<table>/…` glob never list.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import uuid
from pathlib import Path

from ..locking import exclusive

STORE_DIR = "_files"
VERSIONS_DIR = "_versions"
LEGACY_JOURNAL_DIR = "_journal"  # the previous kit's commit journal (read and adopted)
LOCK_FILE = ".lock"
FAILPOINT_VARIABLE = "CHARTROOM_FAILPOINT"
KIT_FILE = re.compile(r"^part-[0-9a-f]{32}\.parquet$")


def store_path(root: Path, table: str, rel: str) -> Path:
    """A data file in the store: `rel` is its path inside the table's folder."""
    return root / STORE_DIR / table / rel


def public_path(root: Path, table: str, rel: str) -> Path:
    """The same file's name in the public tree."""
    return root / table / rel


def new_file_name() -> str:
    return f"part-{uuid.uuid4().hex}.parquet"


def partition_rel(platform: str | None, month: str | None) -> str:
    """A partition's folder inside its table: `platform=…/month=…`, or '' (not partitioned)."""
    if platform is None:
        return ""
    return f"platform={platform}/month={month}"


def public_files(root: Path, table: str, partitioned: bool) -> list[str]:
    """The files of a table in the public tree, as paths inside its folder."""
    folder = root / table
    if not folder.is_dir():
        return []
    pattern = "platform=*/month=*/*.parquet" if partitioned else "*.parquet"
    return sorted(p.relative_to(folder).as_posix() for p in folder.glob(pattern))


def is_kit_file(rel: str) -> bool:
    """Whether a file was named by a writer of the kit (`part-<32 hex digits>.parquet`):
    tidying the public tree never touches a file put there by other means."""
    return KIT_FILE.match(rel.rsplit("/", 1)[-1]) is not None


def locked(root: Path) -> contextlib.AbstractContextManager[None]:
    """The warehouse's writer lock: one writer (or vacuum) at a time; readers never take it."""
    return exclusive(root / LOCK_FILE)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fsync_file(path)


def failpoint(name: str) -> None:
    """Lets the crash tests kill a write at a named step (CHARTROOM_FAILPOINT=name)."""
    if os.environ.get(FAILPOINT_VARIABLE) == name:
        os.kill(os.getpid(), 9)


# errors from a file system that has no hard links (some network and FUSE mounts)
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP}


def link(source: Path, target: Path) -> None:
    """`target` becomes another name of `source` (a copy where hard links are refused).

    A target that already names the same file is left; another file under that name is
    replaced in one rename, so a reader opening the name gets one file or the other."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        if os.path.samefile(source, target):
            return
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        os.link(source, temporary)
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        shutil.copyfile(source, temporary)
    os.replace(temporary, target)


def unlink(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def prune_empty(folder: Path, stop: Path) -> None:
    """Remove `folder` and its parents up to (not including) `stop` while they are empty."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except FileNotFoundError:
            pass
        except OSError:  # not empty
            return
        folder = folder.parent
