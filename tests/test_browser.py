"""Rendered pages in a real browser: headless Chromium with the network off.

Chromium is driven over the Chrome DevTools protocol (``websocket-client``).
The browser is told it is offline, every request it makes is recorded, and
the test fails on any request that would leave the machine (anything but
``file:`` and ``data:``), on any console error or uncaught exception, and on
an image that did not load. Screenshots go to ``test-artifacts/`` at the
repository root (git-ignored) for a person to look at.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ntm_analysis import config, render

CHROMIUM = Path(os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = config.PROJ_ROOT / "test-artifacts"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--hide-scrollbars",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
)

pytestmark = pytest.mark.slow


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


class DevTools:
    """A minimal Chrome DevTools protocol client for one page target."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params) -> dict:
        ident = next(self.ids)
        self.ws.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        seen = len(self.events)
        for message in self.events[:seen]:
            if message.get("method") == event:
                self.events.remove(message)
                return message
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            message = json.loads(self.ws.recv())
            self.events.append(message)
            if message.get("method") == event:
                return message
        raise TimeoutError(event)

    def close(self) -> None:
        self.ws.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    _require_chromium()
    profile = tmp_path_factory.mktemp("chromium-profile")
    proc = subprocess.Popen(
        [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Chromium did not start its DevTools endpoint")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _page_target(port: int) -> str:
    # The DevTools endpoint on the loopback address is the only socket used here.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:
        targets = json.load(resp)
    page = next(t for t in targets if t.get("type") == "page")
    return page["webSocketDebuggerUrl"]


def open_offline(port: int, path: Path, shot: str) -> dict:
    """Load ``path`` with the network off; return requests, errors, image and layout facts."""
    tools = DevTools(_page_target(port))
    try:
        tools.call("Network.enable")
        tools.call(
            "Network.emulateNetworkConditions",
            offline=True,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )
        tools.call("Page.enable")
        tools.call("Runtime.enable")
        tools.call("Log.enable")
        tools.call(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=800,
            deviceScaleFactor=1,
            mobile=False,
        )
        tools.events.clear()
        tools.call("Page.navigate", url=path.resolve().as_uri())
        tools.wait_for("Page.loadEventFired")
        facts = tools.call(
            "Runtime.evaluate",
            expression="""JSON.stringify({
                images: document.images.length,
                broken: Array.from(document.images).filter(
                    i => !(i.complete && i.naturalWidth > 0)).length,
                scripts: document.scripts.length,
                title: document.title,
                lang: document.documentElement.lang,
                banner: !!document.querySelector('.ntm-sample-banner'),
                toc: document.querySelectorAll('.ntm-toc a').length,
                height: document.documentElement.scrollHeight
            })""",
            returnByValue=True,
        )
        info = json.loads(facts["result"]["value"])
        height = min(int(info["height"]), 12000)
        shot_data = tools.call(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
        )
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / shot).write_bytes(base64.b64decode(shot_data["data"]))
        # Print layout: Chromium lays the page out for A4 without error.
        pdf = tools.call(
            "Page.printToPDF", paperWidth=8.27, paperHeight=11.69, printBackground=True
        )
        info["pdf_bytes"] = len(base64.b64decode(pdf["data"]))
        requests = [
            e["params"]["request"]["url"]
            for e in tools.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        errors = [
            e["params"]
            for e in tools.events
            if e.get("method") == "Runtime.exceptionThrown"
            or (
                e.get("method") == "Runtime.consoleAPICalled" and e["params"].get("type") == "error"
            )
            or (
                e.get("method") == "Log.entryAdded" and e["params"]["entry"].get("level") == "error"
            )
        ]
        failed = [e["params"] for e in tools.events if e.get("method") == "Network.loadingFailed"]
        return info | {"requests": requests, "errors": errors, "failed": failed}
    finally:
        tools.close()


@pytest.fixture(scope="module")
def site(processed_sample_dir, tmp_path_factory) -> Path:
    """The sample review, one page of each kind (plus the index), rendered once."""
    out = tmp_path_factory.mktemp("site")
    summary = render.render_review(
        processed_dir=processed_sample_dir,
        out_dir=out,
        communes=["Quảng Tân"],
        departments=["Phòng Tài nguyên – Môi trường"],
        kinds=["district"],  # named communes and departments alone select only their pages
        progress=False,
    )
    assert not summary.failures, [p.describe_error() for p in summary.failures]
    return out


PAGES = {
    "index": "index.html",
    "district": "2024/district-review.html",
    "commune": "2024/communes/xa-quang-tan.html",
    "department": "2024/departments/phong-tai-nguyen-moi-truong.html",
}


@pytest.mark.parametrize("kind", list(PAGES))
def test_page_opens_offline_without_errors(browser, site, kind):
    path = site / PAGES[kind]
    info = open_offline(browser, path, f"render-{kind}.png")
    leaving = [u for u in info["requests"] if not u.startswith(("file:", "data:"))]
    assert leaving == []
    assert info["errors"] == []
    assert info["failed"] == []
    assert info["scripts"] == 0
    assert info["broken"] == 0
    assert info["banner"] is True
    assert info["lang"] == "vi"
    assert info["toc"] >= 1
    assert info["pdf_bytes"] > 1000
    assert (ARTIFACTS / f"render-{kind}.png").stat().st_size > 5000
    if kind in ("district", "commune"):
        assert info["images"] >= 1
    if kind == "district":
        assert info["images"] >= 6
        assert info["title"].startswith("Rà soát nông thôn mới năm 2024")


def test_links_of_the_index_resolve_to_pages(site):
    import re

    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"#]+)"', index)
    assert set(PAGES.values()) - {"index.html"} <= set(links)
    assert all((site / link).is_file() for link in links)
