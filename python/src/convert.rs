//! Python objects to dossier JSON and published JSON back to Python objects. Numbers keep
//! their exact text (an `int` of any size, a `float` through its shortest `repr`, a
//! `decimal.Decimal` as its string), dates (`datetime.date`) become ISO strings; anything else
//! is a `TypeError` naming the JSON path where it was found.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value as Json};

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn number(text: &str, path: &str) -> PyResult<Json> {
    serde_json::from_str::<Number>(text)
        .map(Json::Number)
        .map_err(|_| {
            PyValueError::new_err(format!(
                "`{path}` : nombre {text} illisible (les nombres infinis ou NaN ne sont pas des valeurs de dossier)"
            ))
        })
}

/// The JSON of a Python value found at `path` in the dossier.
pub fn py_to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Json> {
    if value.is_none() {
        return Ok(Json::Null);
    }
    if value.is_instance_of::<PyBool>() {
        return Ok(Json::Bool(value.extract::<bool>()?));
    }
    if value.is_instance_of::<PyInt>() {
        return number(&value.str()?.to_cow()?, path);
    }
    if value.is_instance_of::<PyFloat>() {
        return number(&value.repr()?.to_cow()?, path);
    }
    if value.is_instance_of::<PyString>() {
        return Ok(Json::String(value.extract::<String>()?));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut object = Map::new();
        for (key, item) in dict.iter() {
            let key: String = key.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "`{path}` : les clés d'un dossier sont des textes, trouvé {}",
                    key.repr().map(|r| r.to_string()).unwrap_or_default()
                ))
            })?;
            let inner = py_to_json(&item, &child(path, &key))?;
            object.insert(key, inner);
        }
        return Ok(Json::Object(object));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in value.try_iter()?.enumerate() {
            items.push(py_to_json(&item?, &format!("{path}[{i}]"))?);
        }
        return Ok(Json::Array(items));
    }
    let py = value.py();
    let decimal = py.import("decimal")?.getattr("Decimal")?;
    if value.is_instance(&decimal)? {
        return Ok(Json::String(value.str()?.to_cow()?.into_owned()));
    }
    let date = py.import("datetime")?.getattr("date")?;
    let datetime = py.import("datetime")?.getattr("datetime")?;
    if value.is_instance(&date)? && !value.is_instance(&datetime)? {
        return Ok(Json::String(
            value.call_method0("isoformat")?.extract::<String>()?,
        ));
    }
    Err(PyTypeError::new_err(format!(
        "`{path}` : valeur de type {} impossible à lire dans un dossier (attendu : dict, list, str, int, float, bool, None, decimal.Decimal ou datetime.date)",
        value.get_type().name()?
    )))
}

/// The Python value of published JSON: `dict`, `list`, `str`, `int`, `bool`, `None` (a
/// number that is not an integer, which the published form never has, becomes a `float`).
pub fn json_to_py<'py>(py: Python<'py>, value: &Json) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Json::Null => py.None().into_bound(py),
        Json::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Json::String(s) => PyString::new(py, s).into_any(),
        Json::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Json::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, json_to_py(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
