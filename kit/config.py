"""Paths and settings, defined once and read from the environment.

Every path the kit uses is derived here, anchored on this file, so a notebook,
the CLI and the tests agree on where the warehouse and the caches are.
"""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
SQL_DIR = PACKAGE_DIR / "sql"
NOTEBOOKS_DIR = ROOT / "notebooks"
DATA_DIR = ROOT / "data"
REPORTS_DIR = ROOT / "reports"

# A `.env` beside the project (or in the working folder) supplies secrets such as
# SOUNDCHARTS_API_KEY without them ever being written into the repo or a notebook.
load_dotenv(ROOT / ".env", override=False)
load_dotenv(Path.cwd() / ".env", override=False)


def warehouse_path(explicit: str | os.PathLike | None = None) -> Path:
    """The warehouse: `explicit`, else $CHARTROOM_WAREHOUSE, else data/warehouse."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("CHARTROOM_WAREHOUSE")
    if env:
        return Path(env).expanduser().resolve()
    return DATA_DIR / "warehouse"


def cache_path(warehouse: str | os.PathLike | None = None) -> Path:
    """The provider's raw-response cache: $CHARTROOM_CACHE, else cache/ beside the warehouse."""
    env = os.environ.get("CHARTROOM_CACHE")
    if env:
        return Path(env).expanduser().resolve()
    return warehouse_path(warehouse).parent / "cache"


def engine_name(explicit: str | None = None) -> str:
    """The query engine: `explicit`, else $CHARTROOM_ENGINE, else duckdb."""
    name = (explicit or os.environ.get("CHARTROOM_ENGINE") or "duckdb").strip().lower()
    if name not in {"duckdb", "spark"}:
        raise ValueError(f"Unknown engine {name!r}: expected 'duckdb' or 'spark'.")
    return name
