//! A server on a raw 127.0.0.1 socket, for responses `wiremock` cannot give: bodies written in
//! pieces with pauses, cut short, or announcing a length they never send.

use std::time::Duration;

/// Serves one response on a raw socket, written in `pieces` with a pause between them, so the
/// client reads the body in several chunks. Returns the base URL.
pub async fn serve_in_pieces(head: String, pieces: Vec<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buffer).await.expect("read");
            assert!(n > 0, "the client closed before sending its request");
            request.extend_from_slice(&buffer[..n]);
        }
        socket.write_all(head.as_bytes()).await.expect("write head");
        for piece in pieces {
            socket.write_all(&piece).await.expect("write piece");
            socket.flush().await.expect("flush");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    format!("http://{address}")
}
