//! One error type for the API, mapped to a status and the fixed JSON shape in one place:
//! `{"error":{"code":"…","message":"…"}}`.

use crate::domain::{CameraError, CoordError};
use crate::import::{FeatureProblem, ImportError};
use crate::store::StoreError;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An API failure. Client mistakes carry a message meant for the client; internal causes
/// are logged and never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request is malformed: `code` names the kind of problem.
    #[error("{message}")]
    BadRequest {
        /// Machine-readable kind, e.g. `invalid_parameter`.
        code: &'static str,
        /// What is wrong, for a person.
        message: String,
    },
    /// A path or resource that does not exist; holds what, e.g. `grid 42`.
    #[error("{0} not found")]
    NotFound(String),
    /// The request conflicts with stored data.
    #[error("{0}")]
    Conflict(String),
    /// Features of an upload were refused; each is listed.
    #[error("{} feature(s) rejected", .0.len())]
    InvalidFeatures(Vec<FeatureProblem>),
    /// A change set that still has problems (422); they are sent as a GeoJSON
    /// FeatureCollection beside the error.
    #[error("{message}")]
    Problems {
        /// What is wrong, for a person.
        message: String,
        /// The problems, as `problems_json` renders them.
        problems: serde_json::Value,
    },
    /// A status other than the usual ones (413, 405, 415…) with its own message.
    #[error("{message}")]
    Status {
        /// The HTTP status.
        status: StatusCode,
        /// Machine-readable kind.
        code: &'static str,
        /// For a person.
        message: String,
    },
    /// Something failed on our side; the cause is logged, not sent.
    #[error("internal error")]
    Internal(String),
}

impl ApiError {
    /// A 400 with the given kind and message.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }

    fn parts(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::InvalidFeatures(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_features"),
            Self::Problems { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "problems"),
            Self::Status { status, code, .. } => (*status, code),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.parts();
        let mut body = json!({ "error": { "code": code, "message": self.to_string() } });
        match self {
            Self::Internal(cause) => tracing::error!(%cause, "request failed"),
            Self::InvalidFeatures(problems) => body["error"]["features"] = json!(problems),
            Self::Problems { problems, .. } => body["problems"] = problems,
            _ => {}
        }
        (status, Json(body)).into_response()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::Invalid(message) => Self::Status {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid",
                message,
            },
            StoreError::Stale(message) => Self::Status {
                status: StatusCode::PRECONDITION_FAILED,
                code: "precondition_failed",
                message,
            },
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<CoordError> for ApiError {
    fn from(e: CoordError) -> Self {
        ApiError::bad_request("invalid_coordinate", e.to_string())
    }
}

impl From<CameraError> for ApiError {
    fn from(e: CameraError) -> Self {
        match e {
            CameraError::Coord(e) => e.into(),
            other => ApiError::bad_request("invalid_parameter", other.to_string()),
        }
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Format(message) => Self::bad_request("invalid_file", message),
            ImportError::Features(problems) => Self::InvalidFeatures(problems),
            ImportError::Store(e) => e.into(),
        }
    }
}
