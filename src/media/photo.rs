//! One uploaded photo: checked, decoded within limits, turned upright, encoded again without
//! its metadata, and shrunk to a thumbnail.

use super::PhotoError;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::error::{DecodingError, ImageFormatHint};
use image::metadata::Orientation;
use image::{
    DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits, Rgb, RgbImage,
};
use std::fmt;
use std::io::Cursor;

/// Longest side of every thumbnail, in pixels; smaller photos keep their size.
pub const THUMBNAIL_SIDE: u32 = 320;

/// Content type of [`Photo::thumbnail`]: thumbnails are always JPEG.
pub const THUMBNAIL_CONTENT_TYPE: &str = "image/jpeg";

/// JPEG quality of the served photo: no visible loss on photographs, a fraction of the size.
const PHOTO_QUALITY: u8 = 85;

/// JPEG quality of thumbnails, which are looked at small.
const THUMBNAIL_QUALITY: u8 = 80;

/// Decoding budget per pixel allowed by [`PhotoLimits::max_pixels`]: the widest layout the
/// accepted formats decode to is 16-bit RGBA.
const DECODE_BYTES_PER_PIXEL: u64 = 8;

/// Largest colour profile carried over to the served photo; real ones are a few kilobytes.
const MAX_ICC_BYTES: usize = 1024 * 1024;

/// What an upload may be. The defaults suit phone photos of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoLimits {
    /// Largest file accepted, in bytes (default 10 MiB).
    pub max_bytes: usize,
    /// Longest side accepted, in pixels (default 12 000).
    pub max_pixels_side: u32,
    /// Shortest side accepted, in pixels (default 16): anything smaller is an icon or a
    /// tracking pixel, not a photo.
    pub min_side: u32,
    /// Most pixels accepted in all, width × height (default 64 million, above any phone's
    /// 50-megapixel mode). This is what bounds the memory a decode may take: 8 bytes a pixel
    /// at most, 3 for a usual photo.
    pub max_pixels: u64,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_pixels_side: 12_000,
            min_side: 16,
            max_pixels: 64_000_000,
        }
    }
}

/// An accepted photo, ready to be stored and served.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    /// Content type of `data`: `image/jpeg`, or `image/png` for PNG uploads and WebP uploads
    /// with transparency.
    pub content_type: &'static str,
    /// Width of `data` in pixels, upright (after the EXIF orientation is applied).
    pub width: u32,
    /// Height of `data` in pixels, upright.
    pub height: u32,
    /// The photo as served: encoded anew from its pixels, so no EXIF, GPS or XMP metadata of
    /// the upload survives. Only a colour profile is carried over.
    pub data: Vec<u8>,
    /// A JPEG whose longest side is [`THUMBNAIL_SIDE`] (never enlarged), transparency
    /// flattened onto white.
    pub thumbnail: Vec<u8>,
    /// Width of `thumbnail` in pixels.
    pub thumbnail_width: u32,
    /// Height of `thumbnail` in pixels.
    pub thumbnail_height: u32,
}

impl fmt::Debug for Photo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Photo")
            .field("content_type", &self.content_type)
            .field("size", &(self.width, self.height))
            .field("data_bytes", &self.data.len())
            .field(
                "thumbnail_size",
                &(self.thumbnail_width, self.thumbnail_height),
            )
            .field("thumbnail_bytes", &self.thumbnail.len())
            .finish()
    }
}

/// Checks an uploaded photo against `limits` and prepares it for serving.
///
/// The format is told from the bytes, never from `declared_type`; when the client declared a
/// content type (other than `application/octet-stream`) it must agree with them. Size and
/// dimensions are checked before any pixel is decoded. Returns an error, never panics, on
/// any input.
///
/// ```
/// use gridlink::media::{PhotoError, PhotoLimits, process};
///
/// let refused = process(b"GIF89a...", Some("image/gif"), &PhotoLimits::default());
/// assert!(matches!(refused, Err(PhotoError::UnsupportedType { .. })));
/// ```
pub fn process(
    bytes: &[u8],
    declared_type: Option<&str>,
    limits: &PhotoLimits,
) -> Result<Photo, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            bytes: bytes.len(),
            max_bytes: limits.max_bytes,
        });
    }
    let format = sniff(bytes)?;
    check_declared(declared_type, format)?;
    let (image, icc) = decode(bytes, format, limits)?;
    let as_png = match format {
        ImageFormat::Png => true,
        ImageFormat::WebP => has_visible_alpha(&image),
        _ => false,
    };
    let data = if as_png {
        encode_png(&image, icc.as_deref())
    } else {
        encode_jpeg(&image, PHOTO_QUALITY, icc.as_deref())
    }
    .map_err(PhotoError::Encode)?;
    let (thumbnail_width, thumbnail_height) = thumbnail_size(image.width(), image.height());
    let small = if (thumbnail_width, thumbnail_height) == (image.width(), image.height()) {
        flatten_onto_white(&image)
    } else {
        flatten_onto_white(&image.thumbnail_exact(thumbnail_width, thumbnail_height))
    };
    let thumbnail = encode_jpeg(&small.into(), THUMBNAIL_QUALITY, icc.as_deref())
        .map_err(PhotoError::Encode)?;
    Ok(Photo {
        content_type: if as_png { "image/png" } else { "image/jpeg" },
        width: image.width(),
        height: image.height(),
        data,
        thumbnail,
        thumbnail_width,
        thumbnail_height,
    })
}

/// The format of the bytes, if it is one we accept.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    let found = match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => {
            return Ok(format);
        }
        Ok(other) => Some(format_name(other)),
        Err(_) => heif_name(bytes).map(str::to_owned),
    };
    Err(PhotoError::UnsupportedType { found })
}

/// How users know the format: `JPEG`, `GIF`, `WebP`...
fn format_name(format: ImageFormat) -> String {
    match format {
        ImageFormat::Jpeg => "JPEG".to_owned(),
        ImageFormat::WebP => "WebP".to_owned(),
        ImageFormat::OpenExr => "OpenEXR".to_owned(),
        other => format!("{other:?}").to_uppercase(),
    }
}

/// `HEIC` or `HEIF` for the format iPhones save in, which the `image` crate does not sniff.
fn heif_name(bytes: &[u8]) -> Option<&'static str> {
    if bytes.get(4..8) != Some(b"ftyp") {
        return None;
    }
    match bytes.get(8..12)? {
        b"heic" | b"heix" | b"hevc" | b"hevx" => Some("HEIC"),
        b"mif1" | b"msf1" => Some("HEIF"),
        _ => None,
    }
}

/// Refuses a declared content type that names another format than the bytes are in.
fn check_declared(declared: Option<&str>, found: ImageFormat) -> Result<(), PhotoError> {
    let Some(declared) = declared else {
        return Ok(());
    };
    let essence = declared
        .split_once(';')
        .map_or(declared, |(essence, _)| essence)
        .trim()
        .to_ascii_lowercase();
    let claimed = match essence.as_str() {
        "" | "application/octet-stream" => return Ok(()),
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(ImageFormat::Jpeg),
        "image/png" | "image/x-png" => Some(ImageFormat::Png),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    };
    if claimed == Some(found) {
        return Ok(());
    }
    Err(PhotoError::TypeMismatch {
        declared: essence.chars().take(100).collect(),
        found: accepted_name(found),
    })
}

/// Name of one of the accepted formats.
fn accepted_name(format: ImageFormat) -> &'static str {
    match format {
        ImageFormat::Png => "PNG",
        ImageFormat::WebP => "WebP",
        _ => "JPEG",
    }
}

/// Decodes within `limits` and turns the picture upright; also returns its colour profile.
///
/// The header is read first and its dimensions checked before a pixel is decoded; the
/// decoder is then held to those dimensions and to a memory budget, so a header that lies
/// cannot make it allocate more. A JPEG must also be complete: see [`super::jpeg`].
fn decode(
    bytes: &[u8],
    format: ImageFormat,
    limits: &PhotoLimits,
) -> Result<(DynamicImage, Option<Vec<u8>>), PhotoError> {
    let undecodable = |source| PhotoError::Undecodable {
        format: accepted_name(format),
        source,
    };
    let mut budget = Limits::default();
    budget.max_alloc = Some(limits.max_pixels.saturating_mul(DECODE_BYTES_PER_PIXEL));
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(budget.clone());
    let mut decoder = reader.into_decoder().map_err(undecodable)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;
    if format == ImageFormat::Jpeg && !super::jpeg::is_complete(bytes) {
        return Err(undecodable(image::ImageError::Decoding(
            DecodingError::new(
                ImageFormatHint::Exact(format),
                "the file ends before the image does",
            ),
        )));
    }
    budget.max_image_width = Some(limits.max_pixels_side);
    budget.max_image_height = Some(limits.max_pixels_side);
    budget.reserve(decoder.total_bytes()).map_err(undecodable)?;
    decoder.set_limits(budget).map_err(undecodable)?;
    // Unreadable metadata should not cost the uploader a photo whose pixels are fine.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder
        .icc_profile()
        .ok()
        .flatten()
        .filter(|icc| icc.len() <= MAX_ICC_BYTES);
    let mut image = DynamicImage::from_decoder(decoder).map_err(undecodable)?;
    image.apply_orientation(orientation);
    Ok((image, icc))
}

/// Checks header dimensions: the longest side, the pixel count, then the shortest side.
fn check_dimensions(width: u32, height: u32, limits: &PhotoLimits) -> Result<(), PhotoError> {
    if width.max(height) > limits.max_pixels_side {
        return Err(PhotoError::DimensionsTooLarge {
            width,
            height,
            max_side: limits.max_pixels_side,
        });
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    if width.min(height) < limits.min_side {
        return Err(PhotoError::TooSmall {
            width,
            height,
            min_side: limits.min_side,
        });
    }
    Ok(())
}

/// Whether any pixel is less than fully opaque; an alpha channel that is opaque throughout
/// does not count.
fn has_visible_alpha(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(pixels) => pixels.pixels().any(|p| p[3] < u8::MAX),
        DynamicImage::ImageLumaA8(pixels) => pixels.pixels().any(|p| p[1] < u8::MAX),
        other => other.color().has_alpha(),
    }
}

/// Size of the thumbnail of a `width` × `height` image: longest side [`THUMBNAIL_SIDE`],
/// same proportions, never larger than the image.
fn thumbnail_size(width: u32, height: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= THUMBNAIL_SIDE {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(THUMBNAIL_SIDE) + u64::from(longest) / 2)
            / u64::from(longest);
        (scaled as u32).max(1)
    };
    (scale(width), scale(height))
}

/// The image as 8-bit RGB, transparent parts laid over white.
fn flatten_onto_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = pixel.0;
        let (a, clear) = (u16::from(a), 255 - u16::from(a));
        let blend = |c: u8| ((u16::from(c) * a + 255 * clear + 127) / 255) as u8;
        *out = Rgb([blend(r), blend(g), blend(b)]);
    }
    rgb
}

/// Encodes as JPEG, greyscale or RGB; an alpha channel is dropped, so flatten first.
fn encode_jpeg(
    image: &DynamicImage,
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    attach_icc(&mut encoder, icc, image.color().has_color());
    image.write_with_encoder(encoder)?;
    Ok(out)
}

/// Encodes as PNG, quickly rather than smallest, keeping the bit depth and transparency.
fn encode_png(image: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut encoder =
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive);
    attach_icc(&mut encoder, icc, image.color().has_color());
    image.write_with_encoder(encoder)?;
    Ok(out)
}

/// Carries the upload's colour profile over, so wide-gamut phone photos keep their colours;
/// only when it describes the encoded channels (an RGB profile for colour, a grey one for
/// greyscale), since a CMYK or grey profile on RGB pixels would be wrong.
fn attach_icc(encoder: &mut impl ImageEncoder, icc: Option<&[u8]>, colour: bool) {
    let space: &[u8] = if colour { b"RGB " } else { b"GRAY" };
    if let Some(icc) = icc.filter(|icc| icc.get(16..20) == Some(space)) {
        // Both encoders used here accept a profile; without one, viewers assume sRGB.
        let _ = encoder.set_icc_profile(icc.to_vec());
    }
}
