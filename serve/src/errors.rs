//! Errors as HTTP responses: the CLI's JSON error (`{"erreur": {"type", "message", …}}`) with
//! the status that says whose fault it is.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value as Json};
use socle_runtime::batch_line;
pub use socle_runtime::Refusal;
use socle_runtime::{DossierError, DossierErrorKind, DossierErrors};

/// The HTTP status of a refusal: whose fault it is.
pub trait HttpStatus {
    /// 400 for text that is not JSON, 413 for a dossier over a size limit, 422 otherwise.
    fn status(&self) -> StatusCode;
}

impl HttpStatus for Refusal {
    fn status(&self) -> StatusCode {
        match self {
            Refusal::Invalid(e) if kind(e) == Some(DossierErrorKind::Syntax) => {
                StatusCode::BAD_REQUEST
            }
            Refusal::Invalid(e) if kind(e) == Some(DossierErrorKind::Limit) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

fn kind(e: &DossierErrors) -> Option<DossierErrorKind> {
    e.first().map(DossierError::kind)
}

/// An error response: a status and the `erreur` object.
pub struct ApiError {
    pub status: StatusCode,
    pub body: Json,
}

impl ApiError {
    /// An error of type `kind` with a French `message`.
    pub fn new(status: StatusCode, kind: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: json!({ "type": kind, "message": message.into() }),
        }
    }

    pub fn unknown_ruleset(name: &str, known: &[String]) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "jeu_de_regles_inconnu",
            format!(
                "jeu de règles inconnu : `{name}` ; jeux de règles en service : {}",
                known.join(", ")
            ),
        )
    }

    pub fn bad_query(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "parametre_invalide", message)
    }

    pub fn too_large(max: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "dossier_trop_grand",
            too_large_message(max),
        )
    }

    pub fn timeout(limit: std::time::Duration) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "delai_depasse",
            format!(
                "la requête a dépassé le délai de {} s ; réessayez plus tard",
                limit.as_secs_f64()
            ),
        )
    }

    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "erreur_interne",
            format!("erreur interne du service : {message}"),
        )
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        ApiError {
            status: refusal.status(),
            body: refusal.to_json(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(json!({ "erreur": self.body }))).into_response()
    }
}

/// The CLI's message for a dossier over the size limit.
pub fn too_large_message(max: usize) -> String {
    batch_line::too_large_message(max as u64)
}

pub use socle_runtime::batch_line::not_utf8_message;
