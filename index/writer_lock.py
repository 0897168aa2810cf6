"""One writer per index directory: an exclusive `flock` on a file in it.

The catalog, the unit vectors and BM25 are kept in memory and saved whole, so a second process that
wrote to the same index would have its plans overwritten by the first one's next save (and its
vectors left in Chroma with nothing naming them). The lock makes the second writer fail at once
instead. Readers never take it. The kernel drops a `flock` when its holder exits, crashed or not,
so a lock is never stale and nothing needs cleaning up.

An index in a Chroma server keeps every document as its own item there, so writers cannot overwrite
each other and take no lock (`PlanIndex.claim_writing`).

Within one process the lock is shared: two `PlanIndex` objects on one directory (tests do this)
are one writer, as the issue is between processes.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

from settings import Settings

LOCK_FILE = "writer.lock"


class IndexBusy(Exception):
    """Another process writes to the index; the message (`busy_message`) says what to do."""


def busy_message(settings: Settings, holder: str) -> str:
    """Why a write is refused and what to do instead (only an embedded index has one writer)."""
    return (
        f"En annan process ({holder}), t.ex. webbappen, skriver redan i indexet i "
        f"{settings.data_dir}. Ett inbäddat index skrivs av en process i taget: lägg till planen "
        "med webbappens uppladdning, eller stoppa den andra processen och försök igen."
    )


class _Held:
    """This process's hold on one lock file, shared by the `WriterLock`s that took it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.users = 0


_held: dict[Path, _Held] = {}
_held_guard = threading.Lock()


class WriterLock:
    """The right to write to the index in `index_dir`: taken without waiting, kept until
    `release` or the end of the process."""

    def __init__(self, index_dir: Path) -> None:
        self._file = index_dir / LOCK_FILE
        self._taken = False

    @property
    def taken(self) -> bool:
        return self._taken

    def acquire(self) -> bool:
        """Take the lock; False, at once, if another process holds it."""
        if self._taken:
            return True
        key = self._file.resolve()
        with _held_guard:
            held = _held.get(key)
            if held is None:
                fd = _lock(self._file)
                if fd is None:
                    return False
                held = _held[key] = _Held(fd)
            held.users += 1
        self._taken = True
        return True

    def release(self) -> None:
        if not self._taken:
            return
        key = self._file.resolve()
        with _held_guard:
            held = _held[key]
            held.users -= 1
            if held.users == 0:
                del _held[key]
                os.ftruncate(held.fd, 0)  # no pid of a process that no longer holds it
                os.close(held.fd)  # closing the last descriptor drops the flock
        self._taken = False

    def holder(self) -> str:
        """Who holds the lock, for a message: the pid its holder wrote."""
        try:
            pid = self._file.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            pid = ""
        return f"pid {pid}" if pid.isdigit() else "okänd process"


def _lock(file: Path) -> int | None:
    """A descriptor of `file` holding its exclusive flock, or None if another process holds it."""
    file.parent.mkdir(parents=True, exist_ok=True)
    # No O_TRUNC: the holder's pid must stay readable until the lock is ours.
    fd = os.open(file, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd
