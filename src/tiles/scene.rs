//! The committed grids and cameras, projected to Web Mercator once and indexed by extent,
//! ready for any tile to take what it shows.

use super::mercator;
use crate::domain::{Camera, CameraId, CameraKind, CameraStatus, Grid, GridId, LevelNo, LonLat};
use geo::{BoundingRect, ChamberlainDuquetteArea, Coord, MapCoords, MultiPolygon, Rect};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

/// A grid as tiles draw it.
#[derive(Debug, Clone)]
pub struct SceneGrid {
    /// Store id.
    pub id: GridId,
    /// Grid code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Level number.
    pub level: LevelNo,
    /// Households registered.
    pub households: i64,
    /// Residents registered.
    pub residents: i64,
    /// Area on the ground, in km².
    pub area_km2: f64,
    /// Boundary in Web Mercator metres.
    pub shape: MultiPolygon<f64>,
}

impl SceneGrid {
    /// Households per km², 0 for a grid of no area.
    #[must_use]
    pub fn households_per_km2(&self) -> f64 {
        if self.area_km2 > 0.0 {
            self.households as f64 / self.area_km2
        } else {
            0.0
        }
    }
}

/// A camera as tiles draw it.
#[derive(Debug, Clone)]
pub struct SceneCamera {
    /// Store id.
    pub id: CameraId,
    /// Registry code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Bullet, dome or checkpoint.
    pub kind: CameraKind,
    /// Online, offline or fault.
    pub status: CameraStatus,
    /// Position in WGS84.
    pub location: LonLat,
    /// Position in Web Mercator metres.
    pub at: Coord<f64>,
}

type Extent = GeomWithData<Rectangle<[f64; 2]>, usize>;
type Spot = GeomWithData<[f64; 2], usize>;

/// Grids and cameras in Web Mercator, with R-trees over their extents.
pub struct Scene {
    version: u64,
    /// Class breaks of the finest level's households per km², for the density layer.
    density_breaks: Vec<f64>,
    grids: Vec<SceneGrid>,
    grid_tree: RTree<Extent>,
    cameras: Vec<SceneCamera>,
    camera_tree: RTree<Spot>,
}

impl Scene {
    /// Projects the grids and the cameras in service. `version` identifies the data, so that anything
    /// derived from the scene (a cached tile, an `ETag`) changes when the data does.
    #[must_use]
    pub fn new(version: u64, grids: &[Grid], cameras: &[Camera]) -> Self {
        let mut grids: Vec<SceneGrid> = grids
            .iter()
            .map(|g| SceneGrid {
                id: g.id,
                code: g.code.to_string(),
                name: g.name.clone(),
                level: g.level,
                households: g.households,
                residents: g.residents,
                area_km2: g.geometry.chamberlain_duquette_unsigned_area() / 1e6,
                shape: g.geometry.map_coords(|c| mercator(c.x, c.y)),
            })
            .collect();
        // Coarse levels first: drawn first, so finer outlines are not painted over.
        grids.sort_by(|a, b| (a.level, &a.code).cmp(&(b.level, &b.code)));
        // Once per scene, not per tile: every density tile and the legend share them.
        let finest = grids.last().map(|g| g.level);
        let densities: Vec<f64> = grids
            .iter()
            .filter(|g| Some(g.level) == finest)
            .map(SceneGrid::households_per_km2)
            .collect();
        let density_breaks = super::style::quantile_breaks(&densities);
        let grid_tree = RTree::bulk_load(
            grids
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let r = g.shape.bounding_rect()?;
                    Some(Extent::new(
                        Rectangle::from_corners(r.min().into(), r.max().into()),
                        i,
                    ))
                })
                .collect(),
        );
        // A retired camera is off the map, whoever passed it in.
        let cameras: Vec<SceneCamera> = cameras
            .iter()
            .filter(|c| c.retired_at.is_none())
            .map(|c| SceneCamera {
                id: c.id,
                code: c.code.clone(),
                name: c.name.clone(),
                kind: c.kind,
                status: c.status,
                location: c.location,
                at: mercator(c.location.lon(), c.location.lat()),
            })
            .collect();
        let camera_tree = RTree::bulk_load(
            cameras
                .iter()
                .enumerate()
                .map(|(i, c)| Spot::new([c.at.x, c.at.y], i))
                .collect(),
        );
        Self {
            version,
            density_breaks,
            grids,
            grid_tree,
            cameras,
            camera_tree,
        }
    }

    /// The data version the scene was built from.
    #[must_use]
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Class breaks of households per km² over the finest level's grids (quantiles).
    #[must_use]
    pub fn density_breaks(&self) -> &[f64] {
        &self.density_breaks
    }

    /// Every grid, coarse levels first, then by code.
    #[must_use]
    pub fn grids(&self) -> &[SceneGrid] {
        &self.grids
    }

    /// Grids whose extent meets `area` (Web Mercator), coarse levels first, then by code.
    #[must_use]
    pub fn grids_in(&self, area: Rect<f64>) -> Vec<&SceneGrid> {
        let mut found: Vec<usize> = self
            .grid_tree
            .locate_in_envelope_intersecting(&aabb(area))
            .map(|e| e.data)
            .collect();
        found.sort_unstable();
        found.into_iter().map(|i| &self.grids[i]).collect()
    }

    /// Every camera, in the store's order (by code).
    #[must_use]
    pub fn cameras(&self) -> &[SceneCamera] {
        &self.cameras
    }

    /// Cameras inside `area` (Web Mercator), in code order.
    #[must_use]
    pub fn cameras_in(&self, area: Rect<f64>) -> Vec<&SceneCamera> {
        let mut found: Vec<&SceneCamera> = self
            .camera_tree
            .locate_in_envelope(&aabb(area))
            .map(|s| &self.cameras[s.data])
            .collect();
        found.sort_by(|a, b| a.code.cmp(&b.code));
        found
    }
}

fn aabb(r: Rect<f64>) -> AABB<[f64; 2]> {
    AABB::from_corners(r.min().into(), r.max().into())
}
