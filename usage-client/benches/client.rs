//! Benchmarks of the generated ThousandEyes client against hand-written equivalents: decoding one
//! large `getTestsUnitsUsage` page, and streaming every row of a paginated result from a local
//! HTTP/1.1 server. No criterion: a small harness that reports the median, min and max of N runs.
//!
//! ```text
//! cargo bench -p usage-client --no-default-features --features thousandeyes --bench client -- [options]
//!
//!   --runs N          timed runs per measurement (default 15; one untimed warm-up before decodes)
//!   --rows N          rows served by the streaming server (default 1,000,000)
//!   --page N          rows per page of the streaming server (default 10,000)
//!   --decode-rows N   rows of the page decoded by the decode benchmark (default 100,000)
//!   --only decode|stream
//!   --json            one JSON object per measurement on stdout (the tables go to stderr)
//!   --quick           tiny sizes and 2 runs, for a CI smoke run
//! ```
//!
//! Run with no arguments at all (as `cargo test --all-targets` runs bench targets) it does a
//! `--quick` smoke run; `cargo bench` always passes `--bench`, which is accepted and ignored.
//!
//! **decode**: `serde_json::from_slice` of one page body into the generated `types::TestsUsage`
//! and into a minimal hand-written struct with the same fields. The client decodes a 200 body
//! with `RawResponse::json`, which is `serde_json::from_slice` on the body (after a whitespace
//! check that stops at the first `{`); `RawResponse` has no public constructor, so that path is
//! timed as `from_slice`, and the whole `send()` of the same page over loopback is timed as well,
//! against a plain `reqwest` GET + `bytes()` + `from_slice` of the hand-written struct.
//!
//! **stream**: every row of `--rows` rows in pages of `--page`, through
//! `client.get_tests_units_usage().stream()` ("generated"), through its `.pages()` with a plain
//! loop over each page's rows ("generated_pages": the same requests and decoding without the
//! per-item stream), and through a plain reqwest loop that follows `_links.next.href`
//! ("handwritten"), summing `cloudUnitsUsed` and counting rows (both checked against what the
//! server sent). Each run is a child process of this binary (a hidden
//! subcommand) holding the server and the client, so its peak RSS (`VmHWM`) is its own; the peak
//! is reset (`/proc/self/clear_refs`) once the server's page template is built, just before the
//! first request, where the baseline `VmRSS` is read. Both variants use the same Tokio runtime: a
//! multi-thread runtime with 2 workers; the client loop runs in `block_on` on the main thread, as
//! under `#[tokio::main]`, and the server and connection tasks on the workers.

use std::fmt::Write as _;
use std::hint::black_box;
use std::io::Write as _;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use usage_client::runtime::StreamExt;
use usage_client::thousandeyes::{types, Client};

const CHILD: &str = "__stream-child";
const TESTS_PATH: &str = "/v7/usage/units/tests";
const TOKEN: &str = "bench-token";
const ACCEPT: &str = "application/hal+json, application/problem+json";

// -------------------------------------------------------------------------------------------------
// The hand-written equivalent: the same fields, plain serde
// -------------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct HandPage {
    breakdowns: Option<Vec<HandRow>>,
    _links: Option<HandLinks>,
}

#[derive(Deserialize)]
struct HandLinks {
    next: Option<HandLink>,
}

#[derive(Deserialize)]
struct HandLink {
    href: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandRow {
    aid: Option<String>,
    account_group_name: Option<String>,
    enterprise_units_used: Option<i64>,
    enterprise_units_projected: Option<i64>,
    cloud_units_used: Option<i64>,
    cloud_units_projected: Option<i64>,
    test_id: Option<String>,
    test_name: Option<String>,
    test_type: Option<String>,
    is_instant_test: Option<bool>,
}

impl HandPage {
    fn next_href(&self) -> Option<&str> {
        self._links.as_ref()?.next.as_ref().map(|link| link.href.as_str())
    }
}

/// Whether a hand-written row holds what the generated one does, field by field.
fn same_row(generated: &types::UnitsByTests, hand: &HandRow) -> bool {
    generated.aid == hand.aid
        && generated.account_group_name == hand.account_group_name
        && generated.enterprise_units_used == hand.enterprise_units_used
        && generated.enterprise_units_projected == hand.enterprise_units_projected
        && generated.cloud_units_used == hand.cloud_units_used
        && generated.cloud_units_projected == hand.cloud_units_projected
        && generated.test_id == hand.test_id
        && generated.test_name == hand.test_name
        && generated.test_type == hand.test_type
        && generated.is_instant_test == hand.is_instant_test
}

// -------------------------------------------------------------------------------------------------
// Deterministic rows
// -------------------------------------------------------------------------------------------------

/// SplitMix64: deterministic, no dependency.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const GROUPS: &[&str] = &[
    "Acme Corp - EMEA Network Ops",
    "Globex Retail Platform",
    "Initech Payments (Prod)",
    "Umbrella Health – Zürich SRE",
    "Stark Industries NOC",
    "Wayne Enterprises Digital",
    "Hooli Cloud Infrastructure",
    "Vandelay Imports - APAC",
    "Soylent Data Center East",
    "Tyrell Edge Services",
    "Cyberdyne Customer Portal",
    "Oceanic Airlines Booking",
];

const TEST_TYPES: &[&str] = &[
    "Network - Agent to Server",
    "Network - Agent to Agent",
    "Web - HTTP Server",
    "Web - Page Load",
    "Web - Transaction",
    "Web - API",
    "DNS - Server",
    "DNS - Trace",
    "Routing - BGP",
    "Voice - SIP Server",
];

const KINDS: &[&str] = &["Login", "Checkout", "Status", "Search", "SSO", "Payments API", "CDN edge", "VPN gw"];
const SERVICES: &[&str] = &["shop-eu", "api-us", "auth", "portal-apac", "media", "billing"];
const TLDS: &[&str] = &["com", "net", "io", "de", "co.uk"];

/// Row `i` of a page: the same index always gives the same row.
fn row(i: usize) -> types::UnitsByTests {
    let mut mix = Mix(i as u64 ^ 0x005E_ED0F_7E57);
    let group = mix.below(GROUPS.len() as u64);
    let enterprise = mix.below(10) < 6;
    let cloud = mix.below(10) < 7;
    let units = |mix: &mut Mix, on: bool| if on { mix.below(40_000) as i64 } else { 0 };
    let enterprise_used = units(&mut mix, enterprise);
    let cloud_used = units(&mut mix, cloud);
    let mut name =
        format!("{} {}-{:03}.example.{}", mix.pick(KINDS), mix.pick(SERVICES), mix.below(1000), mix.pick(TLDS));
    match mix.below(50) {
        0 => name.push_str(" \"canary\""),
        1 => name.push_str(" (copy)"),
        _ => {}
    }
    let enterprise_projected = enterprise_used + enterprise_used / 3 + mix.below(500) as i64;
    // New tests have no projection yet.
    let cloud_projected = (mix.below(100) >= 3).then(|| cloud_used + cloud_used / 4 + mix.below(800) as i64);
    let mut row = types::UnitsByTests::new()
        .with_aid((100_000 + group * 7_919).to_string())
        .with_account_group_name(GROUPS[group as usize])
        .with_enterprise_units_used(enterprise_used)
        .with_enterprise_units_projected(enterprise_projected)
        .with_cloud_units_used(cloud_used)
        .with_test_id((1_000_000 + i as u64 * 37 + mix.below(37)).to_string())
        .with_test_name(name)
        .with_test_type(mix.pick(TEST_TYPES))
        .with_is_instant_test(mix.below(100) < 4);
    row.cloud_units_projected = cloud_projected;
    row
}

/// The rows of one page rendered once: `rows[..ends[k - 1]]` is the JSON of its first `k` rows
/// (comma-separated, no brackets), `cloud_sums[k]` the sum of their `cloudUnitsUsed`.
struct Template {
    rows: bytes::Bytes,
    ends: Vec<usize>,
    cloud_sums: Vec<i64>,
}

impl Template {
    fn new(count: usize) -> Self {
        let mut rows = Vec::with_capacity(count * 320);
        let mut ends = Vec::with_capacity(count);
        let mut cloud_sums = Vec::with_capacity(count + 1);
        cloud_sums.push(0);
        for i in 0..count {
            if i > 0 {
                rows.push(b',');
            }
            let r = row(i);
            serde_json::to_writer(&mut rows, &r).expect("a row serializes");
            ends.push(rows.len());
            cloud_sums.push(cloud_sums[i] + r.cloud_units_used.unwrap_or(0));
        }
        rows.shrink_to_fit();
        Template { rows: bytes::Bytes::from(rows), ends, cloud_sums }
    }

    /// The JSON of the first `k` rows.
    fn first(&self, k: usize) -> &[u8] {
        if k == 0 {
            &[]
        } else {
            &self.rows[..self.ends[k - 1]]
        }
    }
}

const PREFIX: &[u8] = br#"{"breakdowns":["#;

/// What follows the rows: the end of the array and the page's links.
fn suffix(self_href: &str, next_href: Option<&str>) -> String {
    let mut out = format!(r#"],"_links":{{"self":{{"href":"{self_href}"}}"#);
    if let Some(next) = next_href {
        write!(out, r#","next":{{"href":"{next}"}}"#).expect("writing to a String");
    }
    out.push_str("}}");
    out
}

fn next_href(origin: &str, offset: usize) -> String {
    format!("{origin}{TESTS_PATH}?cursor=offset%3A{offset}")
}

// -------------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 server: keep-alive, Content-Length, pages cut from one template
// -------------------------------------------------------------------------------------------------

struct Pages {
    template: Template,
    total: usize,
    page: usize,
    origin: String,
    /// Requests answered with a page, and the largest body sent.
    served: AtomicUsize,
    largest_body: AtomicUsize,
}

/// Serves `total` rows in pages of `page` at `http://<addr>/v7/usage/units/tests`; the returned
/// origin is `http://127.0.0.1:<port>`. Holds one page of rows, whatever `total` is.
async fn start_server(template: Template, total: usize, page: usize) -> (String, Arc<Pages>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let origin = format!("http://{}", listener.local_addr().expect("local address"));
    let pages = Arc::new(Pages {
        template,
        total,
        page,
        origin: origin.clone(),
        served: AtomicUsize::new(0),
        largest_body: AtomicUsize::new(0),
    });
    let shared = pages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let _ = socket.set_nodelay(true);
            let pages = pages.clone();
            tokio::spawn(async move {
                if let Err(e) = serve_connection(socket, &pages).await {
                    eprintln!("bench server: {e}");
                }
            });
        }
    });
    (origin, shared)
}

async fn serve_connection(mut socket: TcpStream, pages: &Pages) -> std::io::Result<()> {
    let mut input = Vec::with_capacity(4096);
    let mut head = Vec::with_capacity(512);
    loop {
        let end = loop {
            if let Some(at) = input.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            if socket.read_buf(&mut input).await? == 0 {
                return Ok(());
            }
        };
        let target = std::str::from_utf8(&input[..end])
            .ok()
            .and_then(|text| text.split_whitespace().nth(1))
            .unwrap_or("")
            .to_owned();
        input.drain(..end);
        head.clear();
        let Some(offset) = offset_of(&target) else {
            head.extend_from_slice(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            socket.write_all(&head).await?;
            continue;
        };
        let count = pages.page.min(pages.total.saturating_sub(offset));
        let end = offset + count;
        let next = (end < pages.total).then(|| next_href(&pages.origin, end));
        let tail = suffix(&format!("{}{target}", pages.origin), next.as_deref());
        let rows = pages.template.first(count);
        let length = PREFIX.len() + rows.len() + tail.len();
        pages.served.fetch_add(1, Ordering::Relaxed);
        pages.largest_body.fetch_max(length, Ordering::Relaxed);
        write!(head, "HTTP/1.1 200 OK\r\nContent-Type: application/hal+json\r\nContent-Length: {length}\r\n\r\n")?;
        head.extend_from_slice(PREFIX);
        socket.write_all(&head).await?;
        socket.write_all(rows).await?;
        socket.write_all(tail.as_bytes()).await?;
    }
}

/// The row offset a request target asks for: 0 without a cursor; `None` for another path.
fn offset_of(target: &str) -> Option<usize> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != TESTS_PATH {
        return None;
    }
    let cursor = query.split('&').find_map(|pair| pair.strip_prefix("cursor="));
    match cursor {
        None => Some(0),
        Some(c) => c.strip_prefix("offset%3A").or_else(|| c.strip_prefix("offset:"))?.parse().ok(),
    }
}

// -------------------------------------------------------------------------------------------------
// Options, statistics, output
// -------------------------------------------------------------------------------------------------

struct Options {
    runs: usize,
    rows: usize,
    page: usize,
    decode_rows: usize,
    decode: bool,
    stream: bool,
    json: bool,
}

const USAGE: &str =
    "usage: client [--runs N] [--rows N] [--page N] [--decode-rows N] [--only decode|stream] [--json] [--quick]";

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        runs: 15,
        rows: 1_000_000,
        page: 10_000,
        decode_rows: 100_000,
        decode: true,
        stream: true,
        json: false,
    };
    let (mut runs, mut rows, mut page, mut decode_rows) = (None, None, None, None);
    let mut quick = args.is_empty();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            let value = args.next().ok_or(format!("{name} needs a value"))?;
            value.replace('_', "").parse().map_err(|_| format!("{name}: `{value}` is not a number"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--json" => options.json = true,
            "--quick" => quick = true,
            "--runs" => runs = Some(number("--runs")?.max(1)),
            "--rows" => rows = Some(number("--rows")?),
            "--page" => page = Some(number("--page")?.max(1)),
            "--decode-rows" => decode_rows = Some(number("--decode-rows")?),
            "--only" => match args.next().map(String::as_str) {
                Some("decode") => options.stream = false,
                Some("stream") => options.decode = false,
                other => return Err(format!("--only takes `decode` or `stream`, not {other:?}")),
            },
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if quick {
        (options.runs, options.rows, options.page, options.decode_rows) = (2, 20_000, 2_000, 2_000);
    }
    options.runs = runs.unwrap_or(options.runs);
    options.rows = rows.unwrap_or(options.rows);
    options.page = page.unwrap_or(options.page);
    options.decode_rows = decode_rows.unwrap_or(options.decode_rows);
    Ok(options)
}

struct Stats {
    median: f64,
    min: f64,
    max: f64,
}

fn stats(values: &[f64]) -> Stats {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
    Stats { median, min: sorted[0], max: sorted[n - 1] }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a Tokio runtime")
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kib: f64) -> String {
    format!("{:.1}", kib / 1024.0)
}

/// A table line goes to stdout, or to stderr when stdout carries JSON.
struct Report {
    json: bool,
    table: String,
}

impl Report {
    fn line(&mut self, text: impl AsRef<str>) {
        self.table.push_str(text.as_ref());
        self.table.push('\n');
    }

    fn record(&self, value: Value) {
        if self.json {
            println!("{value}");
        }
    }

    fn flush(&mut self) {
        if self.json {
            eprint!("{}", self.table);
        } else {
            print!("{}", self.table);
        }
        self.table.clear();
    }
}

// -------------------------------------------------------------------------------------------------
// c. Decode throughput
// -------------------------------------------------------------------------------------------------

/// Times `f` `runs` times after one warm-up; what `f` returns is dropped outside the timing.
fn time_runs<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    drop(black_box(f()));
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            let value = black_box(f());
            let elapsed = started.elapsed();
            drop(value);
            elapsed.as_secs_f64()
        })
        .collect()
}

fn bench_decode(options: &Options, report: &mut Report) {
    let rows = options.decode_rows;
    eprintln!("decode: building one page of {} rows…", thousands(rows));
    let template = Template::new(rows);
    let origin = "https://api.thousandeyes.com";
    let mut body = PREFIX.to_vec();
    body.extend_from_slice(template.first(rows));
    body.extend_from_slice(
        suffix(&format!("{origin}{TESTS_PATH}?aid=100000"), Some(&format!("{}&aid=100000", next_href(origin, rows))))
            .as_bytes(),
    );

    // The two decoders agree before anything is timed (and what they decoded is dropped).
    {
        let generated: types::TestsUsage = serde_json::from_slice(&body).expect("the generated type decodes the page");
        let hand: HandPage = serde_json::from_slice(&body).expect("the hand-written type decodes the page");
        let g = generated.breakdowns.as_deref().unwrap_or_default();
        let h = hand.breakdowns.as_deref().unwrap_or_default();
        assert_eq!(g.len(), rows, "every row decodes");
        assert!(g.len() == h.len() && g.iter().zip(h).all(|(g, h)| same_row(g, h)), "both decoders read the same rows");
        let next = generated.links.as_ref().and_then(|l| l.next.as_ref()).map(|n| n.href.as_str());
        assert_eq!(next, hand.next_href());
    }

    eprintln!("decode: {} bytes, {} runs each…", thousands(body.len()), options.runs);
    let scan_times =
        time_runs(options.runs, || serde_json::from_slice::<serde::de::IgnoredAny>(&body).expect("decodes"));
    let hand_times = time_runs(options.runs, || serde_json::from_slice::<HandPage>(&body).expect("decodes"));
    let generated_times =
        time_runs(options.runs, || serde_json::from_slice::<types::TestsUsage>(&body).expect("decodes"));
    // The same page through `send()` and through plain reqwest, over loopback.
    let rt = runtime();
    let (server_origin, _) = rt.block_on(start_server(template, rows, rows.max(1)));
    let client = Client::builder().base_url(format!("{server_origin}/v7")).bearer_token(TOKEN).build().expect("client");
    let http = reqwest::Client::new();
    let url = format!("{server_origin}{TESTS_PATH}");
    let send_times = time_async(&rt, options.runs, || async {
        let started = Instant::now();
        let page = client.get_tests_units_usage().send().await.expect("send");
        (started.elapsed(), page)
    });
    let reqwest_times = time_async(&rt, options.runs, || async {
        let started = Instant::now();
        let response = http.get(&url).header(reqwest::header::ACCEPT, ACCEPT).bearer_auth(TOKEN).send().await;
        let bytes = response.and_then(reqwest::Response::error_for_status).expect("GET").bytes().await.expect("body");
        let page: HandPage = serde_json::from_slice(&bytes).expect("decodes");
        drop(bytes);
        (started.elapsed(), page)
    });
    drop(rt);

    let bytes = body.len() as f64;
    let hand_median = stats(&hand_times).median;
    let reqwest_median = stats(&reqwest_times).median;
    report.line(format!(
        "\n### c. Decode: one `TestsUsage` page, {} rows, {:.1} MB (median of {} runs)\n",
        thousands(rows),
        bytes / 1e6,
        options.runs
    ));
    report.line("| variant | median ms | min–max ms | MB/s | rows/s | time ratio |");
    report.line("|---|---:|---:|---:|---:|---:|");
    let lines: [(&str, &str, &[f64], f64); 5] = [
        ("scan_only", "reference: `from_slice::<IgnoredAny>` (parse, build nothing)", &scan_times, hand_median),
        ("handwritten", "hand-written struct, `from_slice`", &hand_times, hand_median),
        (
            "generated",
            "generated `types::TestsUsage`, `from_slice` (= `RawResponse::json`)",
            &generated_times,
            hand_median,
        ),
        (
            "handwritten_http",
            "loopback: reqwest GET + `bytes()` + `from_slice` (hand-written)",
            &reqwest_times,
            reqwest_median,
        ),
        ("generated_send", "loopback: `get_tests_units_usage().send()`", &send_times, reqwest_median),
    ];
    for (variant, label, times, reference) in lines {
        let s = stats(times);
        let ratio = s.median / reference;
        report.line(format!(
            "| {label} | {:.1} | {:.1}–{:.1} | {:.0} | {} | {ratio:.3} |",
            s.median * 1e3,
            s.min * 1e3,
            s.max * 1e3,
            bytes / s.median / 1e6,
            thousands((rows as f64 / s.median) as usize),
        ));
        report.record(json!({
            "bench": "decode", "variant": variant, "unit": "ms",
            "median": s.median * 1e3, "min": s.min * 1e3, "max": s.max * 1e3, "runs": times.len(),
            "rows": rows, "bytes": body.len(),
            "mb_per_s": bytes / s.median / 1e6, "rows_per_s": rows as f64 / s.median,
            "ratio": ratio,
        }));
    }
    report.line("\ntime ratio: median time / median of the hand-written row above it (`from_slice` rows against `from_slice`, loopback rows against loopback); > 1 means slower.");
    report.flush();
}

/// Runs `f` once untimed and then `runs` times; each run reports its own elapsed time.
fn time_async<F, Fut, T>(rt: &tokio::runtime::Runtime, runs: usize, f: F) -> Vec<f64>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = (Duration, T)>,
{
    drop(rt.block_on(f()));
    (0..runs).map(|_| rt.block_on(f()).0.as_secs_f64()).collect()
}

// -------------------------------------------------------------------------------------------------
// d. End-to-end streaming, one child process per run
// -------------------------------------------------------------------------------------------------

/// `VmRSS` and `VmHWM` of this process, in KiB.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The child: serve `rows` rows in pages of `page`, stream them with `variant`, print one JSON line.
fn stream_child(variant: &str, rows: usize, page: usize) -> Result<(), String> {
    let rt = runtime();
    let template = Template::new(page.min(rows));
    let full_page = page.min(rows);
    let expected_sum = (rows / page) as i64 * template.cloud_sums[full_page] + template.cloud_sums[rows % page];
    let (origin, server) = rt.block_on(start_server(template, rows, page));
    let client =
        Client::builder().base_url(format!("{origin}/v7")).bearer_token(TOKEN).build().map_err(|e| e.to_string())?;
    let http = reqwest::Client::new();
    let first_url = format!("{origin}{TESTS_PATH}");

    // The baseline: server template built, clients built, nothing fetched yet.
    let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let (baseline_rss, baseline_hwm) = memory();
    let started = Instant::now();
    let (count, sum) = rt.block_on(async {
        let (mut count, mut sum) = (0usize, 0i64);
        match variant {
            "generated" => {
                let mut items = client.get_tests_units_usage().stream();
                while let Some(item) = items.next().await {
                    let item = item.map_err(|e| e.to_string())?;
                    count += 1;
                    sum += item.cloud_units_used.unwrap_or(0);
                }
            }
            "generated_pages" => {
                let mut pages = client.get_tests_units_usage().pages();
                while let Some(page) = pages.next().await {
                    let page = page.map_err(|e| e.to_string())?.into_inner();
                    for row in page.breakdowns.unwrap_or_default() {
                        count += 1;
                        sum += row.cloud_units_used.unwrap_or(0);
                    }
                }
            }
            "handwritten" => {
                let mut url = first_url.clone();
                loop {
                    let response = http
                        .get(&url)
                        .header(reqwest::header::ACCEPT, ACCEPT)
                        .bearer_auth(TOKEN)
                        .send()
                        .await
                        .and_then(reqwest::Response::error_for_status)
                        .map_err(|e| e.to_string())?;
                    let body = response.bytes().await.map_err(|e| e.to_string())?;
                    let page: HandPage = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
                    drop(body);
                    let next = page.next_href().map(str::to_owned);
                    for row in page.breakdowns.unwrap_or_default() {
                        count += 1;
                        sum += row.cloud_units_used.unwrap_or(0);
                    }
                    match next {
                        Some(href) => url = href,
                        None => break,
                    }
                }
            }
            other => return Err(format!("unknown variant `{other}`")),
        }
        Ok((count, sum))
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let (final_rss, peak_hwm) = memory();
    if count != rows || sum != expected_sum {
        return Err(format!(
            "{variant}: {count} rows summing to {sum}; the server sent {rows} rows summing to {expected_sum}"
        ));
    }
    println!(
        "{}",
        json!({
            "variant": variant, "rows": rows, "page": page, "seconds": seconds, "count": count, "sum": sum,
            "requests": server.served.load(Ordering::Relaxed),
            "page_body_bytes": server.largest_body.load(Ordering::Relaxed), "hwm_reset": hwm_reset,
            "baseline_rss_kib": baseline_rss, "baseline_hwm_kib": baseline_hwm,
            "peak_rss_kib": peak_hwm, "final_rss_kib": final_rss,
        })
    );
    Ok(())
}

fn run_child(variant: &str, rows: usize, page: usize) -> Value {
    let exe = std::env::current_exe().expect("the path of this binary");
    let output = Command::new(exe)
        .args([CHILD, variant, &rows.to_string(), &page.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .expect("the child runs");
    assert!(output.status.success(), "the {variant} child failed: {}", output.status);
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("the child printed {text:?}: {e}"))
}

fn bench_stream(options: &Options, report: &mut Report) {
    let (rows, page) = (options.rows, options.page);
    let mut sizes = vec![rows];
    if rows / 10 >= page && rows / 10 > 0 {
        sizes.insert(0, rows / 10);
    }
    report.line(format!(
        "\n### d. Streaming over loopback HTTP/1.1, pages of {} rows, {} runs each (a child process per run)\n",
        thousands(page),
        options.runs
    ));
    report.line("Runtime: Tokio multi-thread, 2 workers; client loop in `block_on` (main thread), server on the workers. RSS in MiB; peak = `VmHWM` after the run, reset just before the first request; baseline = `VmRSS` then.\n");
    report.line("| variant | rows | median s | min–max s | rows/s | page body | baseline RSS | peak RSS (median / max) | peak − baseline (median / max) |");
    report.line("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &total in &sizes {
        for variant in ["generated", "generated_pages", "handwritten"] {
            eprintln!("stream: {variant}, {} rows, {} runs…", thousands(total), options.runs);
            let results: Vec<Value> = (0..options.runs).map(|_| run_child(variant, total, page)).collect();
            let number = |v: &Value, key: &str| v[key].as_f64().unwrap_or(f64::NAN);
            let column = |key: &str| results.iter().map(|v| number(v, key)).collect::<Vec<f64>>();
            let seconds = stats(&column("seconds"));
            let baseline = stats(&column("baseline_rss_kib"));
            let peak = stats(&column("peak_rss_kib"));
            let growth: Vec<f64> =
                results.iter().map(|v| number(v, "peak_rss_kib") - number(v, "baseline_rss_kib")).collect();
            let growth = stats(&growth);
            let body = number(&results[0], "page_body_bytes");
            let hwm_reset = results.iter().all(|v| v["hwm_reset"] == Value::Bool(true));
            report.line(format!(
                "| {variant} | {} | {:.3} | {:.3}–{:.3} | {} | {:.2} | {} | {} / {} | {} / {}{} |",
                thousands(total),
                seconds.median,
                seconds.min,
                seconds.max,
                thousands((total as f64 / seconds.median) as usize),
                body / 1024.0 / 1024.0,
                mib(baseline.median),
                mib(peak.median),
                mib(peak.max),
                mib(growth.median),
                mib(growth.max),
                if hwm_reset { "" } else { " (peak not reset: includes setup)" },
            ));
            report.record(json!({
                "bench": "stream", "variant": variant, "unit": "s",
                "median": seconds.median, "min": seconds.min, "max": seconds.max, "runs": results.len(),
                "rows": total, "page": page, "rows_per_s": total as f64 / seconds.median,
                "page_body_bytes": body, "runtime": "tokio multi_thread, 2 workers",
                "baseline_rss_kib": baseline.median, "peak_rss_kib": peak.max, "peak_rss_kib_median": peak.median,
                "peak_minus_baseline_kib": growth.max, "peak_minus_baseline_kib_median": growth.median,
                "hwm_reset": hwm_reset,
            }));
        }
    }
    report.flush();
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD) {
        let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok()).filter(|&n| n > 0);
        let (Some(variant), Some(rows), Some(page)) = (args.get(1), number(2), number(3)) else {
            eprintln!("{CHILD} <generated|generated_pages|handwritten> <rows> <page>");
            return ExitCode::from(2);
        };
        return match stream_child(variant, rows, page) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match parse_options(&args) {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut report = Report { json: options.json, table: String::new() };
    if options.decode {
        bench_decode(&options, &mut report);
    }
    if options.stream {
        if options.rows == 0 {
            eprintln!("--rows must be at least 1 for the streaming benchmark");
            return ExitCode::from(2);
        }
        bench_stream(&options, &mut report);
    }
    ExitCode::SUCCESS
}
