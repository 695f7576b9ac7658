"""The build step that pyproject.toml cannot say: a wheel carries the pages (`static/`), the
migrations (`alembic/`) and `alembic.ini` inside the package, under `app/_shipped/`, where
`app/shipped.py` finds them. An editable install reads them from the source tree instead."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED = ("static", "alembic", "alembic.ini")


class BuildPyWithShippedFiles(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "app" / "_shipped"
        target.mkdir(parents=True, exist_ok=True)
        for name in SHIPPED:
            source = Path(name)
            if source.is_dir():
                shutil.copytree(
                    source,
                    target / name,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                    dirs_exist_ok=True,
                )
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildPyWithShippedFiles})
