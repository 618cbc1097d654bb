//! Shared start-up code for the two reference servers.

use std::io::Write;
use std::future::Future;
use tokio::net::{TcpListener, TcpStream};

/// Default listen address when no `-addr` flag is given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7003";

/// Returns the value following `-addr` (or `--addr`) in argv, else the default.
pub fn addr_from_args() -> String {
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        if (args[i] == "-addr" || args[i] == "--addr") && i + 1 < args.len() {
            return args[i + 1].clone();
        }
        i += 1;
    }
    DEFAULT_ADDR.to_string()
}

/// Multi-threaded runtime with the default worker count (one per core).
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_io()
        .build()
        .expect("build tokio runtime")
}

/// Binds `addr`, prints `listening on HOST:PORT` (the real bound address) and
/// flushes stdout. A bind failure is the only thing that ends the process.
pub async fn bind_and_announce(addr: &str) -> TcpListener {
    let listener = match TcpListener::bind(addr).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("bind {}: {}", addr, e);
            std::process::exit(1);
        }
    };
    let local = listener.local_addr().expect("local_addr");
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", local);
    let _ = out.flush();
    listener
}

/// Runs a server: binds the `-addr` address, announces it, and spawns
/// `handle` for every accepted connection, with TCP_NODELAY set (Go's
/// default). An accept error (EMFILE, say) is not fatal: the loop yields
/// to the other tasks and goes on.
pub fn serve<F, Fut>(handle: F)
where
    F: Fn(TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let addr = addr_from_args();
    runtime().block_on(async move {
        let listener = bind_and_announce(&addr).await;
        loop {
            match listener.accept().await {
                Ok((sock, _)) => {
                    let _ = sock.set_nodelay(true);
                    tokio::spawn(handle(sock));
                }
                Err(_) => tokio::task::yield_now().await,
            }
        }
    });
}
