//! `casetrail`: the command line for people on a workstation — run the demo, open cases, add
//! and finalize records, verify a journal. It drives the same core API the phone apps use.
//!
//! Output is Chinese by default (`--lang en` for English); every reading command takes `--json`
//! for scripts. Exit codes: 0 success, 1 failure or an unsound journal, 2 usage error, 3 a case
//! with blocking findings (`case check`), 4 evidence kept without a watermark (`evidence add`),
//! 5 a sync that left something pending or wedged.

// A command-line program's job is to print.
#![allow(clippy::print_stdout)]

mod case_show;
mod cases;
mod demo;
mod evidence;
mod field;
mod journal;
mod output;
mod records;
mod rules;
mod server;
mod sync;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use casetrail_core::i18n::Lang;
use output::Out;

/// casetrail — 统计行政执法全过程记录 / whole-process enforcement records.
#[derive(Debug, Parser)]
#[command(name = "casetrail", version, about)]
pub struct Cli {
    /// Workspace directory (holds casetrail.db and media/). Default: $CASETRAIL_HOME, else the
    /// per-user data directory.
    #[arg(long, global = true, env = "CASETRAIL_HOME")]
    pub home: Option<PathBuf>,
    /// Language of human output: zh (default) or en.
    #[arg(long, global = true, env = "CASETRAIL_LANG", default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// Machine-readable JSON output.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    command: Command,
}

/// The core's rule for languages; the refusal is said in both, since the user's is unknown.
fn parse_lang(s: &str) -> Result<Lang, String> {
    casetrail_core::parse_language(s).map_err(|e| {
        let say = |lang| casetrail_core::present::describe_error(lang, &e);
        format!("{} / {}", say(Lang::Zh), say(Lang::En))
    })
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the workspace and this device's signing key.
    Init,
    /// Cases and inspections.
    #[command(subcommand)]
    Case(cases::CaseCommand),
    /// Records (文书/笔录) of a case.
    #[command(subcommand)]
    Record(records::RecordCommand),
    /// Evidence: photos, audio, video, scans, files.
    #[command(subcommand)]
    Evidence(evidence::EvidenceCommand),
    /// The signed journal.
    #[command(subcommand)]
    Journal(journal::JournalCommand),
    /// Sign a slot of a finalized record with handwritten strokes.
    Sign(field::SignArgs),
    /// Record a refusal to sign: reason, noting officer, witness, photo/audio/video.
    Refuse(field::RefuseArgs),
    /// Serve a finalized document (送达) by one of the methods of Art. 17.
    ServeDoc(field::ServeArgs),
    /// Open deadlines across cases (or of one case), soonest first.
    Due {
        /// Only this case (id or prefix).
        #[arg(long)]
        case: Option<String>,
    },
    /// Print what the regulation requires of each kind of record (a table to review).
    Rules,
    /// Enrol this device with a back office using a one-time code.
    Enrol(sync::EnrolArgs),
    /// Deliver everything queued to the back office (exit 0 only when all was acknowledged).
    Sync(sync::SyncArgs),
    /// The back office: run it, issue enrolment codes, revoke devices, approve, list cases.
    #[command(subcommand)]
    Server(server::ServerCommand),
    /// Run a realistic site visit end to end in a new workspace and show the result.
    Demo,
}

fn default_home() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("casetrail")
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out::new(cli.lang, cli.json);
    let home = cli.home.clone();
    let result = match cli.command {
        Command::Init => cases::init(&out, &home.unwrap_or_else(default_home)),
        Command::Case(cmd) => cases::run(&out, &home.unwrap_or_else(default_home), cmd),
        Command::Record(cmd) => records::run(&out, &home.unwrap_or_else(default_home), cmd),
        Command::Journal(cmd) => journal::run(&out, &home.unwrap_or_else(default_home), cmd),
        Command::Evidence(cmd) => evidence::run(&out, &home.unwrap_or_else(default_home), cmd),
        Command::Sign(a) => field::sign(&out, &home.unwrap_or_else(default_home), a),
        Command::Refuse(a) => field::refuse(&out, &home.unwrap_or_else(default_home), a),
        Command::ServeDoc(a) => field::serve(&out, &home.unwrap_or_else(default_home), a),
        Command::Due { case } => rules::due(&out, &home.unwrap_or_else(default_home), case),
        Command::Rules => {
            out.say(casetrail_core::rules::requirements_markdown(out.lang));
            Ok(ExitCode::SUCCESS)
        }
        Command::Enrol(a) => sync::enrol(&out, &home.unwrap_or_else(default_home), a),
        Command::Sync(a) => sync::sync(&out, &home.unwrap_or_else(default_home), a),
        Command::Server(cmd) => server::run(&out, cmd),
        Command::Demo => demo::run(&out, home),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            out.error(&e);
            ExitCode::FAILURE
        }
    }
}
