//! What the camera registry's write requests carry, parsed into domain values at the edge:
//! an edit's partial body, and the format of an upload.

use crate::domain::{
    CameraChange, FieldOfView, Heading, LonLat, StreamUrl, non_empty, parse_kind, parse_status,
};
use crate::http::ApiError;
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Deserializer};

/// `PATCH /api/cameras/{id}`: every field optional, absent (or null) = unchanged, except
/// `heading_deg` and `fov_deg`, where null clears the value. `lon` and `lat` come together.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[expect(
    clippy::option_option,
    reason = "absent, null and a number mean keep, clear and set, as in `CameraChange`"
)]
pub(super) struct ChangeBody {
    name: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    kind: Option<String>,
    stream_url: Option<String>,
    status: Option<String>,
    #[serde(default, deserialize_with = "present")]
    heading_deg: Option<Option<f64>>,
    #[serde(default, deserialize_with = "present")]
    fov_deg: Option<Option<f64>>,
}

/// A field that is there, null or not: `Some(None)` for null, as absent fields default
/// to `None`.
#[expect(clippy::option_option, reason = "see `ChangeBody`")]
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

impl ChangeBody {
    /// The change, every field checked; a half position is refused.
    pub(super) fn parse(self) -> Result<CameraChange, ApiError> {
        let location = match (self.lon, self.lat) {
            (Some(lon), Some(lat)) => Some(LonLat::new(lon, lat)?),
            (None, None) => None,
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_coordinate",
                    "lon and lat move a camera together: give both or neither",
                ));
            }
        };
        Ok(CameraChange {
            name: self.name.map(|n| non_empty("name", &n)).transpose()?,
            location,
            kind: self.kind.map(|k| parse_kind(&k)).transpose()?,
            stream_url: (self.stream_url.map(|u| StreamUrl::parse(u.trim()))).transpose()?,
            status: self.status.map(|s| parse_status(&s)).transpose()?,
            heading: (self.heading_deg)
                .map(|h| h.map(Heading::new).transpose())
                .transpose()?,
            field_of_view: (self.fov_deg)
                .map(|f| f.map(FieldOfView::new).transpose())
                .transpose()?,
        })
    }
}

/// How an upload of cameras is written, by its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum UploadFormat {
    /// A GeoJSON FeatureCollection: `application/geo+json` or `application/json`.
    GeoJson,
    /// CSV with the camera header: `text/csv`.
    Csv,
}

impl UploadFormat {
    /// The format the request's `Content-Type` names; any other is a 415.
    pub(super) fn of(headers: &HeaderMap) -> Result<Self, ApiError> {
        let media = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        match media.as_deref() {
            Some("application/geo+json" | "application/json") => Ok(Self::GeoJson),
            Some("text/csv") => Ok(Self::Csv),
            _ => Err(ApiError::Status {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                message: "send cameras as application/geo+json, application/json or text/csv"
                    .into(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<CameraChange, ApiError> {
        serde_json::from_str::<ChangeBody>(json)
            .expect("a body")
            .parse()
    }

    #[test]
    fn null_clears_the_heading_and_absence_leaves_it() {
        let cleared = parse(r#"{"heading_deg":null}"#).expect("valid");
        assert_eq!(cleared.heading, Some(None));
        assert_eq!(cleared.field_of_view, None, "absent: unchanged");
        let set = parse(r#"{"heading_deg":270,"fov_deg":360}"#).expect("valid");
        assert_eq!(set.heading.flatten().map(Heading::degrees), Some(270.0));
        assert_eq!(
            set.field_of_view.flatten().map(FieldOfView::degrees),
            Some(360.0)
        );
    }

    #[test]
    fn a_move_needs_both_coordinates() {
        let moved = parse(r#"{"lon":119.7,"lat":31.1}"#).expect("valid");
        assert!(moved.location.is_some());
        for half in [r#"{"lon":119.7}"#, r#"{"lat":31.1}"#] {
            assert!(parse(half).is_err(), "{half} passed");
        }
    }

    #[test]
    fn the_content_type_picks_the_format() {
        let of = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, value.parse().expect("a header value"));
            UploadFormat::of(&headers).ok()
        };
        assert_eq!(of("text/csv; charset=utf-8"), Some(UploadFormat::Csv));
        assert_eq!(of("application/geo+json"), Some(UploadFormat::GeoJson));
        assert_eq!(of("Application/JSON"), Some(UploadFormat::GeoJson));
        assert_eq!(of("text/plain"), None);
        assert!(UploadFormat::of(&HeaderMap::new()).is_err(), "none given");
    }
}
