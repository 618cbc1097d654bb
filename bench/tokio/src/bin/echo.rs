//! TCP echo server: one task per connection, 4 KiB buffer, echoes every read.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Echo loop; any error (or EOF) just ends the task, which closes the socket.
async fn handle(mut sock: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        let n = match sock.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if sock.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}

fn main() {
    tokioref::serve(handle);
}
