//! The HTTP routes and their handlers.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post, MethodRouter};
use axum::{Json as JsonBody, Router};
use futures_util::StreamExt;
use serde_json::{json, Value as Json};
use socle_runtime::ir::{ParamValue, Program};
use socle_runtime::render::value_to_json;
use socle_runtime::{Decided, Decider, Decision, Engine};

use crate::errors::{not_utf8_message, ApiError, Refusal};
use crate::query;
use crate::AppState;

/// Every route of [`crate::openapi::ROUTES`], with the shared state: the document lists
/// exactly what the router serves.
pub(crate) fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for &(method, path) in crate::openapi::ROUTES {
        let handler: MethodRouter<AppState> = match (method, path) {
            ("post", "/decider/{ruleset}") => post(decide),
            ("post", "/decider/{ruleset}/lot") => post(crate::lot::lot),
            ("get", "/regles/{ruleset}") => get(rules),
            ("get", "/schema/{ruleset}") => get(schema),
            ("get", "/sante") => get(health),
            ("get", "/openapi.json") => get(openapi),
            _ => any(unknown_route),
        };
        router = router.route(path, handler);
    }
    router.fallback(unknown_route).with_state(state)
}

/// A ruleset's engine and the decision options of a request, checked before any body is read.
pub(crate) struct Prepared {
    decider: Decider,
}

impl Prepared {
    pub fn new(state: &AppState, name: &str, raw_query: Option<&str>) -> Result<Self, ApiError> {
        let engine = ruleset_engine(state, name)?;
        let query = query::parse(raw_query).map_err(ApiError::bad_query)?;
        let decider = Decider::new(engine, query.date, &query.dispositifs, query.strict)
            .map_err(|e| ApiError::bad_query(e.to_string()))?;
        Ok(Prepared {
            decider: decider.with_explain(query.explain),
        })
    }

    /// Decodes and decides one dossier, exactly as `socle decide` does.
    pub fn decide(&self, text: &str) -> Result<Decided, Refusal> {
        self.decider.decide(text)
    }

    /// Decodes and decides one dossier over `decision` (reused from line to line) and appends
    /// its line object to `out`, as `socle batch` does; says whether it was fully decided.
    pub fn decide_text_into(&self, text: &str, decision: &mut Decision, out: &mut Vec<u8>) -> bool {
        self.decider.decide_text_into(text, decision, out)
    }

    /// A decision to decide over with [`Prepared::decide_text_into`].
    pub fn empty_decision(&self) -> Decision {
        self.decider.engine().empty_decision()
    }
}

fn ruleset_engine(state: &AppState, name: &str) -> Result<Engine, ApiError> {
    let rulesets = state.registry.current();
    rulesets
        .get(name)
        .cloned()
        .ok_or_else(|| ApiError::unknown_ruleset(name, &rulesets.names()))
}

/// Reads a whole body of at most `max` bytes as UTF-8 text.
async fn read_body(body: Body, max: usize) -> Result<String, ApiError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "lecture_impossible",
                format!("lecture du corps de la requête impossible ({e})"),
            )
        })?;
        if bytes.len().saturating_add(chunk.len()) > max {
            return Err(ApiError::too_large(max));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "encodage_invalide",
            not_utf8_message(e.utf8_error().valid_up_to()),
        )
    })
}

async fn decide(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw_query): RawQuery,
    body: Body,
) -> Response {
    let limit = state.time_limit;
    let work = async {
        let prepared = Prepared::new(&state, &name, raw_query.as_deref())?;
        let text = read_body(body, state.max_body).await?;
        tokio::task::spawn_blocking(move || {
            prepared
                .decide(&text)
                .map(|d| d.to_json())
                .map_err(ApiError::from)
        })
        .await
        .map_err(ApiError::internal)?
    };
    match tokio::time::timeout(limit, work).await {
        Ok(Ok(decision)) => JsonBody(decision).into_response(),
        Ok(Err(error)) => error.into_response(),
        Err(_) => ApiError::timeout(limit).into_response(),
    }
}

/// A dated version's bounds, as the decision's trace writes them.
fn period(from: chrono::NaiveDate, until: Option<chrono::NaiveDate>) -> (Json, Json) {
    (json!(from.to_string()), json!(until.map(|d| d.to_string())))
}

/// What a ruleset decides and with which dated figures.
pub(crate) fn describe(p: &Program) -> Json {
    let dispositifs: Vec<Json> = p
        .dispositifs
        .iter()
        .map(|d| {
            json!({
                "id": d.name,
                "titre": d.title,
                "conditions": d.conditions.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
                "valeurs": d.outputs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let parametres: Vec<Json> = p
        .params
        .iter()
        .map(|param| {
            let versions: Vec<Json> = param
                .versions
                .iter()
                .map(|v| {
                    let (from, until) = period(v.from, v.until);
                    let value = match &v.value {
                        ParamValue::Scalar(value) => value_to_json(value, &param.ty, &p.enums),
                        ParamValue::Table(rows) => rows
                            .iter()
                            .map(|(key, value)| {
                                let key_ty = param.key_ty.as_ref().unwrap_or(&param.ty);
                                json!({
                                    "cle": value_to_json(key, key_ty, &p.enums),
                                    "valeur": value_to_json(value, &param.ty, &p.enums),
                                })
                            })
                            .collect(),
                    };
                    json!({ "a_partir_du": from, "jusqu_au": until, "valeur": value })
                })
                .collect();
            json!({ "nom": param.name, "versions": versions })
        })
        .collect();
    let baremes: Vec<Json> = p
        .baremes
        .iter()
        .map(|b| {
            let versions: Vec<Json> = b
                .versions
                .iter()
                .map(|v| {
                    let (from, until) = period(v.from, v.until);
                    json!({
                        "a_partir_du": from,
                        "jusqu_au": until,
                        "tranches": v.rows.iter().map(|r| json!({
                            "tranche": r.number,
                            "valeur": value_to_json(&r.value, &b.output_ty, &p.enums),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "nom": b.name, "versions": versions })
        })
        .collect();
    json!({
        "jeu_de_regles": p.ruleset,
        "dispositifs": dispositifs,
        "parametres": parametres,
        "baremes": baremes,
    })
}

async fn rules(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match ruleset_engine(&state, &name) {
        Ok(engine) => JsonBody(describe(engine.program())).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn schema(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match ruleset_engine(&state, &name) {
        Ok(engine) => JsonBody(engine.json_schema()).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn health(State(state): State<AppState>) -> Response {
    let rulesets: Arc<crate::Rulesets> = state.registry.current();
    JsonBody(json!({ "statut": "ok", "jeux_de_regles": rulesets.names() })).into_response()
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        crate::openapi::document().to_string(),
    )
        .into_response()
}

async fn unknown_route() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "route_inconnue",
        "route inconnue ; les routes sont décrites dans /openapi.json",
    )
    .into_response()
}
