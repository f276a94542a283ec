"""Shared fixtures: tiny warehouses written through the one write path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    root = tmp_path / "warehouse"
    root.mkdir()
    return root
