//! `satudata healthcheck`: asks the service running on this machine (at the configured
//! `listen` address) for `/readyz`, for a container's `HEALTHCHECK` without curl in the image.
//! Exit status 0 when it answers 200, 1 otherwise.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use clap::Args;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Options of `satudata healthcheck`.
#[derive(Debug, Args)]
pub struct HealthcheckArgs {
    /// The path to ask: `/readyz` (database and store reachable, not draining) or `/livez`.
    #[arg(long, default_value = "/readyz")]
    pub path: String,
    /// Longest wait for the answer: `5s`, `1m`.
    #[arg(long, default_value = "5s", value_parser = crate::cli::parse_age)]
    pub timeout: Duration,
}

/// Asks `http://<listen>/<path>`; the status line on success (a 200), why not otherwise.
pub async fn check(listen: SocketAddr, args: &HealthcheckArgs) -> Result<String, String> {
    let address = local(listen);
    let path = if args.path.starts_with('/') {
        args.path.clone()
    } else {
        format!("/{}", args.path)
    };
    let ask = async {
        let mut stream = tokio::net::TcpStream::connect(address).await?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nUser-Agent: satudata-healthcheck\r\n\
             Connection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut head = Vec::with_capacity(256);
        let mut buf = [0u8; 256];
        while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 4096 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(head)
    };
    let head = match tokio::time::timeout(args.timeout, ask).await {
        Ok(Ok(head)) => head,
        Ok(Err(e)) => return Err(format!("http://{address}{path}: {e}")),
        Err(_) => {
            return Err(format!(
                "http://{address}{path}: no answer within {:?}",
                args.timeout
            ));
        }
    };
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or_default().trim().to_owned();
    match line.split_whitespace().nth(1) {
        Some("200") => Ok(line),
        Some(_) => Err(format!("http://{address}{path}: {line}")),
        None => Err(format!("http://{address}{path}: not an HTTP answer")),
    }
}

/// The address to reach a service listening on `listen` from this machine: the loopback
/// address of its family when it listens on every address.
fn local(listen: SocketAddr) -> SocketAddr {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, listen.port())
}

#[cfg(test)]
mod tests {
    use super::local;

    #[test]
    fn wildcard_addresses_become_loopback() {
        let at = |s: &str| local(s.parse().expect("address")).to_string();
        assert_eq!(at("0.0.0.0:8080"), "127.0.0.1:8080");
        assert_eq!(at("[::]:8080"), "[::1]:8080");
        assert_eq!(at("10.0.0.5:80"), "10.0.0.5:80");
    }
}
