//! Extractors that turn axum's rejections into [`ApiError`], so that a malformed query
//! string or body gets the same JSON error shape as every other client mistake.

use super::ApiError;
use axum::extract::rejection::{BytesRejection, JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;

/// `axum::extract::Query` with JSON errors.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e: QueryRejection| {
                ApiError::bad_request(
                    "invalid_query",
                    e.body_text()
                        .replace("Failed to deserialize query string: ", ""),
                )
            })
    }
}

/// `axum::extract::Path` with JSON errors.
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| Self(v))
            .map_err(|e: PathRejection| ApiError::bad_request("invalid_path", e.body_text()))
    }
}

/// `axum::Json` with JSON errors; an over-long body is a 413.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Json::from_request(req, state)
            .await
            .map(|axum::Json(v)| Self(v))
            .map_err(|e: JsonRejection| {
                let status = e.status();
                let code = match &e {
                    JsonRejection::JsonDataError(_) => "invalid_body",
                    JsonRejection::JsonSyntaxError(_) => "malformed_json",
                    JsonRejection::MissingJsonContentType(_) => "unsupported_media_type",
                    _ if status == StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
                    _ => "invalid_body",
                };
                ApiError::Status {
                    status,
                    code,
                    message: e.body_text(),
                }
            })
    }
}

/// An optional JSON body: a request without a body or `content-type` gives `None`; any
/// other must be JSON, with the errors of [`Json`].
impl<T: DeserializeOwned, S: Send + Sync> axum::extract::OptionalFromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, ApiError> {
        use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
        let headers = req.headers();
        let length = headers.get(CONTENT_LENGTH);
        let no_body = length.is_some_and(|v| v.as_bytes() == b"0")
            || (length.is_none() && !headers.contains_key(TRANSFER_ENCODING));
        if no_body && !headers.contains_key(CONTENT_TYPE) {
            return Ok(None);
        }
        <Self as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// The body's bytes, for uploads in formats other than JSON; an over-long body is a 413
/// in JSON like every other.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        Bytes::from_request(req, state)
            .await
            .map(Self)
            .map_err(|e: BytesRejection| {
                let status = e.status();
                let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "body_too_large"
                } else {
                    "invalid_body"
                };
                ApiError::Status {
                    status,
                    code,
                    message: e.body_text(),
                }
            })
    }
}

/// `axum::Form` with JSON errors.
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        axum::Form::from_request(req, state)
            .await
            .map(|axum::Form(v)| Self(v))
            .map_err(
                |e: axum::extract::rejection::FormRejection| ApiError::Status {
                    status: e.status(),
                    code: "invalid_form",
                    message: e.body_text(),
                },
            )
    }
}

/// How many items one answer may hold: every list's `limit` (and the nearest workers'
/// `k`) is read by this one rule. Absent, it is `default`; outside `1..=max` it is a 400
/// naming the range, never clamped, so a client learns its page is not what it asked for.
#[derive(Debug, Clone, Copy)]
pub struct PageSize {
    /// The query parameter, for the error message.
    pub param: &'static str,
    /// The page size when the query gives none.
    pub default: u32,
    /// The largest page size accepted.
    pub max: u32,
}

impl PageSize {
    /// The page size `limit` asks for.
    pub fn of(self, limit: Option<u32>) -> Result<u32, ApiError> {
        let limit = limit.unwrap_or(self.default);
        if (1..=self.max).contains(&limit) {
            Ok(limit)
        } else {
            Err(ApiError::bad_request(
                "invalid_parameter",
                format!("{} must be 1 to {} (got {limit})", self.param, self.max),
            ))
        }
    }
}
