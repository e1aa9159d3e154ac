//! Decoding and encoding, bounded and strict.
//!
//! JPEG goes through libjpeg-turbo (the `turbojpeg` crate builds it from source, so phones get
//! the same SIMD codec): decoded straight to YUV planes, encoded from them at quality 85, 4:2:0.
//! libjpeg-turbo reports a corrupt or truncated scan as an error, so a damaged capture is never
//! grey-filled and watermarked as if it were whole. PNG (screenshots) goes through the `image`
//! crate's `ImageReader` with explicit `Limits`, never an unlimited decoder.
//!
//! Every decode checks the declared dimensions against `DecodeLimits` *before* allocating, so a
//! 50-byte file claiming 65 535 × 65 535 pixels costs nothing.

use std::io::Cursor;

use turbojpeg::{Decompressor, PixelFormat, Subsamp};

use super::MediaError;
use super::planes::{Plane, YuvImage, chroma_to_420, rgb_to_yuv420};

/// The bounds every decode respects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Widest or tallest image accepted.
    pub max_side: usize,
    /// Most pixels accepted (a 200 MP phone photo is 200 000 000).
    pub max_pixels: usize,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        // 120 MP decodes to 180 MB of 4:2:0 planes; beyond that a phone should not try.
        Self {
            max_side: 30_000,
            max_pixels: 120_000_000,
        }
    }
}

impl DecodeLimits {
    fn check(&self, w: usize, h: usize) -> Result<(), MediaError> {
        if w == 0 || h == 0 {
            return Err(corrupt("zero dimension"));
        }
        if w > self.max_side || h > self.max_side || w.saturating_mul(h) > self.max_pixels {
            return Err(MediaError::TooLarge {
                width: w as u64,
                height: h as u64,
            });
        }
        Ok(())
    }
}

/// JPEG quality of derivatives.
pub const QUALITY: i32 = 85;

fn corrupt(detail: impl Into<String>) -> MediaError {
    MediaError::Corrupt {
        detail: detail.into(),
    }
}

fn tj(e: turbojpeg::Error) -> MediaError {
    // libjpeg-turbo's messages name the defect ("Premature end of JPEG file", "Corrupt JPEG
    // data: …"); they carry no user content.
    let text = e.to_string();
    let text = text.trim_start_matches("TurboJPEG error: ");
    if text.contains("Maximum supported image dimension") {
        return MediaError::TooLarge {
            width: 0,
            height: 0,
        };
    }
    corrupt(text)
}

/// Decodes a JPEG to YUV 4:2:0 (or grey) planes in its stored orientation.
pub fn decode_jpeg(data: &[u8], limits: &DecodeLimits) -> Result<YuvImage, MediaError> {
    let mut d = Decompressor::new().map_err(tj)?;
    let header = d.read_header(data).map_err(tj)?;
    let (w, h) = (header.width, header.height);
    limits.check(w, h)?;
    let factors = match header.subsamp {
        Subsamp::Sub2x2 => Some((2, 2)),
        Subsamp::Sub2x1 => Some((2, 1)),
        Subsamp::None => Some((1, 1)),
        Subsamp::Sub1x2 => Some((1, 2)),
        Subsamp::Sub4x1 => Some((4, 1)),
        Subsamp::Sub1x4 => Some((1, 4)),
        Subsamp::Gray => None,
        // CMYK/YCCK and other oddities: decode to RGB and convert.
        _ => return decode_jpeg_via_rgb(&mut d, data, w, h),
    };
    let len = turbojpeg::yuv_pixels_len(w, 1, h, header.subsamp).map_err(tj)?;
    let mut img = turbojpeg::YuvImage {
        pixels: vec![0u8; len],
        width: w,
        align: 1,
        height: h,
        subsamp: header.subsamp,
    };
    d.decompress_to_yuv(data, img.as_deref_mut()).map_err(tj)?;
    let (yw, yh) = img.y_size();
    let (cw, ch) = (img.uv_width(), img.uv_height());
    let mut pixels = img.pixels;
    let y_len = yw * yh;
    let Some((hf, vf)) = factors else {
        pixels.truncate(y_len);
        return Ok(YuvImage {
            y: crop(
                Plane {
                    width: yw,
                    height: yh,
                    data: pixels,
                },
                w,
                h,
            ),
            chroma: None,
        });
    };
    let c_len = cw * ch;
    if pixels.len() < y_len + 2 * c_len {
        return Err(corrupt("short YUV buffer"));
    }
    let v = pixels.split_off(y_len + c_len);
    let u = pixels.split_off(y_len);
    let y = crop(
        Plane {
            width: yw,
            height: yh,
            data: pixels,
        },
        w,
        h,
    );
    let u = chroma_to_420(
        Plane {
            width: cw,
            height: ch,
            data: u,
        },
        hf,
        vf,
        w,
        h,
    );
    let v = chroma_to_420(
        Plane {
            width: cw,
            height: ch,
            data: v[..c_len].to_vec(),
        },
        hf,
        vf,
        w,
        h,
    );
    Ok(YuvImage {
        y,
        chroma: Some((u, v)),
    })
}

fn decode_jpeg_via_rgb(
    d: &mut Decompressor,
    data: &[u8],
    w: usize,
    h: usize,
) -> Result<YuvImage, MediaError> {
    let mut img = turbojpeg::Image {
        pixels: vec![0u8; w * h * 3],
        width: w,
        pitch: w * 3,
        height: h,
        format: PixelFormat::RGB,
    };
    d.decompress(data, img.as_deref_mut()).map_err(tj)?;
    Ok(rgb_to_yuv420(&img.pixels, w, h))
}

/// Drops padding columns/rows a plane may carry beyond the image.
fn crop(p: Plane, w: usize, h: usize) -> Plane {
    if p.width == w && p.height == h {
        return p;
    }
    let mut data = Vec::with_capacity(w * h);
    for row in p.data.chunks(p.width).take(h) {
        data.extend_from_slice(&row[..w.min(row.len())]);
    }
    Plane {
        width: w,
        height: h,
        data,
    }
}

/// Decodes a PNG (or another format the `image` crate reads) within the limits, to YUV 4:2:0.
pub fn decode_other(data: &[u8], limits: &DecodeLimits) -> Result<YuvImage, MediaError> {
    let mut reader = image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| corrupt(e.to_string()))?;
    let mut l = image::Limits::default();
    l.max_image_width = Some(limits.max_side as u32);
    l.max_image_height = Some(limits.max_side as u32);
    l.max_alloc = Some(
        (limits.max_pixels as u64)
            .saturating_mul(4)
            .min(512 * 1024 * 1024),
    );
    reader.limits(l.clone());
    let (w, h) = reader.into_dimensions().map_err(image_error)?;
    limits.check(w as usize, h as usize)?;
    let mut reader = image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| corrupt(e.to_string()))?;
    reader.limits(l);
    let img = reader.decode().map_err(image_error)?.into_rgb8();
    let (w, h) = (img.width() as usize, img.height() as usize);
    Ok(rgb_to_yuv420(img.as_raw(), w, h))
}

fn image_error(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(_) => MediaError::TooLarge {
            width: 0,
            height: 0,
        },
        image::ImageError::Unsupported(_) => MediaError::Unsupported,
        other => corrupt(other.to_string()),
    }
}

/// Encodes planes as a JPEG: quality `quality`, 4:2:0 (or greyscale).
pub fn encode_jpeg(img: &YuvImage, quality: i32) -> Result<Vec<u8>, MediaError> {
    let mut c = turbojpeg::Compressor::new().map_err(tj)?;
    c.set_quality(quality).map_err(tj)?;
    let (w, h) = (img.width(), img.height());
    match &img.chroma {
        Some((u, v)) => {
            // libjpeg-turbo reads 4:2:0 luma in whole 2×2 blocks: give odd sizes a padding
            // row/column (a copy of the last), which the encoder then crops away.
            let padded;
            let y = if w % 2 == 1 || h % 2 == 1 {
                padded = pad_even(&img.y);
                &padded
            } else {
                &img.y
            };
            let planes = turbojpeg::YuvPlanesImage {
                y_plane: y.data.as_slice(),
                u_plane: u.data.as_slice(),
                v_plane: v.data.as_slice(),
                width: w,
                height: h,
                y_stride: y.width,
                u_stride: u.width,
                v_stride: v.width,
                subsamp: Subsamp::Sub2x2,
            };
            c.compress_yuv_planes_to_vec(&planes).map_err(tj)
        }
        None => {
            c.set_subsamp(Subsamp::Gray).map_err(tj)?;
            let grey = turbojpeg::Image {
                pixels: img.y.data.as_slice(),
                width: w,
                pitch: w,
                height: h,
                format: PixelFormat::GRAY,
            };
            c.compress_to_vec(grey).map_err(tj)
        }
    }
}

/// A copy of `p` with its width and height rounded up to even, edges replicated.
fn pad_even(p: &Plane) -> Plane {
    let (w, h) = (p.width + p.width % 2, p.height + p.height % 2);
    let mut data = Vec::with_capacity(w * h);
    for row in p.data.chunks(p.width.max(1)) {
        data.extend_from_slice(row);
        if w > p.width {
            data.push(row.last().copied().unwrap_or(0));
        }
    }
    if h > p.height {
        let last = data[data.len() - w..].to_vec();
        data.extend_from_slice(&last);
    }
    Plane {
        width: w,
        height: h,
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_jpeg_round_trips_through_planes() {
        let img = rgb_to_yuv420(&[200u8; 64 * 48 * 3], 64, 48);
        let jpeg = encode_jpeg(&img, QUALITY).unwrap();
        let back = decode_jpeg(&jpeg, &DecodeLimits::default()).unwrap();
        assert_eq!((back.width(), back.height()), (64, 48));
        assert!(back.y.data.iter().all(|&v| v.abs_diff(200) <= 2));
        assert!(
            decode_jpeg(&jpeg[..jpeg.len() / 2], &DecodeLimits::default()).is_err(),
            "truncated"
        );
    }

    #[test]
    fn odd_sizes_encode() {
        for (w, h) in [(1, 1), (3, 5), (301, 225), (2, 7)] {
            let img = rgb_to_yuv420(&vec![90u8; w * h * 3], w, h);
            let jpeg = encode_jpeg(&img, QUALITY).unwrap();
            let back = decode_jpeg(&jpeg, &DecodeLimits::default()).unwrap();
            assert_eq!((back.width(), back.height()), (w, h));
        }
    }

    #[test]
    fn limits_are_checked_before_decoding() {
        let img = rgb_to_yuv420(&[0u8; 32 * 32 * 3], 32, 32);
        let jpeg = encode_jpeg(&img, QUALITY).unwrap();
        let tight = DecodeLimits {
            max_side: 16,
            max_pixels: 1_000_000,
        };
        assert!(matches!(
            decode_jpeg(&jpeg, &tight),
            Err(MediaError::TooLarge {
                width: 32,
                height: 32
            })
        ));
    }
}
