//! Photos: `POST /api/photos` (multipart, field `photo`) stores a checked, re-encoded photo
//! and its thumbnail and answers with its id, which a report or a step then names;
//! `GET /api/photos/{id}` and `GET /api/photos/{id}/thumbnail` serve them.

use super::auth::{Access, Routes};
use super::extract::Path;
use super::incidents::view::photo_links;
use super::{ApiError, AppState};
use crate::config::ServeConfig;
use crate::domain::Permission;
use crate::media::{self, PhotoError};
use crate::store::NewPhoto;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::handler::Handler;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::json;

/// Room for the multipart envelope around the photo itself.
const ENVELOPE_BYTES: usize = 64 * 1024;

/// Who may upload a photo: with an incident report, a step or an alert.
const UPLOADERS: Access = Access::AnyOf(&[
    Permission::IncidentsReport,
    Permission::IncidentsHandle,
    Permission::AlertsRaise,
]);

/// Who may see photos at all; each photo is shown only with what it belongs to.
const VIEWERS: Access = Access::AnyOf(&[
    Permission::IncidentsRead,
    Permission::IncidentsReadAssigned,
    Permission::IncidentsReadDepartment,
    Permission::AlertsRead,
]);

/// Routes of this resource.
pub fn router(config: &ServeConfig) -> Routes {
    let limit = DefaultBodyLimit::max(config.photo_max_bytes.saturating_add(ENVELOPE_BYTES));
    Routes::new()
        .post("/photos", UPLOADERS, upload.layer(limit))
        .get("/photos/{id}", VIEWERS, full)
        .get("/photos/{id}/thumbnail", VIEWERS, thumbnail)
}

impl From<PhotoError> for ApiError {
    fn from(e: PhotoError) -> Self {
        let status = match &e {
            PhotoError::Encode(_) => return Self::Internal(e.to_string()),
            PhotoError::Empty => StatusCode::BAD_REQUEST,
            PhotoError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            PhotoError::UnsupportedType { .. } | PhotoError::TypeMismatch { .. } => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        Self::Status {
            status,
            code: e.code(),
            message: e.to_string(),
        }
    }
}

/// A multipart body that could not be read, in the JSON error shape.
pub(super) fn multipart_error(e: &axum::extract::multipart::MultipartError) -> ApiError {
    let status = e.status();
    let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
        "photo_too_large"
    } else {
        "invalid_multipart"
    };
    ApiError::Status {
        status,
        code,
        message: e.body_text(),
    }
}

async fn upload(State(state): State<AppState>, mut form: Multipart) -> Result<Response, ApiError> {
    let mut upload = None;
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() == Some("photo") {
            let declared = field.content_type().map(str::to_owned);
            let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
            upload = Some((bytes, declared));
            break;
        }
    }
    let (bytes, declared) = upload.ok_or_else(|| {
        ApiError::bad_request("invalid_multipart", "the form has no \"photo\" file field")
    })?;
    let stored = process(&state, bytes, declared).await?;
    let id = state.store.insert_photo(&stored).await?;
    let mut body = photo_links(id);
    body["width"] = json!(stored.width);
    body["height"] = json!(stored.height);
    body["content_type"] = json!(stored.content_type);
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// Checks an uploaded image, turns it upright, re-encodes it without metadata and makes
/// its thumbnail, off the async workers: ready to store.
pub(super) async fn process(
    state: &AppState,
    bytes: bytes::Bytes,
    declared: Option<String>,
) -> Result<NewPhoto, ApiError> {
    let limits = state.limits.photo;
    // Decoding and encoding take milliseconds to seconds of CPU: off the async workers.
    let photo =
        tokio::task::spawn_blocking(move || media::process(&bytes, declared.as_deref(), &limits))
            .await
            .map_err(|e| ApiError::Internal(format!("photo processing failed: {e}")))??;
    Ok(NewPhoto {
        content_type: photo.content_type.to_owned(),
        width: photo.width,
        height: photo.height,
        data: photo.data,
        thumbnail: photo.thumbnail,
        uploaded_at: Utc::now(),
    })
}

async fn serve(state: &AppState, id: i64, thumbnail: bool) -> Result<Response, ApiError> {
    let photo = state.store.photo(id, thumbnail).await?;
    Ok((
        [
            (header::CONTENT_TYPE, photo.content_type),
            // A stored photo never changes.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_owned(),
            ),
        ],
        photo.data,
    )
        .into_response())
}

async fn full(State(state): State<AppState>, Path(id): Path<i64>) -> Result<Response, ApiError> {
    serve(&state, id, false).await
}

async fn thumbnail(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    serve(&state, id, true).await
}
