//! The committed demo town in `geodata/taihua/` is exactly what the generator renders, so
//! the files and `gridlink::demo` cannot drift apart.

use std::collections::BTreeSet;
use std::path::Path;

const REGENERATE: &str = "run `cargo run -- demo --out geodata/taihua` and commit the result";

#[test]
fn committed_geodata_equals_the_generator_output_byte_for_byte() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata/taihua");
    let rendered = gridlink::demo::render();
    for (name, expected) in &rendered {
        let committed = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("geodata/taihua/{name} cannot be read ({e}); {REGENERATE}"));
        assert!(
            committed == *expected,
            "geodata/taihua/{name} differs from gridlink::demo::render(); {REGENERATE}"
        );
    }
    let on_disk: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("geodata/taihua cannot be listed ({e}); {REGENERATE}"))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = rendered
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    assert_eq!(
        on_disk, expected,
        "geodata/taihua holds other files than the generator writes; {REGENERATE}"
    );
}
