"""Real headless Chromium (Debian's `chromium`) for the report tests and docs/screenshots.py.

    load(page, fragment="")          -> Loaded: the DOM after the page's scripts ran, and its console
    screenshot(page, png, ...)       -> Loaded: a PNG of the window, and the console while it was taken
    print_pdf(page, pdf)             -> Loaded: the page as Chrome prints it (A4, print rules)

Console messages and uncaught errors come from Chromium's own log (`--enable-logging=stderr --v=0`
prints each as an `INFO:CONSOLE` line); `test_page.py` proves a page with a deliberate error is
caught. The network is cut (`--host-resolver-rules`: every host resolves to nothing), so a page that
needed one would show it. Where Chromium is missing, `require_chromium()` skips the test and says
what to install: never silently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = "chromium not installed: apt-get install chromium fonts-noto-cjk (Debian; .ci/run installs them)"
# `[pid:tid:time:INFO:CONSOLE:12] "message", source: file:///… (12)`; older builds print CONSOLE(12)
_CONSOLE = re.compile(r":CONSOLE[:(]?\d*\)?\] (.*)")
TIMEOUT_S = 120


@dataclass
class Loaded:
    dom: str  # the document as serialised after load (scripts ran); empty for a screenshot or PDF
    console: list[str]  # every console message and uncaught error the page produced


def require_chromium() -> str:
    if CHROMIUM is None:
        import pytest

        pytest.skip(MISSING)
    return CHROMIUM


def _run(page: Path, fragment: str, *flags: str) -> tuple[str, list[str]]:
    url = Path(page).resolve().as_uri() + fragment
    with tempfile.TemporaryDirectory() as profile:  # a fresh profile: no state from another run
        proc = subprocess.run(
            [require_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--hide-scrollbars",
             "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0",
             f"--user-data-dir={profile}", *flags, url],
            capture_output=True, text=True, timeout=TIMEOUT_S,
        )  # fmt: skip
    if proc.returncode != 0:
        raise AssertionError(f"chromium exited with {proc.returncode} on {url}:\n{proc.stderr[-2000:]}")
    return proc.stdout, [m[1] for m in _CONSOLE.finditer(proc.stderr)]


def load(page: Path, fragment: str = "") -> Loaded:
    dom, console = _run(page, fragment, "--dump-dom")
    return Loaded(dom, console)


def screenshot(page: Path, png: Path, *, width: int = 1280, height: int = 1600, fragment: str = "") -> Loaded:
    _, console = _run(page, fragment, f"--screenshot={Path(png).resolve()}", f"--window-size={width},{height}")
    return Loaded("", console)


def print_pdf(page: Path, pdf: Path) -> Loaded:
    _, console = _run(page, "", f"--print-to-pdf={Path(pdf).resolve()}", "--no-pdf-header-footer")
    return Loaded("", console)


def page_figures(dom: str) -> dict[tuple[str, str | None], int]:
    """Every figure a page marks (`data-figure`, and `data-key` on it or an ancestor: pipeline/report/page.py)
    with its number."""
    from lxml import html

    found: dict[tuple[str, str | None], int] = {}
    for el in html.fromstring(dom).xpath("//*[@data-figure]"):
        key = (el.get("data-figure"), next(iter(el.xpath("ancestor-or-self::*[@data-key][1]/@data-key")), None))
        assert key not in found, f"figure {key} marked twice"
        found[key] = int(el.text_content())
    return found


def external_references(dom: str) -> list[str]:
    """What in a page would be fetched or leave it: src attributes, stylesheets, links that are not local."""
    from lxml import html

    tree = html.fromstring(dom)
    found = [f"<{el.tag} src={el.get('src')}>" for el in tree.xpath("//*[@src]")]
    found += [f"<link href={el.get('href')}>" for el in tree.xpath("//link")]
    found += [f"<a href={h}>" for h in tree.xpath("//a/@href") if ":" in h.split("/")[0]]  # a scheme: http:, file:, …
    found += ["url( in a style" for s in tree.xpath("//style/text()") if "url(" in s or "@import" in s]
    return found
