"""Writing export files safely: never over an existing path unless asked, never to a device.

Every command that writes a file (the deck, the chart exports) goes through `check_target` before
any work and `write_file` at the end:

- an existing path is refused unless `force` is given;
- only a regular file is ever replaced: a folder, a FIFO, a device node, a socket or a symbolic
  link is refused even with `force` (writing to a FIFO would block, to a device would damage it);
- the bytes go to a temporary file in the same folder, which then replaces the target in one
  step, so a reader never sees half a file and a failure leaves the old file as it was;
- a replaced file keeps its permission bits (a read-only file stays read-only); a new file gets
  the usual 0644 (less what the umask removes).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from dashboard.exports.renderer import ExportError

NEW_FILE_MODE = 0o644


class OutputError(ExportError):
    """A target path cannot be written (the message says why and what to do)."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def check_target(path: str | Path, *, force: bool = False) -> Path:
    """The target as a Path, or OutputError when it must not be written (see the module)."""
    target = Path(path).expanduser()
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: the folder {folder} does not exist.")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            raise OutputError(
                f"cannot write {target}: it is {_kind(info.st_mode)}, not a regular file; "
                "give the name of a new file."
            )
        if not force:
            raise OutputError(
                f"{target} already exists; add --force to replace it, or choose another name."
            )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {target}: no permission to write in {folder}.")
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_file(path: str | Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` in one step (temporary file, then rename), after `check_target`.

    The target is checked again just before it is replaced, so a FIFO or device put there
    meanwhile is still refused.
    """
    target = check_target(path, force=force)
    folder = target.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            info = os.lstat(target)
        except FileNotFoundError:
            info = None
        if info is not None and (not stat.S_ISREG(info.st_mode) or not force):
            raise OutputError(
                f"cannot write {target}: it appeared while the file was being made "
                f"({_kind(info.st_mode) if not stat.S_ISREG(info.st_mode) else 'a file'})."
            )
        mode = stat.S_IMODE(info.st_mode) if info is not None else NEW_FILE_MODE & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except OutputError:
        Path(tmp).unlink(missing_ok=True)
        raise
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    return target


def check_folder(path: str | Path, *, force: bool = False) -> Path:
    """A folder to write files into: created when missing (its parent must exist); an existing
    one only with `force`; never a path that exists as anything but a folder."""
    folder = Path(path).expanduser()
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot use {folder}: {exc.strerror or exc}.") from exc
    if info is None:
        if not folder.parent.is_dir():
            raise OutputError(f"cannot create {folder}: the folder {folder.parent} does not exist.")
        return folder
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write into {folder}: it is {_kind(info.st_mode)}, not a folder.")
    if not force:
        raise OutputError(
            f"{folder} already exists; add --force to write into it (files of the same name "
            "are replaced), or choose a new folder."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write into {folder}: no permission.")
    return folder


def make_folder(folder: Path) -> Path:
    """Create the folder checked by `check_folder` (no error when it exists)."""
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror or exc}.") from exc
    return folder
