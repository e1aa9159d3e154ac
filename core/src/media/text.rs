//! Text for the watermark band: real glyph shaping (rustybuzz, the HarfBuzz port) and
//! anti-aliased rasterization (ab_glyph) from TrueType/OpenType fonts.
//!
//! The host passes its own font bytes (Android and iOS ship full CJK fonts); the bundled
//! fallback (`assets/fonts/casetrail-fallback-sc.otf`: Noto Sans CJK SC subset to ASCII, common
//! punctuation and the 6 763 hanzi of GB 2312, OFL — see its README) covers the watermark's own
//! strings and common Chinese. Each character is drawn from the first font that has it, so an
//! address with a rare character still renders with the host's font.

use std::sync::Arc;

use ab_glyph::{Font as _, FontRef, GlyphId, PxScale, point};

use super::MediaError;

/// The bundled fallback font.
pub const FALLBACK_FONT: &[u8] = include_bytes!("../../assets/fonts/casetrail-fallback-sc.otf");

/// The fonts to draw with, in order of preference.
#[derive(Clone)]
pub struct Fonts {
    faces: Vec<Arc<[u8]>>,
}

impl std::fmt::Debug for Fonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Fonts({} faces)", self.faces.len())
    }
}

impl Default for Fonts {
    fn default() -> Self {
        Self {
            faces: vec![Arc::from(FALLBACK_FONT)],
        }
    }
}

/// An 8-bit coverage mask (0 = none, 255 = full).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Row-major coverage.
    pub data: Vec<u8>,
}

impl Fonts {
    /// The host's font first, the bundled fallback after it. Bytes that are not a font are
    /// refused here, not at drawing time.
    pub fn with_host_font(bytes: Vec<u8>) -> Result<Self, MediaError> {
        if FontRef::try_from_slice(&bytes).is_err()
            || rustybuzz::Face::from_slice(&bytes, 0).is_none()
        {
            return Err(MediaError::BadFont);
        }
        Ok(Self {
            faces: vec![Arc::from(bytes), Arc::from(FALLBACK_FONT)],
        })
    }

    fn parsed(&self) -> Vec<(FontRef<'_>, rustybuzz::Face<'_>)> {
        self.faces
            .iter()
            .filter_map(|b| {
                Some((
                    FontRef::try_from_slice(b).ok()?,
                    rustybuzz::Face::from_slice(b, 0)?,
                ))
            })
            .collect()
    }

    /// Lays out `text` at `px` pixels per em: glyph id, face index and pen position of each glyph,
    /// and the total advance.
    fn layout(
        &self,
        faces: &[(FontRef<'_>, rustybuzz::Face<'_>)],
        text: &str,
        px: f32,
    ) -> (Vec<(usize, GlyphId, f32, f32)>, f32) {
        // Runs of characters that the same face can draw.
        let pick = |c: char| {
            faces
                .iter()
                .position(|(f, _)| f.glyph_id(c).0 != 0)
                .unwrap_or(faces.len().saturating_sub(1))
        };
        let mut runs: Vec<(usize, String)> = Vec::new();
        for c in text.chars() {
            let face = if c.is_whitespace() {
                runs.last().map_or(0, |r| r.0)
            } else {
                pick(c)
            };
            match runs.last_mut() {
                Some((f, s)) if *f == face => s.push(c),
                _ => runs.push((face, c.to_string())),
            }
        }
        let mut glyphs = Vec::new();
        let mut pen = 0f32;
        for (face_index, run) in runs {
            let Some((_, face)) = faces.get(face_index) else {
                continue;
            };
            let scale = px / f32::from(face.units_per_em() as u16).max(1.0);
            let mut buffer = rustybuzz::UnicodeBuffer::new();
            buffer.push_str(&run);
            let shaped = rustybuzz::shape(face, &[], buffer);
            for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                let x = pen + pos.x_offset as f32 * scale;
                let y = -(pos.y_offset as f32) * scale;
                glyphs.push((face_index, GlyphId(info.glyph_id as u16), x, y));
                pen += pos.x_advance as f32 * scale;
            }
        }
        (glyphs, pen)
    }

    /// The width `text` takes at `px` pixels per em.
    pub fn measure(&self, text: &str, px: f32) -> f32 {
        let faces = self.parsed();
        self.layout(&faces, text, px).1
    }

    /// Renders one line of `text` at `px` pixels per em into a coverage mask whose height is the
    /// line's ascent + descent.
    pub fn render_line(&self, text: &str, px: f32) -> Mask {
        let faces = self.parsed();
        let Some((main, main_hb)) = faces.last() else {
            return Mask {
                width: 0,
                height: 0,
                data: Vec::new(),
            };
        };
        let upem = f32::from(main_hb.units_per_em() as u16).max(1.0);
        let ascent = main.ascent_unscaled() / upem * px;
        let descent = -main.descent_unscaled() / upem * px;
        let (glyphs, advance) = self.layout(&faces, text, px);
        let width = advance.ceil().max(1.0) as usize + 2;
        let height = (ascent + descent).ceil().max(1.0) as usize + 2;
        let mut data = vec![0u8; width * height];
        for (face_index, id, x, y) in glyphs {
            let Some((font, hb)) = faces.get(face_index) else {
                continue;
            };
            let upem = f32::from(hb.units_per_em() as u16).max(1.0);
            // ab_glyph scales by font height; convert so one em is `px` pixels.
            let scale = PxScale::from(px * font.height_unscaled() / upem);
            let glyph = id.with_scale_and_position(scale, point(x + 1.0, ascent + 1.0 + y));
            if let Some(outline) = font.outline_glyph(glyph) {
                let b = outline.px_bounds();
                outline.draw(|gx, gy, c| {
                    let px_x = b.min.x as i64 + i64::from(gx);
                    let px_y = b.min.y as i64 + i64::from(gy);
                    if px_x >= 0 && px_y >= 0 && (px_x as usize) < width && (px_y as usize) < height
                    {
                        let i = px_y as usize * width + px_x as usize;
                        data[i] = data[i].max((c.clamp(0.0, 1.0) * 255.0).round() as u8);
                    }
                });
            }
        }
        Mask {
            width,
            height,
            data,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_and_latin_render_with_ink() {
        let fonts = Fonts::default();
        let m = fonts.render_line("统计执法 现场检查 GPS 40.00409°N 无定位", 32.0);
        assert!(m.width > 400 && m.height >= 32, "{}x{}", m.width, m.height);
        let ink = m.data.iter().filter(|&&c| c > 128).count();
        assert!(ink > 1_000, "glyphs drew ink: {ink}");
        // Every character of the watermark's own strings is in the fallback font.
        let font = FontRef::try_from_slice(FALLBACK_FONT).unwrap();
        for c in "统计局案号现场检查询问留置送达北京时间无定位执法人员证号设备原件地址经纬度精度星期一二三四五六日〔〕（）：°±".chars() {
            assert_ne!(font.glyph_id(c).0, 0, "fallback lacks {c}");
        }
    }

    #[test]
    fn width_scales_with_size_and_bad_fonts_are_refused() {
        let fonts = Fonts::default();
        let a = fonts.measure("望花区统计局", 20.0);
        let b = fonts.measure("望花区统计局", 40.0);
        assert!((b / a - 2.0).abs() < 0.01, "{a} {b}");
        assert!(
            (a - 120.0).abs() < 2.0,
            "six full-width hanzi at 20 px: {a}"
        );
        assert!(matches!(
            Fonts::with_host_font(b"not a font".to_vec()),
            Err(MediaError::BadFont)
        ));
        assert!(Fonts::with_host_font(FALLBACK_FONT.to_vec()).is_ok());
    }
}
