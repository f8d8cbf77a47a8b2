"""Engine.decide : un dossier, la décision de `socle decide --format json`."""

from __future__ import annotations

import datetime
import decimal
import json
import subprocess

import pytest

import socle
from conftest import RACINE, VAL_DOISE, socle_binary

EXEMPLE = RACINE / "examples" / "dossier-apa.json"


def socle_decide(*options: str) -> dict:
    fini = subprocess.run(
        [str(socle_binary()), "decide", str(VAL_DOISE), *options],
        capture_output=True,
        check=False,
    )
    return json.loads(fini.stdout)


def test_decide_gives_the_json_of_socle_decide(engine: socle.Engine) -> None:
    dossier = json.loads(EXEMPLE.read_text())
    assert engine.decide(dossier) == socle_decide("--dossier", str(EXEMPLE))
    apa = engine.decide(dossier)["dispositifs"]["apa_domicile"]
    assert apa["eligible"] is True
    assert isinstance(apa["valeurs"]["montant"], str)


def test_options_date_and_dispositifs_as_in_the_cli(engine: socle.Engine) -> None:
    dossier = json.loads(EXEMPLE.read_text())
    attendu = socle_decide(
        "--dossier", str(EXEMPLE), "--date", "2023-05-02", "--dispositif", "teleassistance"
    )
    assert engine.decide(dossier, dispositifs=["teleassistance"], date="2023-05-02") == attendu
    assert engine.decide(dossier, ["teleassistance"], datetime.date(2023, 5, 2)) == attendu
    assert list(attendu["dispositifs"]) == ["teleassistance"]
    with pytest.raises(ValueError, match="dispositif inconnu"):
        engine.decide(dossier, dispositifs=["nimporte_quoi"])
    with pytest.raises(ValueError, match="AAAA-MM-JJ"):
        engine.decide(dossier, date="02/05/2023")


def test_python_decimals_and_dates_are_read_exactly(engine: socle.Engine) -> None:
    dossier = json.loads(EXEMPLE.read_text())
    texte = engine.decide(dossier)
    dossier["demandeur"]["ressources_mensuelles"] = decimal.Decimal(
        dossier["demandeur"]["ressources_mensuelles"]
    )
    dossier["date_demande"] = datetime.date.fromisoformat(dossier["date_demande"])
    assert engine.decide(dossier) == texte


def test_an_invalid_dossier_names_every_json_path(engine: socle.Engine) -> None:
    dossier = json.loads(EXEMPLE.read_text())
    dossier["demandeur"]["gir"] = "trois"
    dossier["plan_aide"]["montant_mensuel"] = "12.345"
    with pytest.raises(socle.DossierInvalide) as erreur:
        engine.decide(dossier)
    detail = erreur.value.detail
    assert detail["type"] == "dossier_invalide"
    chemins = {e["chemin"] for e in detail["erreurs"]}
    assert chemins == {"demandeur.gir", "plan_aide.montant_mensuel"}
    assert "demandeur.gir" in str(erreur.value)


def test_unknown_fields_warn_or_fail_with_strict(engine: socle.Engine) -> None:
    dossier = json.loads(EXEMPLE.read_text())
    dossier["demandeur"]["domicile_secour"] = "95"
    decision = engine.decide(dossier)
    assert decision["avertissements"][0]["suggestion"] == "domicile_secours"
    with pytest.raises(socle.DossierInvalide):
        engine.decide(dossier, strict=True)


def test_values_python_cannot_put_in_a_dossier_are_type_errors(engine: socle.Engine) -> None:
    with pytest.raises(TypeError, match="demandeur.gir"):
        engine.decide({"date_demande": "2024-01-01", "demandeur": {"gir": object()}})


def test_a_ruleset_that_does_not_exist_or_compile(tmp_path) -> None:
    with pytest.raises(socle.ErreurJeuDeRegles):
        socle.Engine(tmp_path / "absent")
    (tmp_path / "faux.socle").write_text("ceci n'est pas une règle\n")
    with pytest.raises(socle.ErreurJeuDeRegles, match="ne compile pas"):
        socle.Engine(tmp_path)


def test_engine_describes_itself(engine: socle.Engine) -> None:
    assert engine.jeu_de_regles == "val-doise"
    assert "apa_domicile" in engine.dispositifs
    assert engine.schema()["required"] == ["date_demande"]


def test_an_engine_is_pickled_as_its_path(engine: socle.Engine) -> None:
    import pickle

    copie = pickle.loads(pickle.dumps(engine))
    dossier = json.loads(EXEMPLE.read_text())
    assert copie.jeu_de_regles == engine.jeu_de_regles
    assert copie.decide(dossier) == engine.decide(dossier)
