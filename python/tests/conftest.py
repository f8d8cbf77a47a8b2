"""Fixtures partagées : le jeu de règles val-doise, la commande socle, la comparaison des
colonnes de decide_batch avec les lignes JSON de `socle batch`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

import socle

sys.path.insert(0, str(Path(__file__).parent))

RACINE = Path(__file__).resolve().parents[2]
VAL_DOISE = RACINE / "rulesets" / "val-doise"


def socle_binary() -> Path:
    chemin = os.environ.get("SOCLE_BINAIRE")
    if chemin:
        return Path(chemin)
    cible = Path(os.environ.get("CARGO_TARGET_DIR", RACINE / "target"))
    return cible / "debug" / "socle"


@pytest.fixture(scope="session")
def engine() -> socle.Engine:
    return socle.Engine(VAL_DOISE)


@pytest.fixture(scope="session")
def population_100k() -> list[dict[str, Any]]:
    """100 000 dossiers val-doise générés, en colonnes."""
    import population

    return population.rows(100_000, seed=100)


@pytest.fixture(scope="session")
def lignes_100k(population_100k: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Ce que `socle batch` dit de chacun de ces 100 000 dossiers."""
    import population

    return socle_batch([population.nested(r) for r in population_100k])


def socle_batch(dossiers: list[dict[str, Any]], *options: str) -> list[dict[str, Any]]:
    """Les lignes de `socle batch` (JSON Lines) pour ces dossiers."""
    binaire = socle_binary()
    assert binaire.exists(), f"commande socle introuvable : {binaire} (SOCLE_BINAIRE)"
    entree = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in dossiers)
    fini = subprocess.run(
        [str(binaire), "batch", str(VAL_DOISE), "--dossiers", "-", *options],
        input=entree.encode(),
        capture_output=True,
        check=False,
    )
    assert fini.returncode in (0, 1), fini.stderr.decode()
    lignes = [json.loads(l) for l in fini.stdout.decode().splitlines()]
    assert len(lignes) == len(dossiers)
    return lignes


def _published(cell: Any, published: Any) -> Any:
    """Une cellule de résultat dans la forme publiée de `socle batch`."""
    if cell is None:
        return None
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    if type(cell).__name__ == "Decimal":
        return f"{cell:.2f}"
    if isinstance(cell, str) and not isinstance(published, str):
        return json.loads(cell)
    return cell


def assert_agrees(resultats: pa.Table, lignes: list[dict[str, Any]], dispositifs: list[str]) -> None:
    """Chaque ligne de la table dit ce que dit la ligne JSON de `socle batch`."""
    assert resultats.num_rows == len(lignes)
    colonnes = resultats.to_pydict()
    names = resultats.schema.names
    for i, ligne in enumerate(lignes):
        ou = f"ligne {i + 1}"
        if "erreur" in ligne:
            assert colonnes["erreur"][i] == ligne["erreur"], ou
            assert json.loads(colonnes["erreur_detail"][i]) == ligne["detail"], ou
            for d in dispositifs:
                assert colonnes[f"{d}.eligible"][i] is None, ou
            continue
        assert colonnes["erreur"][i] is None, ou
        assert colonnes["date"][i].isoformat() == ligne["date"], ou
        attendus = [w["message"] for w in ligne.get("avertissements", [])]
        assert (colonnes["avertissements"][i] or []) == attendus, ou
        assert list(ligne["dispositifs"]) == dispositifs, ou
        for d, decision in ligne["dispositifs"].items():
            assert colonnes[f"{d}.eligible"][i] == decision["eligible"], (ou, d)
            echoues = [m["id"] for m in decision["motifs"] if m["satisfaite"] is False]
            assert colonnes[f"{d}.motifs_echoues"][i] == echoues, (ou, d)
            manquants = [m["chemin"] for m in decision.get("manquants", [])]
            assert colonnes[f"{d}.manquants"][i] == manquants, (ou, d)
            assert colonnes[f"{d}.erreur"][i] == decision.get("erreur"), (ou, d)
            valeurs = decision["valeurs"]
            for nom in [n for n in names if n.startswith(d + ".")]:
                court = nom[len(d) + 1 :]
                if court in ("eligible", "motifs_echoues", "manquants", "erreur"):
                    continue
                if court == "verse":
                    # Only dispositifs with payment conditions have it; absent reads null.
                    assert colonnes[nom][i] == decision.get("verse"), (ou, nom)
                    continue
                court = court.removeprefix("valeurs.")
                attendu = valeurs.get(court)
                assert _published(colonnes[nom][i], attendu) == attendu, (ou, nom)
            for court in valeurs:
                assert f"{d}.{court}" in names or f"{d}.valeurs.{court}" in names, (d, court)
