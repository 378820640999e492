//! How raster tiles look: one table of grid boundary styles by level, the zoom each level
//! appears from, and the household-density colour ramp with its class breaks.
//!
//! | level | grids                | from zoom | width (px @1x) | colour            | opacity |
//! | ----- | -------------------- | --------- | -------------- | ----------------- | ------- |
//! | 1     | town                 | 0         | 3.0            | `#1e293b` slate   | 0.95    |
//! | 2     | village              | 10        | 2.0            | `#2f4a68` navy    | 0.90    |
//! | 3     | comprehensive grid   | 12        | 1.2            | `#4b6584` steel   | 0.85    |
//! | 4+    | micro-grid           | 13        | 0.6            | `#6b8299` grey    | 0.80    |
//!
//! A single-level layer (`Grids { level: Some(n) }`) uses the same row and the same zoom:
//! below it a level's boundaries are too dense to read and too many to draw quickly, and a
//! map that toggles levels then shows each at the zoom the combined layer would.
//!
//! Density (`households / km²` of the finest level present) fills with ColorBrewer's
//! six-class YlGnBu ramp at 0.6 opacity, so a basemap shows through; a 0.5 px outline
//! appears from zoom [`DENSITY_OUTLINE_MIN_ZOOM`]. Breaks are equal-count (quantile)
//! classes over the whole scene, rounded down to two significant figures. Household
//! density differs by orders of magnitude between rural and urban towns, so fixed breaks
//! would paint a town in one colour, while quantiles spread any town across the ramp (the
//! demo's micro-grids, 36–89 households/km², get 47, 52, 57, 63 and 70). They come from
//! the whole scene, never one tile, so neighbouring tiles and the legend agree.
//!
//! No dashes anywhere: a dash pattern restarts wherever a tile clips a line, which would
//! show at tile borders.

use crate::domain::LevelNo;
use tiny_skia::Color;

/// How one level's boundaries are stroked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineStyle {
    /// The smallest zoom at which the boundaries are drawn.
    pub min_zoom: u8,
    /// Stroke width in pixels at scale 1; doubled at scale 2.
    pub width_px: f32,
    /// Straight (not premultiplied) RGB.
    pub rgb: [u8; 3],
    /// Opacity, 0 to 1.
    pub opacity: f32,
}

/// The boundary styles of levels 1 to 4; deeper levels use the last.
const LEVELS: [LineStyle; 4] = [
    LineStyle {
        min_zoom: 0,
        width_px: 3.0,
        rgb: [0x1e, 0x29, 0x3b],
        opacity: 0.95,
    },
    LineStyle {
        min_zoom: 10,
        width_px: 2.0,
        rgb: [0x2f, 0x4a, 0x68],
        opacity: 0.90,
    },
    LineStyle {
        min_zoom: 12,
        width_px: 1.2,
        rgb: [0x4b, 0x65, 0x84],
        opacity: 0.85,
    },
    LineStyle {
        min_zoom: 13,
        width_px: 0.6,
        rgb: [0x6b, 0x82, 0x99],
        opacity: 0.80,
    },
];

/// The style of a level's boundaries (level 1 is the town).
#[must_use]
pub fn level_style(level: LevelNo) -> LineStyle {
    let row = usize::try_from(level.max(1) - 1).unwrap_or(0);
    LEVELS[row.min(LEVELS.len() - 1)]
}

/// The widest stroke of any style, in pixels at scale 1: how far outside a tile a line
/// may lie and still touch it.
pub const WIDEST_LINE_PX: f32 = 3.0;

/// The zoom from which density fills get their thin outline.
pub const DENSITY_OUTLINE_MIN_ZOOM: u8 = 12;

/// The outline of density fills.
pub const DENSITY_OUTLINE: LineStyle = LineStyle {
    min_zoom: DENSITY_OUTLINE_MIN_ZOOM,
    width_px: 0.5,
    rgb: [0x47, 0x55, 0x69],
    opacity: 0.6,
};

/// ColorBrewer YlGnBu, six classes, lightest (sparsest) first.
pub const DENSITY_RAMP: [[u8; 3]; 6] = [
    [0xff, 0xff, 0xcc],
    [0xc7, 0xe9, 0xb4],
    [0x7f, 0xcd, 0xbb],
    [0x41, 0xb6, 0xc4],
    [0x2c, 0x7f, 0xb8],
    [0x25, 0x34, 0x94],
];

/// Opacity of density fills.
pub const DENSITY_OPACITY: f32 = 0.6;

/// ColorBrewer OrRd, six classes, for grids by their open or overdue incidents; a grid
/// with none is left unfilled.
pub const INCIDENT_RAMP: [[u8; 3]; 6] = [
    [0xfe, 0xf0, 0xd9],
    [0xfd, 0xd4, 0x9e],
    [0xfd, 0xbb, 0x84],
    [0xfc, 0x8d, 0x59],
    [0xe3, 0x4a, 0x33],
    [0xb3, 0x00, 0x00],
];

/// The least count of each [`INCIDENT_RAMP`] class. Fixed, unlike the density breaks, so
/// the legend means the same at every zoom and from day to day.
pub const INCIDENT_BREAKS: [u32; 6] = [1, 2, 5, 10, 20, 50];

/// Opacity of incident fills.
pub const INCIDENT_OPACITY: f32 = 0.65;

/// The [`INCIDENT_RAMP`] class of `count`, or `None` for zero.
#[must_use]
pub fn incident_class(count: u32) -> Option<usize> {
    INCIDENT_BREAKS
        .partition_point(|b| *b <= count)
        .checked_sub(1)
}

/// Equal-count class breaks for `values` (any order), rounded down to two significant
/// figures: at most `DENSITY_RAMP.len() - 1` strictly increasing values; fewer when values repeat.
#[must_use]
pub fn quantile_breaks(values: &[f64]) -> Vec<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let classes = DENSITY_RAMP.len();
    let mut breaks: Vec<f64> = Vec::with_capacity(classes - 1);
    if sorted.is_empty() {
        return breaks;
    }
    for i in 1..classes {
        let at = nice(sorted[i * sorted.len() / classes]);
        if breaks.last().is_none_or(|last| at > *last) && at > sorted[0] {
            breaks.push(at);
        }
    }
    breaks
}

/// The class (index into [`DENSITY_RAMP`]) of `value`: how many breaks it reaches.
#[must_use]
pub fn density_class(value: f64, breaks: &[f64]) -> usize {
    breaks
        .partition_point(|b| *b <= value)
        .min(DENSITY_RAMP.len() - 1)
}

/// Rounds down to two significant figures, so that a legend reads 4,800 rather than
/// 4,817.3; down, so that the value a break was taken from stays in the class above it.
fn nice(x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let exponent = x.log10().floor() - 1.0;
    // Dividing by a power of ten, rather than multiplying by its inverse, keeps 0.034
    // exactly 0.034.
    if exponent >= 0.0 {
        let unit = 10f64.powf(exponent);
        (x / unit).floor() * unit
    } else {
        let inverse = 10f64.powf(-exponent);
        (x * inverse).floor() / inverse
    }
}

/// Straight RGB and an opacity as tiny-skia's colour.
pub(super) fn color(rgb: [u8; 3], opacity: f32) -> Color {
    Color::from_rgba8(
        rgb[0],
        rgb[1],
        rgb[2],
        (opacity.clamp(0.0, 1.0) * 255.0) as u8,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[expect(clippy::float_cmp, reason = "table values, copied, not computed")]
    fn deeper_levels_than_the_table_use_the_finest_style() {
        assert_eq!(level_style(1).width_px, 3.0);
        assert_eq!(level_style(7), level_style(4));
        assert_eq!(level_style(0), level_style(1));
    }

    #[test]
    fn coarser_levels_are_never_thinner_or_later_than_finer_ones() {
        for pair in LEVELS.windows(2) {
            assert!(pair[0].width_px > pair[1].width_px, "{pair:?}");
            assert!(pair[0].min_zoom < pair[1].min_zoom, "{pair:?}");
        }
        assert!(LEVELS.iter().all(|s| s.width_px <= WIDEST_LINE_PX));
    }

    #[test]
    fn incident_classes_start_at_one_and_end_in_the_darkest() {
        let classes: Vec<_> = [0, 1, 2, 4, 5, 49, 50, 5000]
            .map(incident_class)
            .into_iter()
            .collect();
        assert_eq!(
            classes,
            [
                None,
                Some(0),
                Some(1),
                Some(1),
                Some(2),
                Some(4),
                Some(5),
                Some(5)
            ]
        );
    }

    #[test]
    fn quantile_breaks_spread_values_over_every_class() {
        let values: Vec<f64> = (1..=600).map(f64::from).collect();
        let breaks = quantile_breaks(&values);
        assert_eq!(breaks, vec![100.0, 200.0, 300.0, 400.0, 500.0]);
        let mut counts = [0; DENSITY_RAMP.len()];
        for v in &values {
            counts[density_class(*v, &breaks)] += 1;
        }
        assert!(counts.iter().all(|c| (99..=101).contains(c)), "{counts:?}");
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "the rounding must give these exact values"
    )]
    fn breaks_are_rounded_and_strictly_increasing_even_for_repeated_values() {
        assert_eq!(nice(4817.3), 4800.0);
        assert_eq!(nice(0.0347), 0.034);
        assert_eq!(nice(1.0), 1.0);
        assert!(quantile_breaks(&[5.0; 20]).is_empty());
        assert_eq!(quantile_breaks(&[1.0, 1.0, 1.0, 9.0, 9.0, 9.0]), vec![9.0]);
        assert!(quantile_breaks(&[]).is_empty());
    }
}
