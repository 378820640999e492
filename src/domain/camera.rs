//! Video cameras (雪亮工程): each belongs to the grids that contain it.
//!
//! A camera's grid chain is never stored: it is computed from the grid index whenever a
//! camera is read, so a move, or a new boundary, shows in the chain at once.

use super::{CoordError, LonLat, UnknownWord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Store-assigned identifier of a camera.
pub type CameraId = i64;

text_enum! {
    /// What sort of camera it is.
    pub enum CameraKind {
        /// Fixed bullet camera (枪机).
        Bullet => "bullet",
        /// Pan-tilt-zoom dome (球机).
        Dome => "dome",
        /// Face-capture checkpoint (人脸卡口).
        FaceCheckpoint => "face_checkpoint",
        /// Vehicle checkpoint (车辆卡口).
        VehicleCheckpoint => "vehicle_checkpoint",
    }
}

text_enum! {
    /// Whether the command platform receives the camera's stream.
    pub enum CameraStatus {
        /// Streaming.
        Online => "online",
        /// Not reachable.
        Offline => "offline",
        /// Reported broken, awaiting repair.
        Fault => "fault",
    }
}

/// Why a camera's field was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CameraError {
    /// A heading outside 0 ≤ h < 360 (or not a number).
    #[error("heading_deg {0} is out of range (0 to less than 360, clockwise from north)")]
    Heading(f64),
    /// A field of view outside 0 < f ≤ 360 (or not a number).
    #[error("fov_deg {0} is out of range (more than 0 to 360)")]
    FieldOfView(f64),
    /// A stream URL that is neither RTSP nor HLS.
    #[error("stream_url {url:?} is not an RTSP or HLS address: {reason}")]
    StreamUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A text field that is empty or only spaces.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// An unknown kind.
    #[error("kind: {0}")]
    Kind(UnknownWord),
    /// An unknown status.
    #[error("status: {0}")]
    Status(UnknownWord),
    /// A bad point.
    #[error(transparent)]
    Coord(#[from] CoordError),
}

/// Gives an angle newtype, whose `new` checks its range, the ways in and out of `f64`
/// that serde and the store use, so the two angles share them.
macro_rules! degrees {
    ($name:ident) => {
        impl $name {
            /// The angle in degrees.
            #[must_use]
            pub fn degrees(self) -> f64 {
                self.0
            }
        }

        impl TryFrom<f64> for $name {
            type Error = CameraError;

            fn try_from(degrees: f64) -> Result<Self, CameraError> {
                Self::new(degrees)
            }
        }

        impl From<$name> for f64 {
            fn from(angle: $name) -> f64 {
                angle.0
            }
        }
    };
}

/// Where a camera looks, in degrees clockwise from north: 0 ≤ h < 360.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Heading(f64);

impl Heading {
    /// Checks that `degrees` is a number from 0 up to, not including, 360.
    pub fn new(degrees: f64) -> Result<Self, CameraError> {
        if (0.0..360.0).contains(&degrees) {
            // `-0.0` passes the range test; store it as 0.
            Ok(Self(degrees + 0.0))
        } else {
            Err(CameraError::Heading(degrees))
        }
    }
}

degrees!(Heading);

/// How wide a camera sees, in degrees: 0 < f ≤ 360 (360 for a dome that sees all round).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct FieldOfView(f64);

impl FieldOfView {
    /// Checks that `degrees` is a number above 0 and at most 360.
    pub fn new(degrees: f64) -> Result<Self, CameraError> {
        if degrees > 0.0 && degrees <= 360.0 {
            Ok(Self(degrees))
        } else {
            Err(CameraError::FieldOfView(degrees))
        }
    }
}

degrees!(FieldOfView);

/// Longest stream URL accepted.
const MAX_URL_LEN: usize = 2048;

/// The address of a camera's stream: `rtsp://` or `rtsps://` with a host, or an HLS
/// playlist, `http://` or `https://` with a host and a path ending in `.m3u8` (a query
/// may follow). Kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub struct StreamUrl(String);

impl StreamUrl {
    /// Checks that `text` is an RTSP or HLS address.
    pub fn parse(text: &str) -> Result<Self, CameraError> {
        let refuse = |reason| CameraError::StreamUrl {
            url: text.to_owned(),
            reason,
        };
        if text.len() > MAX_URL_LEN {
            return Err(refuse("longer than 2048 bytes"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("it contains spaces or control characters"));
        }
        let url = url::Url::parse(text).map_err(|_| refuse("not a URL"))?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(refuse("it names no host"));
        }
        if url.fragment().is_some() {
            return Err(refuse("a fragment (#…) is not allowed"));
        }
        match url.scheme() {
            "rtsp" | "rtsps" => Ok(Self(text.to_owned())),
            "http" | "https" if url.path().to_ascii_lowercase().ends_with(".m3u8") => {
                Ok(Self(text.to_owned()))
            }
            "http" | "https" => Err(refuse("an HLS address's path must end in .m3u8")),
            _ => Err(refuse("the scheme must be rtsp, rtsps, http or https")),
        }
    }

    /// The URL as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<StreamUrl> for String {
    fn from(url: StreamUrl) -> String {
        url.0
    }
}

impl std::fmt::Display for StreamUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored camera.
#[derive(Debug, Clone, PartialEq)]
pub struct Camera {
    /// Identifier.
    pub id: CameraId,
    /// Registry code, unique among all cameras, retired ones included.
    pub code: String,
    /// Display name, in Chinese.
    pub name: String,
    /// Where it stands.
    pub location: LonLat,
    /// Bullet, dome or checkpoint.
    pub kind: CameraKind,
    /// RTSP or HLS address of the stream, as stored: checked as a [`StreamUrl`] on every
    /// write since the registry, but rows imported before it may hold anything.
    pub stream_url: String,
    /// Online, offline or fault.
    pub status: CameraStatus,
    /// Where it looks, when known.
    pub heading: Option<Heading>,
    /// How wide it sees, when known.
    pub field_of_view: Option<FieldOfView>,
    /// When it was taken out of service; a retired camera is kept, but no longer listed.
    pub retired_at: Option<DateTime<Utc>>,
}

impl Camera {
    /// This camera with `change` applied; what the change leaves `None` stays.
    #[must_use]
    pub fn changed(&self, change: &CameraChange) -> Camera {
        Camera {
            name: change.name.clone().unwrap_or_else(|| self.name.clone()),
            location: change.location.unwrap_or(self.location),
            kind: change.kind.unwrap_or(self.kind),
            stream_url: change
                .stream_url
                .as_ref()
                .map_or_else(|| self.stream_url.clone(), |u| u.as_str().to_owned()),
            status: change.status.unwrap_or(self.status),
            heading: change.heading.unwrap_or(self.heading),
            field_of_view: change.field_of_view.unwrap_or(self.field_of_view),
            ..self.clone()
        }
    }
}

/// A camera about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCamera {
    /// Registry code, unique.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Where it stands.
    pub location: LonLat,
    /// Bullet, dome or checkpoint.
    pub kind: CameraKind,
    /// RTSP or HLS address of the stream.
    pub stream_url: StreamUrl,
    /// Online, offline or fault.
    pub status: CameraStatus,
    /// Where it looks, when known.
    pub heading: Option<Heading>,
    /// How wide it sees, when known.
    pub field_of_view: Option<FieldOfView>,
}

/// An edit of a stored camera: each field `None` stays as it is. `heading` and
/// `field_of_view` are `Some(None)` to clear them. A new `location` is a move.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CameraChange {
    /// New display name.
    pub name: Option<String>,
    /// New position.
    pub location: Option<LonLat>,
    /// New kind.
    pub kind: Option<CameraKind>,
    /// New stream address.
    pub stream_url: Option<StreamUrl>,
    /// New status.
    pub status: Option<CameraStatus>,
    /// New heading, or `Some(None)` to clear it.
    pub heading: Option<Option<Heading>>,
    /// New field of view, or `Some(None)` to clear it.
    pub field_of_view: Option<Option<FieldOfView>>,
}

/// A camera as a flat record of plain values, the shape of a CSV row and of the API's
/// create body: `code,name,lon,lat,kind,stream_url,status,heading_deg,fov_deg`.
/// [`NewCamera::try_from`] checks every field.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CameraRecord {
    /// Registry code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// A [`CameraKind`] word.
    pub kind: String,
    /// An RTSP or HLS address.
    pub stream_url: String,
    /// A [`CameraStatus`] word; online when absent or empty.
    #[serde(default)]
    pub status: Option<String>,
    /// Heading in degrees, when known.
    #[serde(default)]
    pub heading_deg: Option<f64>,
    /// Field of view in degrees, when known.
    #[serde(default)]
    pub fov_deg: Option<f64>,
}

impl TryFrom<CameraRecord> for NewCamera {
    type Error = CameraError;

    fn try_from(r: CameraRecord) -> Result<Self, CameraError> {
        Ok(NewCamera {
            code: non_empty("code", &r.code)?,
            name: non_empty("name", &r.name)?,
            location: LonLat::new(r.lon, r.lat)?,
            kind: parse_kind(&r.kind)?,
            stream_url: StreamUrl::parse(r.stream_url.trim())?,
            status: match r.status.as_deref().map(str::trim) {
                None | Some("") => CameraStatus::Online,
                Some(word) => parse_status(word)?,
            },
            heading: r.heading_deg.map(Heading::new).transpose()?,
            field_of_view: r.fov_deg.map(FieldOfView::new).transpose()?,
        })
    }
}

/// `text` trimmed, refused when nothing is left; `field` names it in the error.
pub fn non_empty(field: &'static str, text: &str) -> Result<String, CameraError> {
    let text = text.trim();
    if text.is_empty() {
        Err(CameraError::Empty(field))
    } else {
        Ok(text.to_owned())
    }
}

/// A kind word, with an error that names the field.
pub fn parse_kind(word: &str) -> Result<CameraKind, CameraError> {
    word.trim().parse().map_err(CameraError::Kind)
}

/// A status word, with an error that names the field.
pub fn parse_status(word: &str) -> Result<CameraStatus, CameraError> {
    word.trim().parse().map_err(CameraError::Status)
}

#[cfg(test)]
mod tests;
