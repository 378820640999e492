//! Raster tiles: a [`Scene`]'s grids drawn with tiny-skia (anti-aliased) onto a
//! transparent 256 px (or 512 px `@2x`) tile and encoded as PNG.
//!
//! Seams: geometry stays in absolute Web Mercator until each tile projects it to its own
//! pixels in `f64`, so a line lands on the same sub-pixel position in every tile that
//! shows it; the tile's pixel grid is a whole-pixel shift of its neighbour's, so the
//! rasteriser computes the same coverage on both sides of a border. Each tile takes the
//! grids within a margin wider than any stroke and clips there ([`super::clip`]), so
//! strokes crossing the border are drawn whole on both sides.
//!
//! Doubled edges: neighbouring grids share their boundary, and a grid shares part of its
//! parent's. Each segment is drawn once, by the coarsest level shown that has it (exact
//! vertices: grids of a dataset share their vertices), and each level is one path stroked
//! once, so no pixel takes a level's colour twice. Coarse levels are stroked last, on top.

use super::clip::Window;
use super::style::{self, LineStyle};
use super::{Scene, SceneGrid, TileCoord};
use crate::domain::{LevelNo, OpenCount};
use geo::{Coord, LineString, Polygon, Rect};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, ImageEncoder};
use std::collections::HashSet;
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Stroke, Transform};

/// Side of a tile at scale 1, in pixels.
pub const TILE_PX: u32 = 256;

/// The thinnest stroke width handed to tiny-skia. It draws strokes of 1 px or less as
/// hairlines, segment by segment, so alpha builds up wherever segments meet or overlap;
/// a wider stroke goes through the path filler, which covers each pixel once. Thinner
/// styles are drawn this wide with their opacity scaled down to look as light.
const THINNEST_PX: f32 = 1.1;

/// What a raster tile shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RasterLayer {
    /// Grid boundaries styled by level, each level from its zoom (see [`super::style`]);
    /// `Some(n)` draws level `n` only, in the same style and from the same zoom.
    Grids {
        /// One level, or every level.
        level: Option<LevelNo>,
    },
    /// The finest level's grids filled by households per km², in classes from
    /// [`Scene::density_breaks`], with a thin outline.
    Density,
}

/// What the incident layers count per grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncidentMeasure {
    /// Open incidents (`incidents-open`).
    Open,
    /// Overdue incidents (`incidents-overdue`).
    Overdue,
}

/// Why a tile could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    /// Only 1 (256 px) and 2 (512 px, `@2x`) are served.
    #[error("scale {0} is not supported: use 1 or 2")]
    Scale(u8),
    /// The PNG encoder failed.
    #[error("PNG encoding failed: {0}")]
    Encode(#[from] image::ImageError),
}

/// Renders `tile` of `layer` as a transparent RGBA PNG, `256 * scale` pixels square; line
/// widths grow with `scale`, the geography does not.
pub fn render_png(
    scene: &Scene,
    tile: TileCoord,
    scale: u8,
    layer: RasterLayer,
) -> Result<Vec<u8>, RasterError> {
    rasterise(tile, scale, |frame| render(scene, frame, layer))
}

/// A `tile` at `scale` drawn by `draw` and encoded as PNG.
fn rasterise(
    tile: TileCoord,
    scale: u8,
    draw: impl FnOnce(&Frame) -> Option<Pixmap>,
) -> Result<Vec<u8>, RasterError> {
    if !(1..=2).contains(&scale) {
        return Err(RasterError::Scale(scale));
    }
    // Pixmap::new fails only for a zero or enormous size, which the scale check excludes.
    let pixmap = draw(&Frame::tile(tile, scale)).ok_or(RasterError::Scale(scale))?;
    encode(pixmap)
}

/// Renders `tile` of an incident layer: the grids of the deepest level shown at the tile's
/// zoom (the level the boundary layer draws last) filled by `measure` of each grid's
/// `count` (by its code), in [`style::INCIDENT_RAMP`]'s classes, with their outline.
pub fn render_incidents_png(
    scene: &Scene,
    tile: TileCoord,
    scale: u8,
    measure: IncidentMeasure,
    count: &dyn Fn(&str) -> OpenCount,
) -> Result<Vec<u8>, RasterError> {
    rasterise(tile, scale, |frame| {
        let mut pixmap = Pixmap::new(frame.width, frame.height)?;
        let grids = scene.grids_in(frame.area());
        let shown = grids
            .iter()
            .map(|g| g.level)
            .filter(|&level| style::level_style(level).min_zoom <= frame.zoom)
            .max();
        if let Some(level) = shown {
            let level_grids: Vec<&SceneGrid> =
                grids.iter().copied().filter(|g| g.level == level).collect();
            let class_of = |grid: &SceneGrid| {
                let count = count(&grid.code);
                style::incident_class(match measure {
                    IncidentMeasure::Open => count.open,
                    IncidentMeasure::Overdue => count.overdue,
                })
            };
            fill_classes(
                &mut pixmap,
                frame,
                &level_grids,
                class_of,
                &style::INCIDENT_RAMP,
                style::INCIDENT_OPACITY,
            );
            if let Some(path) = boundary_path(frame, &level_grids, &mut HashSet::new()) {
                stroke(&mut pixmap, frame, &path, &style::DENSITY_OUTLINE);
            }
        }
        Some(pixmap)
    })
}

fn finest_level(scene: &Scene) -> Option<LevelNo> {
    scene.grids().iter().map(|g| g.level).max()
}

/// A pixel raster over Web Mercator: a tile, or in tests a window across several.
struct Frame {
    west: f64,
    north: f64,
    px_per_m: f64,
    width: u32,
    height: u32,
    zoom: u8,
    scale: f32,
}

impl Frame {
    fn tile(tile: TileCoord, scale: u8) -> Self {
        let bounds = tile.bounds();
        let side = TILE_PX * u32::from(scale);
        Self {
            west: bounds.min().x,
            north: bounds.max().y,
            px_per_m: f64::from(side) / tile.size_m(),
            width: side,
            height: side,
            zoom: tile.z(),
            scale: f32::from(scale),
        }
    }

    /// Web Mercator metres to pixels from the north-west corner, as `TileCoord::to_tile`.
    fn px(&self, p: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (p.x - self.west) * self.px_per_m,
            y: (self.north - p.y) * self.px_per_m,
        }
    }

    /// Beyond the widest half-stroke plus anti-aliasing, so clipping is never seen.
    fn margin_px(&self) -> f64 {
        f64::from(style::WIDEST_LINE_PX * self.scale) + 2.0
    }

    fn window(&self) -> Window {
        let m = self.margin_px();
        Window {
            x0: -m,
            y0: -m,
            x1: f64::from(self.width) + m,
            y1: f64::from(self.height) + m,
        }
    }

    /// The window in Web Mercator, to ask the scene for grids.
    fn area(&self) -> Rect<f64> {
        let m = self.margin_px() / self.px_per_m;
        let (w, h) = (
            f64::from(self.width) / self.px_per_m,
            f64::from(self.height) / self.px_per_m,
        );
        Rect::new(
            Coord {
                x: self.west - m,
                y: self.north - h - m,
            },
            Coord {
                x: self.west + w + m,
                y: self.north + m,
            },
        )
    }
}

fn render(scene: &Scene, frame: &Frame, layer: RasterLayer) -> Option<Pixmap> {
    let mut pixmap = Pixmap::new(frame.width, frame.height)?;
    let grids = scene.grids_in(frame.area());
    match layer {
        RasterLayer::Grids { level } => draw_boundaries(&mut pixmap, frame, &grids, level),
        RasterLayer::Density => draw_density(&mut pixmap, frame, scene, &grids),
    }
    Some(pixmap)
}

/// `grids` come coarse level first, so the first level to claim a segment is the coarsest.
fn draw_boundaries(
    pixmap: &mut Pixmap,
    frame: &Frame,
    grids: &[&SceneGrid],
    only: Option<LevelNo>,
) {
    let mut drawn = HashSet::new();
    let mut paths: Vec<(LineStyle, Path)> = Vec::new();
    for level_grids in grids.chunk_by(|a, b| a.level == b.level) {
        let level = level_grids[0].level;
        let style = style::level_style(level);
        if frame.zoom < style.min_zoom || only.is_some_and(|n| n != level) {
            continue;
        }
        if let Some(path) = boundary_path(frame, level_grids, &mut drawn) {
            paths.push((style, path));
        }
    }
    for (style, path) in paths.iter().rev() {
        stroke(pixmap, frame, path, style);
    }
}

/// One path of the grids' boundary segments inside the frame's window, leaving out
/// segments already in `drawn` (and adding the rest). Consecutive segments stay joined.
fn boundary_path(
    frame: &Frame,
    grids: &[&SceneGrid],
    drawn: &mut HashSet<[u64; 4]>,
) -> Option<Path> {
    let window = frame.window();
    let mut path = PathBuilder::new();
    for ring in grids.iter().flat_map(|g| rings(&g.shape.0)) {
        let mut pen: Option<Coord<f64>> = None;
        for line in ring.lines() {
            let (a, b) = (frame.px(line.start), frame.px(line.end));
            let clipped = if window.meets_extent(a, b) && drawn.insert(key(line.start, line.end)) {
                window.clip_segment(a, b)
            } else {
                None
            };
            let Some((start, end, _, end_cut)) = clipped else {
                pen = None;
                continue;
            };
            if pen != Some(start) {
                path.move_to(start.x as f32, start.y as f32);
            }
            path.line_to(end.x as f32, end.y as f32);
            pen = (!end_cut).then_some(end);
        }
    }
    path.finish()
}

fn rings(polygons: &[Polygon<f64>]) -> impl Iterator<Item = &LineString<f64>> {
    polygons
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
}

/// A segment by its end points' bits, either way round.
fn key(a: Coord<f64>, b: Coord<f64>) -> [u64; 4] {
    let (a, b) = (
        (a.x.to_bits(), a.y.to_bits()),
        (b.x.to_bits(), b.y.to_bits()),
    );
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    [lo.0, lo.1, hi.0, hi.1]
}

fn stroke(pixmap: &mut Pixmap, frame: &Frame, path: &Path, style: &LineStyle) {
    let width = style.width_px * frame.scale;
    let (width, opacity) = if width >= THINNEST_PX {
        (width, style.opacity)
    } else {
        (THINNEST_PX, style.opacity * width / THINNEST_PX)
    };
    let mut paint = Paint::default();
    paint.set_color(style::color(style.rgb, opacity));
    paint.anti_alias = true;
    let stroke = Stroke {
        width,
        line_cap: LineCap::Round,
        line_join: LineJoin::Round,
        ..Stroke::default()
    };
    pixmap.stroke_path(path, &paint, &stroke, Transform::identity(), None);
}

/// The finest level's grids by density class, outlined from a zoom on.
fn draw_density(pixmap: &mut Pixmap, frame: &Frame, scene: &Scene, grids: &[&SceneGrid]) {
    let Some(level) = finest_level(scene) else {
        return;
    };
    let breaks = scene.density_breaks();
    let finest: Vec<&SceneGrid> = grids.iter().copied().filter(|g| g.level == level).collect();
    fill_classes(
        pixmap,
        frame,
        &finest,
        |grid| Some(style::density_class(grid.households_per_km2(), breaks)),
        &style::DENSITY_RAMP,
        style::DENSITY_OPACITY,
    );
    if frame.zoom >= style::DENSITY_OUTLINE_MIN_ZOOM {
        if let Some(path) = boundary_path(frame, &finest, &mut HashSet::new()) {
            stroke(pixmap, frame, &path, &style::DENSITY_OUTLINE);
        }
    }
}

/// Fills each of `grids` in the colour of its class in `ramp` (none: left unfilled), one
/// path per class filled once, so neighbours of a class meet without the faint line two
/// separately anti-aliased fills leave between them.
fn fill_classes(
    pixmap: &mut Pixmap,
    frame: &Frame,
    grids: &[&SceneGrid],
    class_of: impl Fn(&SceneGrid) -> Option<usize>,
    ramp: &[[u8; 3]],
    opacity: f32,
) {
    let window = frame.window();
    let mut classes: Vec<PathBuilder> = ramp.iter().map(|_| PathBuilder::new()).collect();
    for grid in grids {
        let Some(path) = class_of(grid).and_then(|c| classes.get_mut(c)) else {
            continue;
        };
        for ring in rings(&grid.shape.0) {
            let px: Vec<Coord<f64>> = ring.coords().map(|c| frame.px(*c)).collect();
            if let [first, rest @ ..] = window.clip_ring(&px).as_slice() {
                path.move_to(first.x as f32, first.y as f32);
                for p in rest {
                    path.line_to(p.x as f32, p.y as f32);
                }
                path.close();
            }
        }
    }
    for (rgb, path) in ramp.iter().zip(classes) {
        if let Some(path) = path.finish() {
            let mut paint = Paint::default();
            paint.set_color(style::color(*rgb, opacity));
            paint.anti_alias = true;
            pixmap.fill_path(
                &path,
                &paint,
                FillRule::EvenOdd,
                Transform::identity(),
                None,
            );
        }
    }
}

fn encode(pixmap: Pixmap) -> Result<Vec<u8>, RasterError> {
    let (width, height) = (pixmap.width(), pixmap.height());
    // tiny-skia keeps premultiplied RGBA; PNG stores straight alpha.
    let rgba = pixmap.take_demultiplied();
    let mut png = Vec::with_capacity(rgba.len() / 8);
    PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Adaptive)
        .write_image(&rgba, width, height, ExtendedColorType::Rgba8)?;
    Ok(png)
}

#[cfg(test)]
mod tests;
