//! HTTP/1.1 "hello" server: keep-alive, pipelining, httparse.
//! GET/HEAD /hello -> 200 "Hello, World!\n"; any other request -> 404.

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const INITIAL_BUF: usize = 4 << 10;
const MAX_BUF: usize = (1 << 20) + (8 << 10); // largest request kept whole
const CT: &[u8] = b"text/plain; charset=utf-8";

// ---------------------------------------------------------------- Date header

thread_local! {
    // (unix second, IMF-fixdate text) of the last formatted second.
    static DATE: Cell<(u64, [u8; 29])> = Cell::new((u64::MAX, [0; 29]));
}

/// Current time as IMF-fixdate. Reads the clock on every call and reformats
/// only when the second changed.
fn http_date() -> [u8; 29] {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    DATE.with(|c| {
        let (cached, text) = c.get();
        if cached == secs {
            return text;
        }
        let text = format_date(secs);
        c.set((secs, text));
        text
    })
}

/// Formats `secs` since the epoch as e.g. `Thu, 26 Nov 2026 13:30:49 GMT`.
fn format_date(secs: u64) -> [u8; 29] {
    const DAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun",
        b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
    ];
    let days = (secs / 86400) as i64;
    let sod = secs % 86400;
    // Civil date from day count (proleptic Gregorian, March-based years).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // day of era [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year, from Mar 1
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };

    let mut o = *b"Thu, 01 Jan 1970 00:00:00 GMT";
    o[..3].copy_from_slice(DAYS[(days % 7) as usize]); // 1970-01-01 was a Thursday
    put2(&mut o[5..7], day as u64);
    o[8..11].copy_from_slice(MONTHS[(month - 1) as usize]);
    put2(&mut o[12..14], (year / 100) as u64);
    put2(&mut o[14..16], (year % 100) as u64);
    put2(&mut o[17..19], sod / 3600);
    put2(&mut o[20..22], sod / 60 % 60);
    put2(&mut o[23..25], sod % 60);
    o
}

fn put2(dst: &mut [u8], v: u64) {
    dst[0] = b'0' + (v / 10 % 10) as u8;
    dst[1] = b'0' + (v % 10) as u8;
}

// ------------------------------------------------------------------ responses

/// Appends one complete response. `http10` answers an HTTP/1.0 request;
/// `keep` says whether the connection stays open; `head` drops the body.
fn respond(out: &mut Vec<u8>, status: &[u8], body: &[u8], http10: bool, keep: bool, head: bool) {
    out.extend_from_slice(if http10 { b"HTTP/1.0 " } else { b"HTTP/1.1 " });
    out.extend_from_slice(status);
    out.extend_from_slice(b"\r\nDate: ");
    out.extend_from_slice(&http_date());
    out.extend_from_slice(b"\r\nServer: bench\r\nContent-Type: ");
    out.extend_from_slice(CT);
    out.extend_from_slice(b"\r\nContent-Length: ");
    out.extend_from_slice(body.len().to_string().as_bytes());
    out.extend_from_slice(b"\r\n");
    if http10 && keep {
        out.extend_from_slice(b"Connection: keep-alive\r\n");
    } else if !http10 && !keep {
        out.extend_from_slice(b"Connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !head {
        out.extend_from_slice(body);
    }
}

// -------------------------------------------------------------------- parsing

/// True if a comma-separated header value lists `token` (case-insensitive).
fn has_token(value: &[u8], token: &str) -> bool {
    value
        .split(|&b| b == b',')
        .any(|t| t.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
}

/// Answers every complete request in `input`, appending to `out`. Returns
/// the bytes consumed and whether to close after writing `out`.
fn handle_requests(input: &[u8], out: &mut Vec<u8>) -> (usize, bool) {
    let mut pos = 0;
    while pos < input.len() {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        let head_len = match req.parse(&input[pos..]) {
            Ok(httparse::Status::Complete(n)) => n,
            Ok(httparse::Status::Partial) => break, // wait for more bytes
            Err(_) => {
                respond(out, b"400 Bad Request", b"Bad Request\n", false, false, false);
                return (input.len(), true);
            }
        };
        let http10 = req.version == Some(0);
        let mut keep = !http10; // HTTP/1.1 defaults to keep-alive
        let mut body_len = 0usize;
        let mut bad = false;
        for h in req.headers.iter() {
            if h.name.eq_ignore_ascii_case("content-length") {
                match std::str::from_utf8(h.value).ok().and_then(|s| s.trim().parse().ok()) {
                    Some(n) => body_len = n,
                    None => bad = true,
                }
            } else if h.name.eq_ignore_ascii_case("connection") {
                if has_token(h.value, "close") {
                    keep = false;
                } else if http10 && has_token(h.value, "keep-alive") {
                    keep = true;
                }
            } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
                bad = true; // chunked bodies are not supported (not benchmarked)
            }
        }
        if bad || body_len > MAX_BUF {
            respond(out, b"400 Bad Request", b"Bad Request\n", false, false, false);
            return (input.len(), true);
        }
        if input.len() - pos - head_len < body_len {
            break; // body not fully arrived yet: re-parse this request later
        }
        pos += head_len + body_len;

        let method = req.method.unwrap_or("");
        let head = method == "HEAD";
        if req.path == Some("/hello") && (head || method == "GET") {
            respond(out, b"200 OK", b"Hello, World!\n", http10, keep, head);
        } else {
            respond(out, b"404 Not Found", b"Not Found\n", http10, keep, head);
        }
        if !keep {
            return (pos, true);
        }
    }
    (pos, false)
}

// ----------------------------------------------------------------- connection

/// Serves one connection; any I/O error or overflow just closes it.
async fn serve(mut sock: TcpStream) {
    let mut buf = vec![0u8; INITIAL_BUF];
    let mut len = 0; // bytes of buf holding unconsumed input
    let mut out = Vec::with_capacity(INITIAL_BUF);
    loop {
        if len == buf.len() {
            if buf.len() >= MAX_BUF {
                return; // request too large
            }
            buf.resize((buf.len() * 2).min(MAX_BUF), 0);
        }
        match sock.read(&mut buf[len..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => len += n,
        }
        let (consumed, close) = handle_requests(&buf[..len], &mut out);
        if !out.is_empty() {
            if sock.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
        if close {
            return;
        }
        buf.copy_within(consumed..len, 0); // compact leftover partial request
        len -= consumed;
    }
}

fn main() {
    tokioref::serve(serve);
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates() {
        assert_eq!(&super::format_date(0), b"Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(&super::format_date(1_795_699_849), b"Thu, 26 Nov 2026 13:30:49 GMT");
        assert_eq!(&super::format_date(951_782_400), b"Tue, 29 Feb 2000 00:00:00 GMT");
    }
}
