"""Socle : décider des dossiers d'aide sociale aux personnes âgées depuis Python.

Un ``Engine`` compile un jeu de règles (comme ``socle decide``) puis décide :

- un dossier (``dict``) avec ``decide`` : le JSON de ``socle decide --format json``,
  en objets Python ;
- une table de dossiers avec ``decide_batch`` : une colonne par champ du dossier
  (chemin à points, ``demandeur.gir``, ou colonne structure ``demandeur``), une ligne par
  dossier ; le résultat est une ``pyarrow.Table`` alignée ligne à ligne : ``date``,
  ``erreur`` (ligne non décidée, avec ``erreur_detail`` en JSON et ses chemins),
  ``avertissements``, puis pour chaque dispositif ``D`` : ``D.eligible`` (nul si
  indéterminé), ``D.verse`` pour un dispositif à conditions de versement (faux : droit
  ouvert mais non versé), une colonne par valeur (``D.montant`` : montants en ``decimal128(38, 2)``),
  ``D.motifs_echoues``, ``D.manquants`` et ``D.erreur``.

``decide_batch`` accepte une ``pyarrow.Table``, un ``pyarrow.RecordBatch``, un
``pandas.DataFrame``, un ``polars.DataFrame`` ou tout objet qui expose un flux Arrow
(``__arrow_c_stream__``). Une ligne invalide ne lève jamais d'exception : elle a son
``erreur``.
"""

from __future__ import annotations

import os
from typing import Any, Iterable, Iterator, Mapping, Sequence

import pyarrow as pa

from ._socle import DossierInvalide, ErreurJeuDeRegles, SocleErreur
from ._socle import Engine as _NativeEngine

__all__ = ["Engine", "DossierInvalide", "ErreurJeuDeRegles", "SocleErreur"]


def _date_text(date: Any) -> str | None:
    if date is None or isinstance(date, str):
        return date
    return date.isoformat()


def _batches(donnees: Any) -> Iterable[pa.RecordBatch]:
    if isinstance(donnees, pa.RecordBatch):
        return [donnees]
    if isinstance(donnees, pa.Table):
        return donnees.to_batches()
    module = type(donnees).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(donnees, preserve_index=False).to_batches()
    if module == "polars":
        return donnees.to_arrow().to_batches()
    if hasattr(donnees, "__arrow_c_stream__"):
        return pa.table(donnees).to_batches()
    raise TypeError(
        "decide_batch attend une pyarrow.Table, un pyarrow.RecordBatch, un DataFrame pandas "
        f"ou Polars, trouvé {type(donnees).__name__}"
    )


class Engine:
    """Un jeu de règles compilé, prêt à décider des dossiers (partageable entre fils)."""

    def __init__(self, chemin: str | os.PathLike[str]) -> None:
        self._chemin = os.fspath(chemin)
        self._engine = _NativeEngine(self._chemin)

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        # Pickled as its path (Spark sends it to the executors): recompiled where it lands.
        return (Engine, (self._chemin,))

    @property
    def jeu_de_regles(self) -> str:
        """Le nom du jeu de règles (``val-doise``)."""
        return self._engine.jeu_de_regles

    @property
    def dispositifs(self) -> list[str]:
        """Les identifiants des dispositifs, dans l'ordre du jeu de règles."""
        return self._engine.dispositifs

    def schema(self) -> dict[str, Any]:
        """Le schéma JSON du dossier (celui de ``socle schema``)."""
        return self._engine.schema()

    def decide(
        self,
        dossier: Mapping[str, Any],
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        explain: bool = False,
    ) -> dict[str, Any]:
        """Décide un dossier ; rend le JSON de ``socle decide --format json``.

        ``date`` (``"AAAA-MM-JJ"`` ou ``datetime.date``) remplace la ``date_demande`` du
        dossier. Un dossier invalide lève ``DossierInvalide`` ; son ``detail`` est l'objet
        ``erreur`` de ``socle decide`` (``chemin``, ``attendu``, ``trouve``, ``erreurs``).
        """
        return self._engine.decide(
            dossier,
            list(dispositifs) if dispositifs is not None else None,
            _date_text(date),
            strict,
            explain,
        )

    def output_schema(self, dispositifs: Sequence[str] | None = None) -> pa.Schema:
        """Le schéma Arrow des colonnes que rend ``decide_batch``."""
        return self._engine.output_schema(list(dispositifs) if dispositifs is not None else None)

    def decide_batches(
        self,
        donnees: Any,
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        fils: int | None = None,
    ) -> Iterator[pa.RecordBatch]:
        """Comme ``decide_batch``, lot par lot (pour ``mapInArrow`` de Spark)."""
        selection = list(dispositifs) if dispositifs is not None else None
        for batch in _batches(donnees):
            yield from self._engine.decide_record_batch(
                batch, selection, _date_text(date), strict, fils
            )

    def decide_batch(
        self,
        donnees: Any,
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        fils: int | None = None,
    ) -> pa.Table:
        """Décide chaque ligne d'une table de dossiers ; rend une table alignée ligne à ligne.

        ``fils`` : nombre de fils de décision (par défaut : un par cœur).
        """
        batches = list(self.decide_batches(donnees, dispositifs, date, strict=strict, fils=fils))
        return pa.Table.from_batches(batches, schema=self.output_schema(dispositifs))

    def __repr__(self) -> str:
        return f"socle.Engine({self.jeu_de_regles!r})"
