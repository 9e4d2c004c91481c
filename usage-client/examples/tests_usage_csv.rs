//! Streams every row of the ThousandEyes units-by-test usage breakdown to stdout as CSV, page after
//! page, with progress on stderr.
//!
//! ```sh
//! THOUSANDEYES_TOKEN=... cargo run -p usage-client --example tests_usage_csv -- \
//!     [--base-url URL] [--aid ID] [--start-date RFC3339] [--end-date RFC3339] > usage.csv
//! ```
//!
//! The base URL defaults to the production API. Rate limits are waited out (the client retries
//! 429s when the server says it may); each wait is reported on stderr. Exits non-zero with a
//! one-line message on any failure.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use usage_client::runtime::StreamExt;
use usage_client::thousandeyes::types::UnitsByTests;
use usage_client::thousandeyes::Client;

const HEADER: &str = "testId,testName,testType,aid,accountGroupName,isInstantTest,cloudUnitsUsed,cloudUnitsProjected,enterpriseUnitsUsed,enterpriseUnitsProjected";

const USAGE: &str = "usage: tests_usage_csv [--base-url URL] [--aid ID] [--start-date RFC3339] [--end-date RFC3339]
The token is read from THOUSANDEYES_TOKEN.";

#[derive(Debug, PartialEq)]
struct Args {
    base_url: String,
    aid: Option<String>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed =
        Args { base_url: Client::DEFAULT_BASE_URL.to_owned(), aid: None, start_date: None, end_date: None };
    let date = |flag: &str, value: String| {
        DateTime::parse_from_rfc3339(&value)
            .map(|d| d.to_utc())
            .map_err(|e| format!("{flag} {value}: not an RFC 3339 date-time ({e}); for example 2024-05-01T00:00:00Z"))
    };
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_owned());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--base-url" => parsed.base_url = value,
            "--aid" => parsed.aid = Some(value),
            "--start-date" => parsed.start_date = Some(date(&flag, value)?),
            "--end-date" => parsed.end_date = Some(date(&flag, value)?),
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    Ok(parsed)
}

/// A CSV field: quoted, with quotes doubled, when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", text.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(text)
    }
}

fn csv_row(row: &UnitsByTests) -> String {
    let text = |value: &Option<String>| csv_field(value.as_deref().unwrap_or("")).into_owned();
    let number = |value: Option<i64>| value.map(|n| n.to_string()).unwrap_or_default();
    [
        text(&row.test_id),
        text(&row.test_name),
        text(&row.test_type),
        text(&row.aid),
        text(&row.account_group_name),
        row.is_instant_test.map(|b| b.to_string()).unwrap_or_default(),
        number(row.cloud_units_used),
        number(row.cloud_units_projected),
        number(row.enterprise_units_used),
        number(row.enterprise_units_projected),
    ]
    .join(",")
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let token = std::env::var("THOUSANDEYES_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("set THOUSANDEYES_TOKEN to an API token")?;
    let client = Client::builder()
        .base_url(&args.base_url)
        .bearer_token(token)
        .on_retry(|event| {
            eprintln!(
                "waiting {:.1}s before retrying {} ({}, attempt {})",
                event.wait.as_secs_f64(),
                event.operation_id,
                event.reason,
                event.attempt
            )
        })
        .build()
        .map_err(|e| e.to_string())?;

    let mut request = client.get_tests_units_usage();
    if let Some(aid) = args.aid {
        request = request.aid(aid);
    }
    if let Some(start) = args.start_date {
        request = request.start_date(start);
    }
    if let Some(end) = args.end_date {
        request = request.end_date(end);
    }

    let mut out = BufWriter::new(std::io::stdout().lock());
    let write_error = |e: std::io::Error| format!("writing to stdout: {e}");
    let (mut pages, mut rows) = (0usize, 0usize);
    let mut stream = request.pages();
    while let Some(page) = stream.next().await {
        let page = page.map_err(|e| format!("page {}: {e}", pages + 1))?;
        if pages == 0 {
            // Only once there is data: a run that fails at once leaves no CSV that looks valid.
            writeln!(out, "{HEADER}").map_err(write_error)?;
        }
        pages += 1;
        let breakdowns = page.into_inner().breakdowns.unwrap_or_default();
        for row in &breakdowns {
            writeln!(out, "{}", csv_row(row)).map_err(write_error)?;
        }
        rows += breakdowns.len();
        eprintln!("page {pages}: {} rows ({rows} so far)", breakdowns.len());
    }
    out.flush().map_err(write_error)?;
    eprintln!("done: {rows} rows in {pages} pages");
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

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn rows_follow_the_header() {
        let row = UnitsByTests::new()
            .with_test_id("1158")
            .with_test_name("https://app.example.test, main")
            .with_test_type("Web-Page Load")
            .with_aid("1234")
            .with_account_group_name("Support")
            .with_is_instant_test(false)
            .with_cloud_units_used(10000)
            .with_enterprise_units_used(14050)
            .with_enterprise_units_projected(340674);
        assert_eq!(
            csv_row(&row),
            "1158,\"https://app.example.test, main\",Web-Page Load,1234,Support,false,10000,,14050,340674"
        );
        assert_eq!(HEADER.split(',').count(), csv_row(&row).matches(',').count());
    }

    #[test]
    fn arguments() {
        let args = |list: &[&str]| parse_args(list.iter().map(|s| s.to_string()));
        let parsed = args(&["--aid", "7", "--start-date", "2024-05-01T02:00:00+02:00"]).expect("valid");
        assert_eq!(parsed.base_url, Client::DEFAULT_BASE_URL);
        assert_eq!(parsed.aid.as_deref(), Some("7"));
        assert_eq!(parsed.start_date.map(|d| d.to_rfc3339()), Some("2024-05-01T00:00:00+00:00".into()));
        assert!(args(&["--start-date", "yesterday"]).expect_err("bad date").contains("RFC 3339"));
        assert!(args(&["--bogus", "1"]).is_err());
        assert!(args(&["--aid"]).is_err());
    }
}
