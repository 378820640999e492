//! Video cameras (雪亮工程): each belongs to the grids that contain it.

use super::LonLat;

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

/// A stored camera.
#[derive(Debug, Clone, PartialEq)]
pub struct Camera {
    /// Identifier.
    pub id: CameraId,
    /// Registry code, unique.
    pub code: String,
    /// Display name, in Chinese.
    pub name: String,
    /// Where it stands.
    pub location: LonLat,
    /// Bullet, dome or checkpoint.
    pub kind: CameraKind,
    /// RTSP or HLS address of the stream.
    pub stream_url: String,
    /// Online, offline or fault.
    pub status: CameraStatus,
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
    pub stream_url: String,
    /// Online, offline or fault.
    pub status: CameraStatus,
}
