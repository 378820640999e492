//! What is served: the formats kept or changed, metadata gone, upright, thumbnails.

use super::*;

#[test]
fn accepts_jpeg_png_and_opaque_webp_and_serves_jpeg_or_png() {
    let cases: [(&str, Vec<u8>, &str, &str); 3] = [
        ("JPEG", jpeg(64, 48), "image/jpeg", "image/jpeg"),
        ("PNG", png(64, 48), "image/png", "image/png"),
        ("WebP", webp(gradient(64, 48)), "image/webp", "image/jpeg"),
    ];
    for (name, bytes, declared, served) in cases {
        let photo = process(&bytes, Some(declared), &PhotoLimits::default())
            .unwrap_or_else(|e| panic!("{name} refused: {e}"));
        assert_eq!(photo.content_type, served, "{name}");
        assert_eq!((photo.width, photo.height), (64, 48), "{name}");
        let served_format = image::guess_format(&photo.data).unwrap();
        assert_eq!(served_format.to_mime_type(), served, "{name}");
        let again = image::load_from_memory(&photo.data).unwrap();
        assert_eq!((again.width(), again.height()), (64, 48), "{name}");
        assert_eq!(
            &photo.thumbnail[..2],
            &[0xFF, 0xD8],
            "{name} thumbnail is a JPEG"
        );
    }
}

#[test]
fn webp_with_transparency_is_served_as_png_and_its_thumbnail_is_flattened_onto_white() {
    let image = RgbaImage::from_fn(40, 40, |x, _| {
        if x < 20 {
            Rgba([0, 0, 255, 0])
        } else {
            Rgba([0, 0, 255, 255])
        }
    });
    let photo = ok(&webp(image), None);
    assert_eq!(photo.content_type, "image/png");
    let served = image::load_from_memory(&photo.data).unwrap().to_rgba8();
    assert_eq!(
        served.get_pixel(5, 5)[3],
        0,
        "transparency survives in the served PNG"
    );
    let thumbnail = image::load_from_memory(&photo.thumbnail).unwrap().to_rgb8();
    let clear = thumbnail.get_pixel(5, 20);
    assert!(
        clear.0.iter().all(|&c| c > 240),
        "transparent part is white, got {clear:?}"
    );
    let blue = thumbnail.get_pixel(35, 20);
    assert!(
        blue[2] > 200 && blue[0] < 60,
        "opaque part stays blue, got {blue:?}"
    );
}

#[test]
fn location_metadata_of_a_jpeg_is_not_served() {
    let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>31,13.8N</exif:GPSLatitude></x:xmpmeta>";
    let upload = with_app1(&with_app1(&jpeg(64, 48), &exif(1)), xmp);
    assert!(contains(&upload, b"GPS") && segment_markers(&upload).contains(&0xE1));

    let photo = ok(&upload, Some("image/jpeg"));

    for (name, served) in [("photo", &photo.data), ("thumbnail", &photo.thumbnail)] {
        assert!(
            !segment_markers(served).contains(&0xE1),
            "{name} has an APP1 segment"
        );
        for needle in [b"GPS".as_slice(), b"Exif", b"xmpmeta", b"31.2304"] {
            assert!(
                !contains(served, needle),
                "{name} contains {:?}",
                String::from_utf8_lossy(needle)
            );
        }
    }
}

#[test]
fn location_metadata_of_a_png_is_not_served() {
    let plain = png(64, 48);
    let exif_chunk = png_chunk(*b"eXIf", &exif(1)[6..]);
    let upload = [&plain[..33], &exif_chunk, &plain[33..]].concat(); // after the IHDR chunk
    let photo = ok(&upload, Some("image/png"));
    assert_eq!(photo.content_type, "image/png");
    assert!(!contains(&photo.data, b"eXIf") && !contains(&photo.data, b"GPS"));
}

#[test]
fn exif_orientation_is_applied_so_a_sideways_phone_photo_comes_out_upright() {
    // Left half red, right half blue; orientation 6 means "rotate 90° clockwise to view".
    let image = RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([255, 0, 0])
        } else {
            Rgb([0, 0, 255])
        }
    });
    let upload = with_app1(&jpeg_of(&image), &exif(6));

    let photo = ok(&upload, None);

    assert_eq!((photo.width, photo.height), (20, 40));
    let served = image::load_from_memory(&photo.data).unwrap().to_rgb8();
    assert_eq!(
        served.dimensions(),
        (20, 40),
        "no orientation tag is left to rotate it twice"
    );
    let (top, bottom) = (served.get_pixel(10, 5), served.get_pixel(10, 35));
    assert!(
        top[0] > 200 && top[2] < 60,
        "left side ends up on top, got {top:?}"
    );
    assert!(
        bottom[2] > 200 && bottom[0] < 60,
        "right side ends up below, got {bottom:?}"
    );
    assert_eq!((photo.thumbnail_width, photo.thumbnail_height), (20, 40));
}

#[test]
fn thumbnail_fits_the_longest_side_and_never_enlarges() {
    let cases = [
        ((1000, 500), (320, 160)),
        ((500, 1000), (160, 320)),
        ((100, 50), (100, 50)),
    ];
    for ((width, height), expected) in cases {
        let photo = ok(&png(width, height), None);
        let thumbnail = image::load_from_memory(&photo.thumbnail).unwrap();
        assert_eq!(
            (thumbnail.width(), thumbnail.height()),
            expected,
            "{width}×{height}"
        );
        assert_eq!((photo.thumbnail_width, photo.thumbnail_height), expected);
    }
}

#[test]
fn a_colour_profile_that_fits_the_pixels_is_kept_and_one_that_does_not_is_dropped() {
    let profile = |space: &[u8; 4]| {
        let mut icc = vec![0; 128];
        icc[16..20].copy_from_slice(space);
        icc.extend_from_slice(b"gridlink test profile");
        icc
    };
    for (space, kept) in [(b"RGB ", true), (b"GRAY", false), (b"CMYK", false)] {
        let image = gradient(64, 48);
        let mut upload = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut upload, 90);
        encoder.set_icc_profile(profile(space)).unwrap();
        encoder
            .write_image(&image, 64, 48, image::ExtendedColorType::Rgb8)
            .unwrap();

        let photo = ok(&upload, None);

        let name = String::from_utf8_lossy(space);
        for served in [&photo.data, &photo.thumbnail] {
            assert_eq!(contains(served, b"gridlink test profile"), kept, "{name}");
        }
    }
}
