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
    let addr = tokioref::addr_from_args();
    tokioref::runtime().block_on(async move {
        let listener = tokioref::bind_and_announce(&addr).await;
        loop {
            match listener.accept().await {
                Ok((sock, _)) => {
                    let _ = sock.set_nodelay(true); // Go's default
                    tokio::spawn(handle(sock));
                }
                // e.g. EMFILE: keep serving, let other tasks run first.
                Err(_) => tokio::task::yield_now().await,
            }
        }
    });
}
