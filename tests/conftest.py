"""Shared fixtures: tiny warehouses written through the one write path."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def empty_warehouse(tmp_path: Path) -> Path:
    root = tmp_path / "warehouse"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo at its small scale, built once per test run. Treat it as read-only."""
    from kit.sources.demo import DemoScale, build_demo

    root = tmp_path_factory.mktemp("demo") / "warehouse"
    build_demo(root, scale=DemoScale.small())
    return root
