"""Files the customer saves (invoice PDFs, consumption CSVs): where they go, and never over an
existing file. No Textual here."""

from __future__ import annotations

from pathlib import Path


def downloads_folder() -> Path:
    """The user's downloads folder (platformdirs), the default place for saved files."""
    import platformdirs

    return platformdirs.user_downloads_path()


def free_path(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``… when taken: never overwrite."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists():
        path = folder / f"{stem} ({n}){suffix}"
        n += 1
    return path


def save_new(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` under a new name in ``folder`` (created exclusively: a file that appears
    meanwhile is not overwritten either); returns where it went."""
    for _attempt in range(1000):
        target = free_path(folder, name)
        try:
            with open(target, "xb") as out:
                out.write(data)
        except FileExistsError:
            continue
        return target
    raise FileExistsError(str(folder))
