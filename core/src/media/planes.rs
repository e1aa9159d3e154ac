//! Images as YUV planes, and the EXIF orientation applied to them.
//!
//! The watermark pipeline never converts to RGB: a JPEG is decoded straight into its Y, Cb and
//! Cr planes, the planes are turned upright (EXIF orientation) and brought to 4:2:0, the text
//! band is drawn into them, and they are encoded again. That skips two colour conversions and
//! the chroma up/down-sampling, and the upright copy of a 4:2:0 photo costs 1.5 bytes a pixel,
//! so the decoded and the rotated planes together weigh what one RGB frame would.
//!
//! Rotations walk the image in 32×32 tiles so reads and writes both stay in cache, and split the
//! output rows between two threads (the phone has more cores than one).

/// One 8-bit plane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plane {
    /// Width in samples.
    pub width: usize,
    /// Height in samples.
    pub height: usize,
    /// Row-major samples, `width` per row (no padding).
    pub data: Vec<u8>,
}

impl Plane {
    /// A plane filled with `value`.
    pub fn filled(width: usize, height: usize, value: u8) -> Self {
        Self {
            width,
            height,
            data: vec![value; width * height],
        }
    }

    /// The sample at (x, y).
    pub fn at(&self, x: usize, y: usize) -> u8 {
        self.data[y * self.width + x]
    }
}

/// A YCbCr image: luma plus, unless grey, two chroma planes at 4:2:0 (half width and height,
/// rounded up).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YuvImage {
    /// Luma.
    pub y: Plane,
    /// Cb and Cr, `None` for a greyscale image.
    pub chroma: Option<(Plane, Plane)>,
}

impl YuvImage {
    /// Width in pixels.
    pub fn width(&self) -> usize {
        self.y.width
    }

    /// Height in pixels.
    pub fn height(&self) -> usize {
        self.y.height
    }
}

/// The EXIF orientations (TIFF tag 0x0112), as the transform that makes the image upright.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Orientation {
    /// 1: already upright.
    Normal,
    /// 2: mirrored horizontally.
    FlipH,
    /// 3: upside down.
    Rotate180,
    /// 4: mirrored vertically.
    FlipV,
    /// 5: mirrored along the main diagonal.
    Transpose,
    /// 6: must be turned 90° clockwise.
    Rotate90,
    /// 7: mirrored along the anti-diagonal.
    Transverse,
    /// 8: must be turned 90° counter-clockwise.
    Rotate270,
}

impl Orientation {
    /// From the EXIF value; anything outside 1–8 (or missing) means upright.
    pub fn from_exif(value: u32) -> Self {
        match value {
            2 => Self::FlipH,
            3 => Self::Rotate180,
            4 => Self::FlipV,
            5 => Self::Transpose,
            6 => Self::Rotate90,
            7 => Self::Transverse,
            8 => Self::Rotate270,
            _ => Self::Normal,
        }
    }

    /// The EXIF value.
    pub fn exif_value(self) -> u32 {
        match self {
            Self::Normal => 1,
            Self::FlipH => 2,
            Self::Rotate180 => 3,
            Self::FlipV => 4,
            Self::Transpose => 5,
            Self::Rotate90 => 6,
            Self::Transverse => 7,
            Self::Rotate270 => 8,
        }
    }

    /// Whether width and height swap.
    pub fn swaps_axes(self) -> bool {
        matches!(
            self,
            Self::Transpose | Self::Rotate90 | Self::Transverse | Self::Rotate270
        )
    }

    /// Where upright pixel (x, y) is in a row-major source of `w`×`h`, as
    /// `base + x·step_x + y·step_y`: the walk the rotation loops take.
    fn steps(self, w: usize, h: usize) -> (isize, isize, isize) {
        let (w, h) = (w as isize, h as isize);
        match self {
            Self::Normal => (0, 1, w),
            Self::FlipH => (w - 1, -1, w),
            Self::Rotate180 => ((h - 1) * w + w - 1, -1, -w),
            Self::FlipV => ((h - 1) * w, 1, -w),
            Self::Transpose => (0, w, 1),
            Self::Rotate90 => ((h - 1) * w, -w, 1),
            Self::Transverse => ((h - 1) * w + w - 1, -w, -1),
            Self::Rotate270 => (w - 1, w, -1),
        }
    }

    /// The source coordinate of upright pixel (x, y), for a source of `w`×`h`.
    #[cfg(test)]
    fn source_of(self, x: usize, y: usize, w: usize, h: usize) -> (usize, usize) {
        match self {
            Self::Normal => (x, y),
            Self::FlipH => (w - 1 - x, y),
            Self::Rotate180 => (w - 1 - x, h - 1 - y),
            Self::FlipV => (x, h - 1 - y),
            Self::Transpose => (y, x),
            Self::Rotate90 => (y, h - 1 - x),
            Self::Transverse => (w - 1 - y, h - 1 - x),
            Self::Rotate270 => (w - 1 - y, x),
        }
    }
}

const TILE: usize = 32;

/// The plane made upright. `Normal` returns the plane untouched (no copy).
pub fn orient_plane(src: Plane, o: Orientation) -> Plane {
    if o == Orientation::Normal {
        return src;
    }
    let (w, h) = (src.width, src.height);
    let (ow, oh) = if o.swaps_axes() { (h, w) } else { (w, h) };
    let mut out = vec![0u8; ow * oh];
    if ow == 0 || oh == 0 {
        return Plane {
            width: ow,
            height: oh,
            data: out,
        };
    }
    // Two bands of output rows, one per thread; each band walks tiles.
    let split = (oh / 2).div_ceil(TILE) * TILE;
    let (top, bottom) = out.split_at_mut(split.min(oh) * ow);
    let data = &src.data;
    let (base, step_x, step_y) = o.steps(w, h);
    let fill = |band: &mut [u8], y0: usize| {
        let rows = band.len() / ow.max(1);
        for ty in (0..rows).step_by(TILE) {
            for tx in (0..ow).step_by(TILE) {
                for y in ty..(ty + TILE).min(rows) {
                    let row = &mut band[y * ow + tx..y * ow + (tx + TILE).min(ow)];
                    let mut i = base + tx as isize * step_x + (y0 + y) as isize * step_y;
                    for px in row {
                        // In bounds by construction: (x, y) ranges over the upright image.
                        *px = data[i as usize];
                        i += step_x;
                    }
                }
            }
        }
    };
    std::thread::scope(|s| {
        if !bottom.is_empty() {
            s.spawn(|| fill(bottom, split));
        }
        fill(top, 0);
    });
    Plane {
        width: ow,
        height: oh,
        data: out,
    }
}

/// Chroma at any common JPEG subsampling brought to 4:2:0 of a `w`×`h` image (before
/// orientation), by averaging the samples each 4:2:0 sample covers.
///
/// `hf`, `vf` are the horizontal and vertical subsampling factors of `src` (1, 2 or 4).
pub fn chroma_to_420(src: Plane, hf: usize, vf: usize, w: usize, h: usize) -> Plane {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    if hf == 2 && vf == 2 && src.width == cw && src.height == ch {
        return src;
    }
    let avg2 = |a: u8, b: u8| (u16::from(a) + u16::from(b)).div_ceil(2) as u8;
    // Fast paths for the common cameras: 4:2:2 (pairs of rows) and 4:4:4 (2×2 blocks).
    if hf == 2 && vf == 1 && src.width >= cw && src.height >= h {
        let mut out = Vec::with_capacity(cw * ch);
        for cy in 0..ch {
            let a = &src.data[(2 * cy) * src.width..][..cw];
            let b = &src.data[(2 * cy + 1).min(h - 1) * src.width..][..cw];
            out.extend(a.iter().zip(b).map(|(&x, &y)| avg2(x, y)));
        }
        return Plane {
            width: cw,
            height: ch,
            data: out,
        };
    }
    if hf == 1 && vf == 1 && src.width >= w && src.height >= h {
        let mut out = Vec::with_capacity(cw * ch);
        for cy in 0..ch {
            let a = &src.data[(2 * cy) * src.width..][..w];
            let b = &src.data[(2 * cy + 1).min(h - 1) * src.width..][..w];
            for cx in 0..cw {
                let (x0, x1) = (2 * cx, (2 * cx + 1).min(w - 1));
                let sum = u16::from(a[x0]) + u16::from(a[x1]) + u16::from(b[x0]) + u16::from(b[x1]);
                out.push(((sum + 2) / 4) as u8);
            }
        }
        return Plane {
            width: cw,
            height: ch,
            data: out,
        };
    }
    let mut out = Vec::with_capacity(cw * ch);
    for cy in 0..ch {
        for cx in 0..cw {
            // The luma block this 4:2:0 sample covers, and the source chroma samples under it.
            let (lx0, ly0) = (cx * 2, cy * 2);
            let (lx1, ly1) = ((lx0 + 1).min(w - 1), (ly0 + 1).min(h - 1));
            let (sx0, sx1) = ((lx0 / hf).min(src.width - 1), (lx1 / hf).min(src.width - 1));
            let (sy0, sy1) = (
                (ly0 / vf).min(src.height - 1),
                (ly1 / vf).min(src.height - 1),
            );
            let mut sum = 0u32;
            let mut n = 0u32;
            for sy in sy0..=sy1 {
                for sx in sx0..=sx1 {
                    sum += u32::from(src.data[sy * src.width + sx]);
                    n += 1;
                }
            }
            out.push(((sum + n / 2) / n.max(1)) as u8);
        }
    }
    Plane {
        width: cw,
        height: ch,
        data: out,
    }
}

/// Full-range BT.601 (the JPEG/JFIF convention) from interleaved RGB, straight to 4:2:0.
pub fn rgb_to_yuv420(rgb: &[u8], w: usize, h: usize) -> YuvImage {
    let mut y = Vec::with_capacity(w * h);
    for px in rgb.chunks_exact(3) {
        let (r, g, b) = (f32::from(px[0]), f32::from(px[1]), f32::from(px[2]));
        y.push(
            (0.299 * r + 0.587 * g + 0.114 * b)
                .round()
                .clamp(0.0, 255.0) as u8,
        );
    }
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut u = Vec::with_capacity(cw * ch);
    let mut v = Vec::with_capacity(cw * ch);
    for cy in 0..ch {
        for cx in 0..cw {
            let (mut r, mut g, mut b, mut n) = (0f32, 0f32, 0f32, 0f32);
            for yy in (cy * 2)..((cy * 2 + 2).min(h)) {
                for xx in (cx * 2)..((cx * 2 + 2).min(w)) {
                    let i = (yy * w + xx) * 3;
                    r += f32::from(rgb[i]);
                    g += f32::from(rgb[i + 1]);
                    b += f32::from(rgb[i + 2]);
                    n += 1.0;
                }
            }
            let (r, g, b) = (r / n, g / n, b / n);
            u.push(
                (128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
            v.push(
                (128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b)
                    .round()
                    .clamp(0.0, 255.0) as u8,
            );
        }
    }
    YuvImage {
        y: Plane {
            width: w,
            height: h,
            data: y,
        },
        chroma: Some((
            Plane {
                width: cw,
                height: ch,
                data: u,
            },
            Plane {
                width: cw,
                height: ch,
                data: v,
            },
        )),
    }
}

/// An image made upright: every plane oriented the same way.
pub fn orient(img: YuvImage, o: Orientation) -> YuvImage {
    let y = orient_plane(img.y, o);
    let chroma = img
        .chroma
        .map(|(u, v)| (orient_plane(u, o), orient_plane(v, o)));
    YuvImage { y, chroma }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(w: usize, h: usize) -> Plane {
        Plane {
            width: w,
            height: h,
            data: (0..w * h).map(|i| i as u8).collect(),
        }
    }

    #[test]
    fn every_orientation_matches_the_definition() {
        // 3×2 source:  0 1 2
        //              3 4 5
        let src = numbered(3, 2);
        let expect: [(Orientation, usize, &[u8]); 8] = [
            (Orientation::Normal, 3, &[0, 1, 2, 3, 4, 5]),
            (Orientation::FlipH, 3, &[2, 1, 0, 5, 4, 3]),
            (Orientation::Rotate180, 3, &[5, 4, 3, 2, 1, 0]),
            (Orientation::FlipV, 3, &[3, 4, 5, 0, 1, 2]),
            (Orientation::Transpose, 2, &[0, 3, 1, 4, 2, 5]),
            (Orientation::Rotate90, 2, &[3, 0, 4, 1, 5, 2]),
            (Orientation::Transverse, 2, &[5, 2, 4, 1, 3, 0]),
            (Orientation::Rotate270, 2, &[2, 5, 1, 4, 0, 3]),
        ];
        for (o, width, data) in expect {
            let out = orient_plane(src.clone(), o);
            assert_eq!((out.width, out.data.as_slice()), (width, data), "{o:?}");
            assert_eq!(Orientation::from_exif(o.exif_value()), o);
        }
    }

    #[test]
    fn large_rotations_agree_with_the_pointwise_definition() {
        for (w, h) in [(97, 61), (64, 64), (1, 5), (130, 33)] {
            let src = numbered(w, h);
            for o in [
                Orientation::Rotate90,
                Orientation::Rotate270,
                Orientation::Transpose,
                Orientation::Transverse,
                Orientation::Rotate180,
            ] {
                let out = orient_plane(src.clone(), o);
                for y in 0..out.height {
                    for x in 0..out.width {
                        let (sx, sy) = o.source_of(x, y, w, h);
                        assert_eq!(out.at(x, y), src.at(sx, sy), "{o:?} {w}x{h} at {x},{y}");
                    }
                }
            }
        }
    }

    #[test]
    fn chroma_subsamplings_become_420() {
        // 4:4:4 chroma of a 4×2 image → 2×1, each the average of a 2×2 block.
        let c444 = Plane {
            width: 4,
            height: 2,
            data: vec![10, 20, 30, 40, 50, 60, 70, 80],
        };
        let out = chroma_to_420(c444, 1, 1, 4, 2);
        assert_eq!((out.width, out.height, out.data), (2, 1, vec![35, 55]));
        // 4:2:2 (half width, full height) → average of vertical pairs.
        let c422 = Plane {
            width: 2,
            height: 2,
            data: vec![10, 20, 30, 40],
        };
        assert_eq!(chroma_to_420(c422, 2, 1, 4, 2).data, vec![20, 30]);
        // Odd sizes round up.
        let c444 = Plane::filled(5, 3, 7);
        let out = chroma_to_420(c444, 1, 1, 5, 3);
        assert_eq!((out.width, out.height), (3, 2));
        assert!(out.data.iter().all(|&v| v == 7));
    }

    #[test]
    fn rgb_conversion_is_full_range_bt601() {
        let img = rgb_to_yuv420(&[255, 255, 255, 0, 0, 0], 2, 1);
        assert_eq!(img.y.data, vec![255, 0]);
        let (u, v) = img.chroma.unwrap();
        assert_eq!((u.data[0], v.data[0]), (128, 128));
        let red = rgb_to_yuv420(&[255, 0, 0], 1, 1);
        assert_eq!(red.y.data, vec![76]);
        let (u, v) = red.chroma.unwrap();
        assert_eq!((u.data[0], v.data[0]), (85, 255));
    }
}
