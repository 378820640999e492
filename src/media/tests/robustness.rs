//! No input makes `process` panic: arbitrary bytes, and valid images cut short or corrupted.

use super::*;
use proptest::prelude::*;

/// Valid images of each accepted format, to truncate and corrupt.
fn fixtures() -> Vec<Vec<u8>> {
    vec![
        with_app1(&jpeg(48, 32), &exif(6)),
        png(48, 32),
        webp(gradient(48, 32)),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = process(&bytes, None, &PhotoLimits::default());
    }

    #[test]
    fn arbitrary_bytes_behind_an_accepted_signature_never_panic(
        which in 0usize..3,
        tail in proptest::collection::vec(any::<u8>(), 0..4096),
    ) {
        let signature: &[u8] = [
            b"\xFF\xD8\xFF".as_slice(),
            b"\x89PNG\r\n\x1a\n",
            b"RIFF\0\x10\0\0WEBPVP8L",
        ][which];
        let _ = process(&[signature, &tail].concat(), None, &PhotoLimits::default());
    }

    #[test]
    fn truncated_or_corrupted_images_never_panic(
        which in 0usize..3,
        cut in 0.0f64..=1.0,
        flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    ) {
        let mut bytes = fixtures().swap_remove(which);
        bytes.truncate((bytes.len() as f64 * cut) as usize);
        let len = bytes.len();
        for (at, value) in flips {
            if len > 0 {
                bytes[((len as f64 * at) as usize).min(len - 1)] = value;
            }
        }
        let _ = process(&bytes, None, &PhotoLimits::default());
    }
}
