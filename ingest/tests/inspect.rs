#![forbid(unsafe_code)]

use ingest::{inspect, sniff, InspectError, Limits};
use kho_tests::fixtures;
use schemas::Format;

fn pages_of(bytes: &[u8]) -> Result<u32, String> {
    let format = sniff(bytes).map_err(|e| e.to_string())?;
    inspect(format, bytes, &Limits::default())
        .map(|i| i.pages)
        .map_err(|e| e.to_string())
}

#[test]
fn counts_pages_of_every_accepted_format() {
    assert_eq!(pages_of(&fixtures::pdf(3, "a")), Ok(3));
    assert_eq!(pages_of(&fixtures::png(40, 30, 1)), Ok(1));
    assert_eq!(pages_of(&fixtures::jpeg(40, 30, 1)), Ok(1));
    assert_eq!(pages_of(&fixtures::tiff(4, 1)), Ok(4));
    assert_eq!(pages_of(&fixtures::tiff(1, 1)), Ok(1));
}

#[test]
fn a_header_claiming_billions_of_pixels_is_refused_before_decoding() {
    let e = pages_of(&fixtures::png_header_claiming(60_000, 60_000)).unwrap_err();
    assert!(e.contains("60000x60000 pixels"), "{e}");
    let limits = Limits {
        max_pixels: 100,
        ..Limits::default()
    };
    let e = inspect(Format::Jpeg, &fixtures::jpeg(20, 20, 0), &limits).unwrap_err();
    assert!(matches!(e, InspectError::TooManyPixels { .. }));
}

#[test]
fn too_many_pages_is_refused() {
    let limits = Limits {
        max_pages: 2,
        ..Limits::default()
    };
    let e = inspect(Format::Pdf, &fixtures::pdf(3, "x"), &limits).unwrap_err();
    assert!(e.to_string().contains("at most 2 pages"), "{e}");
    let e = inspect(Format::Tiff, &fixtures::tiff(3, 0), &limits).unwrap_err();
    assert!(matches!(e, InspectError::TooManyPages { .. }));
}

#[test]
fn damaged_files_get_a_reason_not_a_panic() {
    let pdf = fixtures::pdf(2, "cut");
    for cut in [9, pdf.len() / 3, pdf.len() / 2, pdf.len() - 20] {
        let e = pages_of(&pdf[..cut]);
        if let Err(e) = e {
            assert!(e.contains("PDF"), "{e}");
        }
    }
    assert!(pages_of(b"%PDF-1.7\ngarbage garbage")
        .unwrap_err()
        .contains("damaged PDF"));
    let png = fixtures::png(40, 30, 2);
    assert!(pages_of(&png[..20]).unwrap_err().contains("damaged PNG"));
    let tiff = fixtures::tiff(2, 0);
    assert!(pages_of(&tiff[..12]).is_err());
}

#[test]
fn random_mutations_never_panic() {
    // A cheap, deterministic fuzz pass over each format; the real fuzz targets come later.
    let seeds = [
        fixtures::pdf(2, "m"),
        fixtures::png(16, 16, 3),
        fixtures::jpeg(16, 16, 3),
        fixtures::tiff(2, 3),
    ];
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for seed in &seeds {
        for _ in 0..300 {
            let mut bytes = seed.clone();
            for _ in 0..1 + next() % 8 {
                let i = (next() % bytes.len() as u64) as usize;
                bytes[i] = next() as u8;
            }
            let keep = bytes.len() - (next() % 16) as usize;
            bytes.truncate(keep.max(1));
            let _ = pages_of(&bytes);
        }
    }
}

/// Review F11/F12: an image too small to be the scan of a paper (a tracking pixel, an empty
/// image) is refused for that reason, not stored nor called "too many pixels".
#[test]
fn an_image_below_the_minimum_side_is_not_a_paper() {
    for (w, h) in [(1, 1), (0, 0), (15, 400)] {
        let e = inspect(
            Format::Png,
            &fixtures::png_header_claiming(w, h),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(matches!(e, InspectError::TooSmall { .. }), "{w}x{h}: {e:?}");
        assert_eq!(e.message().code(), "ingest.too_small");
    }
    let e = inspect(Format::Jpeg, &fixtures::jpeg(8, 40, 1), &Limits::default()).unwrap_err();
    assert!(
        matches!(e, InspectError::TooSmall { width: 8, .. }),
        "{e:?}"
    );
    assert_eq!(pages_of(&fixtures::png(16, 16, 1)), Ok(1));
}

/// Review F12: a PNG with a wrong CRC is named as such, in words of the table, and no library's
/// debug dump (`ChunkType { type: IHDR, critical: true, .. }`) reaches the reason.
#[test]
fn a_bad_checksum_is_said_in_words() {
    let mut png = fixtures::png(40, 30, 2);
    png[29] ^= 0xff; // the IHDR chunk's CRC
    let e = inspect(Format::Png, &png, &Limits::default()).unwrap_err();
    assert!(
        matches!(
            e,
            InspectError::Damaged {
                detail: ingest::Damage::Checksum,
                ..
            }
        ),
        "{e:?}"
    );
    for lang in [schemas::messages::Lang::Vi, schemas::messages::Lang::En] {
        let text = e.message().render(lang);
        assert!(!text.contains('{') && !text.contains("ChunkType"), "{text}");
    }
}
