//! A PNG's chunks checked before any decoder (ours or tesseract's libpng) sees them: every chunk's
//! CRC, and the image data inflated at most to the size the header declares. A deflate stream
//! compresses runs of zeros about 1000:1, so a 2 MB file can carry 2 GB of "image data" for a
//! 100×100 image; libpng inflates all of it (seconds of CPU per upload, linear in the file), so
//! such a file is refused here after inflating one byte past the declared size.

use crate::inspect::Damage;
use std::io::Read;

/// Checks the chunks of a PNG whose signature was already recognised.
pub(crate) fn check_png(bytes: &[u8]) -> Result<(), Damage> {
    let mut at = 8usize;
    let mut header: Option<Header> = None;
    let mut idat: Vec<&[u8]> = Vec::new();
    loop {
        let length = be_u32(bytes, at).ok_or(Damage::Truncated)? as usize;
        let kind = bytes.get(at + 4..at + 8).ok_or(Damage::Truncated)?;
        let data_end = (at + 8).checked_add(length).ok_or(Damage::Structure)?;
        let data = bytes.get(at + 8..data_end).ok_or(Damage::Truncated)?;
        let stored_crc = be_u32(bytes, data_end).ok_or(Damage::Truncated)?;
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        if crc.sum() != stored_crc {
            return Err(Damage::Checksum);
        }
        match kind {
            b"IHDR" => header = Some(Header::parse(data).ok_or(Damage::Structure)?),
            b"IDAT" => idat.push(data),
            b"IEND" => break,
            _ => {}
        }
        at = data_end + 4;
    }
    let header = header.ok_or(Damage::Structure)?;
    let declared = header.data_bytes().ok_or(Damage::Structure)?;
    let stream = idat.concat();
    let mut inflater = flate2::read::ZlibDecoder::new(stream.as_slice());
    // One byte more than declared is enough to know there is too much.
    let mut sink = Vec::new();
    let got = inflater
        .by_ref()
        .take(declared.saturating_add(1))
        .read_to_end(&mut sink)
        .map_err(|_| Damage::Structure)? as u64;
    if got > declared {
        return Err(Damage::ExcessImageData);
    }
    if got < declared {
        return Err(Damage::Truncated);
    }
    Ok(())
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    bytes
        .get(at..at.checked_add(4)?)?
        .try_into()
        .ok()
        .map(u32::from_be_bytes)
}

/// What IHDR says about the pixel data's size.
struct Header {
    width: u64,
    height: u64,
    bits_per_pixel: u64,
    interlaced: bool,
}

impl Header {
    fn parse(data: &[u8]) -> Option<Header> {
        if data.len() != 13 {
            return None;
        }
        let width = u64::from(be_u32(data, 0)?);
        let height = u64::from(be_u32(data, 4)?);
        let (depth, colour) = (u64::from(data[8]), data[9]);
        let channels = match colour {
            0 | 3 => 1,
            2 => 3,
            4 => 2,
            6 => 4,
            _ => return None,
        };
        Some(Header {
            width,
            height,
            bits_per_pixel: depth * channels,
            interlaced: data[12] == 1,
        })
    }

    /// Bytes of filtered scanlines (a filter byte in front of each row), over the seven passes of
    /// an interlaced image.
    fn data_bytes(&self) -> Option<u64> {
        let rows = |w: u64, h: u64| -> Option<u64> {
            if w == 0 || h == 0 {
                return Some(0);
            }
            let row = (w.checked_mul(self.bits_per_pixel)?).div_ceil(8) + 1;
            row.checked_mul(h)
        };
        if !self.interlaced {
            return rows(self.width, self.height);
        }
        // Adam7: (x start, y start, x step, y step) of each pass.
        const PASSES: [(u64, u64, u64, u64); 7] = [
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        ];
        let mut total = 0u64;
        for (x0, y0, dx, dy) in PASSES {
            let w = self.width.saturating_sub(x0).div_ceil(dx);
            let h = self.height.saturating_sub(y0).div_ceil(dy);
            total = total.checked_add(rows(w, h)?)?;
        }
        Some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
        out
    }

    /// A grey 8-bit PNG of `w`×`h` whose IDAT inflates to `raw` bytes of zeros.
    fn grey_png(w: u32, h: u32, raw: usize, interlace: u8) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, interlace]);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(&vec![0u8; raw]).unwrap();
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        out.extend(chunk(b"IHDR", &ihdr));
        out.extend(chunk(b"IDAT", &z.finish().unwrap()));
        out.extend(chunk(b"IEND", b""));
        out
    }

    #[test]
    fn image_data_of_the_declared_size_passes() {
        assert_eq!(check_png(&grey_png(100, 50, 101 * 50, 0)), Ok(()));
        // Adam7 (seven passes of sub-images) of a 10×10 grey image.
        let header = Header {
            width: 10,
            height: 10,
            bits_per_pixel: 8,
            interlaced: true,
        };
        let declared = header.data_bytes().unwrap() as usize;
        assert_eq!(check_png(&grey_png(10, 10, declared, 1)), Ok(()));
    }

    #[test]
    fn image_data_past_the_declared_size_is_refused_without_inflating_it_all() {
        // 64 MiB of zeros behind a 100×100 image: refused after 10,101 bytes of output.
        let bomb = grey_png(100, 100, 64 << 20, 0);
        assert_eq!(check_png(&bomb), Err(Damage::ExcessImageData));
        assert_eq!(
            check_png(&grey_png(100, 100, 100 * 101 - 1, 0)),
            Err(Damage::Truncated)
        );
    }

    #[test]
    fn a_wrong_crc_or_a_cut_file_is_named() {
        let mut png = grey_png(20, 20, 21 * 20, 0);
        png[29] ^= 0xff; // IHDR's CRC
        assert_eq!(check_png(&png), Err(Damage::Checksum));
        let png = grey_png(20, 20, 21 * 20, 0);
        assert_eq!(check_png(&png[..png.len() - 6]), Err(Damage::Truncated));
    }
}
