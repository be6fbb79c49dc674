"""Files we write are whole or untouched.

The new content goes to a temporary file in the target's own folder, is flushed to disk, and is then
renamed over the target in one step, so a full disk, a kill or Ctrl-C mid-write leaves the old file
as it was (and no temporary file behind). A symlink at the target is replaced by the new file, never
written through: ``--export r.md`` where ``r.md`` links to the config does not overwrite the config.
Text is always UTF-8, whatever the locale.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from pathlib import Path

from ticketcost.errors import TicketcostError


def write_atomic(path: str | os.PathLike[str], content: str | bytes) -> None:
    """Replace ``path`` with ``content`` (text as UTF-8), all at once or not at all."""
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = target.parent
    try:
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise TicketcostError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_for(target))
        os.replace(temp, target)
        _sweep(folder, target.name)
    except OSError as exc:
        _remove(temp)
        raise TicketcostError(
            f"{target}: cannot write ({exc.strerror}); it was left as it was"
        ) from None
    except BaseException:  # Ctrl-C, a kill the interpreter sees: leave nothing half-written
        _remove(temp)
        raise


def _mode_for(target: Path) -> int:
    """The mode the file keeps (an existing regular file's), or a new file's under the umask."""
    try:
        if target.is_file() and not target.is_symlink():
            return target.stat().st_mode & 0o7777
    except OSError:
        pass
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


STALE_SECONDS = 3600


def _sweep(folder: Path, name: str) -> None:
    """Remove the temporary files of earlier writes of ``name`` that were killed outright
    (SIGKILL, power loss): an hour old or more, so no write in progress is touched."""
    import time

    cutoff = time.time() - STALE_SECONDS
    for leftover in folder.glob(f".{glob.escape(name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()


def _remove(temp: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)
