//! Blank pages (the backs of duplex scans). A page is blank when, seen at 100 dpi inside its
//! margins, fewer than [`MAX_INKED_TILES`] squares of 3 mm hold ink: clearly darker than the
//! paper. Paper colour, show-through from the other side, JPEG noise and dust stay under that
//! line; one short line of text, a signature or a stamp cover several squares.

use image::imageops::FilterType;
use image::GrayImage;

/// The resolution the test looks at (coarser than a scan: averaging removes specks).
const BLANK_DPI: f32 = 100.0;
/// Each side's margin left out: scanner shadows, punch holes, the edges of the glass.
const MARGIN: f32 = 0.06;
/// A square of 12 pixels at 100 dpi (3 mm) holds ink when this many of its pixels are dark.
const TILE: u32 = 12;
const INKED_PIXELS: u32 = 6;
/// Fewer inked squares than this and the page is blank.
pub const MAX_INKED_TILES: u32 = 3;

/// How much ink a page has: the number of inked 3-mm squares.
pub fn inked_tiles(page: &GrayImage, dpi: f32) -> u32 {
    let scale = (BLANK_DPI / dpi.max(1.0)).min(1.0);
    let (w, h) = (
        ((page.width() as f32 * scale).round() as u32).max(1),
        ((page.height() as f32 * scale).round() as u32).max(1),
    );
    let small = if scale < 1.0 {
        image::imageops::resize(page, w, h, FilterType::Triangle)
    } else {
        page.clone()
    };
    let (x0, y0) = ((w as f32 * MARGIN) as u32, (h as f32 * MARGIN) as u32);
    let (x1, y1) = (w - x0, h - y0);
    if x1 <= x0 || y1 <= y0 {
        return 0;
    }
    // The paper's level: the 90th percentile of the inner area (bright, but not a stray white
    // pixel); ink is anything 80 levels darker.
    let mut histogram = [0u64; 256];
    for y in y0..y1 {
        for x in x0..x1 {
            histogram[usize::from(small.get_pixel(x, y).0[0])] += 1;
        }
    }
    let total: u64 = histogram.iter().sum();
    let mut seen = 0;
    let mut paper = 255u8;
    for (level, count) in histogram.iter().enumerate() {
        seen += count;
        if seen * 10 >= total * 9 {
            paper = level as u8;
            break;
        }
    }
    let tiles = w.div_ceil(TILE) * h.div_ceil(TILE);
    if paper < 100 {
        return tiles; // a dark page (a photo, a black sheet) is not blank
    }
    let threshold = paper.saturating_sub(80);
    let mut inked = 0;
    for ty in (y0..y1).step_by(TILE as usize) {
        for tx in (x0..x1).step_by(TILE as usize) {
            let mut dark = 0;
            for y in ty..(ty + TILE).min(y1) {
                for x in tx..(tx + TILE).min(x1) {
                    dark += u32::from(small.get_pixel(x, y).0[0] < threshold);
                }
            }
            inked += u32::from(dark >= INKED_PIXELS);
        }
    }
    inked
}

/// True for a page with no content worth keeping.
pub fn is_blank(page: &GrayImage, dpi: f32) -> bool {
    inked_tiles(page, dpi) < MAX_INKED_TILES
}
