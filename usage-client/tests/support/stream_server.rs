//! A server on a raw 127.0.0.1 socket for streamed bodies: each connection follows a script (a
//! status line and headers, then chunks of a chunked body with pauses between them, then a clean
//! end, a connection held open, or a break without the final chunk), and the request heads it
//! received are kept for the test to read.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How a scripted response ends.
#[derive(Clone, Debug)]
pub enum End {
    /// The final chunk: the body is complete.
    Close,
    /// Nothing more for this long, then the connection is dropped without the final chunk.
    Hold(Duration),
    /// The connection is dropped at once, without the final chunk: the body breaks off.
    Break,
}

/// One connection's answer.
#[derive(Clone, Debug)]
pub struct Script {
    pub status: u16,
    pub content_type: &'static str,
    /// Each written as one chunk, after its pause.
    pub chunks: Vec<(Duration, Vec<u8>)>,
    pub end: End,
}

impl Script {
    /// A `200` whose chunks come `pause` apart.
    pub fn ok(content_type: &'static str, pause: Duration, chunks: &[&str], end: End) -> Self {
        Script {
            status: 200,
            content_type,
            chunks: chunks.iter().map(|c| (pause, c.as_bytes().to_vec())).collect(),
            end,
        }
    }
}

/// The request heads received, in order (lower-case header names as the client sent them).
pub type Received = Arc<Mutex<Vec<String>>>;

/// Serves one script per connection, in the order they connect; once all are used, the listener
/// goes away and further connections are refused. Returns the base URL and the request heads received.
pub async fn serve(scripts: Vec<Script>) -> (String, Received) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let received: Received = Arc::default();
    let heads = received.clone();
    tokio::spawn(async move {
        for script in scripts {
            let Ok((socket, _)) = listener.accept().await else { return };
            tokio::spawn(answer(socket, script, heads.clone()));
        }
    });
    (format!("http://{address}"), received)
}

/// Reads one request head and answers it as `script` says.
async fn answer(mut socket: tokio::net::TcpStream, script: Script, heads: Received) {
    let mut request = Vec::new();
    let mut buffer = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match socket.read(&mut buffer).await {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buffer[..n]),
        }
    }
    heads.lock().expect("heads").push(String::from_utf8_lossy(&request).to_ascii_lowercase());
    let head = format!(
        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ntransfer-encoding: chunked\r\nconnection: close\r\nx-stream: yes\r\n\r\n",
        script.status, script.content_type
    );
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for (pause, chunk) in &script.chunks {
        tokio::time::sleep(*pause).await;
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(chunk);
        framed.extend_from_slice(b"\r\n");
        if socket.write_all(&framed).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
    }
    match script.end {
        End::Close => {
            let _ = socket.write_all(b"0\r\n\r\n").await;
            let _ = socket.flush().await;
            // Let the client read the end before the socket goes.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        End::Hold(time) => tokio::time::sleep(time).await,
        End::Break => {}
    }
}
