//! Tests of photo processing: what is refused ([`refusals`]), what is served ([`served`]),
//! and that no input panics ([`robustness`]). Fixtures are made here with the `image`
//! crate's encoders, and by byte-level surgery for metadata and lying headers.

mod refusals;
mod robustness;
mod served;

use super::{Photo, PhotoError, PhotoLimits, process};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

pub(super) const MIB: usize = 1024 * 1024;

/// A smooth gradient: compresses to something JPEG-like without being trivial.
pub(super) fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    })
}

pub(super) fn jpeg_of(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(
            image,
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub(super) fn jpeg(width: u32, height: u32) -> Vec<u8> {
    jpeg_of(&gradient(width, height))
}

pub(super) fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::from(gradient(width, height))
        .write_with_encoder(PngEncoder::new(&mut out))
        .unwrap();
    out
}

pub(super) fn webp(image: impl Into<DynamicImage>) -> Vec<u8> {
    let mut out = Vec::new();
    image
        .into()
        .write_with_encoder(WebPEncoder::new_lossless(&mut out))
        .unwrap();
    out
}

/// A JPEG with an APP1 segment holding `payload` right after its start-of-image marker.
pub(super) fn with_app1(jpeg: &[u8], payload: &[u8]) -> Vec<u8> {
    let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// An EXIF APP1 payload: a little-endian TIFF header and IFD0 holding an orientation, plus a
/// GPS IFD (latitude reference `N`) and a note that names GPS outright.
pub(super) fn exif(orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&2u16.to_le_bytes()); // two entries
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]); // 0x0112 Orientation, SHORT ×1
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]); // 0x8825 GPS IFD, LONG ×1
    tiff.extend_from_slice(&38u32.to_le_bytes()); // 8 + 2 + 2×12 + 4
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff.extend_from_slice(&1u16.to_le_bytes()); // GPS IFD: one entry
    tiff.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]); // GPSLatitudeRef "N"
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(b"GPSLatitude 31.2304 GPSLongitude 121.4737");
    [b"Exif\0\0".as_slice(), &tiff].concat()
}

/// The markers of a JPEG's segments up to the start of scan.
pub(super) fn segment_markers(jpeg: &[u8]) -> Vec<u8> {
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF {
        let marker = jpeg[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        at += 2 + usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
    }
    markers
}

pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

pub(super) fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG chunk: length, type, data, CRC of type and data.
pub(super) fn png_chunk(kind: [u8; 4], data: &[u8]) -> Vec<u8> {
    let body = [kind.as_slice(), data].concat();
    let mut chunk = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    chunk.extend_from_slice(&body);
    chunk.extend_from_slice(&crc32(&body).to_be_bytes());
    chunk
}

/// A PNG whose header claims `width` × `height` RGB pixels, followed by the start of a
/// compressed stream that holds far fewer: decoding it would fail.
pub(super) fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    [
        b"\x89PNG\r\n\x1a\n".as_slice(),
        &png_chunk(*b"IHDR", &ihdr),
        &png_chunk(*b"IDAT", &[0x78, 0x9C, 0x63, 0x00, 0x00]),
        &png_chunk(*b"IEND", &[]),
    ]
    .concat()
}

pub(super) fn ok(bytes: &[u8], declared: Option<&str>) -> Photo {
    process(bytes, declared, &PhotoLimits::default()).expect("photo should be accepted")
}

pub(super) fn refused(bytes: &[u8], declared: Option<&str>, limits: &PhotoLimits) -> PhotoError {
    process(bytes, declared, limits).expect_err("photo should be refused")
}
