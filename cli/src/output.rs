//! How the CLI talks: localized human text from the core's catalogues, or JSON for scripts;
//! errors on stderr in the user's language, without user content; input read from a file or
//! standard input.

use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

use casetrail_core::i18n::{self, Lang, arg, tr, tr_args};
use casetrail_core::model::{CaseStatus, RecordKind, RecordStatus};
use casetrail_core::present::{describe_error, describe_io, describe_json};
use casetrail_core::{Error as CoreError, Workspace};

/// Output settings of one invocation.
#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub lang: Lang,
    pub json: bool,
}

impl Out {
    pub fn new(lang: Lang, json: bool) -> Self {
        Self { lang, json }
    }

    /// A catalogue message.
    pub fn t(&self, id: &str) -> String {
        tr(self.lang, id)
    }

    /// A catalogue message with string arguments.
    pub fn ta(&self, id: &str, args: &[(&str, &str)]) -> String {
        let args: Vec<_> = args.iter().map(|(k, v)| (*k, arg(*v))).collect();
        tr_args(self.lang, id, &args)
    }

    /// Prints a line of human output (suppressed in JSON mode).
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.json {
            emit(line.as_ref());
        }
    }

    /// Prints a value as pretty JSON.
    pub fn print_json<T: Serialize>(&self, value: &T) -> anyhow::Result<()> {
        emit(&serde_json::to_string_pretty(value)?);
        Ok(())
    }

    /// Prints an error on stderr.
    pub fn error(&self, err: &anyhow::Error) {
        // Errors of the core and of the libraries below it (the operating system's, serde's)
        // are put in the user's language; the CLI's own errors are catalogue text already.
        let text = if let Some(e) = err.downcast_ref::<CoreError>() {
            describe_error(self.lang, e)
        } else if let Some(e) = err.downcast_ref::<std::io::Error>() {
            format!("{}: {}", self.t("error-io"), describe_io(self.lang, e))
        } else if let Some(e) = err.downcast_ref::<serde_json::Error>() {
            format!(
                "{}: {}",
                self.t("error-bad_json"),
                describe_json(self.lang, e)
            )
        } else {
            err.to_string()
        };
        eprintln!("{}{text}", self.t("cli-error-prefix"));
    }

    pub fn kind(&self, kind: RecordKind) -> String {
        self.t(&format!("kind-{}", kind.as_str()))
    }

    pub fn status(&self, status: CaseStatus) -> String {
        self.t(&format!("status-{}", status.as_str()))
    }

    pub fn stage(&self, status: CaseStatus) -> String {
        self.t(&format!("stage-{}", status.stage().as_str()))
    }

    pub fn record_status(&self, status: RecordStatus) -> String {
        self.t(&format!("record-status-{}", status.as_str()))
    }

    /// A time in the bureau's zone, with the zone named.
    pub fn time(&self, t: DateTime<Utc>) -> String {
        let local = t.with_timezone(&casetrail_core::model::china_zone());
        format!(
            "{} {}",
            local.format("%Y-%m-%d %H:%M:%S"),
            self.t("cli-zone")
        )
    }

    pub fn lang_name(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    #[allow(dead_code)]
    pub fn field(&self, path: &str) -> String {
        i18n::field_label(self.lang, path)
    }
}

/// Writes a line to stdout. A closed pipe (`casetrail … | head`) is not an error worth a
/// crash: everything the command wrote to the workspace is already committed.
fn emit(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Opens an existing workspace; a missing one is a clear error, not a silent new workspace.
pub fn open_existing(out: &Out, home: &Path) -> anyhow::Result<Workspace> {
    if !home.join(casetrail_core::DB_FILE).exists() {
        anyhow::bail!(out.ta("cli-no-workspace", &[("home", &home.display().to_string())]));
    }
    Ok(Workspace::open_default(home)?)
}

/// Reads a file, or standard input for `-`; a failure names the file.
pub fn read_input(path: &Path) -> anyhow::Result<String> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| CoreError::file(path, e))?;
        Ok(s)
    } else {
        Ok(std::fs::read_to_string(path).map_err(|e| CoreError::file(path, e))?)
    }
}

/// Reads JSON from a file (or standard input for `-`) given with `option`; a failure names the
/// option and the file, and says where the text broke, in the user's language.
pub fn read_json<T: DeserializeOwned>(option: &str, path: &Path) -> anyhow::Result<T> {
    let text = read_input(path)?;
    parse_json(&format!("{option} {}", path.display()), &text)
}

/// Parses JSON given for `what`; a failure names it and says where the text broke.
pub fn parse_json<T: DeserializeOwned>(what: &str, text: &str) -> anyhow::Result<T> {
    Ok(serde_json::from_str(text).map_err(|e| CoreError::json(what, e))?)
}
