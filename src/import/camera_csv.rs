//! Cameras from CSV, one per row under a fixed header; each row becomes a camera or the
//! fault that stops it, checked like a GeoJSON feature (`checks.rs` then finds repeated
//! codes). Excel's byte-order mark is allowed; spaces around fields are trimmed.

use super::ImportError;
use super::features::{Fault, plain};
use crate::domain::{CameraRecord, NewCamera};

/// The header a camera CSV must have, in this order; `status`, `heading_deg` and
/// `fov_deg` may be empty in a row.
pub const CAMERA_CSV_HEADER: [&str; 9] = [
    "code",
    "name",
    "lon",
    "lat",
    "kind",
    "stream_url",
    "status",
    "heading_deg",
    "fov_deg",
];

/// Every data row of `text`, the header not counted, as a camera or its fault. A missing
/// or different header is a format error: then no row can be read.
pub(super) fn camera_rows(text: &str) -> Result<Vec<Result<NewCamera, Fault>>, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| ImportError::Format(format!("unreadable CSV header: {e}")))?
        .clone();
    if !header.iter().eq(CAMERA_CSV_HEADER) {
        return Err(ImportError::Format(format!(
            "the CSV header must be {}",
            CAMERA_CSV_HEADER.join(",")
        )));
    }
    Ok(reader
        .records()
        .map(|row| {
            let record: CameraRecord = row
                .and_then(|r| r.deserialize(Some(&header)))
                .map_err(|e| row_fault(&e))?;
            NewCamera::try_from(record).map_err(|e| plain(e.to_string()))
        })
        .collect())
}

/// What is wrong with a row, naming the column where there is one.
fn row_fault(error: &csv::Error) -> Fault {
    match error.kind() {
        csv::ErrorKind::Deserialize { err, .. } => {
            let column = err.field().and_then(|i| CAMERA_CSV_HEADER.get(i as usize));
            match column {
                Some(column) => plain(format!("{column}: {}", err.kind())),
                None => plain(err.kind().to_string()),
            }
        }
        csv::ErrorKind::UnequalLengths { len, .. } => plain(format!(
            "{len} fields where the header has {}",
            CAMERA_CSV_HEADER.len()
        )),
        _ => plain(error.to_string()),
    }
}
