//! The pitfalls the `crawl` chapter names, measured: scraper's `Html` held across an
//! `.await` in a task that must be `Send`; a blocking client inside an async runtime; clients
//! with no timeout unless one is set; and what appending to one file from many tasks costs,
//! three ways, with no line torn or lost in any. Each writes what it measured to
//! `docs/src/outputs/crawl-*.txt` (numbers may change between runs, words may not):
//!
//! ```text
//! cargo test --release -p crawl --test pitfalls -- --nocapture
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use site::crawl::AREQ_PAGES;
use site::{Config, Site};
use testing::{check_docs_output, workspace_root};

fn outputs() -> PathBuf {
    workspace_root(env!("CARGO_MANIFEST_DIR")).join("docs/src/outputs")
}

/// The newest `lib<name>-*.rlib` beside this test's own binary: the crate as this build made it.
fn rlib(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("this test's path");
    let deps = exe.parent().expect("target/<profile>/deps");
    let prefix = format!("lib{name}-");
    std::fs::read_dir(deps)
        .expect("the deps folder")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default();
            file.starts_with(&prefix) && file.ends_with(".rlib")
        })
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
        .unwrap_or_else(|| panic!("no lib{name} built in {}", deps.display()))
}

#[test]
fn docs_output_an_html_document_held_across_an_await_is_not_send() {
    let exe = std::env::current_exe().expect("this test's path");
    let deps = exe.parent().expect("the deps folder").to_owned();
    let out =
        std::env::temp_dir().join(format!("crawl-not-send-{}.rmeta", std::process::id()));
    let output =
        Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("snippets"))
            .args([
                "--edition",
                "2024",
                "--color",
                "never",
                "--crate-type",
                "bin",
                "--emit",
                "metadata",
                "-o",
            ])
            .arg(&out)
            .arg("-L")
            .arg(format!("dependency={}", deps.display()))
            .arg("--extern")
            .arg(format!("scraper={}", rlib("scraper").display()))
            .arg("not_send.rs")
            .output()
            .expect("rustc runs");
    let _ = std::fs::remove_file(&out);
    assert!(!output.status.success(), "not_send.rs compiled: it should not");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        stderr.starts_with("error: future cannot be sent between threads safely"),
        "{stderr}"
    );
    assert!(stderr.contains("has type `Html` which is not `Send`"), "{stderr}");
    assert!(stderr.contains("required by a bound in `spawn`"), "{stderr}");
    // The wording around these may shift between Rust releases: pin what the chapter relies on.
    let path = outputs().join("crawl-not-send.txt");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &stderr).expect("written");
    }
    let captured = std::fs::read_to_string(&path).expect("run `just docs-outputs`");
    assert!(
        captured.contains("has type `Html` which is not `Send`"),
        "{} is stale",
        path.display()
    );
}

/// The areq pages' URLs on `site`.
fn areq_urls(site: &Site) -> Vec<String> {
    AREQ_PAGES.iter().map(|page| format!("{}/areq/{}", site.url(), page.name)).collect()
}

#[test]
fn docs_output_a_blocking_client_inside_a_runtime_holds_its_thread() {
    // areq's eight pages from eight tasks on tokio's current-thread runtime: with ureq, which
    // blocks the one thread while it waits, and with reqwest, which awaits.
    let _turn = testing::one_at_a_time();
    let unit = Duration::from_millis(100);
    let site =
        Site::start(Config { unit, ..Config::default() }).expect("the site starts");
    let urls = areq_urls(&site);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let timed = |blocking: bool| -> f64 {
        let start = Instant::now();
        runtime.block_on(async {
            let agent: ureq::Agent =
                ureq::Agent::config_builder().proxy(None).build().into();
            let client = reqwest::Client::builder().no_proxy().build().expect("a client");
            let mut tasks = tokio::task::JoinSet::new();
            for url in urls.clone() {
                let (agent, client) = (agent.clone(), client.clone());
                tasks.spawn(async move {
                    if blocking {
                        let _ = agent.get(&url).call(); // blocks the runtime's only thread
                    } else {
                        let _ = client.get(&url).send().await;
                    }
                });
            }
            tasks.join_all().await;
        });
        start.elapsed().as_secs_f64() / unit.as_secs_f64()
    };
    let (blocking, awaiting) = (timed(true), timed(false));
    // The delays add up to 2.45 units; the slowest is 0.8.
    assert!(blocking >= 2.4, "ureq in tasks took {blocking:.2} units");
    assert!(
        awaiting < 0.6 * blocking,
        "reqwest took {awaiting:.2} units, ureq {blocking:.2}"
    );
    let text = format!(
        "8 pages (delays adding up to 2.45 tutorial seconds, the slowest 0.80), a tokio task each,\n\
         on the current-thread runtime:\n\
         ureq (blocking) inside the tasks: {blocking:.2} tutorial seconds: one page after another\n\
         reqwest (async):                  {awaiting:.2} tutorial seconds: the slowest page\n"
    );
    eprint!("{text}");
    check_docs_output(&outputs().join("crawl-blocking.txt"), &text);
}

#[test]
fn docs_output_no_client_times_out_unless_told() {
    // `/hang` never answers. Each client, as built by default, is given 1.5 s: none gives up.
    let site = Site::start(Config::default()).expect("the site starts");
    let url = format!("{}/hang", site.url());
    let wait = Duration::from_millis(1500);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let mut text = String::from(
        "GET /hang, which never answers, with each client as built by default:\n",
    );

    let client = reqwest::Client::builder().no_proxy().build().expect("a client");
    let answered = runtime.block_on(async {
        tokio::time::timeout(wait, client.get(&url).send()).await.is_ok()
    });
    assert!(!answered, "reqwest gave up by itself");
    let _ = writeln!(
        text,
        "reqwest::Client:         still waiting after {:.1} s",
        wait.as_secs_f64()
    );

    let (done, gave_up) = std::sync::mpsc::channel();
    let agent: ureq::Agent = ureq::Agent::config_builder().proxy(None).build().into();
    let to = url.clone();
    std::thread::spawn(move || {
        let outcome = agent.get(&to).call().map(|_| ());
        let _ = done.send(outcome.err().map(|e| e.to_string()));
    });
    assert!(gave_up.recv_timeout(wait).is_err(), "ureq gave up by itself");
    let _ = writeln!(
        text,
        "ureq::Agent:             still waiting after {:.1} s",
        wait.as_secs_f64()
    );

    let hyper_waits = runtime.block_on(async {
        let stream =
            tokio::net::TcpStream::connect(site.addr()).await.expect("connected");
        let io = hyper_util_free::Io(stream);
        io.hangs_within(wait).await
    });
    assert!(hyper_waits, "hyper gave up by itself");
    let _ = writeln!(
        text,
        "hyper's http1 client:    still waiting after {:.1} s",
        wait.as_secs_f64()
    );

    if let Some(python) = testing::python3() {
        let script = "import aiohttp\nprint(aiohttp.client.DEFAULT_TIMEOUT.total)";
        let output =
            Command::new(python).args(["-c", script]).output().expect("python3 runs");
        if output.status.success() {
            let total = String::from_utf8_lossy(&output.stdout).trim().to_owned();
            let _ = writeln!(
                text,
                "aiohttp.ClientSession:   gives up after {total} s (its default total timeout)"
            );
        }
    }
    eprint!("{text}");
    check_docs_output(&outputs().join("crawl-timeouts.txt"), &text);
    drop(site); // closes the connections still waiting, so the ureq thread ends too
}

/// hyper's low-level client on a plain tokio stream, without hyper-util: a two-method adapter
/// from tokio's IO traits to hyper's.
mod hyper_util_free {
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use http_body_util::Empty;
    use hyper::rt::{Read, ReadBufCursor, Write};
    use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

    pub struct Io(pub tokio::net::TcpStream);

    impl Read for Io {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            mut buf: ReadBufCursor<'_>,
        ) -> Poll<std::io::Result<()>> {
            // Read into a buffer of our own, then copy: no unsafe needed.
            let mut bytes = [0u8; 4096];
            let mut read = ReadBuf::new(&mut bytes);
            match Pin::new(&mut self.0).poll_read(cx, &mut read) {
                Poll::Ready(Ok(())) => {
                    buf.put_slice(read.filled());
                    Poll::Ready(Ok(()))
                }
                other => other,
            }
        }
    }

    impl Write for Io {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            Pin::new(&mut self.0).poll_write(cx, buf)
        }
        fn poll_flush(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_flush(cx)
        }
        fn poll_shutdown(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<std::io::Result<()>> {
            Pin::new(&mut self.0).poll_shutdown(cx)
        }
    }

    impl Io {
        /// Whether a GET of `/hang` on this connection is still unanswered after `wait`.
        pub async fn hangs_within(self, wait: Duration) -> bool {
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake::<_, Empty<&'static [u8]>>(self)
                    .await
                    .expect("a handshake");
            tokio::spawn(connection);
            let request = hyper::Request::get("/hang")
                .header("host", "127.0.0.1")
                .body(Empty::new())
                .expect("a request");
            tokio::time::timeout(wait, sender.send_request(request)).await.is_err()
        }
    }
}

/// Appends `pages` pages of `lines` lines each to `out`, concurrently, the way `how` says;
/// returns how long it took.
fn appends(how: &str, out: &Path, pages: usize, lines: usize) -> Duration {
    std::fs::write(out, "").expect("an empty file");
    let page = |i: usize| -> String {
        (0..lines)
            .map(|j| format!("http://127.0.0.1/graph/{i}\thttp://127.0.0.1/graph/{j}\n"))
            .collect()
    };
    let start = Instant::now();
    match how {
        "smol::fs" => smol::block_on(async {
            let permits = smol::lock::Semaphore::new(100);
            let ex = smol::LocalExecutor::new();
            ex.run(async {
                let tasks: Vec<_> = (0..pages)
                    .map(|i| {
                        let permits = &permits;
                        ex.spawn(async move {
                            use smol::io::AsyncWriteExt as _;
                            let _permit = permits.acquire().await;
                            let mut file = smol::fs::OpenOptions::new()
                                .append(true)
                                .open(out)
                                .await?;
                            file.write_all(page(i).as_bytes()).await?;
                            file.flush().await
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("appended");
                }
            })
            .await;
        }),
        "smol::unblock" => smol::block_on(async {
            let permits = smol::lock::Semaphore::new(100);
            let ex = smol::LocalExecutor::new();
            ex.run(async {
                let tasks: Vec<_> = (0..pages)
                    .map(|i| {
                        let (out, text, permits) = (out.to_owned(), page(i), &permits);
                        ex.spawn(async move {
                            let _permit = permits.acquire().await;
                            smol::unblock(move || {
                                std::fs::OpenOptions::new()
                                    .append(true)
                                    .open(out)?
                                    .write_all(text.as_bytes())
                            })
                            .await
                        })
                    })
                    .collect();
                for task in tasks {
                    task.await.expect("appended");
                }
            })
            .await;
        }),
        "one writer task" => smol::block_on(async {
            let ex = smol::LocalExecutor::new();
            ex.run(async {
                let (sender, receiver) = smol::channel::bounded::<String>(100);
                let writer = ex.spawn(async move {
                    use smol::io::AsyncWriteExt as _;
                    let file =
                        smol::fs::OpenOptions::new().append(true).open(out).await?;
                    let mut file = smol::io::BufWriter::new(file);
                    while let Ok(text) = receiver.recv().await {
                        file.write_all(text.as_bytes()).await?;
                    }
                    file.flush().await
                });
                let tasks: Vec<_> = (0..pages)
                    .map(|i| {
                        let sender = sender.clone();
                        ex.spawn(async move { sender.send(page(i)).await })
                    })
                    .collect();
                drop(sender);
                for task in tasks {
                    task.await.expect("sent");
                }
                writer.await.expect("written");
            })
            .await;
        }),
        other => panic!("no way {other}"),
    }
    let took = start.elapsed();
    // Every page's lines, each whole, none lost.
    let text = std::fs::read_to_string(out).expect("read back");
    let written: BTreeSet<&str> = text.lines().collect();
    assert_eq!(text.lines().count(), pages * lines, "{how}");
    assert_eq!(written.len(), pages * lines, "{how}: a line torn or doubled");
    for i in [0, pages / 2, pages - 1] {
        assert!(
            written.contains(
                format!("http://127.0.0.1/graph/{i}\thttp://127.0.0.1/graph/0").as_str()
            ),
            "{how}"
        );
    }
    took
}

#[test]
fn docs_output_appending_from_many_tasks_loses_nothing_and_costs_this() {
    // 10,000 pages of 9 links each, about what `crawl --depth 3` writes, from as many tasks.
    let _turn = testing::one_at_a_time();
    let dir = std::env::temp_dir().join(format!("crawl-appends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let out = dir.join("foundurls.txt");
    let (pages, lines) = (10_000, 9);
    let mut text = format!(
        "{pages} pages of {lines} lines, appended to one file by {pages} smol tasks, 100 at a time:\n"
    );
    for how in ["smol::fs", "smol::unblock", "one writer task"] {
        let took = appends(how, &out, pages, lines);
        let rate = pages as f64 / took.as_secs_f64();
        let _ = writeln!(
            text,
            "{how:<16} {:>8.1} ms  {rate:>9.0} pages/s  no line torn or lost",
            took.as_secs_f64() * 1e3
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprint!("{text}");
    testing::check_docs_output_release(&outputs().join("crawl-appends.txt"), &text);
}
