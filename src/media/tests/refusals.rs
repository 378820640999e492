//! What is refused, before or during decoding, and how the refusals read.

use super::*;

#[test]
fn refuses_formats_other_than_jpeg_png_and_webp_naming_what_was_found() {
    let cases: [(&str, &[u8], Option<&str>); 6] = [
        ("GIF", b"GIF89a\x10\x00\x10\x00\x00\x00\x00;", Some("GIF")),
        (
            "BMP",
            b"BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0",
            Some("BMP"),
        ),
        ("TIFF", b"II*\0\x08\0\0\0\0\0", Some("TIFF")),
        ("HEIC", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", Some("HEIC")),
        ("text", b"a photo of the broken street lamp", None),
        ("SVG", b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>", None),
    ];
    for (name, bytes, expected) in cases {
        let error = refused(bytes, None, &PhotoLimits::default());
        let PhotoError::UnsupportedType { found } = &error else {
            panic!("{name}: expected UnsupportedType, got {error:?}");
        };
        assert_eq!(found.as_deref(), expected, "{name}");
        assert!(
            error
                .to_string()
                .ends_with("only JPEG, PNG and WebP photos are accepted")
        );
    }
    let gif = refused(b"GIF89a", None, &PhotoLimits::default());
    assert_eq!(
        gif.to_string(),
        "the file is in GIF format; only JPEG, PNG and WebP photos are accepted"
    );
}

#[test]
fn refuses_an_empty_upload() {
    assert!(matches!(
        refused(b"", None, &PhotoLimits::default()),
        PhotoError::Empty
    ));
}

#[test]
fn refuses_a_file_over_the_byte_limit_before_looking_at_it() {
    let limits = PhotoLimits {
        max_bytes: 100,
        ..PhotoLimits::default()
    };
    let bytes = [b"not even an image".as_slice(), &[0; 200]].concat();
    let error = refused(&bytes, None, &limits);
    assert!(
        matches!(
            error,
            PhotoError::TooLarge {
                bytes: 217,
                max_bytes: 100
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the photo is 217 bytes; at most 100 bytes is accepted"
    );
}

#[test]
fn size_messages_read_well_for_people() {
    let message = |bytes, max_bytes| PhotoError::TooLarge { bytes, max_bytes }.to_string();
    assert_eq!(
        message(12_897_485, 10 * MIB),
        "the photo is 12.3 MB; at most 10 MB is accepted"
    );
    assert_eq!(
        message(1536, 1024),
        "the photo is 1.5 KB; at most 1 KB is accepted"
    );
    assert_eq!(
        message(10 * MIB + 1, 10 * MIB),
        "the photo is 10485761 bytes; at most 10485760 bytes is accepted",
        "sizes that would round alike are given exactly"
    );
    let pixels = PhotoError::TooManyPixels {
        width: 10_000,
        height: 10_000,
        max_pixels: 64_000_000,
    };
    assert_eq!(
        pixels.to_string(),
        "the photo has 100 megapixels (10000 × 10000); at most 64 megapixels is accepted"
    );
}

#[test]
fn refuses_huge_dimensions_from_the_header_before_decoding() {
    let limits = PhotoLimits::default();
    let cases = [
        (png_claiming(100_000, 100_000), "side"),
        (png_claiming(12_001, 20), "side"),
        (png_claiming(10_000, 10_000), "pixels"),
    ];
    // The files hold almost no pixel data: decoding them would fail as Undecodable.
    for (bytes, kind) in cases {
        let error = refused(&bytes, Some("image/png"), &limits);
        match (kind, &error) {
            (
                "side",
                PhotoError::DimensionsTooLarge {
                    max_side: 12_000, ..
                },
            )
            | (
                "pixels",
                PhotoError::TooManyPixels {
                    width: 10_000,
                    height: 10_000,
                    ..
                },
            ) => {}
            _ => panic!("{kind}: got {error:?}"),
        }
    }
    let within_limits = refused(&png_claiming(100, 100), None, &limits);
    assert!(matches!(
        within_limits,
        PhotoError::Undecodable { format: "PNG", .. }
    ));
    assert_eq!(
        refused(&png_claiming(100_000, 100_000), None, &limits).to_string(),
        "the photo is 100000 × 100000 pixels; at most 12000 pixels on a side is accepted"
    );
}

#[test]
fn refuses_an_image_too_small_to_be_a_photo() {
    let error = refused(&png(8, 300), None, &PhotoLimits::default());
    assert!(matches!(
        error,
        PhotoError::TooSmall {
            width: 8,
            height: 300,
            min_side: 16
        }
    ));
    assert_eq!(
        error.to_string(),
        "the photo is 8 × 300 pixels; each side must be at least 16 pixels"
    );
}

#[test]
fn refuses_a_declared_type_that_disagrees_with_the_bytes() {
    let error = refused(&png(32, 32), Some("image/jpeg"), &PhotoLimits::default());
    assert!(
        matches!(error, PhotoError::TypeMismatch { found: "PNG", .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "the file is labelled image/jpeg but contains a PNG image"
    );
    let error = refused(&jpeg(32, 32), Some("text/plain"), &PhotoLimits::default());
    assert_eq!(
        error.to_string(),
        "the file is labelled text/plain but contains a JPEG image"
    );
}

#[test]
fn accepts_declared_types_that_agree_in_any_spelling_or_say_nothing() {
    let (png, jpeg) = (png(32, 32), jpeg(32, 32));
    let cases: [(&[u8], &str); 6] = [
        (&png, "IMAGE/PNG"),
        (&png, "image/png; charset=binary"),
        (&png, "application/octet-stream"),
        (&jpeg, "image/jpg"),
        (&jpeg, " image/jpeg "),
        (&jpeg, ""),
    ];
    for (bytes, declared) in cases {
        let result = process(bytes, Some(declared), &PhotoLimits::default());
        assert!(result.is_ok(), "{declared:?}: {result:?}");
    }
}

#[test]
fn refuses_a_truncated_file_as_undecodable() {
    let jpeg = jpeg(64, 48);
    // An EXIF thumbnail carries its own end-of-image marker, which must not pass for the photo's.
    let thumbnail_in_exif = [b"Exif\0\0".as_slice(), &jpeg].concat();
    let cases = [
        ("PNG", png(64, 48)),
        ("WebP", webp(gradient(64, 48))),
        ("JPEG", jpeg.clone()),
        (
            "JPEG with EXIF thumbnail",
            with_app1(&jpeg, &thumbnail_in_exif),
        ),
    ];
    for (name, bytes) in cases {
        let cut = bytes.len() - bytes.len() / 4;
        let error = refused(&bytes[..cut], None, &PhotoLimits::default());
        assert!(
            matches!(error, PhotoError::Undecodable { .. }),
            "{name}: {error:?}"
        );
        assert!(
            error.to_string().contains("could not be read"),
            "{name}: {error}"
        );
    }
    let error = refused(&jpeg[..20], None, &PhotoLimits::default());
    assert!(
        matches!(error, PhotoError::Undecodable { format: "JPEG", .. }),
        "{error:?}"
    );
}

#[test]
fn accepts_a_jpeg_with_data_after_its_end_as_phones_append() {
    let motion_photo = [
        jpeg(64, 48).as_slice(),
        b"\0\0\0\x18ftypmp42 rest of a clip",
    ]
    .concat();
    let photo = ok(&motion_photo, Some("image/jpeg"));
    assert_eq!((photo.width, photo.height), (64, 48));
}

#[test]
fn error_codes_name_each_refusal() {
    assert_eq!(PhotoError::Empty.code(), "photo_empty");
    let error = refused(&png(8, 8), None, &PhotoLimits::default());
    assert_eq!(error.code(), "photo_too_small");
}
