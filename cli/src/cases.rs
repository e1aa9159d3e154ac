//! `casetrail init` and `casetrail case new|list|show`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Subcommand;
use serde_json::{Value, json};

use casetrail_core::model::{
    CaseDraft, CaseSource, CaseStatus, CertStatus, FindingKey, LegalBasis, NamedRepresentative,
    Officer, Party, PartyId, PartyKind, Procedure, ViolationType,
};
use casetrail_core::{Error as CoreError, ValidationCode, Workspace};

pub use crate::case_show::case_json;
use crate::case_show::{print_case, unique_prefix_len};
use crate::output::{Out, open_existing};

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Open a case or an inspection.
    New(Box<NewCase>),
    /// List cases.
    List,
    /// Show a case with its records and evidence.
    Show {
        /// Case id or a unique prefix of it.
        case: String,
    },
    /// What the regulation still requires of the case. Exit 0 when nothing blocks, 3 when
    /// something does.
    Check {
        /// Case id or a unique prefix of it.
        case: String,
    },
    /// Move the case to another status (closing and archiving require no blocking finding).
    Status {
        /// Case id or a unique prefix of it.
        case: String,
        /// The new status (filed, investigating, …, closed, archived).
        #[arg(long)]
        to: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Record a leader-approved override of blocking findings, with the reason.
    Override {
        /// Case id or a unique prefix of it.
        case: String,
        /// A finding as CODE@SUBJECT, as `case check --json` lists them; repeatable.
        #[arg(long = "finding", required = true)]
        findings: Vec<String>,
        /// The finalized leader approval record (id or prefix).
        #[arg(long)]
        approval: String,
        /// Why.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, clap::Args)]
pub struct NewCase {
    /// Read the whole case (a CaseDraft) from a JSON file ('-' for stdin).
    #[arg(long, conflicts_with_all = ["case_no", "title"])]
    from_json: Option<PathBuf>,
    /// 案号 / 检查任务号.
    #[arg(long, required_unless_present = "from_json")]
    case_no: Option<String>,
    /// 案件名称.
    #[arg(long, required_unless_present = "from_json")]
    title: Option<String>,
    /// 案由 code (false_data, late_report, …).
    #[arg(long, default_value = "other")]
    cause: String,
    /// 案由 in words.
    #[arg(long, default_value = "")]
    cause_text: String,
    /// Legal basis as LAW:VERSION:ARTICLE, repeatable (e.g. 中华人民共和国统计法:2024:38).
    #[arg(long = "basis")]
    basis: Vec<String>,
    /// 一般程序 (general) or 简易程序 (simplified).
    #[arg(long, default_value = "general")]
    procedure: String,
    /// 重大案件.
    #[arg(long)]
    major: bool,
    /// Started in an emergency before approval (approval due within 24 h).
    #[arg(long)]
    emergency: bool,
    /// Initial status: pre_check (inspection), filed, clue_registered.
    #[arg(long, default_value = "pre_check")]
    status: String,
    /// 案件来源 code.
    #[arg(long, default_value = "double_random")]
    source: String,
    /// 承办机构 / the officers' unit.
    #[arg(long, default_value = "")]
    unit: String,
    /// Officer as NAME,CERT_NO,VALID_FROM,VALID_TO (dates YYYY-MM-DD); at least two.
    #[arg(long = "officer")]
    officers: Vec<String>,
    /// Party name (a company unless --party-kind says otherwise).
    #[arg(long)]
    party: Option<String>,
    /// Party kind: legal_person, other_org, individual_business, natural_person.
    #[arg(long, default_value = "legal_person")]
    party_kind: String,
    /// 统一社会信用代码 of the party.
    #[arg(long)]
    uscc: Option<String>,
    /// Party address.
    #[arg(long, default_value = "")]
    address: String,
    /// 法定代表人.
    #[arg(long)]
    legal_rep: Option<String>,
}

pub fn init(out: &Out, home: &Path) -> anyhow::Result<ExitCode> {
    let ws = Workspace::open_default(home)?;
    if out.json {
        out.print_json(&json!({
            "home": home.display().to_string(),
            "device_id": ws.device_id().to_string(),
            "public_key": hex_key(&ws),
        }))?;
    } else {
        out.say(out.ta("cli-init-done", &[("home", &home.display().to_string())]));
        out.say(out.ta(
            "cli-device",
            &[("id", &ws.device_id().to_string()), ("key", &hex_key(&ws))],
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn hex_key(ws: &Workspace) -> String {
    ws.public_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn run(out: &Out, home: &Path, cmd: CaseCommand) -> anyhow::Result<ExitCode> {
    let ws = open_existing(out, home)?;
    match cmd {
        CaseCommand::New(args) => {
            let draft = draft_from_args(out, *args)?;
            let case = ws.create_case(draft)?;
            if out.json {
                out.print_json(&case_json(&case, &[], &[]))?;
            } else {
                out.say(out.ta(
                    "cli-case-created",
                    &[("no", &case.info.case_no), ("id", &case.id.to_string())],
                ));
            }
        }
        CaseCommand::List => {
            let cases = ws.list_cases()?;
            if out.json {
                let list: Vec<Value> = cases
                    .iter()
                    .map(|c| json!({"id": c.id, "case_no": c.case_no, "title": c.title, "stage": c.stage, "status": c.status, "opened_at": c.opened_at}))
                    .collect();
                out.print_json(&list)?;
            } else if cases.is_empty() {
                out.say(out.t("cli-no-cases"));
            } else {
                let ids: Vec<String> = cases.iter().map(|c| c.id.to_string()).collect();
                let len = unique_prefix_len(&ids);
                for c in cases {
                    out.say(format!(
                        "{}  {}  {}  [{} / {}]",
                        &c.id.to_string()[..len],
                        c.case_no,
                        c.title,
                        out.t(&format!("stage-{}", c.stage.as_str())),
                        out.status(c.status)
                    ));
                }
            }
        }
        CaseCommand::Check { case } => {
            let id = ws.resolve_case(&case)?;
            return crate::rules::check(out, &ws, id);
        }
        CaseCommand::Status { case, to, reason } => {
            let id = ws.resolve_case(&case)?;
            let to = CaseStatus::parse(&to).ok_or_else(|| {
                anyhow::anyhow!(out.ta("cli-bad-value", &[("what", "--to"), ("value", &to)]))
            })?;
            let case = ws.change_status(id, to, &reason)?;
            if out.json {
                out.print_json(&case_json(&case, &ws.records(id)?, &ws.evidence(id)?))?;
            } else {
                out.say(out.ta(
                    "cli-status-changed",
                    &[
                        ("no", &case.info.case_no),
                        ("status", &out.status(case.status)),
                    ],
                ));
            }
        }
        CaseCommand::Override {
            case,
            findings,
            approval,
            reason,
        } => {
            let id = ws.resolve_case(&case)?;
            let approval = ws.resolve_record(&approval)?;
            let keys = findings
                .iter()
                .map(|f| match f.split_once('@') {
                    Some((code, subject)) => Ok(FindingKey {
                        code: code.into(),
                        subject: subject.into(),
                    }),
                    None => Err(anyhow::anyhow!(
                        out.ta("cli-bad-value", &[("what", "--finding"), ("value", f)])
                    )),
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let file = ws.approve_override(id, keys, approval, &reason)?;
            if out.json {
                out.print_json(&file.overrides)?;
            } else {
                out.say(out.ta(
                    "cli-override-recorded",
                    &[("count", &findings.len().to_string())],
                ));
            }
        }
        CaseCommand::Show { case } => {
            let id = ws.resolve_case(&case)?;
            let case = ws.case(id)?;
            let records = ws.records(id)?;
            if out.json {
                out.print_json(&case_json(&case, &records, &ws.evidence(id)?))?;
            } else {
                print_case(out, &case, &records, &ws.evidence(id)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn draft_from_args(out: &Out, a: NewCase) -> anyhow::Result<CaseDraft> {
    if let Some(path) = a.from_json {
        return crate::output::read_json("--from-json", &path);
    }
    let bad = |what: &str, v: &str| {
        anyhow::anyhow!(out.ta("cli-bad-value", &[("what", what), ("value", v)]))
    };
    let cause = ViolationType::parse(&a.cause).ok_or_else(|| bad("--cause", &a.cause))?;
    let procedure =
        Procedure::parse(&a.procedure).ok_or_else(|| bad("--procedure", &a.procedure))?;
    let initial_status = CaseStatus::parse(&a.status).ok_or_else(|| bad("--status", &a.status))?;
    let source = CaseSource::parse(&a.source).ok_or_else(|| bad("--source", &a.source))?;
    let legal_basis = a
        .basis
        .iter()
        .map(|b| {
            let parts: Vec<&str> = b.splitn(3, ':').collect();
            match parts.as_slice() {
                [law, version, article] => Ok(LegalBasis {
                    law: (*law).into(),
                    version: (*version).into(),
                    article: (*article).into(),
                    clause: None,
                }),
                _ => Err(bad("--basis", b)),
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    // A date that does not parse is an invalid date of that officer's field, never "required".
    let date = |i: usize, field: &str, s: &str| -> anyhow::Result<Option<NaiveDate>> {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                CoreError::invalid(
                    format!("officers[{i}].{field}"),
                    ValidationCode::InvalidDate,
                )
                .into()
            })
    };
    let officers = a
        .officers
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let parts: Vec<&str> = o.split(',').collect();
            match parts.as_slice() {
                [name, cert, from, to] => Ok(Officer {
                    name: name.trim().into(),
                    unit: a.unit.clone(),
                    cert_no: cert.trim().into(),
                    cert_valid_from: date(i, "cert_valid_from", from)?,
                    cert_valid_to: date(i, "cert_valid_to", to)?,
                    cert_status: CertStatus::Valid,
                }),
                _ => Err(bad("--officer", o)),
            }
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let kind = match a.party_kind.as_str() {
        "legal_person" => PartyKind::LegalPerson,
        "other_org" => PartyKind::OtherOrg,
        "individual_business" => PartyKind::IndividualBusiness,
        "natural_person" => PartyKind::NaturalPerson,
        other => return Err(bad("--party-kind", other)),
    };
    let parties = a
        .party
        .map(|name| Party {
            id: PartyId::new(),
            kind,
            name,
            uscc: a.uscc.clone(),
            legal_rep: a.legal_rep.clone().map(|n| NamedRepresentative {
                name: n,
                title: String::new(),
            }),
            id_doc: None,
            address: a.address.clone(),
            phone: String::new(),
        })
        .into_iter()
        .collect();
    Ok(CaseDraft {
        case_no: a.case_no.unwrap_or_default(),
        title: a.title.unwrap_or_default(),
        cause,
        cause_text: a.cause_text,
        legal_basis,
        procedure,
        is_major: a.major,
        emergency_start: a.emergency,
        source,
        handling_unit: a.unit,
        initial_status,
        officers,
        parties,
    })
}
