//! Loading a form schema (docs/benchmarks.md; issue 13 asks ≤ 5 ms on this machine, release).
//!
//! 1. Building every kind's schema from the bodies, the shape table, the requirement table and
//!    the catalogues: what the first `form_schemas()` of a process costs (cold load).
//! 2. `form_schema(kind)` once built: a lookup in the shared cache (what every later screen pays).
//! 3. Checking a filled inquiry record's JSON against its schema.

#![allow(clippy::expect_used, missing_docs)] // a benchmark binary

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;

use casetrail_model::RecordKind;
use casetrail_rules::form::build_all;
use casetrail_rules::{check_body_json, form_schema};

fn schema_load(c: &mut Criterion) {
    c.bench_function("form: build all schemas (cold load)", |b| {
        b.iter(|| black_box(build_all()))
    });
    let _ = form_schema(RecordKind::InquiryRecord);
    c.bench_function("form: schema(kind), cached", |b| {
        b.iter(|| black_box(form_schema(black_box(RecordKind::ServiceReceipt))))
    });
    let body = json!({
        "doc_no": "望统询〔2026〕9号",
        "start_at": "2026-11-28T01:40:00Z",
        "end_at": "2026-11-28T02:40:00Z",
        "place": "公司财务室",
        "officers": ["LN210404-0012", "LN210404-0027"],
        "interviewee": {"name": "王五", "relation": "stat_staff"},
        "certificates": [{"cert_no": "LN210404-0012", "shown": true}],
        "rights_told": true,
        "qa": (0..40).map(|i| json!({"question": format!("问{i}"), "answer": "答".repeat(200)})).collect::<Vec<_>>(),
        "read_back": "read_by_them",
    });
    c.bench_function("form: check an inquiry record of 40 Q&A", |b| {
        b.iter(|| black_box(check_body_json(RecordKind::InquiryRecord, black_box(&body))))
    });
}

criterion_group!(benches, schema_load);
criterion_main!(benches);
