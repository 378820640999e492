//! The one structural check on JPEG files that the decoder leaves out.
//!
//! The `image` crate decodes JPEG leniently: a file cut short decodes without error, its
//! missing rows grey. An incident photo that silently lost its lower half is worse than a
//! refusal, so uploads must reach the end-of-image marker of their first frame.

/// JPEG markers that stand alone, without a length: fill, TEM, RST0–7, SOI.
fn is_standalone(marker: u8) -> bool {
    matches!(marker, 0x01 | 0xD0..=0xD8)
}

const START_OF_SCAN: u8 = 0xDA;
const END_OF_IMAGE: u8 = 0xD9;

/// Whether the image's entropy-coded data runs to an end-of-image marker, rather than the
/// file ending first.
///
/// Segments are skipped by their lengths up to the first start of scan, so a thumbnail
/// inside EXIF (which has its own end-of-image marker) does not count. After it, `FF D9`
/// can only be a marker: inside scan data a literal `FF` byte is always followed by `00`.
/// Data after the marker (phones append motion clips or vendor trailers) is allowed.
pub(super) fn is_complete(bytes: &[u8]) -> bool {
    let mut at = 2; // past SOI, which sniffing has seen
    loop {
        let Some(&[0xFF, marker]) = bytes.get(at..at + 2) else {
            return false;
        };
        if marker == END_OF_IMAGE {
            return false; // an image without a scan
        }
        if marker == START_OF_SCAN {
            return bytes[at..]
                .windows(2)
                .any(|pair| pair == [0xFF, END_OF_IMAGE]);
        }
        if marker == 0xFF {
            at += 1; // a fill byte before the marker
        } else if is_standalone(marker) {
            at += 2;
        } else {
            let Some(&[high, low]) = bytes.get(at + 2..at + 4) else {
                return false;
            };
            at += 2 + usize::from(u16::from_be_bytes([high, low]));
        }
    }
}
