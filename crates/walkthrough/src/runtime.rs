//! The runtimes an example can be written for, in the order the table lists them.

use std::fmt;

/// One way of running a concept. The CLI name is [`Runtime::name`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Runtime {
    /// Plain sequential std code: the baseline.
    Sync,
    /// `std::thread`, scoped threads and channels: pre-emptive multitasking.
    Threads,
    /// Worker processes: the binary re-runs itself (`ProcessPoolExecutor`).
    Processes,
    /// An event loop built in the example itself, on std and the OS (the `event-loop` example).
    Own,
    /// tokio.
    Tokio,
    /// smol and its parts (async-io, async-channel, blocking, ...).
    Smol,
    /// async-std 1.13: discontinued, kept for comparison.
    AsyncStd,
    /// `futures::executor` plus a timer crate.
    Futures,
    /// rayon: data parallelism on a work-stealing pool.
    Rayon,
    /// The Python peer in `peers/python/`, run with `python3`.
    Python,
}

impl Runtime {
    /// Every runtime, in table order.
    pub const ALL: [Runtime; 10] = [
        Runtime::Sync,
        Runtime::Threads,
        Runtime::Processes,
        Runtime::Own,
        Runtime::Tokio,
        Runtime::Smol,
        Runtime::AsyncStd,
        Runtime::Futures,
        Runtime::Rayon,
        Runtime::Python,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Runtime::Sync => "sync",
            Runtime::Threads => "threads",
            Runtime::Processes => "processes",
            Runtime::Own => "own",
            Runtime::Tokio => "tokio",
            Runtime::Smol => "smol",
            Runtime::AsyncStd => "async-std",
            Runtime::Futures => "futures",
            Runtime::Rayon => "rayon",
            Runtime::Python => "python",
        }
    }

    /// The name shown in headers and tables: async-std carries its "legacy" label.
    pub fn label(self) -> &'static str {
        match self {
            Runtime::AsyncStd => "async-std (legacy)",
            other => other.name(),
        }
    }

    /// One line on what this runtime is, for headers and `--help`.
    pub fn summary(self) -> &'static str {
        match self {
            Runtime::Sync => "plain sequential std code, the baseline",
            Runtime::Threads => "std::thread: pre-emptive multitasking",
            Runtime::Processes => "worker processes: the binary re-runs itself",
            Runtime::Own => "an event loop of our own: std, epoll and an eventfd, in one file",
            Runtime::Tokio => "tokio: the most used runtime, with timers, IO and sync built in",
            Runtime::Smol => "smol: a small runtime assembled from parts (async-executor, async-io)",
            Runtime::AsyncStd => "async-std 1.13, discontinued in 2025 (RUSTSEC-2025-0052)",
            Runtime::Futures => "futures::executor plus a timer crate",
            Runtime::Rayon => "rayon work-stealing pool",
            Runtime::Python => "the Python peer, run with python3",
        }
    }

    /// Looks a runtime up by its CLI name.
    pub fn from_name(name: &str) -> Option<Runtime> {
        Runtime::ALL.into_iter().find(|r| r.name() == name)
    }
}

impl fmt::Display for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Runtime::ALL {
            assert_eq!(Runtime::from_name(r.name()), Some(r));
        }
        assert_eq!(Runtime::from_name("async_std"), None);
    }

    #[test]
    fn async_std_is_labelled_legacy() {
        assert_eq!(Runtime::AsyncStd.label(), "async-std (legacy)");
        assert_eq!(Runtime::Tokio.label(), "tokio");
    }
}
