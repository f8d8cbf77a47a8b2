"""Population générée de dossiers val-doise, déterministe (graine), variée : dossiers
complets, champs manquants (indéterminés), valeurs invalides (erreurs avec chemins JSON),
champs inconnus (avertissements), établissements (hébergement)."""

from __future__ import annotations

import random
from typing import Any

import pyarrow as pa

LIEUX = ["domicile", "domicile", "domicile", "ehpad", "usld", "residence_autonomie", "accueil_familial"]
PRESTATIONS = ["pch", "actp", "aide_menagere_caisse_retraite", "aide_sociale_menagere", "apa", "aspa"]

# Colonnes dans un ordre fixe et avec un type fixe, pour que chaque lot ait le même schéma.
SCHEMA = pa.schema(
    [
        ("date_demande", pa.string()),
        ("demandeur.date_naissance", pa.string()),
        ("demandeur.gir", pa.int64()),
        ("demandeur.situation_familiale", pa.string()),
        ("demandeur.ressources_mensuelles", pa.string()),
        ("demandeur.lieu_de_vie", pa.string()),
        ("demandeur.departement_residence", pa.string()),
        ("demandeur.domicile_secours", pa.string()),
        ("demandeur.nationalite", pa.string()),
        ("demandeur.titre_sejour_valide", pa.bool_()),
        ("demandeur.annees_residence_france_avant_70_ans", pa.int64()),
        ("demandeur.inaptitude_travail", pa.bool_()),
        ("demandeur.taux_incapacite", pa.int64()),
        ("demandeur.imposable", pa.bool_()),
        ("demandeur.carte_invalidite", pa.bool_()),
        ("demandeur.incapacite_80_reconnue_avant_65_ans", pa.bool_()),
        ("demandeur.prestations", pa.list_(pa.string())),
        ("demandeur.domicile_secour", pa.string()),
        ("hebergement.etablissement_habilite", pa.bool_()),
        ("hebergement.tarif_dependance_gir", pa.string()),
        ("hebergement.tarif_dependance_gir_5_6", pa.string()),
        ("hebergement.frais_mensuels", pa.string()),
        ("hebergement.participation_obliges_alimentaires", pa.string()),
        ("plan_aide.montant_mensuel", pa.string()),
    ]
)


def _cents(rng: random.Random, high: int) -> str:
    c = rng.randrange(high)
    return f"{c // 100}.{c % 100:02d}"


def row(rng: random.Random) -> dict[str, Any]:
    """Un dossier en colonnes (chemin à points → valeur ; None : champ non donné)."""
    lieu = rng.choice(LIEUX)
    r: dict[str, Any] = {name: None for name in SCHEMA.names}
    r.update(
        {
            "date_demande": f"{rng.choice([2019, 2022, 2023, 2024, 2025])}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "demandeur.date_naissance": f"{rng.randint(1920, 1970)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "demandeur.gir": rng.randint(1, 6),
            "demandeur.situation_familiale": rng.choice(["seul", "couple"]),
            "demandeur.ressources_mensuelles": _cents(rng, 450_000),
            "demandeur.lieu_de_vie": lieu,
            "demandeur.departement_residence": rng.choice(["95", "95", "95", "75", "2A"]),
            "demandeur.domicile_secours": rng.choice(["95", "95", "78", None]),
            "demandeur.nationalite": rng.choice(["francaise", "francaise", "ue", "hors_ue"]),
            "demandeur.titre_sejour_valide": rng.random() < 0.8,
            "demandeur.annees_residence_france_avant_70_ans": rng.randint(0, 50),
            "demandeur.inaptitude_travail": rng.random() < 0.2,
            "demandeur.taux_incapacite": rng.choice([0, 0, 50, 80]),
            "demandeur.imposable": rng.random() < 0.3,
            "demandeur.carte_invalidite": rng.random() < 0.1,
            "demandeur.incapacite_80_reconnue_avant_65_ans": rng.choice([True, False, None]),
            "demandeur.prestations": rng.sample(PRESTATIONS, k=rng.choice([0, 0, 0, 1, 2])),
            "plan_aide.montant_mensuel": _cents(rng, 250_000),
        }
    )
    if lieu != "domicile":
        r.update(
            {
                "hebergement.etablissement_habilite": rng.random() < 0.8,
                "hebergement.tarif_dependance_gir": _cents(rng, 150_000),
                "hebergement.tarif_dependance_gir_5_6": _cents(rng, 30_000),
                "hebergement.frais_mensuels": _cents(rng, 400_000),
                "hebergement.participation_obliges_alimentaires": _cents(rng, 50_000),
            }
        )
    draw = rng.random()
    if draw < 0.10:
        # Champs manquants : la décision peut être indéterminée.
        for name in rng.sample(SCHEMA.names[1:17], k=rng.randint(1, 3)):
            r[name] = None
    elif draw < 0.14:
        # Valeurs invalides : la ligne a son erreur, avec le chemin JSON.
        bad = rng.choice(
            [
                ("demandeur.date_naissance", "1938-02-30"),
                ("demandeur.ressources_mensuelles", "1450.005"),
                ("demandeur.ressources_mensuelles", "-3.00"),
                ("demandeur.lieu_de_vie", "ailleurs"),
                ("plan_aide.montant_mensuel", "douze"),
                ("date_demande", "2024-13-01"),
            ]
        )
        r[bad[0]] = bad[1]
    elif draw < 0.16:
        # Champ inconnu (faute de frappe) : un avertissement.
        r["demandeur.domicile_secour"] = "95"
    elif draw < 0.17:
        r["date_demande"] = None
    return r


def rows(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [row(rng) for _ in range(n)]


def table(records: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(records, schema=SCHEMA)


def nested(record: dict[str, Any]) -> dict[str, Any]:
    """Le même dossier en JSON imbriqué, sans les champs non donnés."""
    out: dict[str, Any] = {}
    for path, value in record.items():
        if value is None:
            continue
        node = out
        *parents, last = path.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value
    return out
