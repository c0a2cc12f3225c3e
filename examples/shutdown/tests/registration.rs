//! When does tokio install its signal handler? `signal(kind)` at once; `ctrl_c()` only when its
//! future is first polled. Read from this process's own `/proc/self/status`, whose `SigCgt`
//! mask lists the signals it catches. (One test in its own binary: a handler, once installed,
//! stays for the life of the process.)

use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Whether this process catches `signal` now.
fn caught(signal: u32) -> bool {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let mask =
        status.lines().find_map(|l| l.strip_prefix("SigCgt:")).expect("a SigCgt line");
    let mask = u64::from_str_radix(mask.trim(), 16).expect("a hex mask");
    mask & (1 << (signal - 1)) != 0
}

#[test]
fn ctrl_c_installs_its_handler_when_first_polled_and_signal_when_called() {
    const SIGINT: u32 = 2;
    const SIGTERM: u32 = 15;
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        assert!(!caught(SIGINT) && !caught(SIGTERM), "caught before anything asked");

        let ctrl_c = tokio::signal::ctrl_c();
        assert!(!caught(SIGINT), "ctrl_c() installed its handler when it was created");
        let mut ctrl_c = pin!(ctrl_c);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(ctrl_c.as_mut().poll(&mut cx), Poll::Pending));
        assert!(caught(SIGINT), "ctrl_c() did not install its handler on its first poll");

        let _term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .unwrap();
        assert!(caught(SIGTERM), "signal(terminate) did not install its handler at once");
    });
}
