//! Why a photo was refused, in words meant for the person who uploaded it.

/// Why [`process`](super::process) refused a photo.
///
/// Every message but `Encode`'s is written for the uploader and may be sent as it is. The
/// status each variant suggests is noted on it; `Encode` alone is a fault on our side.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The upload holds no bytes at all (400).
    #[error("the photo is empty: no bytes were uploaded")]
    Empty,
    /// The file is bigger than the limit (413).
    #[error("{}", too_large(*.bytes, *.max_bytes))]
    TooLarge {
        /// Size of the upload, in bytes.
        bytes: usize,
        /// Largest size accepted, in bytes.
        max_bytes: usize,
    },
    /// The bytes are not a JPEG, PNG or WebP image (415).
    #[error("{}; only JPEG, PNG and WebP photos are accepted", describe_found(.found.as_deref()))]
    UnsupportedType {
        /// The format the bytes are in, e.g. `GIF`, or `None` when no image format was recognised.
        found: Option<String>,
    },
    /// The content type the client declared is not the format of the bytes (415).
    #[error("the file is labelled {declared} but contains a {found} image")]
    TypeMismatch {
        /// The declared content type, lower-cased, without parameters and shortened.
        declared: String,
        /// The format the bytes are in: `JPEG`, `PNG` or `WebP`.
        found: &'static str,
    },
    /// Wider or taller than the limit, as read from the header before decoding (422).
    #[error(
        "the photo is {width} × {height} pixels; at most {max_side} pixels on a side is accepted"
    )]
    DimensionsTooLarge {
        /// Width in the header, in pixels.
        width: u32,
        /// Height in the header, in pixels.
        height: u32,
        /// Longest side accepted, in pixels.
        max_side: u32,
    },
    /// More pixels in all than the limit, as read from the header before decoding (422).
    #[error(
        "the photo has {} megapixels ({width} × {height}); at most {} megapixels is accepted",
        megapixels(u64::from(*.width) * u64::from(*.height)),
        megapixels(*.max_pixels)
    )]
    TooManyPixels {
        /// Width in the header, in pixels.
        width: u32,
        /// Height in the header, in pixels.
        height: u32,
        /// Most pixels accepted, width × height.
        max_pixels: u64,
    },
    /// Narrower or shorter than the limit: an icon, not a photo (422).
    #[error("the photo is {width} × {height} pixels; each side must be at least {min_side} pixels")]
    TooSmall {
        /// Width of the image, in pixels.
        width: u32,
        /// Height of the image, in pixels.
        height: u32,
        /// Shortest side accepted, in pixels.
        min_side: u32,
    },
    /// The bytes start like an accepted format but cannot be decoded: damaged, truncated, or
    /// an image that would need more memory to decode than its size allows (422). The
    /// decoder's own words are in `source`, for the log, not for the uploader.
    #[error(
        "the file looks like a {format} image but could not be read; it may be damaged or incomplete"
    )]
    Undecodable {
        /// The format the bytes claim: `JPEG`, `PNG` or `WebP`.
        format: &'static str,
        /// What the decoder reported.
        #[source]
        source: image::ImageError,
    },
    /// Encoding the served copy or the thumbnail failed: a fault on our side (500). Log the
    /// source; do not send it.
    #[error("the photo could not be prepared for display")]
    Encode(#[source] image::ImageError),
}

impl PhotoError {
    /// A short machine-readable name for the error, for the `code` of an API error.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "photo_empty",
            Self::TooLarge { .. } => "photo_too_large",
            Self::UnsupportedType { .. } => "photo_type_unsupported",
            Self::TypeMismatch { .. } => "photo_type_mismatch",
            Self::DimensionsTooLarge { .. } => "photo_dimensions_too_large",
            Self::TooManyPixels { .. } => "photo_too_many_pixels",
            Self::TooSmall { .. } => "photo_too_small",
            Self::Undecodable { .. } => "photo_undecodable",
            Self::Encode(_) => "internal",
        }
    }
}

fn describe_found(found: Option<&str>) -> String {
    match found {
        Some(name) => format!("the file is in {name} format"),
        None => "the file is not an image in any format we recognise".to_owned(),
    }
}

/// "the photo is 12.3 MB; at most 10 MB is accepted", in bytes when rounding would make
/// the two sizes read alike.
fn too_large(bytes: usize, max_bytes: usize) -> String {
    let (mut size, mut limit) = (human_bytes(bytes), human_bytes(max_bytes));
    if size == limit {
        (size, limit) = (format!("{bytes} bytes"), format!("{max_bytes} bytes"));
    }
    format!("the photo is {size}; at most {limit} is accepted")
}

/// "850 bytes", "12.5 KB", "10 MB", to a tenth; 1 KB is 1024 bytes.
fn human_bytes(bytes: usize) -> String {
    const KIB: u64 = 1024;
    let bytes = bytes as u64;
    if bytes < KIB {
        return format!("{bytes} bytes");
    }
    let (unit, name) = if bytes < KIB * KIB {
        (KIB, "KB")
    } else {
        (KIB * KIB, "MB")
    };
    format!("{} {name}", tenths(bytes, unit))
}

/// Millions of pixels, to a tenth.
fn megapixels(pixels: u64) -> String {
    tenths(pixels, 1_000_000)
}

/// `value / unit` rounded to a tenth, without a trailing ".0".
fn tenths(value: u64, unit: u64) -> String {
    let tenths = value.saturating_mul(10).saturating_add(unit / 2) / unit;
    match tenths % 10 {
        0 => format!("{}", tenths / 10),
        rest => format!("{}.{rest}", tenths / 10),
    }
}
