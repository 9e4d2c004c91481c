//! Acronis usage reports from the command line: create a one-time report and have it emailed, or
//! saved and downloaded; or delete one.
//!
//! ```sh
//! # Saved and downloaded: creates the report with `result_action: save`, polls its stored files
//! # until every format is saved, writes each to DIR/<stored_report_id>.<format>, prints the paths.
//! ACRONIS_CLIENT_ID=... ACRONIS_CLIENT_SECRET=... cargo run -p usage-client --example acronis_usage_report -- \
//!     --base-url https://<datacenter>/api/2 --tenant UUID --start 2024-05-01 --end 2024-05-31 \
//!     [--format csv]... --save-to DIR [--poll-interval SECS] [--wait-secs SECS]
//! # Emailed (`result_action: send`) to at least one recipient:
//! ... --tenant UUID --start 2024-05-01 --end 2024-05-31 [--format csv|html]... --recipient UUID...
//! # Deleted:
//! ... --delete ID --version N
//! ```
//!
//! Credentials: `ACRONIS_CLIENT_ID` and `ACRONIS_CLIENT_SECRET` (exchanged for a token, renewed as
//! needed), else `ACRONIS_TOKEN`. Progress goes to stderr, saved paths to stdout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use usage_client::acronis::types::{
    ReportCreate, ReportFormat, ReportKind, ReportLevel, ReportParameters, ReportPeriod, ReportSchedule, ResultAction,
    ScheduleType, StoredReportStatus,
};
use usage_client::acronis::Client;
use uuid::Uuid;

const USAGE: &str = "usage:
  acronis_usage_report --base-url URL --tenant UUID --start YYYY-MM-DD --end YYYY-MM-DD
                       [--format FORMAT]... --save-to DIR [--poll-interval SECS] [--wait-secs SECS]
  acronis_usage_report --base-url URL --tenant UUID --start YYYY-MM-DD --end YYYY-MM-DD
                       [--format csv|html]... --recipient UUID [--recipient UUID]...
  acronis_usage_report --base-url URL --delete ID --version N
Credentials: ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET, else ACRONIS_TOKEN; the base URL may
also come from ACRONIS_BASE_URL. Formats: csv, html, json_v1, csv_v2_0, json_v2_0 (default csv).";

#[derive(Debug, PartialEq)]
enum Command {
    Create(ReportCreate),
    Save { report: ReportCreate, dir: PathBuf, poll: Duration, wait: Duration },
    Delete { id: Uuid, version: i64 },
}

#[derive(Debug, PartialEq)]
struct Args {
    base_url: Option<String>,
    command: Command,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let (mut base_url, mut tenant, mut start, mut end, mut delete, mut version) = (None, None, None, None, None, None);
    let (mut formats, mut recipients) = (Vec::new(), Vec::new());
    let (mut save_to, mut poll, mut wait) = (None, Duration::from_secs(5), Duration::from_secs(600));
    let uuid =
        |flag: &str, value: &str| Uuid::parse_str(value).map_err(|e| format!("{flag} {value}: not a UUID ({e})"));
    let date = |flag: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|e| format!("{flag} {value}: not a YYYY-MM-DD date ({e})"))
    };
    let seconds = |flag: &str, value: &str| match value.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("{flag} {value}: not a number of seconds")),
    };
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--base-url" => base_url = Some(value),
            "--tenant" => tenant = Some(uuid(&flag, &value)?),
            "--start" => start = Some(date(&flag, &value)?),
            "--end" => end = Some(date(&flag, &value)?),
            "--format" => formats.push(ReportFormat::from(value.as_str())),
            "--recipient" => recipients.push(uuid(&flag, &value)?),
            "--save-to" => save_to = Some(PathBuf::from(value)),
            "--poll-interval" => poll = seconds(&flag, &value)?,
            "--wait-secs" => wait = seconds(&flag, &value)?,
            "--delete" => delete = Some(uuid(&flag, &value)?),
            "--version" => version = Some(value.parse::<i64>().map_err(|e| format!("--version {value}: {e}"))?),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    if let Some(id) = delete {
        let version = version.ok_or("--delete needs --version N (the version printed when the report was created)")?;
        return Ok(Args { base_url, command: Command::Delete { id, version } });
    }
    let tenant = tenant.ok_or_else(|| format!("--tenant is required\n{USAGE}"))?;
    let (start, end) = match (start, end) {
        (Some(start), Some(end)) if start <= end => (start, end),
        (Some(start), Some(end)) => return Err(format!("--start {start} is after --end {end}")),
        _ => return Err(format!("--start and --end are required\n{USAGE}")),
    };
    if let Some(unknown) = formats.iter().find(|f| matches!(f, ReportFormat::Unknown(_))) {
        return Err(format!("--format {unknown}: the API documents csv, html, json_v1, csv_v2_0 and json_v2_0"));
    }
    let report = |action: ResultAction, formats: Vec<ReportFormat>, recipients: Option<Vec<Uuid>>| {
        let mut parameters = ReportParameters::new(ReportKind::UsageSummary, tenant, ReportLevel::Accounts)
            .with_period(ReportPeriod::new().with_start(start).with_end(end));
        parameters.formats = (!formats.is_empty()).then_some(formats);
        let mut report = ReportCreate::new(parameters, ReportSchedule::new(ScheduleType::Once), action);
        report.recipients = recipients;
        report
    };
    if let Some(dir) = save_to {
        if !recipients.is_empty() {
            return Err("--save-to and --recipient exclude each other: a report is saved or sent".into());
        }
        if poll.is_zero() {
            return Err("--poll-interval must be more than 0 seconds".into());
        }
        let formats = if formats.is_empty() { vec![ReportFormat::Csv] } else { formats };
        let report = report(ResultAction::Save, formats, None);
        return Ok(Args { base_url, command: Command::Save { report, dir, poll, wait } });
    }
    if recipients.is_empty() {
        return Err("the report is sent by email (result_action `send`), which requires at least one --recipient \
                    UUID; or save it with --save-to DIR"
            .into());
    }
    Ok(Args { base_url, command: Command::Create(report(ResultAction::Send, formats, Some(recipients))) })
}

/// The client from the environment's credentials, for `base_url`.
fn client(base_url: String) -> Result<Client, String> {
    let env = |name| std::env::var(name).ok().filter(|v: &String| !v.trim().is_empty());
    let builder = Client::builder().base_url(base_url);
    let builder = match (env("ACRONIS_CLIENT_ID"), env("ACRONIS_CLIENT_SECRET"), env("ACRONIS_TOKEN")) {
        (Some(id), Some(secret), _) => builder.client_credentials(id, secret),
        (_, _, Some(token)) => builder.bearer_token(token),
        _ => return Err("set ACRONIS_CLIENT_ID and ACRONIS_CLIENT_SECRET (or ACRONIS_TOKEN)".into()),
    };
    builder.build().map_err(|e| e.to_string())
}

/// Creates a saved report, waits until a file of every requested format is saved, downloads each.
async fn save(
    client: &Client,
    report: ReportCreate,
    dir: PathBuf,
    poll: Duration,
    wait: Duration,
) -> Result<(), String> {
    let wanted = report.parameters.formats.clone().unwrap_or_default();
    let created = client.create_report(report).send().await.map_err(|e| e.to_string())?;
    eprintln!("created report {} (version {})", created.id, created.version);
    let deadline = Instant::now() + wait;
    let files = loop {
        let stored = client.list_stored_reports(created.id).send().await.map_err(|e| e.to_string())?.into_inner();
        let saved = |format: &ReportFormat| {
            stored.items.iter().find(|i| i.report_format == *format && i.status == StoredReportStatus::Saved)
        };
        let missing: Vec<String> = wanted.iter().filter(|f| saved(f).is_none()).map(ToString::to_string).collect();
        if missing.is_empty() {
            break wanted.iter().filter_map(saved).map(|i| (i.id, i.report_format.clone())).collect::<Vec<_>>();
        }
        if Instant::now() + poll > deadline {
            return Err(format!(
                "report {}: not saved within {} s (still waiting for {}); rerun with a larger --wait-secs",
                created.id,
                wait.as_secs(),
                missing.join(", ")
            ));
        }
        eprintln!("waiting {} s for {}", poll.as_secs_f64(), missing.join(", "));
        tokio::time::sleep(poll).await;
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (id, format) in files {
        let path = dir.join(format!("{id}.{format}"));
        let written = client.download_stored_report(created.id, id).save_to(&path).await.map_err(|e| e.to_string())?;
        eprintln!("saved {} bytes", *written);
        println!("{}", path.display());
    }
    Ok(())
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let base_url = args
        .base_url
        .or_else(|| std::env::var("ACRONIS_BASE_URL").ok())
        .ok_or("give --base-url https://<datacenter>/api/2 (or set ACRONIS_BASE_URL)")?;
    let client = client(base_url)?;
    match args.command {
        Command::Create(report) => {
            let created = client.create_report(report).send().await.map_err(|e| e.to_string())?;
            println!("id: {}\nversion: {}", created.id, created.version);
        }
        Command::Save { report, dir, poll, wait } => save(&client, report, dir, poll, wait).await?,
        Command::Delete { id, version } => {
            client.delete_report(id, version).send().await.map_err(|e| e.to_string())?;
            println!("deleted report {id} (version {version})");
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse_args(list.iter().map(|s| s.to_string()))
    }

    const TENANT: &str = "ede9f834-70b3-476c-83d9-736f9f8c7dae";
    const USER: &str = "ca451758-b48a-45d9-9ae6-8f1059f67619";

    #[test]
    fn a_create_command_builds_the_documented_report() {
        let parsed = args(&[
            "--tenant",
            TENANT,
            "--start",
            "2017-05-01",
            "--end",
            "2017-05-07",
            "--format",
            "csv",
            "--format",
            "html",
            "--recipient",
            USER,
        ])
        .expect("valid");
        let Command::Create(report) = parsed.command else { panic!("create") };
        let json = serde_json::to_value(&report).expect("serializes");
        assert_eq!(
            json,
            serde_json::json!({
                "recipients": [USER],
                "parameters": {"kind": "usage_summary", "tenant_id": TENANT, "level": "accounts",
                               "period": {"start": "2017-05-01", "end": "2017-05-07"}, "formats": ["csv", "html"]},
                "schedule": {"type": "once"},
                "result_action": "send"
            })
        );
    }

    #[test]
    fn a_save_command_asks_for_the_formats_and_waits_as_told() {
        let parsed = args(&[
            "--tenant",
            TENANT,
            "--start",
            "2017-05-01",
            "--end",
            "2017-05-07",
            "--format",
            "csv_v2_0",
            "--save-to",
            "out",
            "--poll-interval",
            "0.5",
            "--wait-secs",
            "30",
        ])
        .expect("valid");
        let Command::Save { report, dir, poll, wait } = parsed.command else { panic!("save") };
        assert_eq!(report.result_action, ResultAction::Save);
        assert_eq!(report.recipients, None);
        assert_eq!(report.parameters.formats, Some(vec![ReportFormat::CsvV20]));
        assert_eq!((dir, poll, wait), (PathBuf::from("out"), Duration::from_millis(500), Duration::from_secs(30)));
        let defaults = args(&["--tenant", TENANT, "--start", "2017-05-01", "--end", "2017-05-07", "--save-to", "d"])
            .expect("valid");
        let Command::Save { report, poll, wait, .. } = defaults.command else { panic!("save") };
        assert_eq!(report.parameters.formats, Some(vec![ReportFormat::Csv]));
        assert_eq!((poll, wait), (Duration::from_secs(5), Duration::from_secs(600)));
        let both =
            ["--tenant", TENANT, "--start", "2017-05-01", "--end", "2017-05-07", "--save-to", "d", "--recipient", USER];
        assert!(args(&both).expect_err("both").contains("exclude"));
    }

    #[test]
    fn recipients_are_required_for_send() {
        let err =
            args(&["--tenant", TENANT, "--start", "2017-05-01", "--end", "2017-05-07"]).expect_err("no recipient");
        assert!(err.contains("--recipient"), "{err}");
    }

    #[test]
    fn bad_input_is_named() {
        assert!(args(&["--tenant", "nope"]).expect_err("uuid").contains("not a UUID"));
        assert!(args(&["--tenant", TENANT, "--start", "2017-05-09", "--end", "2017-05-07", "--recipient", USER])
            .expect_err("order")
            .contains("after"));
        assert!(args(&[
            "--tenant",
            TENANT,
            "--start",
            "2017-05-01",
            "--end",
            "2017-05-07",
            "--recipient",
            USER,
            "--format",
            "pdf"
        ])
        .expect_err("format")
        .contains("pdf"));
        assert!(args(&["--delete", USER]).expect_err("version").contains("--version"));
        let parsed = args(&["--delete", USER, "--version", "3"]).expect("delete");
        assert_eq!(parsed.command, Command::Delete { id: Uuid::parse_str(USER).expect("uuid"), version: 3 });
    }
}
