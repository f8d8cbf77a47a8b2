"""Types publics du paquet socle."""

import os
from typing import Any, Iterator, Mapping, Sequence

import pyarrow as pa

__all__ = ["Engine", "DossierInvalide", "ErreurJeuDeRegles", "SocleErreur"]

class SocleErreur(Exception):
    """Classe commune des erreurs de Socle."""

class ErreurJeuDeRegles(SocleErreur):
    """Le jeu de règles est introuvable ou ne compile pas."""

class DossierInvalide(SocleErreur):
    """Le dossier ne peut pas être décidé."""

    detail: dict[str, Any]
    """L'objet ``erreur`` de ``socle decide`` : ``type``, ``chemin``, ``attendu``, ``trouve``,
    ``message``, ``erreurs``."""

class Engine:
    """Un jeu de règles compilé, prêt à décider des dossiers."""

    def __init__(self, chemin: str | os.PathLike[str]) -> None: ...
    @property
    def jeu_de_regles(self) -> str: ...
    @property
    def dispositifs(self) -> list[str]: ...
    def schema(self) -> dict[str, Any]: ...
    def decide(
        self,
        dossier: Mapping[str, Any],
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        explain: bool = False,
    ) -> dict[str, Any]: ...
    def output_schema(self, dispositifs: Sequence[str] | None = None) -> pa.Schema: ...
    def decide_batches(
        self,
        donnees: Any,
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        fils: int | None = None,
    ) -> Iterator[pa.RecordBatch]: ...
    def decide_batch(
        self,
        donnees: Any,
        dispositifs: Sequence[str] | None = None,
        date: Any = None,
        *,
        strict: bool = False,
        fils: int | None = None,
    ) -> pa.Table: ...
