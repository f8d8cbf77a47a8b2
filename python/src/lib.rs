//! `socle._socle`: the native half of the `socle` Python package (the Python half,
//! `socle/__init__.py`, accepts tables, pandas and Polars frames and builds the result table).
//!
//! An `Engine` compiles a ruleset directory with the compiler, like `socle decide` does, then
//! decides a dossier given as a `dict` (the result is the JSON of `socle decide --format json`
//! as Python objects) or a whole Arrow record batch (through `socle_columnar`, shared with
//! `socle batch --entree/--sortie`). Deciding a batch releases the GIL and uses every core.
//! Nothing panics on user input: every error is a Python exception with a French message.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod convert;

use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;
use arrow_pyarrow::PyArrowType;
use arrow_schema::Schema;
use chrono::NaiveDate;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use socle_columnar::DecideColumns;
use socle_compiler::Session;
use socle_runtime::Decider;

create_exception!(
    socle,
    SocleErreur,
    PyException,
    "Erreur de Socle (classe commune des erreurs du paquet)."
);
create_exception!(
    socle,
    ErreurJeuDeRegles,
    SocleErreur,
    "Le jeu de règles est introuvable ou ne compile pas ; le message donne les diagnostics."
);
create_exception!(
    socle,
    DossierInvalide,
    SocleErreur,
    "Le dossier ne peut pas être décidé ; `detail` est l'objet `erreur` de `socle decide` (type, chemin, attendu, trouve, erreurs)."
);

/// Compiles the ruleset at `path` (a ruleset directory or one `.socle` file).
fn compile(path: &Path) -> Result<socle_runtime::Engine, String> {
    Session::new().engine(path).map_err(|e| e.to_string())
}

fn parse_date(date: Option<&str>) -> PyResult<Option<NaiveDate>> {
    date.map(|d| {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
            PyValueError::new_err(format!(
                "date {d} : date AAAA-MM-JJ attendue (par exemple 2024-11-19)"
            ))
        })
    })
    .transpose()
}

/// A compiled ruleset, ready to decide dossiers; shareable between threads.
#[pyclass(frozen, module = "socle._socle")]
struct Engine {
    engine: socle_runtime::Engine,
    path: PathBuf,
}

impl Engine {
    fn decider(
        &self,
        dispositifs: Option<Vec<String>>,
        date: Option<&str>,
        strict: bool,
    ) -> PyResult<Decider> {
        let date = parse_date(date)?;
        Decider::new(
            self.engine.clone(),
            date,
            &dispositifs.unwrap_or_default(),
            strict,
        )
        .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}

#[pymethods]
impl Engine {
    /// Compile le jeu de règles (dossier d'un jeu de règles, ou un fichier `.socle`).
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> PyResult<Engine> {
        let compiled = py.detach(|| compile(&path));
        let engine = compiled.map_err(ErreurJeuDeRegles::new_err)?;
        Ok(Engine { engine, path })
    }

    /// Le nom du jeu de règles (`val-doise`).
    #[getter]
    fn jeu_de_regles(&self) -> String {
        self.engine.program().ruleset.clone()
    }

    /// Le chemin d'où le jeu de règles a été compilé.
    #[getter]
    fn chemin(&self) -> PathBuf {
        self.path.clone()
    }

    /// Les identifiants des dispositifs, dans l'ordre du jeu de règles.
    #[getter]
    fn dispositifs(&self) -> Vec<String> {
        let program = self.engine.program();
        program.dispositifs.iter().map(|d| d.name.clone()).collect()
    }

    /// Le schéma JSON du dossier (celui de `socle schema`), en objets Python.
    fn schema<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::json_to_py(py, &self.engine.json_schema())
    }

    /// Décide un dossier (un `dict` comme le JSON de `socle decide`) ; rend le JSON de
    /// `socle decide --format json` en objets Python. Un dossier invalide lève
    /// `DossierInvalide` (son `detail` donne les chemins JSON fautifs).
    #[pyo3(signature = (dossier, dispositifs=None, date=None, strict=false, explain=false))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        dossier: &Bound<'py, PyAny>,
        dispositifs: Option<Vec<String>>,
        date: Option<&str>,
        strict: bool,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let decider = self
            .decider(dispositifs, date, strict)?
            .with_explain(explain);
        let json = convert::py_to_json(dossier, "")?;
        match decider.decide_json(&json) {
            Ok(decided) => convert::json_to_py(py, &decided.to_json()),
            Err(refusal) => {
                let error = DossierInvalide::new_err(refusal.message());
                let detail = convert::json_to_py(py, &refusal.to_json())?;
                error.value(py).setattr("detail", detail)?;
                Err(error)
            }
        }
    }

    /// Le schéma Arrow des colonnes que rend `decide_batch` pour ces dispositifs.
    #[pyo3(signature = (dispositifs=None))]
    fn output_schema(&self, dispositifs: Option<Vec<String>>) -> PyResult<PyArrowType<Schema>> {
        let decider = self.decider(dispositifs, None, false)?;
        Ok(PyArrowType(decider.output_schema(false).as_ref().clone()))
    }

    /// Décide chaque ligne d'un `pyarrow.RecordBatch` ; rend les lots de résultats, dans
    /// l'ordre des lignes (le module Python en fait une table). Une ligne invalide a son
    /// `erreur` ; seule une colonne d'un type illisible lève une exception.
    #[pyo3(signature = (batch, dispositifs=None, date=None, strict=false, threads=None))]
    fn decide_record_batch(
        &self,
        py: Python<'_>,
        batch: PyArrowType<RecordBatch>,
        dispositifs: Option<Vec<String>>,
        date: Option<&str>,
        strict: bool,
        threads: Option<usize>,
    ) -> PyResult<Vec<PyArrowType<RecordBatch>>> {
        let decider = self.decider(dispositifs, date, strict)?;
        let threads = threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let batch = batch.0;
        let decided = py.detach(|| decider.decide_batch(&batch, threads, None));
        let (batches, _) = decided.map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(batches.into_iter().map(PyArrowType).collect())
    }
}

/// The native module: `Engine` and the exceptions.
#[pymodule]
fn _socle(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Engine>()?;
    m.add("SocleErreur", py.get_type::<SocleErreur>())?;
    m.add("ErreurJeuDeRegles", py.get_type::<ErreurJeuDeRegles>())?;
    m.add("DossierInvalide", py.get_type::<DossierInvalide>())?;
    Ok(())
}
