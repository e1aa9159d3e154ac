//! A realistic sample case, for the demo, training mode and tests: an on-site inspection of a
//! manufacturing company by two officers of a district statistics bureau.
//!
//! The people and the company are fictitious; their identifiers are made up but pass the real
//! check-character rules, as they would on a real form.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::media::{Stroke, StrokePoint, Strokes};
use crate::model::bodies::{
    CertificateShown, DataCheck, InquiryRecord, OnsiteInspectionRecord, QaTurn, ReadBack,
    RectificationOrder,
};
use crate::model::{
    CaseDraft, CaseSource, CaseStatus, CertStatus, IdDocType, IdDocument, LegalBasis,
    NamedRepresentative, Officer, Party, PartyId, PartyKind, Person, PersonRelation, Procedure,
    ViolationType,
};

/// The bureau in the sample.
pub const BUREAU: &str = "望花区统计局";

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The two officers of the sample.
pub fn officers() -> Vec<Officer> {
    vec![
        Officer {
            name: "李明".into(),
            unit: BUREAU.into(),
            cert_no: "LN210404-0012".into(),
            cert_valid_from: day("2024-01-01"),
            cert_valid_to: day("2029-12-31"),
            cert_status: CertStatus::Valid,
        },
        Officer {
            name: "王芳".into(),
            unit: BUREAU.into(),
            cert_no: "LN210404-0027".into(),
            cert_valid_from: day("2023-07-01"),
            cert_valid_to: day("2028-06-30"),
            cert_status: CertStatus::Valid,
        },
    ]
}

/// The inspected company.
pub fn company() -> Party {
    Party {
        id: PartyId::new(),
        kind: PartyKind::LegalPerson,
        name: "抚顺市宏达机械制造有限公司".into(),
        uscc: Some("91210404MA0Y7T5K2C".into()),
        legal_rep: Some(NamedRepresentative {
            name: "赵建国".into(),
            title: "总经理".into(),
        }),
        id_doc: None,
        address: "辽宁省抚顺市望花区和平路东段18号".into(),
        phone: "024-56781234".into(),
    }
}

/// The case as entered when the inspection starts (双随机 on-site inspection).
pub fn case_draft(case_no: &str) -> CaseDraft {
    CaseDraft {
        case_no: case_no.into(),
        title: "抚顺市宏达机械制造有限公司2025年统计数据现场检查".into(),
        cause: ViolationType::FalseData,
        cause_text: "涉嫌提供不真实的2025年《工业产销总值及主要产品产量》(B204-1表)统计资料".into(),
        legal_basis: vec![
            LegalBasis {
                law: "中华人民共和国统计法".into(),
                version: "2024".into(),
                article: "38".into(),
                clause: None,
            },
            LegalBasis {
                law: "中华人民共和国统计法".into(),
                version: "2024".into(),
                article: "44".into(),
                clause: Some("1(2)".into()),
            },
        ],
        procedure: Procedure::General,
        is_major: false,
        emergency_start: false,
        source: CaseSource::DoubleRandom,
        handling_unit: format!("{BUREAU}统计执法监督科"),
        initial_status: CaseStatus::PreCheck,
        officers: officers(),
        parties: vec![company()],
    }
}

/// The company's statistician, interviewed on site.
pub fn interviewee() -> Person {
    Person {
        name: "孙丽".into(),
        id_doc: Some(IdDocument {
            doc_type: IdDocType::ResidentIdCard,
            number: "210404199006124627".into(),
        }),
        employer: "抚顺市宏达机械制造有限公司".into(),
        position: "统计员".into(),
        phone: "138-4130-5566".into(),
        relation: PersonRelation::StatStaff,
    }
}

fn certificates() -> Vec<CertificateShown> {
    officers()
        .into_iter()
        .map(|o| CertificateShown {
            cert_no: o.cert_no,
            shown: true,
            checked_by_party: true,
        })
        .collect()
}

fn certs() -> Vec<String> {
    officers().into_iter().map(|o| o.cert_no).collect()
}

/// An inquiry record (询问笔录) filled in on site, starting at `start`.
pub fn inquiry_record(start: DateTime<Utc>) -> InquiryRecord {
    InquiryRecord {
        doc_no: "望统询〔2026〕7号".into(),
        start_at: Some(start),
        end_at: Some(start + TimeDelta::minutes(45)),
        place: "抚顺市宏达机械制造有限公司二楼财务室".into(),
        officers: certs(),
        recorder: "LN210404-0027".into(),
        interviewee: Some(interviewee()),
        certificates: certificates(),
        rights_told: true,
        recusal_requested: Some(false),
        qa: vec![
            QaTurn {
                question:
                    "我们是望花区统计局执法人员，这是我们的执法证件，请你核对。你是否申请回避？"
                        .into(),
                answer: "看过了，不申请回避。".into(),
            },
            QaTurn {
                question: "请说明你在公司的职务和负责的工作。".into(),
                answer: "我是公司统计员，负责填报统计联网直报平台的月报和年报。".into(),
            },
            QaTurn {
                question: "2025年B204-1表上报的工业总产值为4,860万元，依据是什么？".into(),
                answer: "依据是财务科提供的销售台账，我按台账合计数填报的。".into(),
            },
            QaTurn {
                question: "经核对，2025年销售台账合计为3,912万元，与上报数相差948万元，请解释。"
                    .into(),
                answer: "有一部分是预计的年底订单，当时领导让一并填上，我没有核实。".into(),
            },
        ],
        read_back: Some(ReadBack::ReadByThem),
        affirmation: String::new(),
    }
}

/// An on-site inspection record (现场检查笔录) of the same visit.
pub fn onsite_record(start: DateTime<Utc>, party: PartyId) -> OnsiteInspectionRecord {
    OnsiteInspectionRecord {
        doc_no: "望统现〔2026〕7号".into(),
        start_at: Some(start),
        end_at: Some(start + TimeDelta::minutes(90)),
        place: "抚顺市宏达机械制造有限公司".into(),
        party_id: Some(party),
        present: vec![Person {
            name: "赵建国".into(),
            position: "总经理".into(),
            relation: PersonRelation::LegalRep,
            ..Person::default()
        }],
        officers: certs(),
        recorder: "LN210404-0027".into(),
        certificates: certificates(),
        basis: "《中华人民共和国统计法》第三十八条".into(),
        items: "2025年《工业产销总值及主要产品产量》(B204-1表)".into(),
        materials_checked: vec![
            "2025年销售台账".into(),
            "2025年增值税纳税申报表".into(),
            "统计原始记录".into(),
        ],
        systems_checked: vec!["统计联网直报平台企业端".into()],
        findings: "上报工业总产值与销售台账、纳税申报数据不符，差额948万元。".into(),
        data_checks: vec![DataCheck {
            item: "B204-1表 2025年 工业总产值（万元）".into(),
            reported: "4860".into(),
            verified: "3912".into(),
            note: "多报948万元（24.2%）".into(),
        }],
        party_opinion: String::new(),
        av_unsuitable_reason: String::new(),
    }
}

/// A rectification order (责令改正通知书) for what the visit found, due in 15 days.
pub fn rectification_order(now: DateTime<Utc>, party: PartyId) -> RectificationOrder {
    RectificationOrder {
        doc_no: format!("望统责改〔{}〕3号", now.format("%Y")),
        party_id: Some(party),
        violation: "2025年B204-1表工业总产值多报948万元".into(),
        basis: case_draft("x").legal_basis,
        requirement: "核实并更正2025年B204-1表数据，建立健全统计台账".into(),
        due_on: Some((now + TimeDelta::days(15)).date_naive()),
    }
}

/// Handwriting-like strokes on a 480×200 pad (three loops with rising pressure), different for
/// each `seed`: the demo's and the tests' signatures.
pub fn handwriting(seed: u32) -> Strokes {
    let strokes = (0..3u32)
        .map(|s| Stroke {
            points: (0..40u32)
                .map(|i| {
                    let t = i as f32 / 39.0;
                    StrokePoint {
                        x: 40.0 + s as f32 * 130.0 + 100.0 * t,
                        y: 100.0 + 35.0 * (t * 9.0 + (s + seed) as f32).sin(),
                        t_ms: s * 800 + i * 12,
                        pressure: 0.3 + 0.6 * t,
                    }
                })
                .collect(),
        })
        .collect();
    Strokes {
        width: 480,
        height: 200,
        strokes,
    }
}
