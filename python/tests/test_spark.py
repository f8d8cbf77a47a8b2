"""Un job PySpark en mode local : `mapInArrow` décide une population val-doise de 100 000
dossiers partition par partition ; chaque dossier dit ce que dit `socle batch`."""

from __future__ import annotations

import os
import shutil
import sys

import pyarrow as pa
import pytest

import population
import socle
from conftest import VAL_DOISE, assert_agrees


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        if os.environ.get("SOCLE_EXIGER_OUTILS") == "1":
            pytest.fail("java introuvable (paquet Debian openjdk-17-jre-headless)")
        pytest.skip("ignoré : java introuvable (paquet Debian openjdk-17-jre-headless)")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("socle-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_pyspark_map_in_arrow_agrees_with_socle_batch(
    spark, population_100k: list[dict], lignes_100k: list[dict]
) -> None:
    from pyspark.sql.pandas.types import from_arrow_schema

    engine = socle.Engine(VAL_DOISE)

    # Défini ici pour que Spark l'envoie par valeur aux exécuteurs (cloudpickle) ; le moteur
    # voyage comme son chemin et est recompilé une fois par tâche.
    def decide_partition(batches):
        """Ce que fait chaque exécuteur : décider lot par lot."""
        for batch in batches:
            identifiants = batch.column(batch.schema.get_field_index("id"))
            dossiers = batch.drop_columns(["id"])
            for out in engine.decide_batches(dossiers, fils=1):
                yield pa.RecordBatch.from_arrays(
                    [identifiants.slice(0, out.num_rows), *out.columns],
                    names=["id", *out.schema.names],
                )
                identifiants = identifiants.slice(out.num_rows)

    records = population_100k
    # Spark imbrique les champs : une colonne structure par enregistrement (`demandeur`).
    table = pa.Table.from_struct_array(pa.array([population.nested(r) for r in records]))
    table = table.add_column(0, "id", pa.array(range(len(records)), pa.int64()))
    frame = spark.createDataFrame(table).repartition(8)
    assert frame.rdd.getNumPartitions() == 8
    sortie = pa.schema([pa.field("id", pa.int64()), *engine.output_schema()])
    decide = frame.mapInArrow(decide_partition, from_arrow_schema(sortie))
    resultats = decide.toArrow().sort_by("id")
    assert resultats.column("id").to_pylist() == list(range(len(records)))
    resultats = resultats.drop_columns(["id"])
    assert_agrees(resultats, lignes_100k, engine.dispositifs)
