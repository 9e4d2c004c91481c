//! A download larger than the memory budget: 96 MiB streamed from a server on 127.0.0.1 into a
//! file, while the process's peak resident memory grows by far less than the body. Alone in its
//! test binary, so no other test's memory counts.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use usage_client::acronis::Client;
use uuid::Uuid;

const BODY: u64 = 96 << 20;
const BUDGET: u64 = 48 << 20;

/// Peak resident memory of this process (`VmHWM` in `/proc/self/status`), in bytes.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kib| kib * 1024)
}

#[tokio::test]
async fn a_download_larger_than_the_memory_budget_streams_to_disk() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let address = listener.local_addr().expect("an address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("a connection");
        let mut request = vec![0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = format!("HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: {BODY}\r\n\r\n");
        socket.write_all(head.as_bytes()).await.expect("head");
        let chunk = vec![b'7'; 64 << 10];
        for _ in 0..BODY / chunk.len() as u64 {
            socket.write_all(&chunk).await.expect("a chunk");
        }
        socket.shutdown().await.expect("closed");
    });
    let client = Client::builder().base_url(format!("http://{address}/api/2")).bearer_token("t").build().expect("ok");
    let dir = std::env::temp_dir().join(format!("download-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a directory");
    let target = dir.join("big.csv");
    let before = peak_rss();
    let written = client.download_stored_report(Uuid::nil(), Uuid::nil()).save_to(&target).await.expect("downloaded");
    assert_eq!(*written, BODY);
    assert_eq!(std::fs::metadata(&target).expect("the file").len(), BODY);
    if let (Some(before), Some(after)) = (before, peak_rss()) {
        assert!(after - before < BUDGET, "peak RSS grew by {} MiB", (after - before) >> 20);
        assert!(after < BODY, "peak RSS {} MiB for a {} MiB body", after >> 20, BODY >> 20);
    }
    std::fs::remove_dir_all(&dir).expect("cleaned up");
}
