"""Benchmark: latency of the main pages under 50 concurrent requests on loopback.

Self-contained: loads ../shared/data into a temporary store, runs two analyses, loads the example
monitoring data, starts gunicorn on 127.0.0.1 and loads each page with 50 concurrent connections
for a bounded time (5 s per page). The load comes from wrk (Debian package `wrk`, written in C, so
the load generator does not compete with the server for Python's GIL); without wrk, from 50 Python
threads (bounded in count and time). Prints p50/p95 per page and the ratio to the login page
(baseline in the same run). Target: p95 < 100 ms.

Then the map's time to the first drawn area, in Debian's chromium (Playwright, no browser download):
from the start of navigation to the moment the coloured areas are on screen (the page sets
``data-eerste-vlak`` on the map element), per map, as the median of a few loads, with the login page's
load time in the same browser as the baseline.
Then a mixed read load: the read pages under 50 connections while a second wrk requests PDF reports
(each first made once and timed, then served from the file cache in the store folder), with the read
pages' p95 and
the resident memory (VmRSS) of each gunicorn worker before and after.
Run: python bench/web.py [DATA_MAP]
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

GELIJKTIJDIG = 50
PER_PAGINA = 200
MAX_SECONDEN = 120
BIN = Path(sys.executable).parent


def _vrije_poort() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _voorbereiden(data: Path, opslag: Path, env: dict[str, str]) -> None:
    gk = str(BIN / "gebiedskompas")
    for args in (
        ["laad", str(data)],
        ["analyseer", "dorpen", "--robuustheid", "200", "--naast", "wijken"],
        ["analyseer", "wijken", "--niveau", "buurt"],
        ["voorbeeld"],
    ):
        subprocess.run([gk, *args, "--opslag", str(opslag)], env=env, check=True, capture_output=True)
    code = (
        "import django; django.setup(); from django.contrib.auth.models import User; "
        "u = User.objects.get(username='beheerder'); u.set_password('bench-wachtwoord'); u.save()"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def _inloggen(basis: str) -> dict[str, str]:
    with httpx.Client(base_url=basis) as c:
        pagina = c.get("/inloggen/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', pagina.text).group(1)  # type: ignore[union-attr]
        c.post(
            "/inloggen/",
            data={"username": "beheerder", "password": "bench-wachtwoord", "csrfmiddlewaretoken": token},
            headers={"Referer": basis + "/inloggen/"},
        )
        return dict(c.cookies)


def _meet(basis: str, pad: str, cookies: dict[str, str]) -> list[float]:
    einde = time.monotonic() + MAX_SECONDEN
    client = httpx.Client(base_url=basis, cookies=cookies, timeout=30)

    def een(_: int) -> float:
        if time.monotonic() > einde:
            return float("nan")
        start = time.perf_counter()
        antwoord = client.get(pad)
        duur = time.perf_counter() - start
        assert antwoord.status_code == 200, (pad, antwoord.status_code)
        return duur

    with ThreadPoolExecutor(GELIJKTIJDIG) as pool:
        tijden = [t for t in pool.map(een, range(PER_PAGINA)) if t == t]
    client.close()
    return tijden


LUA = """done = function(summary, latency, requests)
  io.write(string.format("RESULTAAT %.3f %.3f %d %d\\n", latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def _wrk(basis: str, pad: str, cookies: dict[str, str], script: Path) -> tuple[float, float, int, int]:
    koek = "; ".join(f"{k}={v}" for k, v in cookies.items())
    # one second of the same load first (every worker warm), then the measured five seconds
    subprocess.run(
        ["wrk", "-t1", f"-c{GELIJKTIJDIG}", "-d1s", "-H", f"Cookie: {koek}", basis + pad],
        capture_output=True,
        check=True,
    )
    uit = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{GELIJKTIJDIG}",
            "-d5s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            "-H",
            f"Cookie: {koek}",
            basis + pad,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    p50, p95, aantal, fouten = uit.stdout.split("RESULTAAT ")[1].split()
    return float(p50), float(p95), int(aantal), int(fouten)


CHROMIUM = "/usr/bin/chromium"
KAARTEN = ("/analyse/dorpen-2020-gemeente/kaart/", "/analyse/wijken-2020-buurt/kaart/")
KEER = 5


def _kaarttijden(basis: str, cookies: dict[str, str]) -> None:
    """Milliseconds from navigation start to the first drawn area, per map (median of KEER loads)."""
    if not Path(CHROMIUM).exists():
        print(f"kaart: {CHROMIUM} ontbreekt, tijd tot eerste vlak niet gemeten")
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--use-gl=swiftshader", "--enable-unsafe-swiftshader"],
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": k, "value": v, "url": basis} for k, v in cookies.items()])
        page = context.new_page()
        basislijn = []
        for _ in range(KEER):
            page.goto(basis + "/inloggen/", wait_until="load")
            basislijn.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
        basis_ms = statistics.median(basislijn)
        print(f"kaart: laadtijd inlogpagina (basislijn) {basis_ms:7.0f} ms")
        for pad in KAARTEN:
            tijden = []
            for _ in range(KEER):
                page.goto(basis + pad)
                page.wait_for_selector("#kaart[data-eerste-vlak]", timeout=60_000)
                tijden.append(float(page.get_attribute("#kaart", "data-eerste-vlak") or "nan"))
            mediaan = statistics.median(tijden)
            print(
                f"kaart: {pad:42s} eerste vlak na {mediaan:7.0f} ms (mediaan van {KEER}; "
                f"{mediaan / basis_ms:4.1f}x inlogpagina)"
            )
        browser.close()


GEMENGD_SECONDEN = 20
PDF_VERBINDINGEN = 4


def _workers(master: int) -> list[int]:
    """The pids of the gunicorn workers: the children of the master."""
    kinderen = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(k) for k in kinderen)


def _rss(pid: int) -> int:
    """Resident memory of a process in MiB (VmRSS from /proc)."""
    for regel in Path(f"/proc/{pid}/status").read_text().splitlines():
        if regel.startswith("VmRSS:"):
            return int(regel.split()[1]) // 1024
    return 0


def _roterend(paden: list[str], map_: Path, naam: str) -> Path:
    """A wrk script that requests ``paden`` in turn and reports p50/p95, count and errors."""
    lijst = ", ".join(f'"{p}"' for p in paden)
    script = map_ / naam
    script.write_text(
        f"paden = {{{lijst}}}\ni = 0\nrequest = function()\n  i = i + 1\n"
        '  return wrk.format("GET", paden[(i % #paden) + 1])\nend\n' + LUA,
        encoding="utf-8",
    )
    return script


def _gemengd(
    basis: str, cookies: dict[str, str], leespaden: list[str], pdfpaden: list[str], map_: Path
) -> None:
    """Mixed load: the read pages under 50 connections while a second wrk requests PDF reports
    (made beforehand by _pdfs_vooraf, so served from the file cache). Prints the read pages'
    p95 and the resident memory of each worker before and after."""
    koek = f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}"
    lees = _roterend(leespaden, map_, "lees.lua")
    pdf = _roterend(pdfpaden, map_, "pdf.lua")
    duur = f"-d{GEMENGD_SECONDEN}s"
    pdfload = subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{PDF_VERBINDINGEN}",
            duur,
            "--timeout",
            "60s",
            "-s",
            str(pdf),
            "-H",
            koek,
            basis + "/",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    leesload = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{GELIJKTIJDIG}",
            duur,
            "--timeout",
            "10s",
            "-s",
            str(lees),
            "-H",
            koek,
            basis + "/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    pdfuit, _ = pdfload.communicate(timeout=GEMENGD_SECONDEN + 120)
    for soort, uit, paden in (
        ("leespagina's", leesload.stdout, leespaden),
        ("pdf-rapporten", pdfuit, pdfpaden),
    ):
        p50, p95, aantal, fouten = uit.split("RESULTAAT ")[1].split()
        print(
            f"gemengd: {soort:14s} ({len(paden):2d} adressen) p50 {float(p50):7.1f} ms  "
            f"p95 {float(p95):7.1f} ms  {int(aantal) / GEMENGD_SECONDEN:6.0f} verz./s  fouten {fouten}"
        )


def _pdfs_vooraf(basis: str, cookies: dict[str, str], pdfpaden: list[str]) -> None:
    """Each report requested twice in a row: the first time it is made, the second time it comes from
    the file cache."""
    with httpx.Client(base_url=basis, cookies=cookies, timeout=120) as c:
        for keer in ("eerste", "tweede"):
            tijden = []
            for pad in pdfpaden:
                start = time.perf_counter()
                assert c.get(pad).status_code == 200, pad
                tijden.append((time.perf_counter() - start) * 1000)
            print(
                f"pdf: {keer} keer ({len(pdfpaden)} rapporten, na elkaar) mediaan "
                f"{statistics.median(tijden):7.1f} ms, hoogste {max(tijden):7.1f} ms"
            )


def _pdfpaden(opslag: Path) -> list[str]:
    import pandas as pd

    run = "dorpen-2020-gemeente"
    codes = pd.read_parquet(opslag / "analyses" / run / "gebieden.parquet")["code"].head(12)
    return [f"/analyse/{run}/rapport.pdf", *(f"/analyse/{run}/gebied/{c}.pdf" for c in codes)]


def _p(tijden: list[float], q: float) -> float:
    return statistics.quantiles(tijden, n=100)[int(q) - 1] * 1000


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    with tempfile.TemporaryDirectory() as tmp:
        opslag = Path(tmp) / "opslag"
        env = {
            **os.environ,
            "GEBIEDSKOMPAS_OPSLAG": str(opslag),
            "DJANGO_SETTINGS_MODULE": "gebiedskompas.web.settings",
        }
        env.pop("GEBIEDSKOMPAS_DATABASE_URL", None)
        _voorbereiden(data, opslag, env)
        poort = _vrije_poort()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "gebiedskompas.web.wsgi:application",
                "-b",
                f"127.0.0.1:{poort}",
                "-w",
                "3",
                "--preload",
                "--log-level",
                "warning",
            ],
            env=env,
        )
        try:
            basis = f"http://127.0.0.1:{poort}"
            for _ in range(100):
                try:
                    httpx.get(basis + "/inloggen/", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            cookies = _inloggen(basis)
            paginas = [
                "/inloggen/",
                "/",
                "/analyse/dorpen-2020-gemeente/",
                "/analyse/dorpen-2020-gemeente/ranglijst/",
                "/analyse/dorpen-2020-gemeente/kaart/",
                "/analyse/dorpen-2020-gemeente/kaart.geojson",
                "/analyse/dorpen-2020-gemeente/kaart/context.geojson",
                "/analyse/wijken-2020-buurt/kaart/?binnen=GM0917",
                "/analyse/nieuw/",
                "/analyse/vergelijk/?a=dorpen-2020-gemeente&b=wijken-2020-buurt",
                "/gebied/GM0889/",
                "/gebied/GM0917/?referentie=stedelijkheid",
                "/monitoring/doelenboom/SLB/",
                "/monitoring/aanpakken/",
                "/monitoring/lessen/",
            ]
            for pad in paginas * 10:  # warm-up: every worker thread, caches and first imports
                httpx.get(basis + pad, cookies=cookies)
            basislijn = None
            script = Path(tmp) / "p95.lua"
            script.write_text(LUA, encoding="utf-8")
            bron = "wrk -t1 -c50 -d5s" if shutil.which("wrk") else f"{GELIJKTIJDIG} Python-threads"
            heeft_wrk = shutil.which("wrk") is not None
            print(f"{GELIJKTIJDIG} gelijktijdige verbindingen ({bron}); gunicorn 3 sync workers, --preload")
            for pad in paginas:
                if heeft_wrk:
                    p50, p95, aantal, fouten = _wrk(basis, pad, cookies, script)
                else:
                    tijden = _meet(basis, pad, cookies)
                    p50, p95, aantal, fouten = _p(tijden, 50), _p(tijden, 95), len(tijden), 0
                basislijn = basislijn or p95
                per_seconde = aantal / 5 if heeft_wrk else 0
                print(
                    f"{pad:42s} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {per_seconde:6.0f} verz./s  "
                    f"fouten {fouten}  ({p95 / basislijn:4.1f}x inlogpagina)"
                )
            _kaarttijden(basis, cookies)
            workers = _workers(server.pid)
            voor = {w: _rss(w) for w in workers}
            print(
                f"gemengd: {GELIJKTIJDIG} verbindingen op de leespagina's, tegelijk {PDF_VERBINDINGEN} op "
                f"pdf-rapporten (na de eerste keer uit de bestandscache), {GEMENGD_SECONDEN} s"
            )
            if heeft_wrk:
                pdfpaden = _pdfpaden(opslag)
                _pdfs_vooraf(basis, cookies, pdfpaden)
                _gemengd(basis, cookies, paginas[1:], pdfpaden, Path(tmp))
            else:
                print("gemengd: wrk ontbreekt, gemengde belasting niet gemeten")
            for w in workers:
                print(f"gemengd: worker {w} geheugen (VmRSS) voor {voor[w]:5d} MiB, na {_rss(w):5d} MiB")
            pdfs = list((opslag / "cache" / "pdf").glob("*.pdf"))
            print(f"gemengd: {len(pdfs)} pdf-rapporten in de bestandscache")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    main()
