//! The `casetrail` binary as a user and a script drive it: real processes, a real workspace on
//! disk, exit codes and JSON checked.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a test crate: failing loudly is the point

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn casetrail(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .arg("--home")
        .arg(home)
        .args(args)
        .env_remove("CASETRAIL_LANG")
        .output()
        .expect("run casetrail")
}

fn ok(home: &Path, args: &[&str]) -> String {
    let out = casetrail(home, args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(home: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(home, &all)).expect("json output")
}

const OFFICER_A: &str = "李明,LN210404-0012,2024-01-01,2029-12-31";
const OFFICER_B: &str = "王芳,LN210404-0027,2023-07-01,2028-06-30";

fn new_case(home: &Path, no: &str) -> Value {
    json(
        home,
        &[
            "case",
            "new",
            "--case-no",
            no,
            "--title",
            "某公司统计数据现场检查",
            "--cause",
            "false_data",
            "--unit",
            "望花区统计局",
            "--officer",
            OFFICER_A,
            "--officer",
            OFFICER_B,
            "--party",
            "抚顺市宏达机械制造有限公司",
            "--uscc",
            "91210404MA0Y7T5K2C",
            "--basis",
            "中华人民共和国统计法:2024:38",
        ],
    )
}

#[test]
fn a_case_from_the_command_line_to_a_verified_journal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    let out = ok(&home, &["init"]);
    assert!(out.contains("工作区已就绪"), "{out}");
    let case = new_case(&home, "望统检〔2026〕9号");
    let case_id = case["id"].as_str().unwrap().to_owned();

    let list = json(&home, &["case", "list"]);
    let first = &list.as_array().unwrap()[0];
    for key in ["id", "case_no", "title", "stage", "status"] {
        assert!(first.get(key).is_some(), "case list lacks {key}");
    }
    assert_eq!(first["status"], "pre_check");
    assert_eq!(first["stage"], "investigation");

    // A record from --set pairs, by case-id prefix.
    let prefix = &case_id[..13];
    let officers = r#"["LN210404-0012","LN210404-0027"]"#;
    let party = case["parties"][0]["id"].as_str().unwrap();
    let record = json(
        &home,
        &[
            "record",
            "add",
            prefix,
            "--kind",
            "onsite_inspection_record",
            "--set",
            "start_at=\"2026-11-28T01:00:00Z\"",
            "--set",
            "end_at=\"2026-11-28T02:00:00Z\"",
            "--set",
            "place=公司财务室",
            "--set",
            &format!("party_id={party}"),
            "--set",
            &format!("officers={officers}"),
            "--set",
            r#"certificates=[{"cert_no":"LN210404-0012","shown":true},{"cert_no":"LN210404-0027","shown":true}]"#,
            "--set",
            "basis=统计法第三十八条",
            "--set",
            "items=2025年B204-1表",
            "--set",
            "findings=上报数与台账不符",
        ],
    );
    assert_eq!(record["status"], "draft");
    let rid = record["id"].as_str().unwrap().to_owned();
    let fin = json(&home, &["record", "finalize", &rid]);
    assert_eq!(fin["status"], "finalized");
    assert_eq!(fin["signature_slots"].as_array().unwrap().len(), 3);

    let amended = json(
        &home,
        &[
            "record",
            "amend",
            &rid,
            "--reason",
            "补记当事人意见",
            "--set",
            "party_opinion=无异议",
        ],
    );
    assert_eq!(
        (amended["version"].as_u64(), amended["status"].as_str()),
        (Some(2), Some("draft"))
    );
    assert_eq!(
        amended["body"]["place"], "公司财务室",
        "amend starts from the current body"
    );

    let voided = json(&home, &["record", "void", &rid, "--reason", "重复"]);
    assert_eq!(voided["status"], "void");

    let shown = json(&home, &["case", "show", prefix]);
    let records = shown["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    for key in ["id", "kind", "status", "signature_slots"] {
        assert!(records[0].get(key).is_some(), "record lacks {key}");
    }
    assert!(shown["evidence"].is_array());

    let human = ok(&home, &["case", "show", prefix]);
    assert!(
        human.contains("现场检查笔录") && human.contains("已作废"),
        "{human}"
    );
    let english = ok(&home, &["--lang", "en", "case", "show", prefix]);
    assert!(
        english.contains("On-site inspection record") && english.contains("void"),
        "{english}"
    );

    let verify = casetrail(&home, &["journal", "verify"]);
    assert_eq!(verify.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("校验通过"));
}

#[test]
fn bad_input_gets_a_clear_error_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let out = casetrail(
        &home,
        &[
            "case",
            "new",
            "--case-no",
            "X-1",
            "--title",
            "t",
            "--unit",
            "望花区统计局",
            "--officer",
            OFFICER_A,
            "--officer",
            OFFICER_B,
            "--party",
            "某公司",
            "--uscc",
            "91210404MA0Y7T5K2D",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("校验码不正确"), "{err}");
    assert!(
        !err.contains("91210404MA0Y7T5K2D"),
        "errors never echo user values: {err}"
    );
    assert_eq!(json(&home, &["case", "list"]).as_array().unwrap().len(), 0);

    let out = casetrail(
        &home,
        &[
            "--lang",
            "en",
            "case",
            "new",
            "--case-no",
            "X-1",
            "--title",
            "t",
            "--officer",
            OFFICER_A,
        ],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("officers: not enough"));

    let case = new_case(&home, "X-2");
    let out = casetrail(
        &home,
        &[
            "record",
            "add",
            case["id"].as_str().unwrap(),
            "--kind",
            "inquiry_record",
            "--set",
            "plcae=x",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("place"),
        "lists the real fields"
    );
    let out = casetrail(
        &home,
        &["record", "add", "ffffffff", "--kind", "inquiry_record"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到案件"));
    let out = casetrail(&home, &["--lang", "fr", "case", "list"]);
    assert_eq!(out.status.code(), Some(2), "usage error");
    let missing = dir.path().join("nowhere");
    let out = casetrail(&missing, &["case", "list"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        !missing.exists(),
        "a missing workspace is not silently created"
    );
}

#[test]
fn journal_verify_fails_and_names_the_seq_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    new_case(&home, "T-1");
    new_case(&home, "T-2");
    let db = rusqlite_edit(&home.join("casetrail.db"));
    assert!(db);
    let out = casetrail(&home, &["journal", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("序号 2") && text.contains("altered_body"),
        "{text}"
    );
    let report: Value =
        serde_json::from_slice(&casetrail(&home, &["--json", "journal", "verify"]).stdout).unwrap();
    assert_eq!(report["defects"][0]["seq"], 2);
    assert_eq!(report["defects"][0]["kind"], "altered_body");
}

/// Edits the body of journal seq 2 through the sqlite3 C library via Python's stdlib (a tool
/// any attacker has), bypassing the app: drops the guard trigger and rewrites one title.
fn rusqlite_edit(db: &Path) -> bool {
    let script = format!(
        "import sqlite3; c=sqlite3.connect({:?}); c.execute('DROP TRIGGER journal_no_update'); \
         c.execute(\"UPDATE journal SET body = CAST(replace(CAST(body AS TEXT), 'T-2', 'T-3') AS BLOB) WHERE seq = 3\"); \
         c.execute(\"UPDATE journal SET body = CAST(replace(CAST(body AS TEXT), 'T-1', 'T-9') AS BLOB) WHERE seq = 2\"); c.commit()",
        db.display().to_string()
    );
    Command::new("python3")
        .args(["-c", &script])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

#[test]
fn the_demo_runs_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("demo");
    let out = casetrail(&home, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for step in [
        "检查通知书提前3天直接送达",
        "现场检查笔录定稿",
        "询问笔录",
        "当事人拒绝在现场检查笔录上签字",
        "留置送达",
        "完整性检查",
        "期限（北京时间）",
        "校验执法记录",
        "回到局里",
        "一次性登记码",
        "全部内容均已送达局端并取得签名回执",
        "局端看到的案件",
    ] {
        assert!(text.contains(step), "demo lacks {step}:\n{text}");
    }
    // The demo left a real workspace behind.
    let cases = json(&home, &["case", "list"]);
    assert_eq!(cases.as_array().unwrap().len(), 1);
    // Its story holds together: the photos of the inspection fall inside it, the inquiry does
    // not overlap it (the same two officers), and every signer signed in a hand of their own.
    let id = cases[0]["id"].as_str().unwrap().to_owned();
    let case = json(&home, &["case", "show", &id]);
    let time =
        |v: &serde_json::Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    let record = |kind: &str| {
        case["records"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind)
            .unwrap()
            .clone()
    };
    let onsite = record("onsite_inspection_record");
    let inquiry = record("inquiry_record");
    let (start, end) = (
        time(&onsite["body"]["start_at"]),
        time(&onsite["body"]["end_at"]),
    );
    assert!(
        time(&inquiry["body"]["start_at"]) >= end,
        "the inquiry follows the inspection"
    );
    let evidence = case["evidence"].as_array().unwrap();
    let photos: Vec<_> = evidence
        .iter()
        .filter(|e| e["record_id"] == onsite["id"] && e["kind"] == "photo")
        .collect();
    assert!(photos.len() >= 3, "{photos:?}");
    for e in photos {
        let at = time(&e["captured_at"]);
        assert!(
            start <= at && at <= end,
            "a photo of the inspection at {at}, outside it"
        );
    }
    let mut hands: Vec<&str> = evidence
        .iter()
        .filter(|e| e["kind"] == "signature")
        .map(|e| e["sha256"].as_str().unwrap())
        .collect();
    let signatures = hands.len();
    assert!(signatures >= 8, "{signatures} signatures");
    hands.sort_unstable();
    hands.dedup();
    assert_eq!(
        hands.len(),
        signatures,
        "two signers with the very same strokes"
    );
    // It refuses to run over an existing workspace.
    assert_eq!(casetrail(&home, &["demo"]).status.code(), Some(1));
}

#[test]
fn case_check_due_and_closing() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = json(
        &home,
        &[
            "case",
            "new",
            "--case-no",
            "E-1",
            "--title",
            "紧急检查",
            "--unit",
            "望花区统计局",
            "--emergency",
            "--officer",
            OFFICER_A,
            "--officer",
            OFFICER_B,
            "--party",
            "某公司",
            "--uscc",
            "91210404MA0Y7T5K2C",
        ],
    );
    let id = case["id"].as_str().unwrap();
    let out = casetrail(&home, &["case", "check", id]);
    assert_eq!(out.status.code(), Some(3), "blocking findings → exit 3");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("紧急启动的案件尚未补办审批") && text.contains("《实施办法》第六条"),
        "{text}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&casetrail(&home, &["--json", "case", "check", id]).stdout).unwrap();
    assert_eq!(report["blocking"], 1);
    assert_eq!(report["findings"][0]["code"], "emergency_approval_missing");
    assert_eq!(
        report["findings"][0]["key"],
        "emergency_approval_missing@case"
    );

    let due = json(&home, &["due"]);
    let first = &due.as_array().unwrap()[0];
    assert_eq!(first["kind"], "emergency_supplement_24h");
    assert_eq!(first["case_no"], "E-1");
    assert!(["ok", "warning", "critical"].contains(&first["state"].as_str().unwrap()));
    let human = ok(&home, &["due"]);
    assert!(human.contains("紧急启动补办审批（24小时）"), "{human}");

    // Closing is refused while the finding stands, and names it.
    let out = casetrail(
        &home,
        &[
            "case",
            "status",
            id,
            "--to",
            "inspection_closed",
            "--reason",
            "检查结束",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("紧急启动的案件尚未补办审批"));
    // Mend it: an emergency start record with the supplementary approval.
    let rec = json(
        &home,
        &[
            "record",
            "add",
            id,
            "--kind",
            "emergency_start_record",
            "--set",
            "started_at=\"2026-11-28T01:00:00Z\"",
            "--set",
            "reason=当事人正在转移资料",
            "--set",
            "measures=先行检查",
            "--set",
            "reported_to=分管局长",
            "--set",
            r#"supplementary_approval={"approver":"张局长","opinion":"同意","result":"approved"}"#,
        ],
    );
    ok(&home, &["record", "finalize", rec["id"].as_str().unwrap()]);
    assert_eq!(
        casetrail(&home, &["case", "check", id]).status.code(),
        Some(0)
    );
    let closed = json(
        &home,
        &[
            "case",
            "status",
            id,
            "--to",
            "inspection_closed",
            "--reason",
            "未发现违法",
        ],
    );
    assert_eq!(closed["status"], "inspection_closed");
}

#[test]
fn evidence_add_and_show() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = new_case(&home, "P-1");
    let party = case["parties"][0]["id"].as_str().unwrap();
    let record = json(
        &home,
        &[
            "record",
            "add",
            case["id"].as_str().unwrap(),
            "--kind",
            "onsite_inspection_record",
            "--set",
            &format!("party_id={party}"),
            "--set",
            r#"officers=["LN210404-0012","LN210404-0027"]"#,
        ],
    );
    let rid = record["id"].as_str().unwrap();
    let photos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/photos");
    let photo = photos.join("orient-portrait-8.jpg");
    let added = json(
        &home,
        &[
            "evidence",
            "add",
            rid,
            photo.to_str().unwrap(),
            "--lat",
            "41.87654",
            "--lon",
            "123.90412",
            "--accuracy",
            "8",
            "--address",
            "辽宁省抚顺市望花区和平路东段18号",
        ],
    );
    assert_eq!(
        added["item"]["original"]["sha256"],
        "2691666c64b68d563f50226c2df921c9edee827abf402e922be4be2e992fb061"
    );
    assert_eq!(added["watermark"]["outcome"], "made");
    assert_eq!(
        (
            added["watermark"]["width"].as_u64(),
            added["watermark"]["height"].as_u64()
        ),
        (Some(450), Some(600)),
        "portrait"
    );
    let id = added["item"]["id"].as_str().unwrap();
    let shown = json(&home, &["evidence", "show", &id[..18]]);
    assert_eq!(shown["item"]["id"], id);
    assert_eq!(shown["retention"]["class"], "routine");
    assert!(std::path::Path::new(shown["derivative_path"].as_str().unwrap()).exists());
    let human = ok(&home, &["evidence", "show", id]);
    assert!(
        human.contains("原件：SHA-256 2691666c") && human.contains("保存期限"),
        "{human}"
    );

    // A corrupt photo: the original is kept, the watermark refused, exit 4.
    let bad = photos.join("bad/bad-exif-ifd-and-corrupt-scan.jpg");
    let out = casetrail(
        &home,
        &[
            "evidence",
            "add",
            rid,
            bad.to_str().unwrap(),
            "--no-fix",
            "室内无信号",
        ],
    );
    assert_eq!(out.status.code(), Some(4));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("原件已保存") && text.contains("图片数据损坏"),
        "{text}"
    );
    let shown = json(&home, &["case", "show", case["id"].as_str().unwrap()]);
    assert_eq!(shown["evidence"].as_array().unwrap().len(), 2);
    let empty = dir.path().join("empty.jpg");
    std::fs::write(&empty, b"").unwrap();
    assert_eq!(
        casetrail(&home, &["evidence", "add", rid, empty.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        casetrail(&home, &["journal", "verify"]).status.code(),
        Some(0)
    );
}

#[test]
fn sign_refuse_and_serve_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = new_case(&home, "S-1");
    let cid = case["id"].as_str().unwrap();
    let party = case["parties"][0]["id"].as_str().unwrap();
    let onsite = json(
        &home,
        &[
            "record",
            "add",
            cid,
            "--kind",
            "onsite_inspection_record",
            "--set",
            "start_at=\"2026-11-28T01:00:00Z\"",
            "--set",
            "end_at=\"2026-11-28T02:00:00Z\"",
            "--set",
            "place=公司",
            "--set",
            &format!("party_id={party}"),
            "--set",
            r#"officers=["LN210404-0012","LN210404-0027"]"#,
            "--set",
            r#"certificates=[{"cert_no":"LN210404-0012","shown":true},{"cert_no":"LN210404-0027","shown":true}]"#,
            "--set",
            "basis=统计法第三十八条",
            "--set",
            "items=2025年年报",
            "--set",
            "findings=数据不符",
            "--set",
            "av_unsuitable_reason=演示",
        ],
    );
    let rid = onsite["id"].as_str().unwrap();
    json(&home, &["record", "finalize", rid]);
    let photos = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/photos");
    let photo = json(
        &home,
        &[
            "evidence",
            "add",
            rid,
            photos.join("orient-landscape-6.jpg").to_str().unwrap(),
            "--activity",
            "refusal_to_sign",
        ],
    );
    let eid = photo["item"]["id"].as_str().unwrap();
    let strokes = dir.path().join("s.json");
    std::fs::write(&strokes, r#"{"width":480,"height":200,"strokes":[{"points":[{"x":40,"y":100,"t_ms":0,"pressure":0.5},{"x":240,"y":120,"t_ms":80,"pressure":0.9},{"x":400,"y":90,"t_ms":160,"pressure":0.7}]}]}"#).unwrap();
    // Without audio/video the refusal is refused.
    let out = casetrail(
        &home,
        &[
            "refuse",
            rid,
            "--slot",
            "1",
            "--reason",
            "disputes_content",
            "--noted-by",
            "LN210404-0012",
            "--annotation",
            "拒绝签字",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let refused = json(
        &home,
        &[
            "refuse",
            rid,
            "--slot",
            "1",
            "--reason",
            "disputes_content",
            "--noted-by",
            "LN210404-0012",
            "--annotation",
            "当事人对笔录有异议，拒绝签字",
            "--av",
            eid,
            "--witness-name",
            "刘建华",
            "--witness-role",
            "物业经理",
            "--witness-strokes",
            strokes.to_str().unwrap(),
        ],
    );
    assert_eq!(refused["signature_slots"][0]["status"], "refused");
    let signed = json(
        &home,
        &[
            "sign",
            rid,
            "--slot",
            "2",
            "--strokes",
            strokes.to_str().unwrap(),
        ],
    );
    assert_eq!(signed["signature_slots"][1]["status"], "signed");
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"width":480,"height":200,"strokes":[]}"#).unwrap();
    assert_eq!(
        casetrail(
            &home,
            &[
                "sign",
                rid,
                "--slot",
                "3",
                "--strokes",
                bad.to_str().unwrap()
            ]
        )
        .status
        .code(),
        Some(1)
    );

    // A rectification order, left at the premises.
    let order = json(
        &home,
        &[
            "record",
            "add",
            cid,
            "--kind",
            "rectification_order",
            "--set",
            "doc_no=望统责改〔2026〕1号",
            "--set",
            &format!("party_id={party}"),
            "--set",
            "violation=多报",
            "--set",
            r#"basis=[{"law":"统计法","version":"2024","article":"44"}]"#,
            "--set",
            "requirement=更正",
            "--set",
            "due_on=\"2026-12-20\"",
        ],
    );
    let oid = order["id"].as_str().unwrap();
    json(&home, &["record", "finalize", oid]);
    let no_witness = casetrail(
        &home,
        &[
            "serve-doc",
            oid,
            "--method",
            "leave_at_premises",
            "--officer",
            "LN210404-0012",
            "--officer",
            "LN210404-0027",
            "--address",
            "前台",
            "--refusal-reason",
            "拒收",
            "--av",
            eid,
        ],
    );
    assert_eq!(no_witness.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_witness.stderr).contains("见证人"));
    let served = json(
        &home,
        &[
            "serve-doc",
            oid,
            "--method",
            "leave_at_premises",
            "--officer",
            "LN210404-0012",
            "--officer",
            "LN210404-0027",
            "--address",
            "前台",
            "--refusal-reason",
            "拒收",
            "--witness",
            "刘建华",
            "--av",
            eid,
        ],
    );
    assert_eq!(served["kind"], "service_receipt");
    assert_eq!(served["signature_slots"].as_array().unwrap().len(), 3);
    assert_eq!(
        casetrail(&home, &["journal", "verify"]).status.code(),
        Some(0)
    );
}

/// Runs `casetrail server run` as a child on a free loopback port; returns it and its URL.
fn start_server(data: &Path) -> (Server, String) {
    start_server_with(data, &[], std::process::Stdio::inherit())
}

/// `casetrail server run` with `extra` flags and its stderr sent to `stderr`.
fn start_server_with(
    data: &Path,
    extra: &[&str],
    stderr: impl Into<std::process::Stdio>,
) -> (Server, String) {
    use std::io::BufRead as _;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_casetrail"))
        .args(["--json", "server", "run", "--data"])
        .arg(data)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("server");
    // `--json` prints {"url": "http://…"} over a few lines.
    let line = std::io::BufReader::new(child.stdout.take().unwrap())
        .lines()
        .find_map(|l| l.ok().filter(|l| l.contains("\"url\"")))
        .expect("server announces its url");
    let url = line.split('"').find(|p| p.starts_with("http://")).unwrap();
    (Server(child), url.to_owned())
}

/// A server child that is killed if the test fails before stopping it.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn enrol_sync_and_the_back_office_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("backoffice");
    let home = dir.path().join("phone");
    ok(&home, &["init"]);
    let case = new_case(&home, "望统检〔2026〕30号");
    let id = case["id"].as_str().unwrap().to_owned();
    let (mut server, url) = start_server(&data);

    // Plain HTTP is refused on a non-loopback address.
    let refused = casetrail(
        &home,
        &[
            "server",
            "run",
            "--data",
            dir.path().join("never").to_str().unwrap(),
            "--addr",
            "0.0.0.0:0",
        ],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("TLS"));
    assert!(
        !dir.path().join("never").exists(),
        "nothing created for a refused start"
    );

    // enrol-code prints only the code.
    let out = casetrail(
        &home,
        &[
            "server",
            "enrol-code",
            "--data",
            data.to_str().unwrap(),
            "--officer",
            "LN210404-0012",
        ],
    );
    assert!(out.status.success());
    let code = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(code.len(), 19, "{code}");
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));

    // Not enrolled yet: sync fails with exit 5 and says why, in Chinese.
    let early = casetrail(&home, &["sync", "--server", &url]);
    assert_eq!(early.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&early.stderr).contains("尚未在局端登记"));

    let wrong = casetrail(
        &home,
        &["enrol", "--server", &url, "--code", "AAAA-BBBB-CCCC-DDDD"],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("登记码无效"));
    ok(&home, &["enrol", "--server", &url, "--code", &code]);

    let report = json(&home, &["sync", "--server", &url]);
    assert_eq!(report["complete"], true, "{report}");
    assert!(report["acknowledged"]["events"].as_u64().unwrap() >= 3);
    assert_eq!(report["pending"]["events"], 0);
    assert!(report["checkpoint_size"].as_u64().unwrap() >= 3);

    // A leader's approval at the bureau reaches the phone.
    ok(
        &home,
        &[
            "server",
            "approve",
            "--data",
            data.to_str().unwrap(),
            "--case",
            "望统检〔2026〕30号",
            "--subject",
            "case_initiation",
            "--by",
            "张局长",
            "--opinion",
            "同意立案",
        ],
    );
    let report = json(&home, &["sync"]);
    assert_eq!(report["pulled"], 1, "{report}");

    let cases = json(
        &home,
        &["server", "cases", "--data", data.to_str().unwrap()],
    );
    let cases = cases.as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["id"], id.as_str());
    assert_eq!(cases[0]["decisions"][0]["subject"], "case_initiation");
    assert!(cases[0]["findings"].is_array());

    // The server stops cleanly on SIGTERM.
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(server.0.wait().unwrap().success());
}

/// A peak resident set (VmHWM) of a process, in bytes.
fn peak_rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap()
        * 1024
}

/// The status line of the answer to one request sent on a connection of its own.
fn answer(addr: &str, request: &str) -> String {
    use std::io::{Read as _, Write as _};
    let mut c = std::net::TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    c.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = c.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_back_office_process_stays_small_and_logs_json_under_hostile_load() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    let (server, url) = start_server_with(
        &dir.path().join("backoffice"),
        &["--log-format", "json", "--header-timeout-secs", "3"],
        std::fs::File::create(&log).unwrap(),
    );
    let addr = url.trim_start_matches("http://").to_owned();
    let token = "deadbeef".repeat(8);
    // 64 POSTs of 16 MB each, with a made-up token, that send 64 KiB and stall: refused on
    // their headers, their bodies never read into memory.
    let stalled: Vec<_> = (0..64)
        .map(|_| {
            let mut c = std::net::TcpStream::connect(&addr).unwrap();
            let head = format!(
                "POST /v1/journal HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {token}\r\n\
                 content-type: application/json\r\ncontent-length: 16777216\r\n\r\n"
            );
            c.write_all(head.as_bytes()).unwrap();
            let _ = c.write_all(&vec![b'['; 64 * 1024]);
            c
        })
        .collect();
    // 180 connections that never say a word.
    let idle: Vec<_> = (0..180)
        .map(|_| std::net::TcpStream::connect(&addr).unwrap())
        .collect();
    // A challenge flood from one address: rate-limited, nothing written for it.
    let mut limited = 0;
    for _ in 0..300 {
        let body = r#"{"device_id":"0f3c8a52-1d2e-8f00-8000-000000000001"}"#;
        let status = answer(
            &addr,
            &format!(
                "POST /v1/auth/challenge HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            ),
        );
        if status.contains(" 429") {
            limited += 1;
        }
    }
    assert!(limited >= 100, "{limited} of 300 challenges refused");
    // The back office still answers, and the hostile connections are let go.
    std::thread::sleep(std::time::Duration::from_secs(4));
    let health = answer(
        &addr,
        "GET /v1/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    );
    assert!(health.contains(" 200"), "{health}");
    let peak = peak_rss_of(server.0.id());
    assert!(peak <= 256 * 1024 * 1024, "peak RSS {} MiB", peak / 1048576);
    drop((stalled, idle));
    drop(server);
    // One JSON object per line, and never the token.
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(!text.contains(&token), "a token reached the log");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON log line"))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["fields"]["message"] == "serving" && l["level"] == "INFO"),
        "{text}"
    );
    eprintln!(
        "back office peak RSS under hostile load: {} MiB",
        peak / 1048576
    );
}

#[test]
fn record_kinds_and_forms_come_from_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    // Neither needs a workspace.
    let kinds = ok(&home, &["record", "kinds"]);
    assert!(
        kinds.contains("inquiry_record") && kinds.contains("qa*") && kinds.contains("place*"),
        "{kinds}"
    );
    let schema = json(&home, &["record", "kinds"]);
    let schemas = schema.as_array().unwrap();
    assert!(schemas.len() >= 55);
    let inquiry = schemas
        .iter()
        .find(|s| s["kind"] == "inquiry_record")
        .unwrap();
    let fields: Vec<&Value> = inquiry["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["fields"].as_array().unwrap())
        .collect();
    let qa = fields.iter().find(|f| f["path"] == "qa").unwrap();
    assert_eq!(qa["type"], "group");
    assert_eq!(qa["need"], "required");
    assert_eq!(qa["required_by"][0]["article"], 9);
    assert_eq!(qa["fields"][1]["path"], "qa[].answer");
    let read_back = fields.iter().find(|f| f["path"] == "read_back").unwrap();
    assert_eq!(read_back["options"][0]["code"], "read_by_them");
    assert_eq!(read_back["label"]["zh"], "核对方式");

    let form = ok(&home, &["record", "form", "inquiry_record"]);
    assert!(
        form.contains("询问笔录（inquiry_record）")
            && form.contains("问答 [qa]")
            && form.contains("答 [qa[].answer]")
            && form.contains("必填（《实施办法》第九条"),
        "{form}"
    );
    let en = ok(
        &home,
        &["--lang", "en", "record", "form", "service_receipt"],
    );
    assert!(
        en.contains("Service receipt") && en.contains("appears when: method = By post"),
        "{en}"
    );
    let one = json(&home, &["record", "form", "service_receipt"]);
    assert_eq!(one["kind"], "service_receipt");
    let out = casetrail(&home, &["record", "form", "no_such_kind"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn set_values_are_parsed_by_the_field_type() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = new_case(&home, "X-3");
    let case_id = case["id"].as_str().unwrap();
    // A room number in a text field is text, not refused as an integer.
    let record = json(
        &home,
        &[
            "record",
            "add",
            case_id,
            "--kind",
            "inquiry_record",
            "--set",
            "place=301",
            "--set",
            "rights_told=是",
            "--set",
            "interviewee.name=王五",
        ],
    );
    assert_eq!(record["body"]["place"], "301");
    assert_eq!(record["body"]["rights_told"], true);
    assert_eq!(record["body"]["interviewee"]["name"], "王五");

    // Malformed JSON for a list is an error naming the field, and nothing is stored.
    let out = casetrail(
        &home,
        &[
            "record",
            "add",
            case_id,
            "--kind",
            "inquiry_record",
            "--set",
            r#"officers=["LN210404-0012","#,
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("执法人员：格式不正确"), "{err}");
    // A wrong item inside a list and a bad date, both named by path, at once.
    let out = casetrail(
        &home,
        &[
            "--lang",
            "en",
            "record",
            "add",
            case_id,
            "--kind",
            "inquiry_record",
            "--set",
            r#"qa=[{"question":"q","answr":"a"}]"#,
            "--set",
            "start_at=2026-11-28 09:00",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("questions and answers[0] › answr: no such field")
            && err.contains("start time: invalid date or time"),
        "{err}"
    );
    let shown = json(&home, &["case", "show", case_id]);
    assert_eq!(shown["records"].as_array().unwrap().len(), 1);

    // A form opened for the case carries its officers and party.
    let opened = json(
        &home,
        &[
            "record",
            "form",
            "onsite_inspection_record",
            "--case",
            case_id,
        ],
    );
    assert_eq!(
        opened["defaults"]["officers"],
        serde_json::json!(["LN210404-0012", "LN210404-0027"])
    );
    assert_eq!(opened["defaults"]["party_id"], case["parties"][0]["id"]);
    assert!(opened["defaults"]["start_at"].is_string());
    assert_eq!(opened["schema"]["kind"], "onsite_inspection_record");

    // Finalizing names every missing required field with its article.
    let rid = record["id"].as_str().unwrap();
    let out = casetrail(&home, &["record", "finalize", rid]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    for label in [
        "开始时间：必填",
        "问答：必填",
        "核对方式：必填",
        "《实施办法》第九条",
    ] {
        assert!(err.contains(label), "{label} not in {err}");
    }
}

fn stderr_of(home: &Path, args: &[&str]) -> String {
    let out = casetrail(home, args);
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail");
    String::from_utf8(out.stderr).expect("utf-8")
}

#[test]
fn errors_name_the_file_the_field_and_the_place_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    // A date that does not parse is an invalid date, never "required".
    let err = stderr_of(
        &home,
        &[
            "case",
            "new",
            "--case-no",
            "D-1",
            "--title",
            "t",
            "--officer",
            "李明,LN210404-0012,2024-13-45,2029-12-31",
            "--officer",
            OFFICER_B,
        ],
    );
    assert!(
        err.contains("执法证有效期起") && err.contains("日期或时间不正确"),
        "{err}"
    );
    assert!(!err.contains("必填"), "{err}");

    let case = new_case(&home, "D-2");
    let cid = case["id"].as_str().unwrap();
    // A missing file is named, in words, without the operating system's English.
    let nowhere = dir.path().join("nowhere.json");
    let err = stderr_of(
        &home,
        &[
            "record",
            "add",
            cid,
            "--kind",
            "inquiry_record",
            "--json-body",
            nowhere.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains(nowhere.to_str().unwrap()) && err.contains("文件不存在"),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");

    // JSON of the wrong shape names the option and the file and says where, without serde's
    // English about Rust types.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"case_no": 7}"#).unwrap();
    for (lang, words) in [("zh", "第 1 行"), ("en", "line 1")] {
        let err = stderr_of(
            &home,
            &[
                "--lang",
                lang,
                "case",
                "new",
                "--from-json",
                bad.to_str().unwrap(),
            ],
        );
        assert!(
            err.contains("--from-json") && err.contains("bad.json"),
            "{err}"
        );
        assert!(err.contains(words), "{err}");
        assert!(
            !err.contains("expected") && !err.contains("invalid type"),
            "{err}"
        );
    }
}

#[test]
fn case_show_tells_a_legal_officer_what_is_there() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("demo");
    ok(&home, &["demo"]);
    let cases = json(&home, &["case", "list"]);
    let cid = cases[0]["id"].as_str().unwrap().to_owned();

    let shown = json(&home, &["case", "show", &cid]);
    // Evidence with hashes and capture facts.
    let evidence = shown["evidence"].as_array().unwrap();
    assert!(!evidence.is_empty());
    for e in evidence {
        assert_eq!(e["sha256"].as_str().unwrap().len(), 64, "{e}");
        assert!(e["captured_by"].as_str().is_some() && e["captured_at"].is_string());
        assert!(e["is_av"].is_boolean() && e["av_record"].is_boolean());
    }
    // Each service act with method, document, witnesses and proof.
    let services = shown["services"].as_array().unwrap();
    let leave = services
        .iter()
        .find(|s| s["method"] == "leave_at_premises")
        .expect("the demo leaves a document at the premises");
    assert!(leave["document"].is_string());
    assert!(!leave["witnesses"].as_array().unwrap().is_empty());
    assert!(!leave["proof"].as_array().unwrap().is_empty());
    // Slots are numbered as `sign --slot N` takes them.
    let record = shown["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["signature_slots"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["status"] == "refused")
        })
        .expect("the demo records a refusal");
    for (i, s) in record["signature_slots"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        assert_eq!(s["number"], i + 1);
    }

    let zh = ok(&home, &["case", "show", &cid]);
    for words in [
        "签名栏（序号即 sign/refuse --slot 的序号）",
        "拒签（",
        "见证人",
        "音像资料",
        "送达：方式 留置送达",
        "原件 SHA-256 ",
        "采集于",
    ] {
        assert!(zh.contains(words), "case show lacks {words}:\n{zh}");
    }
    assert!(
        zh.contains(evidence[0]["sha256"].as_str().unwrap()),
        "full hashes:\n{zh}"
    );
    let en = ok(&home, &["--lang", "en", "case", "show", &cid]);
    for words in [
        "Signature slots",
        "refused (",
        "service: method Left at the premises",
        "captured ",
    ] {
        assert!(
            en.contains(words),
            "case show --lang en lacks {words}:\n{en}"
        );
    }
    assert!(!en.contains("签名栏"), "{en}");

    // The slot numbers shown are the ones `refuse`/`sign` take: the refused slot's number,
    // given to `sign --slot`, reaches that very slot (it answers "already refused" or signs it).
    let refused = record["signature_slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "refused")
        .unwrap();
    let n = refused["number"].as_u64().unwrap().to_string();
    assert!(zh.contains(&format!("      {n}. ")), "{zh}");
    let rid = record["id"].as_str().unwrap();
    let av = evidence.iter().find(|e| e["av_record"] == true).unwrap()["id"]
        .as_str()
        .unwrap();
    let refuse_again = [
        "refuse",
        rid,
        "--slot",
        &n,
        "--reason",
        "disputes_content",
        "--noted-by",
        "LN210404-0012",
        "--annotation",
        "再次拒签",
        "--av",
        av,
    ];
    let err = stderr_of(&home, &refuse_again);
    assert!(err.contains("该签名栏已记录拒签"), "{err}");
}

#[test]
fn an_ambiguous_prefix_lists_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let a = new_case(&home, "A-1");
    let b = new_case(&home, "A-2");
    let (a, b) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    let common: String = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x)
        .collect();
    for (lang, words) in [("zh", "对应 2 项"), ("en", "matches 2 items")] {
        let err = stderr_of(&home, &["--lang", lang, "case", "show", &common]);
        assert!(err.contains(words), "{err}");
        assert!(
            err.contains(a) && err.contains(b),
            "names both candidates: {err}"
        );
    }
}

/// Issue 14: a witness given without a relation to the case is refused, naming the field in
/// the user's language; given, the record is accepted.
#[test]
fn a_witness_needs_a_relation() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = new_case(&home, "W-1");
    let id = case["id"].as_str().unwrap();
    let add = |witnesses: &str| {
        casetrail(
            &home,
            &[
                "record",
                "add",
                id,
                "--kind",
                "service_receipt",
                "--set",
                "method=leave_at_premises",
                "--set",
                &format!("witnesses={witnesses}"),
            ],
        )
    };
    let out = add(r#"[{"name":"刘物业"}]"#);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("见证人[0] › 与本案关系") && err.contains("必填"),
        "{err}"
    );
    let out = add(r#"[{"name":"刘物业","relation":"grassroots_rep"}]"#);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 14: `case check --json` names the officer, the certificate and the exact reason, with
/// the article; the mended record has no such finding.
#[test]
fn case_check_names_the_officer_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("ws");
    ok(&home, &["init"]);
    let case = json(
        &home,
        &[
            "case",
            "new",
            "--case-no",
            "O-1",
            "--title",
            "执法证检查",
            "--unit",
            "望花区统计局",
            "--officer",
            OFFICER_A,
            "--officer",
            OFFICER_B,
            "--officer",
            "赵强,LN210404-0031,2030-01-01,2031-12-31",
            "--party",
            "某公司",
            "--uscc",
            "91210404MA0Y7T5K2C",
        ],
    );
    let id = case["id"].as_str().unwrap();
    let record = json(
        &home,
        &[
            "record",
            "add",
            id,
            "--kind",
            "non_cooperation_record",
            "--set",
            "occurred_at=\"2026-11-28T01:00:00Z\"",
            "--set",
            "place=公司财务室",
            "--set",
            "conduct=拒绝提供台账",
            "--set",
            r#"officers=["LN210404-0012","LN210404-0031"]"#,
        ],
    );
    let rid = record["id"].as_str().unwrap();
    let report: Value =
        serde_json::from_slice(&casetrail(&home, &["--json", "case", "check", id]).stdout).unwrap();
    let officers: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "record_officers")
        .collect();
    assert_eq!(officers.len(), 1, "{report}");
    let f = officers[0];
    assert_eq!(f["detail"], "not_yet_valid");
    let message = f["message"].as_str().unwrap();
    for want in ["赵强", "LN210404-0031", "2030-01-01", "尚未生效"] {
        assert!(message.contains(want), "{want} not in {message}");
    }
    assert!(
        f["cite"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "《实施办法》第九条"),
        "{f}"
    );
    ok(
        &home,
        &[
            "record",
            "amend",
            rid,
            "--reason",
            "更正执法人员",
            "--set",
            r#"officers=["LN210404-0012","LN210404-0027"]"#,
        ],
    );
    let report: Value =
        serde_json::from_slice(&casetrail(&home, &["--json", "case", "check", id]).stdout).unwrap();
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "record_officers"),
        "{report}"
    );
}
