"""Débit du chemin Arrow : dossiers décidés par seconde par Engine.decide_batch sur une
population val-doise générée (pas un test : `python/test --bench` l'affiche)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

# The script's folder holds the sources of the package: import the installed wheel instead.
sys.path[0] = str(Path(__file__).parent / "tests")

import population  # noqa: E402
import socle  # noqa: E402

RACINE = Path(__file__).resolve().parents[1]
N = int(os.environ.get("SOCLE_BENCH_DOSSIERS", "200000"))


def main() -> None:
    engine = socle.Engine(RACINE / "rulesets" / "val-doise")
    table = population.table(population.rows(N, seed=7))
    print(f"{N} dossiers val-doise, {table.num_columns} colonnes, {os.cpu_count()} cœurs")
    for fils in (1, None):
        engine.decide_batch(table.slice(0, 1000), fils=fils)  # échauffement
        meilleur = float("inf")
        for _ in range(3):
            debut = time.perf_counter()
            resultats = engine.decide_batch(table, fils=fils)
            meilleur = min(meilleur, time.perf_counter() - debut)
        assert resultats.num_rows == N
        nom = "1 fil" if fils == 1 else "tous les cœurs"
        debit = f"{N / meilleur:_.0f}".replace("_", " ")
        print(f"decide_batch, {nom} : {debit} dossiers/s ({meilleur:.2f} s)")


if __name__ == "__main__":
    main()
