"""Engine.decide_batch : une table Arrow de dossiers, une table de décisions alignée, qui dit
ce que dit `socle batch` sur chaque dossier ; pandas et Polars sur une machine."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

import population
import socle
from conftest import assert_agrees, socle_batch


@pytest.fixture(scope="module")
def generes() -> list[dict]:
    return population.rows(4000, seed=18)


@pytest.fixture(scope="module")
def lignes(generes: list[dict]) -> list[dict]:
    return socle_batch([population.nested(r) for r in generes])


def test_decide_batch_agrees_with_socle_batch_on_every_dossier(
    engine: socle.Engine, generes: list[dict], lignes: list[dict]
) -> None:
    resultats = engine.decide_batch(population.table(generes))
    assert resultats.schema == engine.output_schema()
    assert_agrees(resultats, lignes, engine.dispositifs)
    # La population essaie chaque cas : décidés, indéterminés, refusés, avertis.
    eligibles = resultats.column("apa_domicile.eligible").to_pylist()
    assert True in eligibles and False in eligibles and None in eligibles
    assert resultats.column("erreur").null_count < resultats.num_rows
    assert any(resultats.column("avertissements").to_pylist())


def test_one_thread_and_many_give_the_same_table(engine: socle.Engine, generes: list[dict]) -> None:
    table = population.table(generes[:500])
    assert engine.decide_batch(table, fils=1).equals(engine.decide_batch(table, fils=3))


def test_row_errors_carry_json_paths_and_never_raise(engine: socle.Engine) -> None:
    records = population.rows(3, seed=1)
    records[1]["demandeur.ressources_mensuelles"] = "1450.005"
    records[1]["demandeur.date_naissance"] = "1938-02-30"
    resultats = engine.decide_batch(population.table(records))
    erreurs = resultats.column("erreur").to_pylist()
    assert erreurs[0] is None and erreurs[2] is None
    detail = json.loads(resultats.column("erreur_detail")[1].as_py())
    assert detail["type"] == "dossier_invalide"
    assert {e["chemin"] for e in detail["erreurs"]} == {
        "demandeur.ressources_mensuelles",
        "demandeur.date_naissance",
    }


def test_batch_options_dispositifs_and_date(engine: socle.Engine, generes: list[dict]) -> None:
    records = generes[:200]
    resultats = engine.decide_batch(
        population.table(records), dispositifs=["teleassistance"], date="2024-06-01"
    )
    lignes = socle_batch(
        [population.nested(r) for r in records],
        "--dispositif",
        "teleassistance",
        "--date",
        "2024-06-01",
    )
    assert_agrees(resultats, lignes, ["teleassistance"])
    assert not any(n.startswith("apa_domicile.") for n in resultats.schema.names)


def test_struct_columns_text_columns_and_record_batches_read_the_same(
    engine: socle.Engine, generes: list[dict]
) -> None:
    records = generes[:300]
    attendu = engine.decide_batch(population.table(records))
    # Colonnes structure (comme Parquet ou Spark les imbriquent).
    imbrique = pa.Table.from_struct_array(pa.array([population.nested(r) for r in records]))
    assert "hebergement" in imbrique.schema.names
    assert engine.decide_batch(imbrique).equals(attendu)
    # Tout en texte (comme un CSV) : listes en JSON, booléens et entiers en texte.
    texte = pa.table(
        {
            name: pa.array(
                [None if v is None else (json.dumps(v) if isinstance(v, list) else str(v).lower() if isinstance(v, bool) else str(v)) for v in population.table(records).column(name).to_pylist()],
                pa.string(),
            )
            for name in population.SCHEMA.names
        }
    )
    assert engine.decide_batch(texte).equals(attendu)
    lot = population.table(records).combine_chunks().to_batches()[0]
    assert engine.decide_batch(lot).equals(attendu)


def test_a_column_of_an_unreadable_type_is_one_error(engine: socle.Engine) -> None:
    table = pa.table({"date_demande": pa.array([b"2024"], pa.binary())})
    with pytest.raises(ValueError, match="date_demande"):
        engine.decide_batch(table)


def test_a_hundred_thousand_rows_in_one_call(
    engine: socle.Engine, population_100k: list[dict], lignes_100k: list[dict]
) -> None:
    table = population.table(population_100k)
    resultats = engine.decide_batch(table)
    assert resultats.num_rows == 100_000
    montants = resultats.column("apa_domicile.montant")
    assert montants.type == pa.decimal128(38, 2)
    assert 0 < montants.null_count < 100_000
    assert_agrees(resultats, lignes_100k, engine.dispositifs)


def test_pandas_round_trip(engine: socle.Engine, generes: list[dict], lignes: list[dict]) -> None:
    import pandas as pd

    frame = population.table(generes).to_pandas()
    assert isinstance(frame, pd.DataFrame)
    resultats = engine.decide_batch(frame)
    assert_agrees(resultats, lignes, engine.dispositifs)
    sortie = resultats.to_pandas()
    assert len(sortie) == len(frame)
    assert "apa_domicile.montant" in sortie.columns


def test_polars_round_trip(engine: socle.Engine, generes: list[dict], lignes: list[dict]) -> None:
    import polars as pl

    frame = pl.from_arrow(population.table(generes))
    assert isinstance(frame, pl.DataFrame)
    resultats = engine.decide_batch(frame)
    assert_agrees(resultats, lignes, engine.dispositifs)
    sortie = pl.from_arrow(resultats)
    assert sortie.height == frame.height
    assert sortie.schema["apa_domicile.montant"] == pl.Decimal(38, 2)
