"""The Explorer as colleagues see it: served by Voilà, driven in Debian's Chromium.

Voilà runs notebooks/explore.ipynb on the small demo warehouse, on 127.0.0.1 and a free
port, in its own process group (so its kernel goes with it). Playwright drives the
system Chromium (`executable_path`): a test tool cannot download its own browser here.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kit import config

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
SERVER_START = 90  # seconds for Voilà to answer at all
KERNEL_READY = 180_000  # ms for the kernel to start and run the notebook (2 shared cores)
ROW_OPENS = 90_000  # ms for a row's first query and its charts
TRACK_ROWS = "table.tracks tbody tr[data-track-id]"  # the report's track table, shared


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop Voilà and its kernel: the whole process group, politely first."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture
def voila(demo_warehouse: Path, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    log_path = tmp_path / "voila.log"
    env = {
        **os.environ,
        "CHARTROOM_WAREHOUSE": str(demo_warehouse),
        "JUPYTER_PLATFORM_DIRS": "1",
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),  # this run's kernels only
    }
    notebook = config.NOTEBOOKS_DIR / "explore.ipynb"
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        str(notebook),
    ]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            command,
            cwd=notebook.parent,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START
        while True:
            if proc.poll() is not None:
                pytest.fail(f"Voilà exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                # Listening is enough: the page itself waits for the kernel.
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"Voilà did not answer in {SERVER_START} s:\n{log_path.read_text()}"
                    )
                time.sleep(0.5)
        yield url
    finally:
        _stop(proc)
        print(log_path.read_text())  # shown by pytest when the test fails


@pytest.mark.browser
def test_opening_a_row_in_the_served_explorer_lists_its_tracks(voila: str):
    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium (.ci/run does)"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "explorer.png"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-background-networking",
                "--disable-gpu",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
            ],
        )
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 2600})
            page.goto(voila, timeout=KERNEL_READY, wait_until="domcontentloaded")
            toggle = page.get_by_role("button", name=re.compile("tracks")).first
            toggle.wait_for(state="visible", timeout=KERNEL_READY)
            page.locator(".card").first.wait_for(timeout=KERNEL_READY)
            assert page.locator(TRACK_ROWS).count() == 0
            assert page.locator(".kit-error").count() == 0

            toggle.click()
            page.locator(TRACK_ROWS).first.wait_for(timeout=ROW_OPENS)
            page.locator(".widget-image img, img.widget-image").first.wait_for(timeout=ROW_OPENS)

            shown = page.locator(TRACK_ROWS).count()
            assert 1 <= shown <= 20
            assert page.locator("table.tracks tr.top").count() == 1
            assert f"Showing {shown} of" in page.locator(".kit-count").first.inner_text()
            assert page.locator(".kit-error").count() == 0
            page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    assert screenshot.stat().st_size > 10_000
