//! Each page of the site, fetched over a real loopback connection with a plain HTTP/1.1
//! client written here (a request line, headers, and the raw answer), so that what is tested
//! is the bytes on the wire, including a reset and a silence.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use site::{Config, Site, pages};

const UNIT: Duration = Duration::from_millis(10);

fn site() -> Site {
    Site::start(Config { unit: UNIT, page_delay: 5.0, ..Config::default() }).expect("the site starts")
}

/// One answer, as read off the wire.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    took: Duration,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// `GET path` on a new connection (`Connection: close`): the status, headers and whole body,
/// or the error that cut it short.
fn get(addr: SocketAddr, path: &str) -> Result<Answer, (std::io::Error, Vec<u8>)> {
    let start = Instant::now();
    let mut stream = TcpStream::connect(addr).map_err(|e| (e, Vec::new()))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| (e, Vec::new()))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        .map_err(|e| (e, Vec::new()))?;
    let mut reader = BufReader::new(stream);
    let mut status_line = String::new();
    reader.read_line(&mut status_line).map_err(|e| (e, Vec::new()))?;
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| (e, Vec::new()))?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(": ").expect("a header line");
        headers.push((name.to_owned(), value.to_owned()));
    }
    let mut body = Vec::new();
    match reader.read_to_end(&mut body) {
        Ok(_) => Ok(Answer { status, headers, body, took: start.elapsed() }),
        Err(err) => Err((err, body)),
    }
}

#[test]
fn the_download_pages_have_their_sizes_and_take_the_page_delay() {
    let site = site();
    for (path, size) in [("/jython", pages::JYTHON_BYTES), ("/dice", pages::DICE_BYTES)] {
        let answer = get(site.addr(), path).expect("an answer");
        assert_eq!(answer.status, 200);
        assert_eq!(answer.body.len(), size, "{path}");
        assert_eq!(answer.header("content-length"), Some(size.to_string().as_str()));
        assert!(answer.header("content-type").unwrap_or_default().starts_with("text/html"));
        // 5 tutorial seconds of 10 ms.
        assert!(answer.took >= Duration::from_millis(50), "{path} took {:?}", answer.took);
        assert!(answer.took < Duration::from_secs(2), "{path} took {:?}", answer.took);
    }
}

#[test]
fn statuses_delays_and_unknown_pages() {
    let site = site();
    for code in [200, 201, 404, 500, 503] {
        let answer = get(site.addr(), &format!("/status/{code}")).expect("an answer");
        assert_eq!(answer.status, code);
    }
    assert_eq!(get(site.addr(), "/status/abc").expect("an answer").status, 400);
    let answer = get(site.addr(), "/delay/3").expect("an answer");
    assert_eq!(answer.status, 200);
    assert!(answer.took >= Duration::from_millis(30), "{:?}", answer.took);
    assert_eq!(get(site.addr(), "/delay/-1").expect("an answer").status, 400);
    assert_eq!(get(site.addr(), "/nowhere").expect("an answer").status, 404);
}

#[test]
fn redirects_count_down_and_the_loop_never_ends() {
    let site = site();
    let answer = get(site.addr(), "/redirect/3").expect("an answer");
    assert_eq!((answer.status, answer.header("location")), (302, Some("/redirect/2")));
    assert_eq!(get(site.addr(), "/redirect/0").expect("an answer").status, 200);
    let answer = get(site.addr(), "/redirect-loop").expect("an answer");
    assert_eq!((answer.status, answer.header("location")), (302, Some("/redirect-loop")));
}

#[test]
fn a_drip_is_slow_and_bytes_are_many() {
    let site = site();
    let answer = get(site.addr(), "/drip/50/10").expect("an answer");
    assert_eq!(answer.body, vec![b'*'; 50]);
    assert!(answer.took >= Duration::from_millis(100), "{:?}", answer.took);
    let answer = get(site.addr(), "/bytes/1000000").expect("an answer");
    assert_eq!(answer.header("content-length"), Some("1000000"));
    assert_eq!(answer.body.len(), 1_000_000);
}

#[test]
fn not_utf8_says_its_charset_and_is_not_utf8() {
    let site = site();
    let answer = get(site.addr(), "/not-utf8").expect("an answer");
    assert_eq!(answer.header("content-type"), Some("text/html; charset=iso-8859-1"));
    assert!(String::from_utf8(answer.body).is_err());
}

#[test]
fn reset_cuts_the_body_short_with_an_rst() {
    let site = site();
    let (err, body) = get(site.addr(), "/reset").expect_err("the body is cut short");
    assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    assert_eq!(body.len(), 1000, "the first 1000 bytes arrive before the reset");
}

#[test]
fn hang_never_answers() {
    let site = site();
    let mut stream = TcpStream::connect(site.addr()).expect("a connection");
    stream.set_read_timeout(Some(Duration::from_millis(300))).expect("a timeout");
    write!(stream, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n").expect("the request is sent");
    let mut buf = [0; 1];
    let err = stream.read(&mut buf).expect_err("no answer");
    assert!(matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut), "{err}");
}

#[test]
fn links_and_the_index() {
    let site = site();
    let answer = get(site.addr(), "/links/10/3").expect("an answer");
    let page = String::from_utf8(answer.body).expect("UTF-8");
    assert_eq!(page.matches("<a href=\"/links/10/").count(), 9);
    assert_eq!(get(site.addr(), "/links/10/10").expect("an answer").status, 400);
    let index = String::from_utf8(get(site.addr(), "/").expect("an answer").body).expect("UTF-8");
    for (path, _) in pages::PAGES {
        assert!(index.contains(path), "the index does not list {path}");
    }
}

#[test]
fn it_counts_what_it_serves_and_stops_when_dropped() {
    let site = site();
    let addr = site.addr();
    assert!(site.url().starts_with("http://127.0.0.1:") && !site.url().ends_with('/'));
    for _ in 0..3 {
        get(addr, "/status/200").expect("an answer");
    }
    let stats = site.stats();
    assert_eq!((stats.requests, stats.connections), (3, 3));
    assert!(stats.peak_connections >= 1);
    // A connection left hanging does not keep it from stopping.
    let mut hanging = TcpStream::connect(addr).expect("a connection");
    write!(hanging, "GET /hang HTTP/1.1\r\nHost: x\r\n\r\n").expect("sent");
    let start = Instant::now();
    drop(site);
    assert!(start.elapsed() < Duration::from_secs(1), "stopping took {:?}", start.elapsed());
    let refused = TcpStream::connect(addr).expect_err("nothing listens any more");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused);
}

#[test]
fn a_port_in_use_is_an_error() {
    let first = site();
    let err = Site::start(Config { addr: first.addr(), ..Config::default() }).expect_err("the port is taken");
    assert_eq!(err.kind(), ErrorKind::AddrInUse);
}

#[test]
fn the_binary_prints_its_pages_serves_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_site"))
        .args(["0", "--unit", "10ms"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("the site starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    let url = first.split_whitespace().nth(1).expect("Serving <url> ...").to_owned();
    let addr: SocketAddr = url.trim_start_matches("http://").parse().expect("an address");
    assert_eq!(get(addr, "/dice").expect("an answer").body.len(), pages::DICE_BYTES);
    let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).expect("the rest");
    assert!(child.wait().expect("it exits").success());
    for (path, _) in pages::PAGES {
        assert!(rest.contains(path), "{path} is not listed:\n{rest}");
    }
    assert!(rest.ends_with("stopped\n"), "{rest}");
}

#[test]
fn a_download_page_takes_the_delay_its_query_asks_for() {
    let site = site(); // a page delay of 5 units of 10 ms
    for path in ["/jython?delay=0", "/dice?delay=0"] {
        let answer = get(site.addr(), path).expect("an answer");
        assert_eq!(answer.status, 200, "{path}");
        let size = if path.starts_with("/jython") { pages::JYTHON_BYTES } else { pages::DICE_BYTES };
        assert_eq!(answer.body.len(), size, "{path}");
        assert!(answer.took < Duration::from_millis(40), "{path} took {:?}", answer.took);
    }
    let answer = get(site.addr(), "/dice?x=1&delay=10").expect("an answer");
    assert_eq!(answer.body.len(), pages::DICE_BYTES);
    assert!(answer.took >= Duration::from_millis(100), "{:?}", answer.took);
    // Other query parameters leave the site's delay as it is.
    assert!(get(site.addr(), "/dice?x=1").expect("an answer").took >= Duration::from_millis(50));
    for bad in ["/dice?delay=-1", "/jython?delay=soon", "/dice?delay=3601"] {
        assert_eq!(get(site.addr(), bad).expect("an answer").status, 400, "{bad}");
    }
}

#[test]
fn it_counts_the_most_requests_answered_at_once() {
    let site = site(); // the download pages take 50 ms
    get(site.addr(), "/dice").expect("an answer");
    get(site.addr(), "/dice").expect("an answer");
    assert_eq!(site.stats().peak_in_flight, 1, "one after another");
    std::thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| get(site.addr(), "/jython").expect("an answer"));
        }
    });
    let stats = site.stats();
    assert_eq!((stats.requests, stats.peak_in_flight), (5, 3), "{stats:?}");
}

#[test]
fn delays_are_kept_to_a_fraction_of_a_millisecond() {
    // 4.45 ms, the download page at a unit of 50 ms: tokio's millisecond timer would answer
    // about 1 ms late on average. The fastest of twenty answers shows what the clock adds
    // (beside the request itself) on a machine that may be busy with other things.
    let site = Site::start(Config { unit: Duration::from_millis(50), ..Config::default() }).expect("a site");
    let mut stream = TcpStream::connect(site.addr()).expect("a connection");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("a timeout");
    let mut fastest = Duration::MAX;
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    for _ in 0..20 {
        let start = Instant::now();
        write!(stream, "GET /dice HTTP/1.1\r\nHost: x\r\n\r\n").expect("sent");
        let mut head = String::new();
        while !head.ends_with("\r\n\r\n") {
            reader.read_line(&mut head).expect("the head");
        }
        let mut body = vec![0; pages::DICE_BYTES];
        reader.read_exact(&mut body).expect("the body");
        fastest = fastest.min(start.elapsed());
    }
    let delay = Duration::from_micros(4450);
    assert!(fastest >= delay, "{fastest:?}");
    assert!(fastest < delay + Duration::from_micros(600), "{fastest:?}");
}
