//! The demo town: a deterministic, illustrative Taihua (太华镇, Yixing) with its four-level
//! grid hierarchy, cameras and grid workers, written as `GeoJSON` files.
//!
//! Only the town and village codes and names are real; every boundary, camera, person and
//! phone number is made up. The same program always writes the same bytes: all randomness
//! comes from [`SplitMix64`] with fixed seeds, and nothing reads a clock.
//!
//! How it is drawn: a jittered lattice of convex quadrilaterals (`lattice`), the town a
//! blob of its cells, each level split into clean regions by balanced region growing
//! (`partition`), outlines traced along the lattice edges so neighbours share vertices
//! bit for bit (`regions`); then cameras and people (`people`) and the files
//! (`files`). Apart from the files, `patrol` walks the demo's workers at run time.

pub mod accounts;
mod files;
mod lattice;
mod partition;
pub mod patrol;
mod people;
mod regions;
mod rng;

/// The demo's random generator, also used by tests and benchmarks to draw reproducible points.
pub use rng::SplitMix64;

/// The demo town's departments, which the categories' departments are checked against.
#[cfg(test)]
pub(crate) use people::DEPARTMENTS;
#[cfg(test)]
mod tests;

use std::path::Path;

/// Every file of the demo town: its name (no directory) and its full contents.
#[must_use]
pub fn render() -> Vec<(&'static str, String)> {
    let hierarchy = regions::build();
    let people = people::generate(&hierarchy);
    files::render(&hierarchy, &people)
}

/// Creates `dir` (and its parents) and writes every file of [`render`] into it.
pub fn write(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, contents) in render() {
        std::fs::write(dir.join(name), contents)?;
    }
    Ok(())
}
