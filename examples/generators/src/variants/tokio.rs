//! `generators` on tokio: the generator is a task, resumed by messages.
//!
//! Pairs with "Async IO's Roots in Generators" in Real Python's "Async IO in Python: A
//! Complete Walkthrough" (2018; its `endless()` too; the 2025 edition has no such
//! section). Each `send` is a message carrying the jump and a `oneshot` sender for the
//! reply: the request/response shape tokio's own tutorial uses for a task that owns some
//! state. The generator's body reads like the Python one; where Python yields, it answers
//! the pending request and awaits the next one. The runtime is `current_thread`: the
//! caller and the task take turns, so one thread is all they need.
//!
//! Dependencies: `cargo add tokio --features macros,rt,sync`
//! Run: `cargo run --release` (in this repository: `just run generators tokio`)

use tokio::sync::{mpsc, oneshot};

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
/// A resumption: the jump sent in (`None` for a plain `next`) and where to put the next
/// value.
type Resume = (Option<i64>, oneshot::Sender<i64>);

/// The generator's body, run as a task. It waits for the first resumption before it
/// starts.
async fn jumping_range(up_to: i64, mut resumes: mpsc::Receiver<Resume>) {
    let Some((_, mut reply)) = resumes.recv().await else { return };
    let mut index = 0;
    while index < up_to {
        // `yield index`: answer the caller, then wait to be resumed.
        let _ = reply.send(index); // the caller may have stopped listening; carry on regardless
        let Some((jump, next_reply)) = resumes.recv().await else { return };
        reply = next_reply;
        index += jump.unwrap_or(1);
    }
    // Returning drops the last `reply` unanswered and closes `resumes`: the caller sees
    // `None`.
}

/// The caller's end of a `jumping_range` task.
pub struct Generator {
    resumes: mpsc::Sender<Resume>,
}

impl Generator {
    /// Spawns the generator's task; it runs nothing until the first resumption.
    pub fn spawn(up_to: i64) -> Generator {
        let (resumes, received) = mpsc::channel(1);
        tokio::spawn(jumping_range(up_to, received));
        Generator { resumes }
    }

    /// `await gen.asend(jump)`: `None` once the generator has returned.
    pub async fn send(&mut self, jump: Option<i64>) -> Option<i64> {
        let (reply, value) = oneshot::channel();
        self.resumes.send((jump, reply)).await.ok()?;
        value.await.ok()
    }
}
// ANCHOR_END: generator

// ANCHOR: endless
/// `endless()` as a task: it waits in `send` while the one-slot channel is full, so it
/// runs at most one value ahead of the caller. Once the caller drops the receiver, `send`
/// fails and the task returns.
fn endless() -> mpsc::Receiver<u32> {
    let (values, received) = mpsc::channel(1);
    tokio::spawn(async move {
        for i in [9, 8, 7, 6].into_iter().cycle() {
            if values.send(i).await.is_err() {
                return;
            }
        }
    });
    received
}

async fn pause_and_resume() {
    let mut e = endless();
    let (mut total, mut taken) = (0, Vec::new());
    while let Some(i) = e.recv().await {
        if total >= 100 {
            break; // a pause: the task waits in `send`
        }
        taken.push(i);
        total += i;
    }
    let mut resumed = Vec::new();
    while resumed.len() < 3
        && let Some(i) = e.recv().await
    {
        resumed.push(i);
    }
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
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) {
    let mut generator = Generator::spawn(params.up_to);
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
    while let Some(index) = generator.send(None).await {
        seen.push(index);
        println!("for i in gen -> {index}");
    }
    println!("jumping_range({}) yielded {seen:?}", params.up_to);
    pause_and_resume().await;
}
// ANCHOR_END: main
