//! Which shape of a one-producer, one-consumer pipe is fast, runtime by runtime: the
//! measurements behind the `queue --bench` variants and the chapter's pitfall table.
//!
//! Run with: `cargo run --release -p queue --example queue_shapes -- [N] [SHAPE ...]`
//! (default N = 1,000,000, every shape; `-- list` names them). Each shape moves the numbers
//! `0..N` through an unbounded channel and through channels of capacity 100 and 1, and prints
//! millions of items per second, best of three.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::task::{LocalSpawnExt, SpawnExt};
use futures::{SinkExt, StreamExt};

type Pump = fn(u64, Option<usize>) -> u64;

const SHAPES: &[(&str, &str, Pump)] = &[
    (
        "tokio-ct-spawned",
        "tokio current-thread, mpsc, producer and consumer both spawned (the bench)",
        tokio_ct_spawned,
    ),
    (
        "tokio-ct-main",
        "tokio current-thread, mpsc, the consumer is the block_on future",
        tokio_ct_main,
    ),
    (
        "tokio-ct-mutex",
        "tokio current-thread, mpsc, consumer locks Arc<Mutex<Receiver>> per item (the demo)",
        tokio_ct_mutex,
    ),
    (
        "tokio-ct-async-channel",
        "tokio current-thread, async-channel instead of mpsc",
        tokio_ct_async_channel,
    ),
    (
        "tokio-mt-spawned",
        "tokio multi-thread (2 workers), mpsc, both spawned",
        tokio_mt_spawned,
    ),
    (
        "smol-local-main",
        "smol LocalExecutor, consumer is the block_on future (the bench)",
        smol_local_main,
    ),
    ("smol-local-spawned", "smol LocalExecutor, both spawned", smol_local_spawned),
    (
        "smol-global-spawned",
        "smol::spawn on the global multi-threaded executor",
        smol_global_spawned,
    ),
    (
        "smol-local-channel-1.9",
        "smol LocalExecutor, consumer in block_on, async-channel 1.9 (async-std's)",
        smol_local_channel_1,
    ),
    (
        "async-std-local",
        "async-std, producer spawn_local, consumer in block_on (the bench)",
        async_std_local,
    ),
    (
        "async-std-spawn",
        "async-std, producer task::spawn on the pool, consumer in block_on",
        async_std_spawn,
    ),
    (
        "futures-localpool",
        "futures LocalPool, SinkExt::send per item (the bench)",
        futures_localpool,
    ),
    ("futures-threadpool", "futures ThreadPool, both spawned", futures_threadpool),
    (
        "threads-crossbeam",
        "std::thread, crossbeam_channel unbounded / bounded (the bench)",
        threads_crossbeam,
    ),
    ("threads-std", "std::thread, std::sync::mpsc::channel / sync_channel", threads_std),
    (
        "threads-batched",
        "std::thread, Vec batches of min(cap, 100) items, sync_channel(1) of batches",
        threads_batched,
    ),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("list") {
        for (name, about, _) in SHAPES {
            println!("{name:<24} {about}");
        }
        return;
    }
    let items: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let chosen: Vec<&str> = args
        .iter()
        .skip_while(|a| a.parse::<u64>().is_ok())
        .map(String::as_str)
        .collect();
    println!("{items} items, best of 3, M items/s");
    println!("{:<24} {:>10} {:>10} {:>10}", "shape", "unbounded", "cap 100", "cap 1");
    for (name, _, pump) in
        SHAPES.iter().filter(|(name, _, _)| chosen.is_empty() || chosen.contains(name))
    {
        let rates: Vec<String> = [None, Some(100), Some(1)]
            .into_iter()
            .map(|capacity| {
                let mut best = Duration::MAX;
                for _ in 0..3 {
                    let start = Instant::now();
                    let sum = pump(items, capacity);
                    best = best.min(start.elapsed());
                    assert_eq!(sum, items * (items - 1) / 2, "{name}: items lost");
                }
                format!("{:.2}", items as f64 / best.as_secs_f64() / 1e6)
            })
            .collect();
        println!("{name:<24} {:>10} {:>10} {:>10}", rates[0], rates[1], rates[2]);
    }
}

// tokio's unbounded and bounded senders are different types; one small trait hides that.
trait Send2: Send + 'static {
    fn put(&self, i: u64) -> impl std::future::Future<Output = bool> + Send;
}
impl Send2 for tokio::sync::mpsc::UnboundedSender<u64> {
    async fn put(&self, i: u64) -> bool {
        self.send(i).is_ok()
    }
}
impl Send2 for tokio::sync::mpsc::Sender<u64> {
    async fn put(&self, i: u64) -> bool {
        self.send(i).await.is_ok()
    }
}

trait Recv2: Send + 'static {
    fn take(&mut self) -> impl std::future::Future<Output = Option<u64>> + Send;
}
impl Recv2 for tokio::sync::mpsc::UnboundedReceiver<u64> {
    async fn take(&mut self) -> Option<u64> {
        self.recv().await
    }
}
impl Recv2 for tokio::sync::mpsc::Receiver<u64> {
    async fn take(&mut self) -> Option<u64> {
        self.recv().await
    }
}

async fn produce(sender: impl Send2, items: u64) {
    for i in 0..items {
        if !sender.put(i).await {
            break;
        }
    }
}

async fn consume(mut receiver: impl Recv2) -> u64 {
    let mut sum = 0;
    while let Some(i) = receiver.take().await {
        sum += i;
    }
    sum
}

/// Sums what the receiver yields. Generic over the concrete type so the hot loop is not boxed.
async fn consume_concrete<R: Recv2>(receiver: R) -> u64 {
    consume(receiver).await
}

/// As the demo's consumers do: lock the shared receiver for each item.
async fn consume_shared<R: Recv2>(shared: Arc<tokio::sync::Mutex<R>>) -> u64 {
    let mut sum = 0;
    loop {
        let next = shared.lock().await.take().await;
        match next {
            Some(i) => sum += i,
            None => return sum,
        }
    }
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn tokio_ct_spawned(items: u64, capacity: Option<usize>) -> u64 {
    current_thread().block_on(async move {
        match capacity {
            None => {
                let (s, r) = tokio::sync::mpsc::unbounded_channel::<u64>();
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_concrete(r)).await.expect("consumer")
            }
            Some(c) => {
                let (s, r) = tokio::sync::mpsc::channel::<u64>(c);
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_concrete(r)).await.expect("consumer")
            }
        }
    })
}

fn tokio_ct_main(items: u64, capacity: Option<usize>) -> u64 {
    current_thread().block_on(async move {
        match capacity {
            None => {
                let (s, r) = tokio::sync::mpsc::unbounded_channel::<u64>();
                tokio::spawn(produce(s, items));
                consume_concrete(r).await
            }
            Some(c) => {
                let (s, r) = tokio::sync::mpsc::channel::<u64>(c);
                tokio::spawn(produce(s, items));
                consume_concrete(r).await
            }
        }
    })
}

fn tokio_ct_mutex(items: u64, capacity: Option<usize>) -> u64 {
    current_thread().block_on(async move {
        match capacity {
            None => {
                let (s, r) = tokio::sync::mpsc::unbounded_channel::<u64>();
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_shared(Arc::new(tokio::sync::Mutex::new(r))))
                    .await
                    .expect("consumer")
            }
            Some(c) => {
                let (s, r) = tokio::sync::mpsc::channel::<u64>(c);
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_shared(Arc::new(tokio::sync::Mutex::new(r))))
                    .await
                    .expect("consumer")
            }
        }
    })
}

fn tokio_ct_async_channel(items: u64, capacity: Option<usize>) -> u64 {
    current_thread().block_on(async move {
        let (s, r) = match capacity {
            None => smol::channel::unbounded::<u64>(),
            Some(c) => smol::channel::bounded::<u64>(c),
        };
        tokio::spawn(async move {
            for i in 0..items {
                if s.send(i).await.is_err() {
                    break;
                }
            }
        });
        tokio::spawn(async move {
            let mut sum = 0;
            while let Ok(i) = r.recv().await {
                sum += i;
            }
            sum
        })
        .await
        .expect("consumer")
    })
}

fn tokio_mt_spawned(items: u64, capacity: Option<usize>) -> u64 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("runtime");
    runtime.block_on(async move {
        match capacity {
            None => {
                let (s, r) = tokio::sync::mpsc::unbounded_channel::<u64>();
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_concrete(r)).await.expect("consumer")
            }
            Some(c) => {
                let (s, r) = tokio::sync::mpsc::channel::<u64>(c);
                tokio::spawn(produce(s, items));
                tokio::spawn(consume_concrete(r)).await.expect("consumer")
            }
        }
    })
}

fn async_channel(
    capacity: Option<usize>,
) -> (smol::channel::Sender<u64>, smol::channel::Receiver<u64>) {
    match capacity {
        None => smol::channel::unbounded(),
        Some(c) => smol::channel::bounded(c),
    }
}

async fn produce_ac(s: smol::channel::Sender<u64>, items: u64) {
    for i in 0..items {
        if s.send(i).await.is_err() {
            break;
        }
    }
}

async fn consume_ac(r: smol::channel::Receiver<u64>) -> u64 {
    let mut sum = 0;
    while let Ok(i) = r.recv().await {
        sum += i;
    }
    sum
}

fn smol_local_main(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel(capacity);
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {
        ex.spawn(produce_ac(s, items)).detach();
        consume_ac(r).await
    }))
}

fn smol_local_channel_1(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel_1(capacity);
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {
        ex.spawn(async move {
            for i in 0..items {
                if s.send(i).await.is_err() {
                    break;
                }
            }
        })
        .detach();
        let mut sum = 0;
        while let Ok(i) = r.recv().await {
            sum += i;
        }
        sum
    }))
}

fn smol_local_spawned(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel(capacity);
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {
        ex.spawn(produce_ac(s, items)).detach();
        ex.spawn(consume_ac(r)).await
    }))
}

fn smol_global_spawned(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel(capacity);
    smol::block_on(async {
        smol::spawn(produce_ac(s, items)).detach();
        smol::spawn(consume_ac(r)).await
    })
}

fn async_std_local(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel_1(capacity);
    async_std::task::block_on(async {
        async_std::task::spawn_local(async move {
            for i in 0..items {
                if s.send(i).await.is_err() {
                    break;
                }
            }
        });
        let mut sum = 0;
        while let Ok(i) = r.recv().await {
            sum += i;
        }
        sum
    })
}

fn async_std_spawn(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = async_channel_1(capacity);
    async_std::task::block_on(async {
        async_std::task::spawn(async move {
            for i in 0..items {
                if s.send(i).await.is_err() {
                    break;
                }
            }
        });
        let mut sum = 0;
        while let Ok(i) = r.recv().await {
            sum += i;
        }
        sum
    })
}

fn async_channel_1(
    capacity: Option<usize>,
) -> (async_std::channel::Sender<u64>, async_std::channel::Receiver<u64>) {
    match capacity {
        None => async_std::channel::unbounded(),
        Some(c) => async_std::channel::bounded(c),
    }
}

fn futures_localpool(items: u64, capacity: Option<usize>) -> u64 {
    let mut pool = futures::executor::LocalPool::new();
    let receiver = futures_channel(&pool.spawner(), capacity, items);
    pool.run_until(receiver.fold(0, |sum, i| async move { sum + i }))
}

fn futures_channel(
    spawner: &impl LocalSpawnExt,
    capacity: Option<usize>,
    items: u64,
) -> futures::stream::LocalBoxStream<'static, u64> {
    match capacity {
        None => {
            let (s, r) = futures::channel::mpsc::unbounded();
            spawner
                .spawn_local(async move {
                    for i in 0..items {
                        if s.unbounded_send(i).is_err() {
                            break;
                        }
                    }
                })
                .expect("spawn");
            r.boxed_local()
        }
        Some(c) => {
            let (mut s, r) = futures::channel::mpsc::channel(c.saturating_sub(1));
            spawner
                .spawn_local(async move {
                    for i in 0..items {
                        if s.send(i).await.is_err() {
                            break;
                        }
                    }
                })
                .expect("spawn");
            r.boxed_local()
        }
    }
}

fn futures_threadpool(items: u64, capacity: Option<usize>) -> u64 {
    let pool =
        futures::executor::ThreadPool::builder().pool_size(2).create().expect("pool");
    let receiver: futures::stream::BoxStream<'static, u64> = match capacity {
        None => {
            let (s, r) = futures::channel::mpsc::unbounded();
            pool.spawn(async move {
                for i in 0..items {
                    if s.unbounded_send(i).is_err() {
                        break;
                    }
                }
            })
            .expect("spawn");
            r.boxed()
        }
        Some(c) => {
            let (mut s, r) = futures::channel::mpsc::channel(c.saturating_sub(1));
            pool.spawn(async move {
                for i in 0..items {
                    if s.send(i).await.is_err() {
                        break;
                    }
                }
            })
            .expect("spawn");
            r.boxed()
        }
    };
    let sum = pool
        .spawn_with_handle(receiver.fold(0, |sum, i| async move { sum + i }))
        .expect("spawn");
    futures::executor::block_on(sum)
}

fn threads_crossbeam(items: u64, capacity: Option<usize>) -> u64 {
    let (s, r) = match capacity {
        None => crossbeam_channel::unbounded(),
        Some(c) => crossbeam_channel::bounded(c),
    };
    std::thread::scope(|scope| {
        scope.spawn(move || (0..items).try_for_each(|i| s.send(i)));
        r.iter().sum()
    })
}

fn threads_std(items: u64, capacity: Option<usize>) -> u64 {
    std::thread::scope(|scope| match capacity {
        None => {
            let (s, r) = std::sync::mpsc::channel();
            scope.spawn(move || (0..items).try_for_each(|i| s.send(i)));
            r.iter().sum()
        }
        Some(c) => {
            let (s, r) = std::sync::mpsc::sync_channel(c);
            scope.spawn(move || (0..items).try_for_each(|i| s.send(i)));
            r.iter().sum()
        }
    })
}

fn threads_batched(items: u64, capacity: Option<usize>) -> u64 {
    let batch = capacity.unwrap_or(100).min(100) as u64;
    let produce = move |send: &dyn Fn(Vec<u64>) -> bool| {
        let mut next = 0;
        while next < items {
            let end = (next + batch).min(items);
            if !send((next..end).collect()) {
                break;
            }
            next = end;
        }
    };
    std::thread::scope(|scope| match capacity {
        None => {
            let (s, r) = std::sync::mpsc::channel::<Vec<u64>>();
            scope.spawn(move || produce(&|b| s.send(b).is_ok()));
            r.iter().flatten().sum()
        }
        Some(_) => {
            let (s, r) = std::sync::mpsc::sync_channel::<Vec<u64>>(1);
            scope.spawn(move || produce(&|b| s.send(b).is_ok()));
            r.iter().flatten().sum()
        }
    })
}
