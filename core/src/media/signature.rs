//! Handwritten signatures: the strokes a phone's touch screen reports (points with time and
//! pressure) are kept as they came, and rendered once into an anti-aliased PNG whose line width
//! follows the pressure — the image a printed record shows.
//!
//! Stroke input comes from the host and is checked before anything is drawn: empty, absurdly
//! large, non-finite or out-of-range input is refused with a specific error.

use serde::{Deserialize, Serialize};
use tiny_skia::{LineCap, LineJoin, Paint, PathBuilder, Pixmap, Stroke as SkStroke, Transform};

use crate::model::{ValidationCode, ValidationError};

/// One sampled point of a stroke.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StrokePoint {
    /// X in canvas pixels.
    pub x: f32,
    /// Y in canvas pixels.
    pub y: f32,
    /// Milliseconds since the first point of the signature.
    pub t_ms: u32,
    /// Pressure from 0 to 1 (1 where the screen reports none).
    pub pressure: f32,
}

/// One continuous stroke (finger down to finger up).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stroke {
    /// Its points, in order.
    pub points: Vec<StrokePoint>,
}

/// A signature as captured: the canvas size and the strokes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Strokes {
    /// Canvas width in pixels.
    pub width: u32,
    /// Canvas height in pixels.
    pub height: u32,
    /// The strokes.
    pub strokes: Vec<Stroke>,
}

/// Most points accepted in one signature (a long signature has a few thousand).
pub const MAX_POINTS: usize = 50_000;
/// Most strokes accepted.
pub const MAX_STROKES: usize = 2_000;
/// Largest canvas side.
pub const MAX_SIDE: u32 = 4_096;
/// Smallest canvas side.
pub const MIN_SIDE: u32 = 16;

impl Strokes {
    /// Checks the input; the first problem is returned with its path.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let bad = |field: &str, code| Err(ValidationError::new(field, code));
        if !(MIN_SIDE..=MAX_SIDE).contains(&self.width)
            || !(MIN_SIDE..=MAX_SIDE).contains(&self.height)
        {
            return bad("strokes.width", ValidationCode::OutOfRange);
        }
        if self.strokes.len() > MAX_STROKES {
            return bad("strokes", ValidationCode::TooMany { max: MAX_STROKES });
        }
        let total: usize = self.strokes.iter().map(|s| s.points.len()).sum();
        if total == 0 {
            return bad("strokes", ValidationCode::Required);
        }
        if total > MAX_POINTS {
            return bad("strokes", ValidationCode::TooMany { max: MAX_POINTS });
        }
        let (w, h) = (self.width as f32, self.height as f32);
        for (i, s) in self.strokes.iter().enumerate() {
            let mut last_t = 0u32;
            for (j, p) in s.points.iter().enumerate() {
                let field = format!("strokes[{i}].points[{j}]");
                let inside = p.x.is_finite()
                    && p.y.is_finite()
                    && (-0.1 * w..=1.1 * w).contains(&p.x)
                    && (-0.1 * h..=1.1 * h).contains(&p.y);
                if !inside {
                    return bad(&field, ValidationCode::OutOfRange);
                }
                if !(p.pressure.is_finite() && (0.0..=1.0).contains(&p.pressure)) {
                    return bad(&format!("{field}.pressure"), ValidationCode::OutOfRange);
                }
                if j > 0 && p.t_ms < last_t {
                    return bad(&format!("{field}.t_ms"), ValidationCode::Inconsistent);
                }
                last_t = p.t_ms;
            }
        }
        Ok(())
    }

    /// Renders the strokes into a PNG of the canvas size: transparent background, blue-black
    /// ink, width from pressure, round caps and joins, anti-aliased.
    pub fn render_png(&self) -> Result<Vec<u8>, ValidationError> {
        self.validate()?;
        let mut pixmap = Pixmap::new(self.width, self.height)
            .ok_or_else(|| ValidationError::new("strokes.width", ValidationCode::OutOfRange))?;
        let mut paint = Paint::default();
        paint.set_color_rgba8(16, 24, 64, 255);
        paint.anti_alias = true;
        let base = self.width.min(self.height) as f32 / 60.0;
        let width_at = |p: f32| base * (0.35 + 0.9 * p);
        for s in &self.strokes {
            match s.points.as_slice() {
                [] => {}
                [p] => {
                    if let Some(dot) =
                        PathBuilder::from_circle(p.x, p.y, width_at(p.pressure) / 2.0)
                    {
                        pixmap.fill_path(
                            &dot,
                            &paint,
                            tiny_skia::FillRule::Winding,
                            Transform::identity(),
                            None,
                        );
                    }
                }
                points => {
                    for pair in points.windows(2) {
                        let (a, b) = (pair[0], pair[1]);
                        let mut pb = PathBuilder::new();
                        pb.move_to(a.x, a.y);
                        pb.line_to(b.x, b.y);
                        let Some(path) = pb.finish() else { continue };
                        let stroke = SkStroke {
                            width: width_at((a.pressure + b.pressure) / 2.0),
                            line_cap: LineCap::Round,
                            line_join: LineJoin::Round,
                            ..SkStroke::default()
                        };
                        pixmap.stroke_path(&path, &paint, &stroke, Transform::identity(), None);
                    }
                }
            }
        }
        pixmap
            .encode_png()
            .map_err(|_| ValidationError::new("strokes", ValidationCode::BadFormat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Strokes {
        let points = (0..60)
            .map(|i| {
                let t = i as f32 / 59.0;
                StrokePoint {
                    x: 40.0 + 400.0 * t,
                    y: 100.0 + 40.0 * (t * 12.0).sin(),
                    t_ms: i * 8,
                    pressure: 0.2 + 0.8 * t,
                }
            })
            .collect();
        Strokes {
            width: 480,
            height: 200,
            strokes: vec![
                Stroke { points },
                Stroke {
                    points: vec![StrokePoint {
                        x: 450.0,
                        y: 60.0,
                        t_ms: 600,
                        pressure: 0.5,
                    }],
                },
            ],
        }
    }

    #[test]
    fn strokes_render_to_an_antialiased_png_with_pressure_width() {
        let png = sample().render_png().unwrap();
        let img = image::load_from_memory(&png).unwrap().into_rgba8();
        assert_eq!(img.dimensions(), (480, 200));
        let alphas: Vec<u8> = img.pixels().map(|p| p[3]).collect();
        let opaque = alphas.iter().filter(|&&a| a == 255).count();
        let partial = alphas.iter().filter(|&&a| a > 0 && a < 255).count();
        assert!(
            opaque > 500 && partial > 200,
            "ink {opaque}, anti-aliased edge {partial}"
        );
        // Thicker where the pressure is higher: count ink in a column at the start and the end.
        let ink_in_column = |x: u32| (0..200).filter(|&y| img.get_pixel(x, y)[3] > 128).count();
        assert!(
            ink_in_column(400) > ink_in_column(60),
            "{} vs {}",
            ink_in_column(400),
            ink_in_column(60)
        );
    }

    #[test]
    fn bad_strokes_are_refused() {
        let mut s = sample();
        s.strokes.clear();
        assert_eq!(s.validate().unwrap_err().code, ValidationCode::Required);
        let mut s = sample();
        s.strokes[0].points[3].x = f32::NAN;
        assert_eq!(s.validate().unwrap_err().field, "strokes[0].points[3]");
        let mut s = sample();
        s.strokes[0].points[3].pressure = 7.0;
        assert!(s.validate().is_err());
        let mut s = sample();
        s.strokes[0].points[5].t_ms = 0;
        assert_eq!(s.validate().unwrap_err().code, ValidationCode::Inconsistent);
        let mut s = sample();
        s.width = 100_000;
        assert!(s.validate().is_err());
        let huge = Strokes {
            width: 100,
            height: 100,
            strokes: vec![Stroke {
                points: vec![
                    StrokePoint {
                        x: 1.0,
                        y: 1.0,
                        t_ms: 0,
                        pressure: 1.0
                    };
                    MAX_POINTS + 1
                ],
            }],
        };
        assert!(matches!(
            huge.validate().unwrap_err().code,
            ValidationCode::TooMany { .. }
        ));
    }
}
