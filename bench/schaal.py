"""Benchmark: the need analysis at scale (issue 15).

Prints, in one run:
- the CLI end to end (outputs written), on the real data: ``analyseer wijken --niveau buurt`` and
  the same analysis over all Dutch buurten (national scope, 20 indicators);
- per size (the real buurten, and 100.000 and 1.000.000 synthetic areas drawn from them): the
  deterministic analysis (steps 2-9 with the area and theme tables, no robustness; the long
  indicator table is built when written, and is timed apart) in a fresh process, with its peak
  memory; the cost of one Monte Carlo replication (slope between two run lengths, so fixed costs
  drop out; best of three) and, in the same process, the plain-numpy floor of the same replication
  and the ratio to it;
- 1.000 replications (Monte Carlo and Sobol) at 1.000.000 areas: wall time and the peak memory of
  the process and its workers together (sum of PSS, so pages the workers share count once);
- the real buurten on a Dask LocalCluster against the local run (must be the same numbers).

Synthetic areas are whole rows of the real buurten (all indicators of one buurt, its urbanity and
inhabitants) drawn with replacement, each value times a lognormal factor (sd 1%) so that no two
areas tie. Each size runs in a fresh process, so peak memory is that size's own.

Run: python bench/schaal.py [DATA_MAP] [--grootten 100000,1000000] [--replicaties 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import psutil
from threadpoolctl import threadpool_limits

from gebiedskompas.analyse import robuustheid as rb
from gebiedskompas.analyse.methode import Methode, ontleed_methode
from gebiedskompas.analyse.pijplijn import analyseer_gegevens, bereken
from gebiedskompas.analyse.selecteer import Gegevens, selecteer
from gebiedskompas.analyse.uitvoerder import DaskCluster, InDitProces, kies
from gebiedskompas.analyse.weeg import gewichten
from gebiedskompas.geheugen import stel_allocator_in
from gebiedskompas.laden import laad
from gebiedskompas.opmaak import getal
from gebiedskompas.opslag import Opslag

HIER = Path(__file__).resolve().parent
sys.path.insert(0, str(HIER))
from analyse import methode_tekst  # noqa: E402  (the benchmark method of bench/analyse.py)


def methode() -> Methode:
    """bench/analyse.py's national method with 20 indicators (the last one left out)."""
    return ontleed_methode(
        methode_tekst().replace('[[thema.indicator]]\nid = "kwb.afstand_kinderdagverblijf"\n', "")
    )


def synthetisch(echt: Gegevens, n: int, seed: int = 1) -> Gegevens:
    rng = np.random.default_rng(seed)
    rij = rng.integers(0, echt.n, n)
    ruis = rng.lognormal(0.0, 0.01, (n, echt.x.shape[1]))
    return Gegevens(
        codes=np.array([f"BU{i:08d}" for i in range(n)], dtype=object),
        namen=np.array([f"Gebied {i}" for i in range(n)], dtype=object),
        gemeenten=echt.gemeenten[rij],
        provincies=echt.provincies[rij],
        stedelijkheid=echt.stedelijkheid[rij],
        inwoners=echt.inwoners[rij],
        in_scope=np.ones(n, dtype=bool),
        indicatoren=list(echt.indicatoren),
        x=echt.x[rij] * ruis,
        onder=echt.onder[rij] * ruis,
        boven=echt.boven[rij] * ruis,
    )


def gegevens_voor(opslag: Path, n: int | None) -> Gegevens:
    m = methode()
    echt = selecteer(m, Opslag(opslag).lees(lui=True))
    echt.in_scope = np.ones(echt.n, dtype=bool)  # national scope: every buurt of the benchmark
    return echt if n is None else synthetisch(echt, n)


class Piek:
    """Peak memory of this process and its children: the sum of their PSS, sampled every 50 ms."""

    def __init__(self) -> None:
        self.piek = 0
        self._stop = threading.Event()
        self._draad = threading.Thread(target=self._meet, daemon=True)

    def _meet(self) -> None:
        ik = psutil.Process()
        while not self._stop.is_set():
            totaal = 0
            for p in [ik, *ik.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    totaal += p.memory_full_info().pss
            self.piek = max(self.piek, totaal)
            self._stop.wait(0.05)

    def __enter__(self) -> Piek:
        self._draad.start()
        return self

    def __exit__(self, *args: object) -> None:
        self._stop.set()
        self._draad.join()


def vloer(prep: rb.Voorbereid, m: Methode, replicaties: int, seed: int) -> float:
    """Seconds per replication of the plain-numpy replication: a random alternative, weights
    varied by ±25%, theme means as two matrix products, the composite and its ranks by argsort."""
    rng = np.random.default_rng(seed)
    sleutels = list(prep.waarden)
    w = gewichten(m)
    wmat, thema = w.matrix(), w.thema
    n = next(iter(prep.waarden.values())).shape[0]
    rang = np.empty(n, dtype=np.int64)
    volgnummer = np.arange(1, n + 1)
    with threadpool_limits(1, user_api="blas"):
        start = time.perf_counter()
        for _ in range(replicaties):
            sleutel = sleutels[rng.integers(len(sleutels))]
            wi = wmat * rng.uniform(0.75, 1.25, (wmat.shape[0], 1))
            wi /= wi.sum(axis=0)
            with np.errstate(all="ignore"):
                scores = (prep.waarden[sleutel] @ wi) / (prep.aanwezig[sleutel] @ wi)
                ti = thema * rng.uniform(0.75, 1.25, len(thema))
                ti /= ti.sum()
                composiet = np.exp(np.log(np.exp(scores)) @ ti) if sleutel[1] == "meetkundig" else scores @ ti
            rang[np.argsort(-np.nan_to_num(composiet, nan=-np.inf))] = volgnummer
        return (time.perf_counter() - start) / replicaties


def per_replicatie(g: Gegevens, m: Methode, replicaties: tuple[int, int], herhalingen: int) -> float:
    """Seconds per Monte Carlo replication in this process (ranks and their summary included): the
    slope between two run lengths, the best of ``herhalingen`` tries."""
    kern = bereken(m, g)
    bron = rb.alternatieven(kern.x, kern.groepen, kern.richting, g.in_scope, m)

    def duur(r: int) -> float:
        start = time.perf_counter()
        rb.voer_uit(bron, gewichten(m), m, r, 7, uitvoerder=InDitProces())
        return time.perf_counter() - start

    return min((duur(replicaties[1]) - duur(replicaties[0])) for _ in range(herhalingen)) / (
        replicaties[1] - replicaties[0]
    )


def piekgeheugen() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss not inherited from the parent)."""
    for regel in Path("/proc/self/status").read_text().splitlines():
        if regel.startswith("VmHWM:"):
            return int(regel.split()[1]) * 1024
    return 0


def meet_grootte(opslag: Path, n: int | None) -> dict[str, Any]:
    """One size in this (fresh) process."""
    m = methode()
    g = gegevens_voor(opslag, n)
    start = time.perf_counter()
    resultaat = analyseer_gegevens(m, g)
    deterministisch = time.perf_counter() - start
    piek = piekgeheugen()
    start = time.perf_counter()
    rijen = len(resultaat.indicatoren)
    indicatortabel = time.perf_counter() - start
    del resultaat
    start = time.perf_counter()
    analyseer_gegevens(m, g)
    tweede = time.perf_counter() - start
    aantal = g.n
    korte, lange = (200, 600) if aantal < 50_000 else (20, 60) if aantal < 500_000 else (10, 40)
    replicatie = per_replicatie(g, m, (korte, lange), 3 if aantal < 500_000 else 1)
    kern = bereken(m, g)
    if aantal < 500_000:
        prep = rb.bereid_voor(kern.x, kern.groepen, kern.richting, g.in_scope, m, gewichten(m))
    else:  # all six alternatives at once would not fit; the floor needs one per aggregation
        eerste = rb.alternatieven(kern.x, kern.groepen, kern.richting, g.in_scope, m)()
        twee = [next(eerste), next(eerste)]
        prep = rb.Voorbereid({s: w for s, w, _ in twee}, {s: a for s, _, a in twee}, gewichten(m), 0.0)
    numpy = min(vloer(prep, m, lange, 7) for _ in range(3 if aantal < 500_000 else 1))
    return {
        "gebieden": aantal,
        "indicatoren": g.x.shape[1],
        "deterministisch_s": deterministisch,
        "tweede_s": tweede,
        "indicatortabel_s": indicatortabel,
        "indicatorrijen": rijen,
        "piek_deterministisch_bytes": piek,
        "replicatie_s": replicatie,
        "vloer_s": numpy,
    }


def meet_robuustheid(opslag: Path, n: int, replicaties: int) -> dict[str, Any]:
    """Monte Carlo and Sobol at ``n`` areas with the default executor; only what the step needs
    is kept from the deterministic part."""
    m = methode()
    g = gegevens_voor(opslag, n)
    kern = bereken(m, g)
    x, groepen, richting, s, nominaal = kern.x, kern.groepen, kern.richting, g.in_scope, kern.rang[g.in_scope]
    del kern, g
    uitvoerder = kies(int(s.sum()) * replicaties * 2)
    with Piek() as piek:
        start = time.perf_counter()
        uitkomst = rb.voer_uit(
            rb.alternatieven(x, groepen, richting, s, m),
            gewichten(m),
            m,
            replicaties,
            7,
            nominaal=nominaal,
            uitvoerder=uitvoerder,
        )
        duur = time.perf_counter() - start
    uitvoerder.sluit()
    assert uitkomst.onzekerheid is not None
    return {
        "gebieden": int(s.sum()),
        "replicaties": replicaties,
        "sobolmonsters": len(opzet.keuzes)
        if (opzet := rb.sobolopzet(m, x.shape[1], len(m.thema), replicaties, 7))
        else 0,
        "werkers": uitvoerder.werkers,
        "duur_s": duur,
        "piek_bytes": piek.piek,
        "op_schijf": uitkomst.onzekerheid.op_schijf,
    }


def meet_dask(opslag: Path, replicaties: int) -> dict[str, Any]:
    from distributed import LocalCluster

    m = methode()
    g = gegevens_voor(opslag, None)
    kern = bereken(m, g)
    s = g.in_scope

    def run(uitvoerder: Any) -> tuple[rb.Robuustheid, float]:
        start = time.perf_counter()
        bron = rb.alternatieven(kern.x, kern.groepen, kern.richting, s, m)
        uit = rb.voer_uit(bron, gewichten(m), m, replicaties, 7, nominaal=kern.rang[s], uitvoerder=uitvoerder)
        return uit, time.perf_counter() - start

    lokaal, t_lokaal = run(InDitProces())
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        dask = DaskCluster(cluster.scheduler_address)
        op_dask, t_dask = run(dask)
        dask.sluit()
    assert lokaal.onzekerheid is not None and op_dask.onzekerheid is not None
    velden = ("mediaan", "p05", "p95", "kans_top")
    verschil = max(
        float(np.nanmax(np.abs(getattr(lokaal.onzekerheid, v) - getattr(op_dask.onzekerheid, v))))
        for v in velden
    )
    return {
        "lokaal_s": t_lokaal,
        "dask_s": t_dask,
        "max_verschil": verschil,
        "sobol_gelijk": lokaal.sobol == op_dask.sobol,
    }


def cli(opslag: Path, *args: str) -> float:
    uit = tempfile.mkdtemp(prefix="schaal-cli-")
    start = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).parent / "gebiedskompas"),
            "analyseer",
            *args,
            "--opslag",
            str(opslag),
            "--uit",
            uit,
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def in_eigen_proces(*args: str) -> dict[str, Any]:
    uit = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return json.loads(uit.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("data", nargs="?", default=str(HIER.parents[1] / "shared" / "data"))
    p.add_argument("--grootten", default="100000,1000000")
    p.add_argument("--replicaties", type=int, default=1000)
    p.add_argument("--opslag", help=argparse.SUPPRESS)
    p.add_argument("--meet", help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.meet:  # a child process: one measurement, printed as JSON
        stel_allocator_in()  # as the CLI and the web server do (geheugen.py)
        soort, _, waarde = a.meet.partition(":")
        opslag = Path(a.opslag)
        if soort == "grootte":
            print(json.dumps(meet_grootte(opslag, int(waarde) or None)))
        elif soort == "robuust":
            print(json.dumps(meet_robuustheid(opslag, int(waarde), a.replicaties)))
        else:
            print(json.dumps(meet_dask(opslag, a.replicaties)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        opslag = Path(tmp) / "opslag"
        laad([Path(a.data)], Opslag(opslag))
        methodebestand = Path(tmp) / "nederland.toml"
        methodebestand.write_text(methode_tekst(), encoding="utf-8")
        print("CLI end-to-end (uitvoer geschreven, zonder robuustheid):")
        t = cli(opslag, "wijken", "--niveau", "buurt")
        print(f"  analyseer wijken --niveau buurt          : {getal(t, 2)} s")
        t = cli(opslag, str(methodebestand))
        print(f"  analyseer (alle buurten van Nederland)   : {getal(t, 2)} s")
        print()
        print(
            "deterministisch: eerste analyse in een vers proces en de tweede; indicatorentabel apart; "
            "piek = VmHWM na de eerste analyse; geheugeninstelling als de CLI (geheugen.py)"
        )
        koppen = ("gebieden", "1e s", "2e s", "ind.tabel s", "piek MB", "ms/repl.", "numpy ms", "verh.")
        print(" ".join(k.rjust(b) for k, b in zip(koppen, (10, 6, 6, 12, 8, 9, 9, 6), strict=True)))
        for n in [0, *(int(x) for x in a.grootten.split(",") if x)]:
            r = in_eigen_proces("--opslag", str(opslag), "--meet", f"grootte:{n}")
            kolommen = [
                getal(r["gebieden"], 0).rjust(10),
                getal(r["deterministisch_s"], 2).rjust(6),
                getal(r["tweede_s"], 2).rjust(6),
                getal(r["indicatortabel_s"], 2).rjust(12),
                getal(r["piek_deterministisch_bytes"] / 2**20, 0).rjust(8),
                getal(r["replicatie_s"] * 1000, 2).rjust(9),
                getal(r["vloer_s"] * 1000, 2).rjust(9),
                getal(r["replicatie_s"] / r["vloer_s"], 2).rjust(6),
            ]
            print(" ".join(kolommen))
        grootste = max(int(x) for x in a.grootten.split(",") if x)
        r = in_eigen_proces(
            "--opslag", str(opslag), "--meet", f"robuust:{grootste}", "--replicaties", str(a.replicaties)
        )
        print()
        print(
            f"robuustheid bij {getal(r['gebieden'], 0)} gebieden: {getal(r['replicaties'], 0)} replicaties "
            f"+ {getal(r['sobolmonsters'], 0)} Sobol-monsters, {r['werkers']} werker(s): "
            f"{getal(r['duur_s'], 1)} s; piekgeheugen (PSS, alle processen samen) "
            f"{getal(r['piek_bytes'] / 2**30, 2)} GB; rangen "
            + ("op schijf" if r["op_schijf"] else "in geheugen")
        )
        r = in_eigen_proces("--opslag", str(opslag), "--meet", "dask", "--replicaties", "200")
        print(
            "Dask LocalCluster (2 werkers) tegen dit proces, echte buurten, 200 replicaties: "
            f"{getal(r['dask_s'], 2)} s tegen {getal(r['lokaal_s'], 2)} s; grootste verschil "
            f"{r['max_verschil']}; Sobol gelijk: {'ja' if r['sobol_gelijk'] else 'nee'}"
        )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONWARNINGS", "ignore")
    main()
