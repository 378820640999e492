//! Clipping in tile pixel space, before anything reaches the rasteriser: a boundary
//! several kilometres long is tens of thousands of pixels at high zoom, beyond what
//! tiny-skia's fixed-point edges and anti-aliasing accept.
//!
//! The clip window is the tile plus a margin wider than any stroke, so that whatever
//! clipping changes (cut ends, the straight edges a clipped fill gains) lies outside the
//! tile and every tile draws its part of a line exactly as its neighbours do.

use geo::Coord;

/// An axis-aligned window in pixels, y down.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Window {
    /// West edge.
    pub x0: f64,
    /// North edge.
    pub y0: f64,
    /// East edge.
    pub x1: f64,
    /// South edge.
    pub y1: f64,
}

impl Window {
    /// Whether the segment's extent meets the window: a cheap test before clipping.
    pub fn meets_extent(&self, a: Coord<f64>, b: Coord<f64>) -> bool {
        a.x.max(b.x) >= self.x0
            && a.x.min(b.x) <= self.x1
            && a.y.max(b.y) >= self.y0
            && a.y.min(b.y) <= self.y1
    }

    /// The part of segment `a`–`b` inside the window (Liang–Barsky), with whether each end
    /// was moved; `None` when no part is inside.
    pub fn clip_segment(
        &self,
        a: Coord<f64>,
        b: Coord<f64>,
    ) -> Option<(Coord<f64>, Coord<f64>, bool, bool)> {
        let d = b - a;
        let (mut t0, mut t1) = (0.0_f64, 1.0_f64);
        for (p, q) in [
            (-d.x, a.x - self.x0),
            (d.x, self.x1 - a.x),
            (-d.y, a.y - self.y0),
            (d.y, self.y1 - a.y),
        ] {
            if p == 0.0 {
                if q < 0.0 {
                    return None;
                }
            } else {
                let t = q / p;
                if p < 0.0 {
                    t0 = t0.max(t);
                } else {
                    t1 = t1.min(t);
                }
            }
        }
        if t0 > t1 {
            return None;
        }
        let start = if t0 > 0.0 { a + d * t0 } else { a };
        let end = if t1 < 1.0 { a + d * t1 } else { b };
        Some((start, end, t0 > 0.0, t1 < 1.0))
    }

    /// A closed ring cut to the window (Sutherland–Hodgman). The result may run along
    /// the window's edges where the ring left it; for a fill, those stretches lie in the
    /// margin, off the tile.
    pub fn clip_ring(&self, ring: &[Coord<f64>]) -> Vec<Coord<f64>> {
        let mut out: Vec<Coord<f64>> = ring.to_vec();
        let mut input: Vec<Coord<f64>> = Vec::with_capacity(ring.len() + 4);
        // How far inside each edge a point is (negative: outside).
        let sides: [fn(&Window, Coord<f64>) -> f64; 4] = [
            |w, p| p.x - w.x0,
            |w, p| w.x1 - p.x,
            |w, p| p.y - w.y0,
            |w, p| w.y1 - p.y,
        ];
        for inside in sides {
            std::mem::swap(&mut input, &mut out);
            out.clear();
            let Some(&last) = input.last() else {
                return out;
            };
            let mut prev = last;
            for &cur in &input {
                let (dp, dc) = (inside(self, prev), inside(self, cur));
                if (dp >= 0.0) != (dc >= 0.0) {
                    out.push(prev + (cur - prev) * (dp / (dp - dc)));
                }
                if dc >= 0.0 {
                    out.push(cur);
                }
                prev = cur;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    const W: Window = Window {
        x0: 0.0,
        y0: 0.0,
        x1: 10.0,
        y1: 10.0,
    };

    #[test]
    fn a_segment_crossing_the_window_is_cut_at_its_edges() {
        let (a, b, cut_a, cut_b) = W.clip_segment(c(-10.0, 5.0), c(20.0, 5.0)).unwrap();
        assert_eq!(
            (a, b, cut_a, cut_b),
            (c(0.0, 5.0), c(10.0, 5.0), true, true)
        );
        let inside = W.clip_segment(c(1.0, 1.0), c(2.0, 3.0)).unwrap();
        assert_eq!(inside, (c(1.0, 1.0), c(2.0, 3.0), false, false));
        assert_eq!(W.clip_segment(c(-5.0, -1.0), c(20.0, -1.0)), None);
        assert_eq!(W.clip_segment(c(-5.0, 0.0), c(0.0, -5.0)), None);
    }

    #[test]
    #[expect(
        clippy::float_cmp,
        reason = "clipping to a whole-number window is exact"
    )]
    fn a_ring_larger_than_the_window_becomes_the_window() {
        let ring = [c(-5.0, -5.0), c(15.0, -5.0), c(15.0, 15.0), c(-5.0, 15.0)];
        let clipped = W.clip_ring(&ring);
        assert_eq!(clipped.len(), 4, "{clipped:?}");
        for p in clipped {
            assert!(
                (p.x == 0.0 || p.x == 10.0) && (p.y == 0.0 || p.y == 10.0),
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_ring_outside_the_window_vanishes_and_one_inside_is_kept() {
        let outside = [c(20.0, 20.0), c(30.0, 20.0), c(30.0, 30.0)];
        assert!(W.clip_ring(&outside).is_empty());
        let inside = [c(1.0, 1.0), c(2.0, 1.0), c(2.0, 2.0)];
        assert_eq!(W.clip_ring(&inside), inside.to_vec());
    }
}
