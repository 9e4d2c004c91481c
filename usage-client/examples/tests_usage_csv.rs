//! Streams every row of the ThousandEyes units-by-test usage breakdown to stdout as CSV, page after
//! page, for one or several account groups at once, with progress per group on stderr.
//!
//! ```sh
//! THOUSANDEYES_TOKEN=... cargo run -p usage-client --example tests_usage_csv -- \
//!     [--base-url URL] [--aid ID]... [--start-date RFC3339] [--end-date RFC3339] > usage.csv
//! ```
//!
//! Each `--aid` is an account group; the groups are paged concurrently on one client, so they
//! share the organization's rate limit: the client paces its requests by the
//! `X-Organization-Rate-Limit-*` headers and waits for a window to reset rather than running into
//! `429`s. Rows of all groups go into one CSV (one header line; rows of a page stay together, pages
//! of different groups interleave). Without `--aid` the token's default account group is read.
//! Waits and retries are logged on stderr (`RUST_LOG=usage_client=debug` shows every request).
//! Exits non-zero with a one-line message on any failure.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use futures_util::future::try_join_all;
use usage_client::runtime::StreamExt;
use usage_client::thousandeyes::types::UnitsByTests;
use usage_client::thousandeyes::Client;

const HEADER: &str = "testId,testName,testType,aid,accountGroupName,isInstantTest,cloudUnitsUsed,cloudUnitsProjected,enterpriseUnitsUsed,enterpriseUnitsProjected";

const USAGE: &str = "usage: tests_usage_csv [--base-url URL] [--aid ID]... [--start-date RFC3339] [--end-date RFC3339]
The token is read from THOUSANDEYES_TOKEN; each --aid adds an account group, paged concurrently.";

#[derive(Debug, PartialEq)]
struct Args {
    base_url: String,
    query: Query,
}

/// What to export: the account groups (none for the token's default one) and the range.
#[derive(Debug, Default, PartialEq)]
struct Query {
    aids: Vec<String>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args { base_url: Client::DEFAULT_BASE_URL.to_owned(), query: Query::default() };
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
            "--aid" if parsed.query.aids.contains(&value) => return Err(format!("--aid {value} is given twice")),
            "--aid" => parsed.query.aids.push(value),
            "--start-date" => parsed.query.start_date = Some(date(&flag, value)?),
            "--end-date" => parsed.query.end_date = Some(date(&flag, value)?),
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

/// Where rows go: the CSV, its header written before the first row of any group.
struct Csv<W> {
    out: W,
    header_written: bool,
}

/// Rows and pages, of one group or of all.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Count {
    rows: usize,
    pages: usize,
}

/// Pages every group of `query` concurrently on `client`, writes the rows to `out` as one CSV and
/// progress to `progress`; stops at the first failure, naming the group and page.
async fn export<W: Write, P: Write>(client: &Client, query: &Query, out: W, progress: P) -> Result<Count, String> {
    let csv = Mutex::new(Csv { out, header_written: false });
    let progress = Mutex::new(progress);
    // No --aid: one group, the token's default, named in messages as "default".
    let groups: Vec<Option<&str>> =
        if query.aids.is_empty() { vec![None] } else { query.aids.iter().map(|aid| Some(aid.as_str())).collect() };
    let counts = try_join_all(groups.into_iter().map(|aid| export_group(client, query, aid, &csv, &progress))).await?;
    let total =
        counts.iter().fold(Count::default(), |all, c| Count { rows: all.rows + c.rows, pages: all.pages + c.pages });
    let mut csv = csv.into_inner().map_err(|_| "a writer panicked")?;
    csv.out.flush().map_err(write_error)?;
    let groups = counts.len();
    let mut progress = progress.into_inner().map_err(|_| "a writer panicked")?;
    // Progress is informational: a closed stderr does not fail the export.
    let _ = writeln!(progress, "done: {} rows in {} pages from {groups} account group(s)", total.rows, total.pages);
    Ok(total)
}

async fn export_group<W: Write, P: Write>(
    client: &Client,
    query: &Query,
    aid: Option<&str>,
    csv: &Mutex<Csv<W>>,
    progress: &Mutex<P>,
) -> Result<Count, String> {
    let name = aid.unwrap_or("default");
    let mut request = client.get_tests_units_usage();
    if let Some(aid) = aid {
        request = request.aid(aid);
    }
    if let Some(start) = query.start_date {
        request = request.start_date(start);
    }
    if let Some(end) = query.end_date {
        request = request.end_date(end);
    }
    let mut count = Count::default();
    let mut pages = request.pages();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| format!("account group {name}, page {}: {e}", count.pages + 1))?;
        let rows = page.into_inner().breakdowns.unwrap_or_default();
        {
            let mut csv = csv.lock().map_err(|_| "a writer panicked")?;
            if !csv.header_written {
                // Only once there is data: a run that fails at once leaves no CSV that looks valid.
                writeln!(csv.out, "{HEADER}").map_err(write_error)?;
                csv.header_written = true;
            }
            for row in &rows {
                writeln!(csv.out, "{}", csv_row(row)).map_err(write_error)?;
            }
        }
        count.pages += 1;
        count.rows += rows.len();
        if let Ok(mut progress) = progress.lock() {
            let _ = writeln!(
                progress,
                "account group {name}: page {}: {} rows ({} so far)",
                count.pages,
                rows.len(),
                count.rows
            );
        }
    }
    if let Ok(mut progress) = progress.lock() {
        let _ = writeln!(progress, "account group {name}: done: {} rows in {} pages", count.rows, count.pages);
    }
    Ok(count)
}

fn write_error(e: std::io::Error) -> String {
    format!("writing to stdout: {e}")
}

async fn run() -> Result<(), String> {
    let args = parse_args(std::env::args().skip(1))?;
    let token = std::env::var("THOUSANDEYES_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("set THOUSANDEYES_TOKEN to an API token")?;
    let client = Client::builder().base_url(&args.base_url).bearer_token(token).build().map_err(|e| e.to_string())?;
    let out = BufWriter::new(std::io::stdout().lock());
    export(&client, &args.query, out, std::io::stderr()).await?;
    Ok(())
}

/// Logs the client's waits and retries (and, with `RUST_LOG=usage_client=debug`, every request)
/// on stderr; `RUST_LOG` overrides the default `usage_client=info`.
fn log_to_stderr() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("usage_client=info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

#[tokio::main]
async fn main() -> ExitCode {
    log_to_stderr();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
#[allow(dead_code)]
#[path = "../tests/support/rate_limited.rs"]
mod rate_limited;

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
        let parsed = args(&["--aid", "7", "--start-date", "2024-05-01T02:00:00+02:00", "--aid", "9"]).expect("valid");
        assert_eq!(parsed.base_url, Client::DEFAULT_BASE_URL);
        assert_eq!(parsed.query.aids, ["7", "9"], "--aid repeats, in order");
        assert_eq!(parsed.query.start_date.map(|d| d.to_rfc3339()), Some("2024-05-01T00:00:00+00:00".into()));
        assert!(args(&[]).expect("valid").query.aids.is_empty());
        assert!(args(&["--aid", "7", "--aid", "7"]).expect_err("twice").contains("twice"));
        assert!(args(&["--start-date", "yesterday"]).expect_err("bad date").contains("RFC 3339"));
        assert!(args(&["--bogus", "1"]).is_err());
        assert!(args(&["--aid"]).is_err());
    }

    const GROUPS: [&str; 4] = ["201", "202", "203", "204"];
    const PAGES: usize = 3;
    const ROWS: usize = 40;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn four_groups_go_into_one_csv_under_a_shared_rate_limit() {
        let server = rate_limited::start(&GROUPS, PAGES, ROWS, 5, 2).await;
        let client = Client::builder().base_url(server.uri()).bearer_token("t").build().expect("client");
        let query = Query { aids: GROUPS.iter().map(|s| s.to_string()).collect(), ..Query::default() };
        let (mut out, mut progress) = (Vec::new(), Vec::new());

        let count = export(&client, &query, &mut out, &mut progress).await.expect("every group arrives");

        assert_eq!(count, Count { rows: GROUPS.len() * PAGES * ROWS, pages: GROUPS.len() * PAGES });
        let csv = String::from_utf8(out).expect("UTF-8");
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some(HEADER), "the header, exactly as before, first and once");
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), GROUPS.len() * PAGES * ROWS);
        assert!(!rows.contains(&HEADER));
        for aid in GROUPS {
            let ids: Vec<&str> =
                rows.iter().map(|r| r.split(',').next().expect("a field")).filter(|id| id.starts_with(aid)).collect();
            let expected: Vec<String> =
                (0..PAGES).flat_map(|p| (0..ROWS).map(move |n| format!("{aid}-{p}-{n}"))).collect();
            assert_eq!(ids, expected, "group {aid}: every row once, in page order");
        }
        let progress = String::from_utf8(progress).expect("UTF-8");
        for aid in GROUPS {
            assert!(
                progress.contains(&format!("account group {aid}: page 3: {ROWS} rows ({} so far)", 3 * ROWS)),
                "{progress}"
            );
            assert!(
                progress.contains(&format!("account group {aid}: done: {} rows in 3 pages", 3 * ROWS)),
                "{progress}"
            );
        }
        assert!(progress.ends_with("done: 480 rows in 12 pages from 4 account group(s)\n"), "{progress}");
        let tally = server.tally();
        for aid in GROUPS {
            assert!(tally.refused.get(aid).copied().unwrap_or(0) <= 1, "group {aid}: {tally:?}");
        }
        assert_eq!(tally.served.values().sum::<usize>(), 12, "each page once: {tally:?}");
    }

    #[tokio::test]
    async fn a_failing_group_stops_the_export_and_is_named() {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("address").port();
        let client = Client::builder()
            .base_url(format!("http://127.0.0.1:{port}"))
            .bearer_token("t")
            .retry_policy(usage_client::runtime::RetryPolicy::disabled())
            .build()
            .expect("client");
        let query = Query { aids: vec!["301".into()], ..Query::default() };
        let mut out = Vec::new();

        let error = export(&client, &query, &mut out, Vec::new()).await.expect_err("nothing listens there");

        assert!(error.starts_with("account group 301, page 1: request failed"), "{error}");
        assert!(out.is_empty(), "no header without data");
    }
}
