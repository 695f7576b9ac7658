"""Where the files that ship beside the code are: the pages (`static/`), the migrations
(`alembic/`) and `alembic.ini`.

In a source checkout they are top-level folders of the repository. A wheel has no repository
around it, so the build copies them into the package, under `app/_shipped/` (see `setup.py`);
they are looked up there first.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

PACKAGED = "_shipped"
SOURCE_TREE = Path(__file__).resolve().parent.parent  # the repository, in a source checkout


@cache
def shipped(name: str) -> Path:
    """The shipped file or folder `name`: inside the installed package, else in the source tree."""
    packaged = resources.files("app").joinpath(PACKAGED, name)
    if isinstance(packaged, Path) and packaged.exists():
        return packaged
    source = SOURCE_TREE / name
    if source.exists():
        return source
    raise FileNotFoundError(
        f"vcwatch is installed without its {name!r}: install it from a wheel or a source checkout"
    )


def static_dir() -> Path:
    return shipped("static")


def migrations_dir() -> Path:
    return shipped("alembic")


def alembic_ini() -> Path:
    return shipped("alembic.ini")
