//! `generators` on the `futures` crate: the generator is a `Stream`, with a side channel.
//!
//! Pairs with "Async IO's Roots in Generators" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018; its `endless()` too; the 2025 edition has no such
//! section). No task here: the stream runs inside the caller's own poll, only when asked
//! for its next item, as a Python generator runs only inside `next` or `send`. A `Stream`
//! takes no resume value, so the jumps travel through an unbounded channel and each step
//! takes the jump sent since the last one. `block_on` is the whole executor.
//!
//! Dependencies: `cargo add futures`
//! Run: `cargo run --release` (in this repository: `just run generators futures`)

use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures::stream::{self, LocalBoxStream, Stream, StreamExt};

/// What the program runs with; `just run generators` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// Where `jumping_range` stops: it yields indexes below this.
    pub up_to: i64,
}

impl Default for Params {
    fn default() -> Params {
        Params { up_to: 5 }
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: generator
/// `jumping_range` as a stream: the state between steps is the last index yielded (`None`
/// before the first) and the channel the jumps arrive on.
fn jumping_range(
    up_to: i64,
    jumps: UnboundedReceiver<i64>,
) -> LocalBoxStream<'static, i64> {
    stream::unfold((None, jumps), move |(last, mut jumps)| async move {
        let index = match last {
            // A jump sent before the first step has nothing to move: drop it (Python
            // raises).
            None => {
                let _ = jumps.try_recv();
                0
            }
            Some(index) => index + jumps.try_recv().unwrap_or(1),
        };
        (index < up_to).then_some((index, (Some(index), jumps)))
    })
    // `unfold` must not be polled again once it has ended; `fuse` makes it answer `None`
    // forever.
    .fuse()
    .boxed_local()
}

/// The stream, and the sending end of its jumps.
pub struct Generator {
    values: LocalBoxStream<'static, i64>,
    jumps: UnboundedSender<i64>,
}

impl Generator {
    /// Nothing runs until the first `send`: a stream is as lazy as a generator.
    pub fn new(up_to: i64) -> Generator {
        let (jumps, received) = unbounded();
        Generator { values: jumping_range(up_to, received), jumps }
    }

    /// `await gen.asend(jump)`: `None` once the stream has ended.
    pub async fn send(&mut self, jump: Option<i64>) -> Option<i64> {
        if let Some(jump) = jump {
            // Fails only once the stream has ended and dropped its end of the channel.
            self.jumps.unbounded_send(jump).ok()?;
        }
        self.values.next().await
    }
}
// ANCHOR_END: generator

// ANCHOR: endless
/// `endless()` as a stream, the async iterator: `cycle` repeats it forever, and it
/// computes a value only when polled for one.
fn endless() -> impl Stream<Item = u32> + Unpin {
    stream::iter([9, 8, 7, 6]).cycle()
}

async fn pause_and_resume() {
    let mut e = endless();
    let (mut total, mut taken) = (0, Vec::new());
    while let Some(i) = e.next().await {
        if total >= 100 {
            break; // a pause: `e` stays where it stopped
        }
        taken.push(i);
        total += i;
    }
    let resumed: Vec<u32> = e.take(3).collect().await;
    report(&taken, &resumed);
}
// ANCHOR_END: endless

/// Prints what the tutorial's loop prints: values until their total reaches 100, then a
/// pause, then three more from the same generator.
fn report(taken: &[u32], resumed: &[u32]) {
    let words = |values: &[u32]| values.iter().map(u32::to_string).collect::<Vec<_>>();
    println!("for i in endless() -> {}", words(taken).join(" "));
    println!("next(e), next(e), next(e) -> ({})", words(resumed).join(", "));
}

// ANCHOR: main
pub fn run(params: Params) {
    futures::executor::block_on(async {
        let mut generator = Generator::new(params.up_to);
        let mut seen = Vec::new();
        let mut show = |label: &str, value: Option<i64>| match value {
            Some(index) => {
                seen.push(index);
                println!("{label} -> {index}");
            }
            None => println!("{label} -> StopIteration"),
        };
        show("next(gen)", generator.send(None).await);
        show("gen.send(2)", generator.send(Some(2)).await);
        show("next(gen)", generator.send(None).await);
        show("gen.send(-1)", generator.send(Some(-1)).await);
        // The stream itself is what `async for` walks.
        while let Some(index) = generator.values.next().await {
            seen.push(index);
            println!("for i in gen -> {index}");
        }
        println!("jumping_range({}) yielded {seen:?}", params.up_to);
        pause_and_resume().await;
    });
}
// ANCHOR_END: main
