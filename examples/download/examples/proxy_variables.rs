//! What `HTTP_PROXY` does to a client that talks to a site on this machine: the measurement
//! behind the `download` chapter's proxy pitfall.
//!
//! Run with: `cargo run --release -p download --example proxy_variables`. It starts the site
//! and a stand-in proxy on loopback (it answers every request with 502 Bad Gateway, and counts
//! them), then runs itself again with `HTTP_PROXY` and `http_proxy` pointing at the stand-in
//! and `NO_PROXY` unset, as a shell with a corporate proxy configured would. In there, reqwest
//! and ureq each get 10 pages, built as their defaults have it and as the `download` variants
//! build them (`.no_proxy()`, `.proxy(None)`), and it prints how many pages each read and how
//! many requests went to the proxy instead.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context as _, Result};

const PAGES: usize = 10;

/// A stand-in for a proxy: every request gets a 502, and is counted.
fn stand_in_proxy() -> Result<(String, Arc<AtomicUsize>)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}", listener.local_addr()?);
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            // The head of the request, up to its blank line.
            let mut line = String::new();
            loop {
                line.clear();
                match reader.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) if line == "\r\n" => break,
                    Ok(_) => {}
                }
            }
            counter.fetch_add(1, Ordering::Relaxed);
            let _ = (&stream)
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        }
    });
    Ok((url, seen))
}

/// In the child, with the proxy variables set: each client's pages read out of `PAGES`.
fn child(site: &str) -> Result<()> {
    let url = format!("{site}/dice");
    let timeout = Duration::from_secs(5);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let reqwest_reads = |client: reqwest::Client| {
        runtime.block_on(async {
            let mut read = 0;
            for _ in 0..PAGES {
                if let Ok(response) = client.get(&url).send().await
                    && response.status().is_success()
                {
                    read += 1;
                }
            }
            read
        })
    };
    let ureq_reads = |agent: ureq::Agent| {
        (0..PAGES).filter(|_| agent.get(&url).call().is_ok()).count()
    };

    let plain = reqwest::Client::builder().timeout(timeout).build()?;
    println!(
        "  {:<40} {} of {PAGES} pages read",
        "reqwest, Client::builder() as is",
        reqwest_reads(plain)
    );
    let fixed = reqwest::Client::builder().timeout(timeout).no_proxy().build()?;
    println!(
        "  {:<40} {} of {PAGES} pages read",
        "reqwest, with .no_proxy()",
        reqwest_reads(fixed)
    );
    let plain: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(timeout)).build().into();
    println!(
        "  {:<40} {} of {PAGES} pages read",
        "ureq, Agent::config_builder() as is",
        ureq_reads(plain)
    );
    let fixed: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .proxy(None)
        .build()
        .into();
    println!(
        "  {:<40} {} of {PAGES} pages read",
        "ureq, with .proxy(None)",
        ureq_reads(fixed)
    );
    Ok(())
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    if let (Some(flag), Some(site)) = (args.next(), args.next())
        && flag == "--child"
    {
        return child(&site);
    }
    let site = site::Site::start(site::Config::default())?;
    let (proxy, seen) = stand_in_proxy()?;
    println!(
        "the site at {}; HTTP_PROXY={proxy}, a stand-in that answers 502 to everything:",
        site.url()
    );
    let status = Command::new(std::env::current_exe()?)
        .args(["--child", site.url()])
        .env("HTTP_PROXY", &proxy)
        .env("http_proxy", &proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .status()
        .context("running the child")?;
    anyhow::ensure!(status.success(), "the child failed: {status}");
    println!(
        "requests that went to the proxy instead of the site: {}",
        seen.load(Ordering::Relaxed)
    );
    Ok(())
}
