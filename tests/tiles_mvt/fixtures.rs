//! Small synthetic scenes for the vector tile tests, near the demo town.

use geo::{LineString, MultiPolygon, Polygon};
use gridlink::domain::{Camera, CameraKind, CameraStatus, Grid, GridCode, LonLat};
use gridlink::tiles::TileCoord;

/// A grid of the level its code says, with three residents per household.
pub fn grid(
    id: i64,
    code: &str,
    households: i64,
    exterior: Vec<(f64, f64)>,
    holes: Vec<Vec<(f64, f64)>>,
) -> Grid {
    let code = GridCode::parse(code).expect("a grid code");
    Grid {
        id,
        level: 1 + code.depth() as i32,
        code,
        name: format!("网格{id}"),
        parent_id: None,
        geometry: MultiPolygon(vec![Polygon::new(
            LineString::from(exterior),
            holes.into_iter().map(LineString::from).collect(),
        )]),
        households,
        residents: households * 3,
        version: 1,
    }
}

/// A closed rectangle ring.
pub fn rect(west: f64, south: f64, east: f64, north: f64) -> Vec<(f64, f64)> {
    vec![
        (west, south),
        (east, south),
        (east, north),
        (west, north),
        (west, south),
    ]
}

/// An online camera, a dome when `id` is even and a bullet otherwise.
pub fn camera(id: i64, lon: f64, lat: f64) -> Camera {
    Camera {
        id,
        code: format!("CAM{id:05}"),
        name: format!("摄像机{id}"),
        location: LonLat::new(lon, lat).expect("a point"),
        kind: if id % 2 == 0 {
            CameraKind::Dome
        } else {
            CameraKind::Bullet
        },
        stream_url: format!("rtsp://cam/{id}"),
        status: CameraStatus::Online,
        heading: None,
        field_of_view: None,
        retired_at: None,
    }
}

/// The tile of zoom `z` containing the point, by the usual slippy-map formula.
pub fn tile_at(lon: f64, lat: f64, z: u32) -> TileCoord {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let y =
        ((1.0 - lat.to_radians().tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    TileCoord::new(z, x, y).expect("a tile")
}
