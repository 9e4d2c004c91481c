//! Creates a one-time Acronis usage report (`usage_summary` at level `accounts`) and prints its id
//! and version, or deletes one.
//!
//! ```sh
//! ACRONIS_TOKEN=... cargo run -p usage-client --example acronis_usage_report -- \
//!     --base-url https://<datacenter>/api/2 --tenant UUID --start 2024-05-01 --end 2024-05-31 \
//!     [--format csv] [--format html] --recipient UUID [--recipient UUID]...
//! ACRONIS_TOKEN=... cargo run -p usage-client --example acronis_usage_report -- \
//!     --base-url https://<datacenter>/api/2 --delete ID --version N
//! ```
//!
//! The report is emailed to the recipients (`result_action: send`), so at least one is required:
//! the API document states that rule in prose, and this program checks it before sending.

use std::process::ExitCode;

use chrono::NaiveDate;
use usage_client::acronis::types::{
    ReportCreate, ReportFormat, ReportKind, ReportLevel, ReportParameters, ReportPeriod, ReportSchedule, ResultAction,
    ScheduleType,
};
use usage_client::acronis::Client;
use uuid::Uuid;

const USAGE: &str = "usage:
  acronis_usage_report --base-url URL --tenant UUID --start YYYY-MM-DD --end YYYY-MM-DD
                       [--format csv|html]... --recipient UUID [--recipient UUID]...
  acronis_usage_report --base-url URL --delete ID --version N
The token is read from ACRONIS_TOKEN; the base URL may also come from ACRONIS_BASE_URL.";

#[derive(Debug, PartialEq)]
enum Command {
    Create(ReportCreate),
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
    let uuid =
        |flag: &str, value: &str| Uuid::parse_str(value).map_err(|e| format!("{flag} {value}: not a UUID ({e})"));
    let date = |flag: &str, value: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|e| format!("{flag} {value}: not a YYYY-MM-DD date ({e})"))
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
        return Err(format!("--format {unknown}: the API documents csv and html"));
    }
    if recipients.is_empty() {
        return Err(
            "the report is sent by email (result_action `send`), which requires at least one --recipient UUID".into()
        );
    }
    let report = ReportCreate {
        recipients: Some(recipients),
        parameters: ReportParameters {
            kind: ReportKind::UsageSummary,
            tenant_id: tenant,
            level: ReportLevel::Accounts,
            period: Some(ReportPeriod { start: Some(start), end: Some(end) }),
            formats: (!formats.is_empty()).then_some(formats),
        },
        schedule: ReportSchedule { r#type: ScheduleType::Once, enabled: None },
        generation_date: None,
        result_action: ResultAction::Send,
    };
    Ok(Args { base_url, command: Command::Create(report) })
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let token = std::env::var("ACRONIS_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("set ACRONIS_TOKEN to an access token")?;
    let base_url = args
        .base_url
        .or_else(|| std::env::var("ACRONIS_BASE_URL").ok())
        .ok_or("give --base-url https://<datacenter>/api/2 (or set ACRONIS_BASE_URL)")?;
    let client = Client::builder().base_url(base_url).bearer_token(token).build().map_err(|e| e.to_string())?;
    match args.command {
        Command::Create(report) => {
            let created = client.create_report(report).send().await.map_err(|e| e.to_string())?;
            println!("id: {}\nversion: {}", created.id, created.version);
        }
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
