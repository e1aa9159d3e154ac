//! The watermark pipeline against libjpeg-turbo's own decode + encode of the same photo,
//! alternating in the same run (docs/benchmarks.md).
//!
//! For each photo: the floor is libjpeg-turbo decoding the JPEG to RGB and encoding that RGB at
//! quality 85, 4:2:0 (what `tjbench -rgb` measures); ours is `media::watermark` as capture runs
//! it (decode, orient, 4:2:0, band, encode, thumbnail on the second core). A B A B …, median of
//! the per-pair ratios. Then peak memory of one watermark in a fresh process, and the streaming
//! SHA-256 of a file against sha2 over the same bytes in memory.
//!
//! Photos: `tests/fixtures/photos/` and `.tools/photos/` (`scripts/fetch-photos` fetches the
//! 24 MP one). Run with `cargo bench -p casetrail-core --bench watermark`.

#![allow(
    clippy::expect_used,
    clippy::print_stdout,
    clippy::unwrap_used,
    missing_docs
)] // a benchmark binary

use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use turbojpeg::{PixelFormat, Subsamp};

use casetrail_core::media::{self, BandFacts, DecodeLimits, Fonts, Orientation, WatermarkSpec};
use casetrail_core::model::{Crs, LocationReading};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const PHOTOS: &[(&str, &str)] = &[
    (
        "12MP-o6",
        "tests/fixtures/photos/synthetic/synthetic-12mp-4032x3024-o6-gps.jpg",
    ),
    ("24MP", ".tools/photos/sony-a6000-6000x4000.jpg"),
    ("13MP", "tests/fixtures/photos/xiaomi-mi3-4208x3120.jpg"),
    (
        "6MP-o6",
        "tests/fixtures/photos/iphone6plus-2448x2448-o6-gps.jpg",
    ),
];

fn spec() -> WatermarkSpec {
    let loc = LocationReading::Fix {
        lat: 41.87654,
        lon: 123.90412,
        accuracy_m: Some(5.0),
        crs: Crs::Wgs84,
        fixed_at: None,
    };
    WatermarkSpec::from_facts(&BandFacts {
        bureau: "望花区统计局",
        case_no: "望统检〔2026〕7号",
        activity: "现场检查",
        at: chrono::DateTime::from_timestamp(1_764_295_265, 0).unwrap(),
        location: Some(&loc),
        address: "辽宁省抚顺市望花区和平路东段18号",
        officers: vec![("李明", "LN210404-0012"), ("王芳", "LN210404-0027")],
        device: "b4193061",
        short_hash: "3b41ff6b8a430948",
    })
}

fn orientation(bytes: &[u8]) -> Orientation {
    media::read_exif(bytes)
        .and_then(|e| e.orientation)
        .map(Orientation::from_exif)
        .unwrap_or(Orientation::Normal)
}

fn ours(bytes: &[u8], spec: &WatermarkSpec, fonts: &Fonts) -> media::Derived {
    media::watermark(
        bytes,
        "image/jpeg",
        orientation(bytes),
        spec,
        fonts,
        &DecodeLimits::default(),
    )
    .expect("watermark")
}

/// libjpeg-turbo decode to RGB + encode RGB at q85 4:2:0.
fn floor(bytes: &[u8]) -> Vec<u8> {
    let img = turbojpeg::decompress(bytes, PixelFormat::RGB).expect("decode");
    turbojpeg::compress(img.as_deref(), 85, Subsamp::Sub2x2)
        .expect("encode")
        .to_vec()
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

/// Child mode: one watermark of `path`, printing the peak memory it added.
fn memory_child(path: &str) {
    let bytes = std::fs::read(path).expect("photo");
    let spec = spec();
    let fonts = Fonts::default();
    // Warm the font and the codec tables on a tiny image so only the photo's own cost is counted.
    let grey = turbojpeg::Image {
        pixels: vec![128u8; 64 * 64 * 3],
        width: 64,
        pitch: 64 * 3,
        height: 64,
        format: PixelFormat::RGB,
    };
    let tiny = turbojpeg::compress(grey.as_deref(), 85, Subsamp::Sub2x2)
        .expect("tiny")
        .to_vec();
    let _ = media::watermark(
        &tiny,
        "image/jpeg",
        Orientation::Normal,
        &spec,
        &fonts,
        &DecodeLimits::default(),
    );
    let before = peak_rss();
    let d = ours(&bytes, &spec, &fonts);
    let after = peak_rss();
    println!(
        "MEM {} {} {}",
        after.saturating_sub(before),
        bytes.len(),
        d.jpeg.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--memory") {
        memory_child(&args[i + 1]);
        return;
    }
    let spec = spec();
    let fonts = Fonts::default();
    println!(
        "| photo | px | floor (turbo dec+enc) | ours | ratio (median of pairs) | MP/s | size vs cjpeg of the same pixels | size vs floor (no band) | peak extra memory | bound (3 B/px × 1 frame + in + out + 8 MB) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (key, rel) in PHOTOS {
        let path = root().join(rel);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("| {key} | (missing: run scripts/fetch-photos) |||||||");
            continue;
        };
        let d = ours(&bytes, &spec, &fonts);
        let f = floor(&bytes);
        let mp = (d.width * d.height) as f64 / 1e6;
        // Warm-up, then 9 alternating pairs.
        let (mut ratios, mut t_ours, mut t_floor) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..9 {
            let t = Instant::now();
            std::hint::black_box(ours(&bytes, &spec, &fonts));
            let a = t.elapsed().as_secs_f64();
            let t = Instant::now();
            std::hint::black_box(floor(&bytes));
            let b = t.elapsed().as_secs_f64();
            ratios.push(a / b);
            t_ours.push(a);
            t_floor.push(b);
        }
        let (r, to, tf) = (
            median(&mut ratios),
            median(&mut t_ours),
            median(&mut t_floor),
        );
        // Peak memory in a fresh process.
        let out = std::process::Command::new(std::env::current_exe().expect("exe"))
            .args(["--memory", &path.display().to_string()])
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&out.stdout);
        let mem = text
            .lines()
            .find_map(|l| l.strip_prefix("MEM "))
            .map(|l| {
                l.split_whitespace()
                    .filter_map(|x| x.parse::<u64>().ok())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let (extra, input, output) = (
            mem.first().copied().unwrap_or(0),
            mem.get(1).copied().unwrap_or(0),
            mem.get(2).copied().unwrap_or(0),
        );
        // The goal holds even when rotating: one frame, not two.
        let bound = (3.0 * mp * 1e6) as u64 + input + output + (8 << 20);
        // cjpeg's size for the same pixels: libjpeg-turbo re-encoding our derivative from RGB.
        let same = floor(&d.jpeg);
        println!(
            "| {key} | {}×{} | {:.1} ms | {:.1} ms | **{r:.2}×** | {:.0} | {:+.1}% | {:+.1}% | {:.1} MB ({:.2} B/px) | {:.1} MB |",
            d.width,
            d.height,
            tf * 1e3,
            to * 1e3,
            mp / to,
            (d.jpeg.len() as f64 / same.len() as f64 - 1.0) * 100.0,
            (d.jpeg.len() as f64 / f.len() as f64 - 1.0) * 100.0,
            extra as f64 / 1e6,
            extra as f64 / (mp * 1e6),
            bound as f64 / 1e6,
        );
    }
    hashing();
}

/// Streaming SHA-256 of a 256 MiB file (in the page cache) against sha2 over the same bytes in
/// memory.
fn hashing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("blob");
    let data: Vec<u8> = (0..256u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, &data).expect("write");
    let _ = media::hash_file(&path);
    let (mut ratios, mut ts, mut tm) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..7 {
        let t = Instant::now();
        let (h, _) = media::hash_file(&path).expect("hash");
        let streaming = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let m = Sha256::digest(&data);
        let memory = t.elapsed().as_secs_f64();
        assert_eq!(h.as_bytes().as_slice(), m.as_slice());
        ratios.push(memory / streaming);
        ts.push(streaming);
        tm.push(memory);
    }
    let (r, s, m) = (median(&mut ratios), median(&mut ts), median(&mut tm));
    println!();
    println!(
        "streaming SHA-256 of 256 MiB: {:.0} MB/s; in memory {:.0} MB/s; speed ratio **{r:.2}×** (goal ≥ 0.8×)",
        268.4 / s,
        268.4 / m
    );
}
