//! Incident photos: checks an upload and prepares what is served. Pure: no HTTP, no storage.
//!
//! [`process`] tells the format from the bytes (JPEG, PNG or WebP only), enforces
//! [`PhotoLimits`] (the file size first, then the dimensions read from the header, before a
//! single pixel is decoded), decodes within a memory budget, turns the picture upright by its
//! EXIF orientation and encodes it again, so no EXIF, GPS or XMP metadata reaches what is
//! served. It also makes a JPEG thumbnail. Every [`PhotoError`] but `Encode` says what is wrong
//! in words that can be sent to the uploader as they are.
//!
//! Decoding is CPU-bound (a large phone photo takes a good fraction of a second): call
//! [`process`] through `tokio::task::spawn_blocking`, and store nothing unless it returns `Ok`.

mod error;
mod jpeg;
mod photo;

pub use error::PhotoError;
pub use photo::{Photo, PhotoLimits, THUMBNAIL_CONTENT_TYPE, THUMBNAIL_SIDE, process};

#[cfg(test)]
mod tests;
