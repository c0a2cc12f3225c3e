//! How late a timer fires: the measurement behind the `download` chapter's timer pitfall, and
//! the reason the site keeps a clock of its own for its page delays.
//!
//! Run with: `cargo run --release -p download --example timer_resolution [UNIT_MS]` (default
//! 250, the example's unit). It sleeps the page delay, 0.089 tutorial seconds, 200 times one
//! after another with each of tokio's `sleep` (current-thread runtime), smol's `Timer` (async-io,
//! a timerfd) and `std::thread::sleep`, and prints how much later than asked each woke, on
//! average and at worst, and what that adds to the sync variant's 160 pages.

use std::time::{Duration, Instant};

const PAGE_DELAY: f64 = 0.089;
const SLEEPS: u32 = 200;

/// A way to sleep.
type Sleep<'a> = Box<dyn FnMut(Duration) + 'a>;

/// Mean and worst lateness of `SLEEPS` sleeps of `delay`, each taken by `sleep`.
fn lateness(delay: Duration, mut sleep: impl FnMut(Duration)) -> (Duration, Duration) {
    let (mut total, mut worst) = (Duration::ZERO, Duration::ZERO);
    for _ in 0..SLEEPS {
        let start = Instant::now();
        sleep(delay);
        let late = start.elapsed().saturating_sub(delay);
        total += late;
        worst = worst.max(late);
    }
    (total / SLEEPS, worst)
}

fn main() -> anyhow::Result<()> {
    let unit_ms: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 250,
    };
    let unit = Duration::from_millis(unit_ms);
    let delay = unit.mul_f64(PAGE_DELAY);
    println!(
        "{SLEEPS} sleeps of {delay:?} (0.089 tutorial seconds at {unit_ms} ms), one after another:"
    );
    let tokio = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
    let timers: [(&str, Sleep<'_>); 3] = [
        (
            "tokio::time::sleep",
            Box::new(|d| tokio.block_on(async { tokio::time::sleep(d).await })),
        ),
        (
            "smol::Timer::after",
            Box::new(|d| {
                smol::block_on(smol::Timer::after(d));
            }),
        ),
        ("std::thread::sleep", Box::new(std::thread::sleep)),
    ];
    for (name, sleep) in timers {
        let (mean, worst) = lateness(delay, sleep);
        let per_run = mean.as_secs_f64() * 160.0 / unit.as_secs_f64();
        println!(
            "  {name:<20} late by {:>6.3} ms on average, {:>6.3} ms at worst: +{per_run:.2} tutorial s over 160 pages ({:.1}%)",
            mean.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            mean.as_secs_f64() / delay.as_secs_f64() * 100.0,
        );
    }
    Ok(())
}
