//! `just site [PORT]`: serves the local site on `127.0.0.1:PORT` (default 8000) until Ctrl+C,
//! for a person to try with `curl` or a browser, or for a copied IO example to talk to.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use site::{Config, Site, pages};

/// Serves the local site that the IO examples talk to, until Ctrl+C.
#[derive(Parser, Debug)]
#[command(name = "site")]
struct Cli {
    /// The port to listen on, on 127.0.0.1 (0: any free port)
    #[arg(default_value_t = 8000)]
    port: u16,
    /// How long one tutorial second lasts: the delays are given in tutorial seconds
    #[arg(long, value_name = "DURATION", default_value = "250ms", value_parser = parse_unit)]
    unit: Duration,
    /// How long the download pages take to answer, in tutorial seconds
    #[arg(long, value_name = "SECONDS", default_value_t = pages::PAGE_DELAY)]
    page_delay: f64,
}

fn parse_unit(text: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = text.strip_suffix("us").or_else(|| text.strip_suffix("µs")) {
        (n, 1e-6)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err("expected a number followed by s, ms or us (e.g. 250ms)".into());
    };
    match number.parse::<f64>() {
        Ok(value) if value > 0.0 && value * scale <= 3600.0 => Ok(Duration::from_secs_f64(value * scale)),
        _ => Err("expected a positive duration of at most 1h (e.g. 250ms)".into()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if !(0.0..=3600.0).contains(&cli.page_delay) {
        eprintln!("error: --page-delay must be from 0 to 3600 tutorial seconds");
        return ExitCode::from(2);
    }
    let config = Config {
        unit: cli.unit,
        page_delay: cli.page_delay,
        addr: SocketAddr::from(([127, 0, 0, 1], cli.port)),
    };
    let site = match Site::start(config) {
        Ok(site) => site,
        Err(err) => {
            eprintln!("error: cannot serve on 127.0.0.1:{}: {err}", cli.port);
            return ExitCode::FAILURE;
        }
    };
    println!("Serving {} (1 tutorial second = {:?}; Ctrl+C stops)", site.url(), cli.unit);
    let width = pages::PAGES.iter().map(|(path, _)| path.len()).max().unwrap_or(0);
    for (path, what) in pages::PAGES {
        println!("  {}{path:<width$}  {what}", site.url());
    }
    match site.serve_until_signalled() {
        Ok(_) => {
            println!("stopped");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
