//! The watermark band: what it says (in Chinese) and how it is drawn into the upright photo.
//!
//! The band sits across the bottom of the photo: a 50% darkened strip with white text, sized from
//! the photo's short side so a 1280×720 phone shot and a 6000×4000 camera frame read the same.
//! Lines that do not fit the width wrap. The text carries the bureau, case number, activity,
//! local time with zone, GPS (or 无定位 and why), address, officers with certificate numbers,
//! device id and the short hash of the original — and nothing about the party (Art. 25: least
//! personal data in watermarks).
//!
//! Drawing happens in YUV: darkening halves luma and pulls chroma halfway to neutral; white text
//! raises luma to 255 by its coverage and pulls chroma to neutral.

use chrono::{DateTime, Datelike, Utc};

use super::planes::{Plane, YuvImage};
use super::text::{Fonts, Mask};
use crate::model::china_zone;
use crate::model::{Crs, LocationReading};

/// What the band says, as ready lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatermarkSpec {
    /// The lines, top to bottom.
    pub lines: Vec<String>,
}

/// The facts a band is written from.
#[derive(Debug, Clone)]
pub struct BandFacts<'a> {
    /// 机关名称.
    pub bureau: &'a str,
    /// 案号.
    pub case_no: &'a str,
    /// Activity label in Chinese (现场检查, 留置送达 …).
    pub activity: &'a str,
    /// Capture time.
    pub at: DateTime<Utc>,
    /// GPS reading.
    pub location: Option<&'a LocationReading>,
    /// Reverse-geocoded address.
    pub address: &'a str,
    /// Officers: (name, certificate number).
    pub officers: Vec<(&'a str, &'a str)>,
    /// Device id.
    pub device: &'a str,
    /// Short hash of the original.
    pub short_hash: &'a str,
}

const WEEKDAYS: [&str; 7] = [
    "星期一",
    "星期二",
    "星期三",
    "星期四",
    "星期五",
    "星期六",
    "星期日",
];

impl WatermarkSpec {
    /// The band's lines for these facts.
    pub fn from_facts(f: &BandFacts<'_>) -> Self {
        let local = f.at.with_timezone(&china_zone());
        let weekday = WEEKDAYS[local.weekday().num_days_from_monday() as usize];
        let mut lines = vec![
            format!("{}　案号 {}　{}", f.bureau, f.case_no, f.activity),
            format!(
                "{} {}　北京时间 UTC+08:00",
                local.format("%Y-%m-%d %H:%M:%S"),
                weekday
            ),
            match f.location {
                Some(LocationReading::Fix {
                    lat,
                    lon,
                    accuracy_m,
                    crs,
                    ..
                }) => {
                    let ns = if *lat >= 0.0 { "N" } else { "S" };
                    let ew = if *lon >= 0.0 { "E" } else { "W" };
                    let acc = accuracy_m.map(|a| format!(" ±{a:.0}m")).unwrap_or_default();
                    let crs = match crs {
                        Crs::Wgs84 => "WGS-84",
                        Crs::Gcj02 => "GCJ-02",
                    };
                    format!(
                        "GPS {:.5}°{ns} {:.5}°{ew}{acc}（{crs}）",
                        lat.abs(),
                        lon.abs()
                    )
                }
                Some(LocationReading::NoFix { reason }) if !reason.trim().is_empty() => {
                    format!("无定位（{}）", reason.trim())
                }
                _ => "无定位".to_owned(),
            },
        ];
        if !f.address.trim().is_empty() {
            lines.push(format!("地址：{}", f.address.trim()));
        }
        let officers: Vec<String> = f
            .officers
            .iter()
            .map(|(n, c)| format!("{n}（{c}）"))
            .collect();
        lines.push(format!("执法人员：{}", officers.join(" ")));
        lines.push(format!("设备 {}　原件 SHA-256 {}", f.device, f.short_hash));
        Self { lines }
    }
}

/// Where the band went, for tests and thumbnails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Band {
    /// First row of the band.
    pub top: usize,
    /// Font size in pixels per em.
    pub px: usize,
    /// Lines drawn after wrapping.
    pub lines: usize,
}

/// Splits `text` into lines no wider than `max` at `px`.
fn wrap(fonts: &Fonts, text: &str, px: f32, max: f32) -> Vec<String> {
    if fonts.measure(text, px) <= max {
        return vec![text.to_owned()];
    }
    let mut lines = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if fonts.measure(&current, px) > max && current.chars().count() > 1 {
            current.pop();
            lines.push(std::mem::take(&mut current));
            if c != ' ' && c != '　' {
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Draws the band into an upright image.
pub fn draw_band(img: &mut YuvImage, spec: &WatermarkSpec, fonts: &Fonts) -> Band {
    let (w, h) = (img.width(), img.height());
    let short = w.min(h) as f32;
    let mut px = (short / 45.0).clamp(12.0, 200.0);
    let mut lines: Vec<String>;
    // Shrink the text if the band would cover more than 40% of a very wide, short photo.
    loop {
        let pad = px * 0.6;
        let max = (w as f32 - 2.0 * pad).max(px);
        lines = spec
            .lines
            .iter()
            .flat_map(|l| wrap(fonts, l, px, max))
            .collect();
        let band_h = lines.len() as f32 * px * 1.35 + 2.0 * pad;
        if band_h <= h as f32 * 0.4 || px <= 8.0 {
            break;
        }
        px = (px * 0.85).max(8.0);
    }
    let pad = (px * 0.6).round() as usize;
    let line_h = (px * 1.35).round() as usize;
    let band_h = (lines.len() * line_h + 2 * pad).min(h);
    let top = h - band_h;
    darken(&mut img.y, top, |v| v / 2);
    if let Some((u, v)) = &mut img.chroma {
        let ctop = top / 2;
        // Halfway to neutral grey, rounded.
        let neutral = |c: u8| ((u16::from(c) + 129) / 2) as u8;
        darken(u, ctop, neutral);
        darken(v, ctop, neutral);
    }
    for (i, line) in lines.iter().enumerate() {
        let mask = fonts.render_line(line, px);
        let y0 = top + pad + i * line_h + line_h.saturating_sub(mask.height) / 2;
        blend_white(img, &mask, pad, y0);
    }
    Band {
        top,
        px: px.round() as usize,
        lines: lines.len(),
    }
}

fn darken(p: &mut Plane, top: usize, f: impl Fn(u8) -> u8) {
    let start = top.min(p.height) * p.width;
    for v in &mut p.data[start..] {
        *v = f(*v);
    }
}

/// Raises luma toward white by the mask's coverage and pulls chroma toward neutral.
fn blend_white(img: &mut YuvImage, mask: &Mask, x0: usize, y0: usize) {
    let (w, h) = (img.width(), img.height());
    for my in 0..mask.height {
        let y = y0 + my;
        if y >= h {
            break;
        }
        let row = &mut img.y.data[y * w..(y + 1) * w];
        for mx in 0..mask.width {
            let x = x0 + mx;
            if x >= w {
                break;
            }
            let a = u16::from(mask.data[my * mask.width + mx]);
            if a > 0 {
                let v = u16::from(row[x]);
                row[x] = (v + ((255 - v) * a + 127) / 255) as u8;
            }
        }
    }
    if let Some((u, v)) = &mut img.chroma {
        for cy in (y0 / 2)..((y0 + mask.height).div_ceil(2)).min(u.height) {
            for cx in (x0 / 2)..((x0 + mask.width).div_ceil(2)).min(u.width) {
                // Average coverage of the 2×2 luma block under this chroma sample.
                let mut sum = 0u16;
                for dy in 0..2 {
                    for dx in 0..2 {
                        let (lx, ly) = (cx * 2 + dx, cy * 2 + dy);
                        if lx >= x0 && ly >= y0 && lx - x0 < mask.width && ly - y0 < mask.height {
                            sum += u16::from(mask.data[(ly - y0) * mask.width + (lx - x0)]);
                        }
                    }
                }
                let a = sum / 4;
                if a > 0 {
                    let i = cy * u.width + cx;
                    for p in [&mut u.data[i], &mut v.data[i]] {
                        let c = i16::from(*p);
                        *p = (c + ((128 - c) * a as i16) / 255) as u8;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::planes::rgb_to_yuv420;

    fn facts(loc: Option<&LocationReading>) -> BandFacts<'_> {
        BandFacts {
            bureau: "望花区统计局",
            case_no: "望统检〔2026〕7号",
            activity: "现场检查",
            at: "2026-11-28T01:41:05Z".parse().unwrap(),
            location: loc,
            address: "辽宁省抚顺市望花区和平路东段18号",
            officers: vec![("李明", "LN210404-0012"), ("王芳", "LN210404-0027")],
            device: "b4193061",
            short_hash: "3b41ff6b8a430948",
        }
    }

    #[test]
    fn the_band_says_what_the_regulation_needs_in_chinese() {
        let fix = LocationReading::Fix {
            lat: 41.87654,
            lon: 123.90412,
            accuracy_m: Some(5.0),
            crs: Crs::Wgs84,
            fixed_at: None,
        };
        let spec = WatermarkSpec::from_facts(&facts(Some(&fix)));
        let text = spec.lines.join("\n");
        for expected in [
            "望花区统计局",
            "望统检〔2026〕7号",
            "现场检查",
            "2026-11-28 09:41:05 星期六",
            "北京时间 UTC+08:00",
            "GPS 41.87654°N 123.90412°E ±5m（WGS-84）",
            "地址：辽宁省抚顺市",
            "李明（LN210404-0012）",
            "设备 b4193061",
            "3b41ff6b8a430948",
        ] {
            assert!(text.contains(expected), "missing {expected} in\n{text}");
        }
        let none = WatermarkSpec::from_facts(&facts(None));
        assert!(none.lines[2] == "无定位");
        let why = LocationReading::NoFix {
            reason: "室内无信号".into(),
        };
        assert_eq!(
            WatermarkSpec::from_facts(&facts(Some(&why))).lines[2],
            "无定位（室内无信号）"
        );
    }

    #[test]
    fn the_band_scales_and_is_drawn_where_expected() {
        let fonts = Fonts::default();
        for (w, h) in [(1280usize, 720usize), (720, 1280), (3000, 2000)] {
            let mut img = rgb_to_yuv420(&vec![180u8; w * h * 3], w, h);
            let spec = WatermarkSpec::from_facts(&facts(None));
            let band = draw_band(&mut img, &spec, &fonts);
            let short = w.min(h);
            assert_eq!(band.px, (short as f32 / 45.0).round() as usize, "{w}x{h}");
            assert!(
                band.top > h / 2 && band.top < h,
                "{w}x{h}: band top {}",
                band.top
            );
            // Above the band: untouched. In the band: darkened background and white text.
            assert!(img.y.data[..band.top * w].iter().all(|&v| v == 180));
            let band_px = &img.y.data[band.top * w..];
            assert!(
                band_px.iter().filter(|&&v| v == 90).count() > band_px.len() / 2,
                "darkened"
            );
            assert!(
                band_px.iter().filter(|&&v| v > 240).count() > band_px.len() / 200,
                "text ink"
            );
        }
    }

    #[test]
    fn long_lines_wrap_to_the_width() {
        let fonts = Fonts::default();
        let long = "地址：".to_owned() + &"辽宁省抚顺市望花区和平路东段十八号院".repeat(6);
        let lines = wrap(&fonts, &long, 20.0, 400.0);
        assert!(lines.len() > 3);
        assert!(lines.iter().all(|l| fonts.measure(l, 20.0) <= 400.0));
        assert_eq!(lines.concat(), long);
    }
}
