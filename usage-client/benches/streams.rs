//! Streams of items and uploads, in memory and time: the generated client of the `streams`
//! fixture (`codegen/tests/golden/streams/`) against an in-process loopback server.
//!
//! ```text
//! cargo bench -p usage-client --bench streams -- [options]
//!   --items N        JSON Lines items streamed (default 1,000,000; also run with N/100)
//!   --upload-mib N   size of the file uploaded, in MiB (default 1024; also run with N/64)
//!   --only items|upload
//!   --quick          10,000 items and 16 MiB, for a CI smoke run
//! ```
//!
//! Run with no arguments at all (as `cargo test --all-targets` runs bench targets) it does a
//! `--quick` smoke run; `cargo bench` passes `--bench`, which is accepted and ignored.
//!
//! **items**: the server writes `N` records as JSON Lines, generated as they are sent (a chunk of
//! 512 lines at a time, never the whole body), and the client reads them through
//! `list_records().send()` and its `ItemStream`, summing their values. **upload**: a sparse file of
//! the given size is sent with `upload_file(name, Upload::file(path))` to a server that reads and
//! discards the body. Each run is a child process of this binary (a hidden subcommand), so its
//! peak RSS (`VmHWM`) is its own; the peak is reset (`/proc/self/clear_refs`) just before the
//! request, where the baseline `VmRSS` is read. Flat in memory means the peak over the baseline
//! does not grow with `N` (or the file's size).

use std::io::Write as _;
use std::process::{Command, ExitCode};
use std::time::Instant;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use usage_client::runtime::{StreamExt, Upload};

/// Generated code reaches its runtime as `crate::runtime`.
mod runtime {
    pub use usage_client::runtime::*;
}

// The generated module is a library's public API compiled into this binary, where whatever the
// benchmark does not call counts as dead code.
#[allow(dead_code)]
#[rustfmt::skip]
#[path = "../../codegen/tests/golden/streams/mod.rs"]
mod streams;

const CHILD: &str = "__streams-child";
const LINES_PER_CHUNK: usize = 512;

struct Options {
    items: usize,
    upload_mib: u64,
    only: Option<String>,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options { items: 1_000_000, upload_mib: 1024, only: None };
    if args.is_empty() {
        return Ok(Options { items: 10_000, upload_mib: 16, only: None });
    }
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            args.next().and_then(|v| v.replace(',', "").parse().ok()).ok_or_else(|| format!("{name} takes a number"))
        };
        match arg.as_str() {
            "--bench" => {}
            "--quick" => (options.items, options.upload_mib) = (10_000, 16),
            "--items" => options.items = number("--items")?.max(100) as usize,
            "--upload-mib" => options.upload_mib = number("--upload-mib")?.max(64),
            "--only" => match args.next().map(String::as_str) {
                Some(section @ ("items" | "upload")) => options.only = Some(section.to_owned()),
                other => return Err(format!("--only takes `items` or `upload`, not {other:?}")),
            },
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(options)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a Tokio runtime")
}

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

/// Reads a request head; returns it (lower-cased) and the bytes of the body read with it.
async fn read_head(socket: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut request = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = request.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&request).to_ascii_lowercase(), rest));
        }
        let n = socket.read(&mut buffer).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        request.extend_from_slice(&buffer[..n]);
    }
}

/// Serves one request: `items` JSON Lines records, or reads and discards an upload.
async fn serve(listener: TcpListener, items: usize) -> std::io::Result<()> {
    let (mut socket, _) = listener.accept().await?;
    let (head, already) = read_head(&mut socket).await?;
    if head.starts_with("put ") {
        let length: u64 = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        let mut received = already.len() as u64;
        let mut buffer = vec![0u8; 256 * 1024];
        while received < length {
            let n = socket.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            received += n as u64;
        }
        let body = format!("{{\"size\":{received}}}");
        let response = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        );
        return socket.write_all(response.as_bytes()).await;
    }
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/jsonl\r\ntransfer-encoding: chunked\r\n\r\n")
        .await?;
    let mut chunk = String::new();
    for start in (0..items).step_by(LINES_PER_CHUNK) {
        chunk.clear();
        for i in start..(start + LINES_PER_CHUNK).min(items) {
            chunk.push_str(&format!("{{\"meter\":\"meter-{}\",\"value\":{}.5}}\n", i % 97, i % 1000));
        }
        socket.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await?;
    }
    socket.write_all(b"0\r\n\r\n").await
}

/// The child: one measurement, printed as one JSON line.
fn child(what: &str, size: u64) -> Result<(), String> {
    let rt = runtime();
    let listener = rt.block_on(TcpListener::bind("127.0.0.1:0")).map_err(|e| e.to_string())?;
    let origin = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let client = streams::Client::new(origin);
    let items = if what == "items" { size as usize } else { 0 };
    let server = rt.spawn(serve(listener, items));
    let file = std::env::temp_dir().join(format!("usage-client-bench-upload-{}", std::process::id()));
    if what == "upload" {
        let f = std::fs::File::create(&file).map_err(|e| e.to_string())?;
        f.set_len(size << 20).map_err(|e| e.to_string())?;
    }
    let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let (baseline, _) = memory();
    let started = Instant::now();
    let outcome: Result<(u64, f64), String> = rt.block_on(async {
        if what == "upload" {
            let stored = client.upload_file("big", Upload::file(&file)).send().await.map_err(|e| e.to_string())?;
            return Ok((stored.size as u64, 0.0));
        }
        let mut records = client.list_records().send().await.map_err(|e| e.to_string())?.into_inner();
        let (mut count, mut sum) = (0u64, 0.0);
        while let Some(record) = records.next().await {
            let record = record.map_err(|e| e.to_string())?;
            count += 1;
            sum += record.value;
        }
        Ok((count, sum))
    });
    let seconds = started.elapsed().as_secs_f64();
    let (_, peak) = memory();
    let _ = std::fs::remove_file(&file);
    let (count, _) = outcome?;
    rt.block_on(server).map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    let expected = if what == "upload" { size << 20 } else { size };
    if count != expected {
        return Err(format!("{what}: got {count}, expected {expected}"));
    }
    let line = json!({"what": what, "size": size, "seconds": seconds, "baseline_kib": baseline,
        "peak_kib": peak, "hwm_reset": hwm_reset});
    println!("{line}");
    Ok(())
}

fn run_child(what: &str, size: u64) -> Result<Value, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(exe).args([CHILD, what, &size.to_string()]).output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some(CHILD) {
        let size = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(0);
        return match child(args.get(1).map_or("", String::as_str), size) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match parse_options(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut runs = Vec::new();
    if options.only.as_deref() != Some("upload") {
        runs.push(("items", (options.items / 100) as u64));
        runs.push(("items", options.items as u64));
    }
    if options.only.as_deref() != Some("items") {
        runs.push(("upload", (options.upload_mib / 64).max(1)));
        runs.push(("upload", options.upload_mib));
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "| stream | size | time | rate | baseline RSS | peak RSS | peak − baseline |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
    for (what, size) in runs {
        let value = match run_child(what, size) {
            Ok(value) => value,
            Err(e) => {
                eprintln!("{what} {size}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let seconds = value["seconds"].as_f64().unwrap_or(0.0);
        let (baseline, peak) =
            (value["baseline_kib"].as_f64().unwrap_or(0.0), value["peak_kib"].as_f64().unwrap_or(0.0));
        let (label, rate) = match what {
            "items" => (format!("{size} JSON Lines items"), format!("{:.0} items/s", size as f64 / seconds)),
            _ => (format!("{size} MiB file upload"), format!("{:.0} MiB/s", size as f64 / seconds)),
        };
        let _ = writeln!(
            out,
            "| {what} | {label} | {seconds:.2} s | {rate} | {} | {} | {} |",
            mib(baseline),
            mib(peak),
            mib(peak - baseline)
        );
    }
    ExitCode::SUCCESS
}
