"""One way to open Debian's chromium for the browser tests: Playwright against the live server, every
request elsewhere refused and listed (a page must need nothing from outside), no browser download."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[1] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--no-sandbox",
    "--use-gl=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextmanager
def chromium(basis: str, **opties: Any) -> Iterator[tuple[Any, list[str]]]:
    """A browser context (Playwright ``new_context`` options in ``opties``) that only reaches
    ``basis`` and data: URLs; the refused addresses are collected in the list it yields."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} ontbreekt: installeer Debians chromium (zie .ci/run)")
    from playwright.sync_api import sync_playwright

    extern: list[str] = []
    # Playwright's wait_for_function evaluates its predicate with eval() inside the page, which the
    # site's Content-Security-Policy forbids; tests that check the policy itself pass bypass_csp=False
    # (test_beveiliging.py) and wait with wait_for_selector instead.
    opties.setdefault("bypass_csp", True)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the sync Playwright API runs an event loop
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(**opties)

            def route(r: Any) -> None:
                if r.request.url.startswith(basis) or r.request.url.startswith("data:"):
                    r.continue_()
                else:
                    extern.append(r.request.url)
                    r.abort()

            context.route("**/*", route)
            yield context, extern
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def axe(page: Any) -> list[Any]:
    """WCAG 2.1 A/AA violations on the page, as [rule id, number of nodes]."""
    # Evaluated through the devtools protocol, not as an inline <script>, which the site's
    # Content-Security-Policy blocks (as it should).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    uitslag: list[Any] = page.evaluate("""async () => (await axe.run(document, {runOnly: {type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
        .map(v => [v.id, v.nodes.length])""")
    return uitslag


def log_in(page: Any, basis: str, rol: str) -> None:
    """Log in through the login form as the test user of ``rol`` (see webhulp)."""
    from .webhulp import WACHTWOORD

    page.goto(f"{basis}/inloggen/")
    page.fill("#id_username", rol)
    page.fill("#id_password", WACHTWOORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{basis}/")
