"""Paths and settings, defined once and read from the environment.

Every path the kit uses is derived here, anchored on this file, so a notebook,
the CLI and the tests agree on where the warehouse and the caches are. Settings and
secrets come from `setting(name)`: the environment, else a `.env` file, read on the
first ask (never at import, so `import kit` touches no file and no secret).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"


def _notebooks_dir() -> Path:
    """The notebooks: inside the package as kit/notebooks/ once installed from a wheel
    (setup.py ships the repository's notebooks/ folder there), else that folder itself
    (a checkout, an editable install)."""
    shipped = PACKAGE_DIR / "notebooks"
    return shipped if shipped.is_dir() else ROOT / "notebooks"


NOTEBOOKS_DIR = _notebooks_dir()

_env_files: dict[Path, dict[str, str | None]] = {}


def env_files() -> tuple[Path, ...]:
    """The `.env` files settings may live in, first one first: beside the project, then in
    the working folder."""
    return ROOT / ".env", Path.cwd() / ".env"


def setting(
    name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None
) -> str | None:
    """A setting or a secret (SOUNDCHARTS_API_KEY, CHARTROOM_SMTP_PASSWORD…): the environment
    (`environ`, default os.environ), else the first `.env` of env_files() that names it,
    else `default`.

    A `.env` file is read on the first ask and kept; its values are returned, never copied
    into os.environ, so they do not reach the processes the kit starts."""
    value = (os.environ if environ is None else environ).get(name)
    if value is not None:
        return value
    for path in env_files():
        values = _env_files.get(path)
        if values is None:
            values = _env_files[path] = _read_env_file(path)
        if values.get(name) is not None:
            return values[name]
    return default


def _read_env_file(path: Path) -> dict[str, str | None]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return dict(dotenv_values(path))


def warehouse_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse: `explicit`, else CHARTROOM_WAREHOUSE, else data/warehouse."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = setting("CHARTROOM_WAREHOUSE")
    if env:
        return Path(env).expanduser().resolve()
    return DATA_DIR / "warehouse"


def cache_path(warehouse: str | os.PathLike | None = None) -> Path:
    """The provider's raw-response cache: CHARTROOM_CACHE, else cache/ beside the warehouse."""
    env = setting("CHARTROOM_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    return warehouse_path(warehouse).parent / "cache"


def engine_name(explicit: str | None = None) -> str:
    """The query engine: `explicit`, else CHARTROOM_ENGINE, else duckdb."""
    name = (explicit or setting("CHARTROOM_ENGINE") or "duckdb").strip().lower()
    if name not in {"duckdb", "spark"}:
        raise ValueError(f"Unknown engine {name!r}: expected 'duckdb' or 'spark'.")
    return name
