//! The harness every example shares.
//!
//! An example's `main.rs` describes itself with [`Example`] and lists its variants once, with
//! [`variants!`]: for each runtime, the module whose file is a whole program of its own (a
//! `Params` struct with the runner's defaults, a `run(Params)`, and a `main()` that runs the
//! defaults). The harness does the rest, the same way for every example:
//!
//! - parses the common command line (runtimes, `--unit`, `--seed`, `--no-table`,
//!   `--timeline`) together with the example's own flags, and turns bad input into a one-line
//!   error with exit status 2, before any variant runs;
//! - runs a single runtime in-process, so that what runs is exactly the variant's code: its own
//!   `main()` when the command line asks for nothing but the defaults, its `run` otherwise
//!   (in a child, as below, when the runner serves the local site for it, or charts it);
//! - runs several by re-running itself once per runtime as a child process ([`child`]),
//!   streaming each child's output under a header, and measuring wall time, CPU, peak RSS and
//!   threads from outside; then prints the comparison [`table`] and, if asked, the
//!   [`timeline`].
//!
//! Variant files use nothing from here: the one workspace crate they may use is `pyrandom`.

pub mod child;
pub mod edition;
pub mod guard;
mod interrupt;
mod progress;
pub mod runtime;
pub mod table;
pub mod timeline;
pub mod unit;

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches};

pub use crate::runtime::Runtime;
use crate::table::{Outcome, Row};
use crate::timeline::{Classify, Track};

/// Set in a child's environment: run the one runtime named, in-process, and print no table.
pub const CHILD_ENV: &str = "WALKTHROUGH_CHILD";
/// Set in a child's environment when the parent writes to a terminal, so colour survives the pipe.
const COLOR_ENV: &str = "WALKTHROUGH_COLOR";

/// `println!` for the runner's own output, which returns a write error (as a
/// [`child::EchoError`]) instead of panicking.
macro_rules! say {
    () => {
        writeln!(std::io::stdout()).map_err(child::EchoError)?
    };
    ($($arg:tt)*) => {
        writeln!(std::io::stdout(), $($arg)*).map_err(child::EchoError)?
    };
}

/// An example with no flags of its own.
#[derive(Args, Debug, Clone, Default)]
pub struct NoArgs {}

/// What a variant is run with.
#[derive(Debug, Clone)]
pub struct Context<A> {
    /// The runtime to run.
    pub runtime: Runtime,
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the Python-compatible random number generator (`pyrandom`).
    pub seed: i64,
    /// Whether stdout wants colour: a terminal (possibly the parent's) with `NO_COLOR` unset.
    pub color: bool,
    /// Whether `--timeline` will chart this run's lines: an example may print more detail then.
    pub timeline: bool,
    /// The local web site's base URL (`http://127.0.0.1:<port>`), for an example that
    /// [needs one](Example::needs_site); empty otherwise.
    pub site: String,
    /// The example's own flags.
    pub args: A,
}

/// An error in what the user asked for, found after parsing: reported like a clap error
/// (one line, exit status 2) rather than as a failure of the program.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The flags every example takes.
#[derive(Args, Debug, Clone)]
struct Common {
    /// How long one tutorial second lasts: 1s, 50ms, 250us [default: the example's own]
    #[arg(long, value_name = "DURATION", value_parser = parse_unit, allow_hyphen_values = true)]
    unit: Option<Duration>,
    /// Seed of the Python-compatible random number generator
    #[arg(long, value_name = "N", default_value_t = 444, allow_negative_numbers = true)]
    seed: i64,
    /// Print the variants' own output only, without the comparison table
    #[arg(long)]
    no_table: bool,
    /// After the table, draw when each output line appeared, per runtime
    #[arg(long)]
    timeline: bool,
    /// Draw the timeline as an SVG picture into PATH (the book's pictures are made so)
    #[arg(long, value_name = "PATH")]
    timeline_svg: Option<PathBuf>,
    /// Print a one-line description of this example (used by `just list`)
    #[arg(long, hide = true)]
    describe: bool,
    /// The local web site to talk to, e.g. http://127.0.0.1:8000 from `just site` [default: one
    /// started for this run, on a free port]
    #[arg(long, value_name = "URL", value_parser = parse_site)]
    site: Option<String>,
    /// Print which entry point of the variant would run, `main()` or `run(params)`, and exit
    /// (the tests check that the runner's defaults are each variant's own)
    #[arg(long, hide = true)]
    entry: bool,
}

fn parse_unit(text: &str) -> Result<Duration, unit::UnitError> {
    unit::parse_duration(text)
}

/// `--site URL`: an `http://` base URL on this machine (the examples talk to loopback only).
fn parse_site(text: &str) -> Result<String, String> {
    let Some(rest) = text.strip_prefix("http://").filter(|r| !r.contains(char::is_whitespace)) else {
        return Err("expected a base URL such as http://127.0.0.1:8000".to_owned());
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    let loopback = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(format!(
            "{host:?} is not this machine: the site must be on 127.0.0.1, localhost or [::1]"
        ));
    }
    Ok(text.to_owned())
}

/// A variant's run, prepared from the command line: its parameters are built and checked.
pub struct Prepared {
    defaults: bool,
    run: Box<dyn FnOnce() -> anyhow::Result<()>>,
}

impl Prepared {
    /// Wraps what runs the variant; `defaults` says whether that is the variant's own `main()`
    /// (the command line asked for exactly the variant's defaults).
    pub fn new(defaults: bool, run: impl FnOnce() -> anyhow::Result<()> + 'static) -> Prepared {
        Prepared { defaults, run: Box::new(run) }
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Prepared(..)")
    }
}

/// What a variant's `main` or `run` returns, as the harness sees it: `()`, or a `Result`.
pub trait Finish {
    /// Turns it into the harness's result.
    fn finish(self) -> anyhow::Result<()>;
}

impl Finish for () {
    fn finish(self) -> anyhow::Result<()> {
        Ok(())
    }
}

impl<E: Into<anyhow::Error>> Finish for Result<(), E> {
    fn finish(self) -> anyhow::Result<()> {
        self.map_err(Into::into)
    }
}

/// One variant of an example: its runtime, and how to prepare its run from the command line.
pub struct Variant<A> {
    runtime: Runtime,
    prepare: fn(&Context<A>) -> anyhow::Result<Prepared>,
}

impl<A> Variant<A> {
    /// The variant for `runtime`; `prepare` builds and checks its parameters (an error is a
    /// usage error, exit status 2) and returns what runs it. [`variants!`] writes these.
    pub fn new(runtime: Runtime, prepare: fn(&Context<A>) -> anyhow::Result<Prepared>) -> Variant<A> {
        Variant { runtime, prepare }
    }
}

impl<A> fmt::Debug for Variant<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variant").field("runtime", &self.runtime).finish_non_exhaustive()
    }
}

/// Lists an example's variants once: how the command line becomes each variant's `Params`,
/// and which module is the variant of which runtime.
///
/// Each module is a whole program: `pub struct Params` (with `Default` and `PartialEq`),
/// `pub fn run(Params)` and `pub fn main()`. The first line maps the command line onto the
/// fields that every variant's `Params` has. Each following line names a runtime and its
/// module; `.check()` after the module when its `Params` has a `check` method, which then runs
/// before any variant starts (its error is a usage error); `= Params { ... }` at the end when
/// this variant's `Params` has other fields than the rest. When the command line asks for
/// exactly the defaults, the variant's own `main()` runs, as it does when the file is copied
/// alone; otherwise its `run(params)`.
///
/// ```ignore
/// walkthrough::variants! {
///     |cx: Context<NoArgs>| Params { unit: cx.unit };
///     Sync => variants::sync,
///     Tokio => variants::tokio,
///     Threads => variants::threads.check(),
///     Processes => variants::processes = Params { workers: 2 },
/// }
/// ```
#[macro_export]
macro_rules! variants {
    (
        |$cx:ident : $context:ty| Params $fields:tt;
        $($runtime:ident => $($module:ident)::+ $(.$check:ident())? $(= Params $own:tt)?),+ $(,)?
    ) => {
        ::std::vec![$(
            $crate::Variant::new($crate::Runtime::$runtime, |$cx: &$context| {
                let _ = $cx; // unused by a variant with parameters of its own
                let params = $crate::__params!([$($own)?] $fields, $($module)::+);
                $crate::__check_params!([$($check)?] $runtime, params, $($module)::+);
                let defaults = params == <$($module)::+::Params as ::std::default::Default>::default();
                ::std::result::Result::Ok($crate::Prepared::new(defaults, move || {
                    if defaults {
                        $crate::Finish::finish($($module)::+::main())
                    } else {
                        $crate::init_tracing();
                        $crate::Finish::finish($($module)::+::run(params))
                    }
                }))
            })
        ),+]
    };
}

/// Builds a variant's `Params` for [`variants!`]: its own fields where it names them, the
/// shared ones otherwise; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __params {
    ([] $fields:tt, $($module:ident)::+) => {
        $($module)::+::Params $fields
    };
    ([$own:tt] $fields:tt, $($module:ident)::+) => {
        $($module)::+::Params $own
    };
}

/// Runs a variant's `Params::check` where [`variants!`] names one; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __check_params {
    ([] $runtime:ident, $params:ident, $($module:ident)::+) => {};
    ([$check:ident] $runtime:ident, $params:ident, $($module:ident)::+) => {
        $($module)::+::Params::$check(&$params).map_err(|err| {
            $crate::UsageError(::std::format!("{}: {err:#}", $crate::Runtime::$runtime.name()))
        })?;
    };
}

/// How long one runtime's row of an example takes at most, in tutorial seconds, given the
/// example's flags: the runner refuses a run whose rows would take more than [`MAX_RUN`].
pub type Length<A> = fn(&A, Runtime) -> f64;

/// What runs in the runner's process beside each row's child, on the runner's thread: it
/// watches the child's lines as they come (to wait for "Serving on ..."), can signal it, and
/// returns lines of its own, printed under the row (a load generator's figures). When it
/// returns, a child still running is sent SIGTERM.
pub type Beside<A> = fn(&Context<A>, &child::Watch) -> anyhow::Result<Vec<String>>;

/// Whether [`Beside`] runs, from the flags and whether one runtime was asked for.
pub type Applies<A> = fn(&A, bool) -> bool;

/// Limits on an example's flags taken together; the error says which, in one line.
pub type Limits<A> = fn(&A) -> Result<(), String>;

/// The longest run the runner starts: a `--unit` or a flag that would make the rows take
/// longer is refused up front.
pub const MAX_RUN: Duration = Duration::from_secs(10 * 60);

/// Runs instead of the variant when it returns `Some`: an example's `--bench` mode, which
/// measures the runtime rather than running the variant's program.
pub type Instead<A> = fn(&Context<A>) -> Option<anyhow::Result<()>>;

/// One concept, written once per runtime.
pub struct Example<A> {
    name: &'static str,
    about: &'static str,
    default_unit: Duration,
    python: Option<PathBuf>,
    classify: Classify,
    instead: Option<Instead<A>>,
    site: bool,
    length: Option<Length<A>>,
    limits: Option<Limits<A>>,
    beside: Option<(Applies<A>, Beside<A>)>,
}

impl<A> fmt::Debug for Example<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Example").field("name", &self.name).finish_non_exhaustive()
    }
}

impl<A: Args + FromArgMatches + Clone> Example<A> {
    /// An example called `name` (its binary's name), described in one line by `about`.
    pub fn new(name: &'static str, about: &'static str) -> Example<A> {
        Example {
            name,
            about,
            default_unit: Duration::from_secs(1),
            python: None,
            classify: timeline::by_text,
            instead: None,
            site: false,
            length: None,
            limits: None,
            beside: None,
        }
    }

    /// The `--unit` used when none is given.
    pub fn default_unit(mut self, unit: Duration) -> Example<A> {
        self.default_unit = unit;
        self
    }

    /// The Python peer, run as the `python` variant with `python3 -u <path>`.
    pub fn python_peer(mut self, path: impl Into<PathBuf>) -> Example<A> {
        self.python = Some(path.into());
        self
    }

    /// How `--timeline` turns output lines into marks (default: one row per distinct line).
    pub fn timeline_marks(mut self, classify: Classify) -> Example<A> {
        self.classify = classify;
        self
    }

    /// How long each row takes at most, in tutorial seconds, from the example's flags: with it
    /// the runner refuses, before any row runs, a run that would take more than [`MAX_RUN`].
    pub fn length(mut self, length: Length<A>) -> Example<A> {
        self.length = Some(length);
        self
    }

    /// Limits on the example's flags taken together (their product, say), checked before any
    /// row runs: an error is a usage error, one line and exit status 2.
    pub fn limits(mut self, limits: Limits<A>) -> Example<A> {
        self.limits = Some(limits);
        self
    }

    /// Runs `companion` in this process beside each row's child whenever `applies` (given the
    /// flags, and whether one runtime was asked for) says so: a load generator that must not
    /// be measured with the server it loads, or a stand-in for a person pressing Ctrl+C. A
    /// single runtime then runs as a child too.
    pub fn beside(mut self, applies: Applies<A>, companion: Beside<A>) -> Example<A> {
        self.beside = Some((applies, companion));
        self
    }

    /// The variants talk to the local web site: the runner starts one (or takes `--site`) and
    /// hands its URL to every variant and to the Python peer.
    pub fn needs_site(mut self) -> Example<A> {
        self.site = true;
        self
    }

    /// What runs instead of the variant when the command line asks for it (a `--bench` mode).
    pub fn instead(mut self, instead: Instead<A>) -> Example<A> {
        self.instead = Some(instead);
        self
    }

    /// Parses the command line and runs what it asks for, with `variants` (from
    /// [`variants!`], in the order they run and are listed). Returns the exit code.
    ///
    /// # Panics
    /// When two variants name the same runtime, or one names `python`: a mistake in the
    /// example's `main.rs`, caught the first time it runs.
    pub fn run(self, variants: Vec<Variant<A>>) -> ExitCode {
        for (i, variant) in variants.iter().enumerate() {
            assert!(variant.runtime != Runtime::Python, "{}: python is the peer, not a variant", self.name);
            assert!(
                !variants[..i].iter().any(|v| v.runtime == variant.runtime),
                "{}: two variants for {}",
                self.name,
                variant.runtime
            );
        }
        // Printing into a closed pipe (`| head`) ends the program quietly, as it does a C
        // program, instead of panicking in `println!`; any other write error is one line.
        sigpipe::reset();
        guard::quiet_write_errors();
        let in_child = std::env::var_os(CHILD_ENV).is_some();
        guard::die_with_parent(in_child);
        // Not in a process this program started itself (a worker, a child it reads a line
        // from): its parent may close the pipe early, and that is no reason to end it.
        if !in_child && !guard::started_by_this_program() {
            guard::watch_stdout();
        }
        match self.try_run(std::env::args_os().collect(), &variants) {
            Ok(code) => code,
            Err(err) => {
                if let Some(usage) = err.downcast_ref::<UsageError>() {
                    guard::error_line(usage);
                    return ExitCode::from(2);
                }
                guard::error_line(format_args!("{err:#}"));
                if err.downcast_ref::<child::EchoError>().is_some() {
                    return ExitCode::from(guard::WRITE_FAILED);
                }
                ExitCode::FAILURE
            }
        }
    }

    fn runtimes(&self, variants: &[Variant<A>]) -> Vec<Runtime> {
        let mut all: Vec<Runtime> = variants.iter().map(|v| v.runtime).collect();
        if self.python.is_some() {
            all.push(Runtime::Python);
        }
        all
    }

    fn try_run(self, argv: Vec<OsString>, variants: &[Variant<A>]) -> anyhow::Result<ExitCode> {
        let available = self.runtimes(variants);
        let positionals = A::augment_args(clap::Command::new(self.name)).get_positionals().next().is_some();
        let (chosen, rest) = split_runtimes(&argv, &available, positionals);
        let matches = match self.command(&available).try_get_matches_from(&rest) {
            Ok(matches) => matches,
            Err(err) => return Ok(report_clap_error(err)),
        };
        let (common, args) = match parse_args::<A>(&matches) {
            Ok(parsed) => parsed,
            Err(err) => return Ok(report_clap_error(err)),
        };
        if common.describe {
            let names: Vec<&str> = available.iter().map(|r| r.label()).collect();
            say!("{:<10} {}\n{:<10} runtimes: {}", self.name, self.about, "", names.join(", "));
            return Ok(ExitCode::SUCCESS);
        }
        guard::check_environment().map_err(UsageError)?;
        let unit = common.unit.unwrap_or(self.default_unit);
        let in_child = std::env::var_os(CHILD_ENV).is_some();
        let single = chosen.len() == 1;
        let color =
            if in_child { std::env::var_os(COLOR_ENV).is_some() } else { wants_color(&std::io::stdout()) };
        // The local web site, for the examples that talk to one: the one named by `--site`, or
        // one started here, in this process (never in a measured child), for the whole run.
        let mut own_site = None;
        let site_url = match (&common.site, self.site) {
            (Some(url), true) => url.trim_end_matches('/').to_owned(),
            (Some(_), false) => return Err(UsageError(format!("{} needs no --site", self.name)).into()),
            (None, true) if common.entry => String::from("(a site started for this run)"),
            // A worker process of a variant (this program, re-run by itself): its parent talks
            // to the site and hands it the work; a second site would go unused.
            (None, true) if guard::started_by_this_program() => site::DEFAULT_URL.to_owned(),
            (None, true) => {
                let config = site::Config { unit, ..site::Config::default() };
                let started = site::Site::start(config).context("starting the local site")?;
                let url = started.url().to_owned();
                own_site = Some(started);
                url
            }
            (None, false) => String::new(),
        };
        let context = |runtime| Context {
            runtime,
            unit,
            seed: common.seed,
            color,
            timeline: common.timeline || common.timeline_svg.is_some(),
            site: site_url.clone(),
            args: args.clone(),
        };
        let variant = |runtime| variants.iter().find(|v| v.runtime == runtime);

        if let Some(limits) = self.limits {
            limits(&args).map_err(UsageError)?;
        }
        // Every chosen variant's parameters are checked before any of them runs.
        let mut prepared = Vec::with_capacity(chosen.len());
        for &runtime in &chosen {
            if let Some(variant) = variant(runtime) {
                prepared.push((runtime, (variant.prepare)(&context(runtime))?));
            }
        }

        // A run that would take too long is refused before anything starts.
        if let Some(length) = self.length
            && !in_child
            && !common.entry
        {
            let units: f64 = chosen.iter().map(|&runtime| length(&args, runtime)).sum();
            let seconds = units * unit.as_secs_f64();
            if seconds > MAX_RUN.as_secs_f64() {
                return Err(UsageError(format!(
                    "this run could take up to {:.0} minutes at --unit {} (the most is {}): use a smaller \
                     --unit, or fewer runtimes",
                    (seconds / 60.0).ceil(),
                    unit::human(unit),
                    MAX_RUN.as_secs() / 60
                ))
                .into());
            }
        }

        // A companion in the runner's process (a load generator) needs the variant in a child,
        // even when only one runtime runs.
        let beside = self.beside.is_some_and(|(applies, _)| applies(&args, single)) && !in_child;
        let charted = common.timeline || common.timeline_svg.is_some();
        // The site started here serves from this process: the variant runs in a child even
        // alone, so that the site's thread never competes with it inside one process (which
        // made a lone download run 8 ms slower than the same row of a table).
        let site_here = own_site.is_some();
        if in_child || (single && !charted && !beside && !site_here && chosen[0] != Runtime::Python) {
            let runtime = chosen[0];
            let cx = context(runtime);
            if let Some(instead) = self.instead
                && let Some(outcome) = instead(&cx)
            {
                init_tracing();
                outcome?;
                return Ok(ExitCode::SUCCESS);
            }
            let Some((_, run)) = prepared.into_iter().find(|(r, _)| *r == runtime) else {
                return Err(UsageError(format!("{} has no {runtime} variant", self.name)).into());
            };
            if common.entry {
                say!("{}", if run.defaults { "main()" } else { "run(params)" });
                return Ok(ExitCode::SUCCESS);
            }
            (run.run)()?;
            return Ok(ExitCode::SUCCESS);
        }
        drop(prepared);

        let show_headers = !single;
        let stop = interrupt::Stop::install()?;
        let progress = progress::Progress::new(chosen.len());
        let mut rows = Vec::new();
        for &runtime in &chosen {
            if stop.interrupted() {
                break;
            }
            if show_headers {
                let header = format!("── {} ── {}", runtime.label(), runtime.summary());
                progress.suspend(|| {
                    if color {
                        say!("\x1b[1m{header}\x1b[0m")
                    } else {
                        say!("{header}")
                    }
                    Ok::<_, anyhow::Error>(())
                })?;
            }
            let outcome = match self.child_command(runtime, &rest, unit, common.seed, color) {
                Ok(mut command) => {
                    if own_site.is_some() {
                        command.args(["--site", &site_url]);
                    }
                    let row = progress.row(runtime);
                    let cx = context(runtime);
                    let mut companion = self
                        .beside
                        .filter(|_| beside)
                        .map(|(_, run)| move |watch: &child::Watch| run(&cx, watch));
                    let companion = companion.as_mut().map(|c| c as child::Companion<'_>);
                    let measured =
                        child::run(command, progress.writer(std::io::stdout()), stop.current(), companion)?;
                    drop(row);
                    if stop.interrupted() { Outcome::Interrupted(measured) } else { Outcome::Ran(measured) }
                }
                Err(why) => {
                    say!("skipped: {why}");
                    Outcome::Skipped(why)
                }
            };
            if show_headers {
                say!();
            }
            rows.push(Row { runtime, outcome });
        }
        drop(progress);

        if !single && !common.no_table {
            say!("{}", table::render(&rows, unit).trim_end());
        }
        if charted {
            let tracks: Vec<Track<'_>> = rows
                .iter()
                .filter_map(|row| {
                    row.outcome.measurement().map(|m| Track { runtime: row.runtime, lines: &m.lines })
                })
                .collect();
            let span = rows
                .iter()
                .filter_map(|row| row.outcome.measurement().and_then(|m| m.lines.last().map(|(at, _)| *at)))
                .max()
                .unwrap_or(unit);
            if common.timeline {
                say!();
                say!("{}", timeline::render(&tracks, span, unit, self.classify).trim_end());
            }
            if let Some(path) = &common.timeline_svg {
                let svg = timeline::render_svg(&tracks, span, unit, self.classify);
                std::fs::write(path, svg).with_context(|| format!("writing {}", path.display()))?;
            }
        }
        std::io::stdout().flush().map_err(child::EchoError)?;

        if stop.interrupted() {
            return Ok(ExitCode::from(130));
        }
        let failed = rows.iter().any(|row| matches!(&row.outcome, Outcome::Ran(m) if !m.status.success()));
        Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
    }

    fn command(&self, available: &[Runtime]) -> clap::Command {
        let names: Vec<&'static str> = available.iter().map(|r| r.name()).chain(["all"]).collect();
        let listed: Vec<String> =
            available.iter().map(|r| format!("  {:<10} {}", r.name(), r.summary())).collect();
        let mut command = A::augment_args(clap::Command::new(self.name));
        let has_positionals = command.get_positionals().next().is_some();
        if !has_positionals {
            command = command.arg(
                Arg::new("runtime")
                    .value_name("RUNTIME")
                    .num_args(0..)
                    .action(ArgAction::Append)
                    .value_parser(clap::builder::PossibleValuesParser::new(names))
                    .help("Runtimes to run [default: all]"),
            );
        }
        // `augment_args` copies each struct's doc comment into `about`: set ours last.
        let site = self.site;
        Common::augment_args(command)
            .mut_arg("site", |arg| arg.hide(!site))
            .about(self.about)
            .long_about(None::<&str>)
            .after_help(format!(
                "Runtimes (any number, anywhere on the line; default: all, in this order):\n{}",
                listed.join("\n")
            ))
    }

    /// How to run one runtime as a child: this binary again, or the Python peer.
    fn child_command(
        &self,
        runtime: Runtime,
        rest: &[OsString],
        unit: Duration,
        seed: i64,
        color: bool,
    ) -> Result<Command, String> {
        let mut command = if runtime == Runtime::Python {
            let peer = self.python.as_deref().ok_or("this example has no Python peer")?;
            if !peer.is_file() {
                return Err(format!("{} not found", peer.display()));
            }
            let python = find_on_path("python3").ok_or("python3 not found")?;
            let mut command = Command::new(python);
            command.arg("-u").arg(peer);
            command.args(["--unit", &unit::to_arg(unit), "--seed", &seed.to_string()]);
            command.args(
                rest.iter()
                    .skip(1)
                    .scan(false, |skip_value, arg| {
                        // The runner's own flags stay here: the peer knows none of them.
                        let value = std::mem::take(skip_value);
                        let ours = matches!(arg.to_str(), Some("--no-table" | "--timeline"));
                        *skip_value = arg.to_str() == Some("--timeline-svg");
                        let keep = !(value
                            || ours
                            || *skip_value
                            || arg.to_str().is_some_and(|a| a.starts_with("--timeline-svg=")));
                        Some(keep.then_some(arg))
                    })
                    .flatten(),
            );
            command
        } else {
            let exe = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
            let mut command = Command::new(exe);
            command.arg(runtime.name()).args(rest.iter().skip(1));
            command
        };
        command.env(CHILD_ENV, "1");
        // The child gets a process group of its own: a terminal's Ctrl+C then reaches the
        // runner alone, which passes exactly one SIGINT on (interrupt.rs). Sent to both, a
        // program that drains on the first signal and quits on the second would see two.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        if color {
            command.env(COLOR_ENV, "1");
        }
        Ok(command)
    }
}

/// Takes the runtime names out of the command line, wherever they stand, so that an example's
/// own positional arguments can sit beside them. After `--` every word is a positional
/// argument, as clap reads it: a runtime name where the example has no positional arguments
/// of its own (anything else there is left for clap to refuse), the example's otherwise.
fn split_runtimes(
    argv: &[OsString],
    available: &[Runtime],
    positionals: bool,
) -> (Vec<Runtime>, Vec<OsString>) {
    let mut chosen = Vec::new();
    let mut rest = Vec::with_capacity(argv.len());
    let mut all = false;
    let mut after_dashes = false;
    let mut left_after_dashes = Vec::new();
    for (i, arg) in argv.iter().enumerate() {
        if i > 0 && !after_dashes && arg == OsStr::new("--") {
            after_dashes = true;
            continue;
        }
        let name = arg.to_str().filter(|_| i > 0 && !(after_dashes && positionals));
        match name.map(|n| (n, Runtime::from_name(n))) {
            Some(("all", _)) => all = true,
            Some((_, Some(runtime))) if available.contains(&runtime) => {
                if !chosen.contains(&runtime) {
                    chosen.push(runtime);
                }
            }
            _ if after_dashes => left_after_dashes.push(arg.clone()),
            _ => rest.push(arg.clone()),
        }
    }
    if !left_after_dashes.is_empty() {
        rest.push(OsString::from("--"));
        rest.extend(left_after_dashes);
    }
    if all || chosen.is_empty() {
        chosen = available.to_vec();
    }
    (chosen, rest)
}

fn parse_args<A: FromArgMatches>(matches: &ArgMatches) -> Result<(Common, A), clap::Error> {
    Ok((Common::from_arg_matches(matches)?, A::from_arg_matches(matches)?))
}

/// Prints a clap error as one line (help and version go out whole) and returns its exit code.
fn report_clap_error(err: clap::Error) -> ExitCode {
    if !err.use_stderr() {
        // --help and --version: on stdout, where a failure to write is still an error.
        return match write!(std::io::stdout(), "{}", err.render()).and_then(|()| std::io::stdout().flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                guard::error_line(format_args!("stdout: cannot write: {err}"));
                ExitCode::from(guard::WRITE_FAILED)
            }
        };
    }
    let text = err.render().to_string();
    let one_line: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information") && !l.starts_with("Usage:"))
        .collect();
    let _ = writeln!(std::io::stderr(), "{} (see --help)", one_line.join(" "));
    ExitCode::from(2)
}

/// The first executable called `program` in the folders of `PATH`.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Colour only on a terminal, and never with `NO_COLOR` set (<https://no-color.org>).
fn wants_color(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Logs go to stderr through `tracing`, with thread names, ANSI only on a terminal.
/// `RUST_LOG` filters them (default: info). A variant's own `main()` sets up the same.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(wants_color(&std::io::stderr()))
        .with_thread_names(true)
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(items: &[&str]) -> Vec<OsString> {
        items.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_site_must_be_on_this_machine() {
        for site in
            ["http://127.0.0.1:8000", "http://localhost:80", "http://[::1]:8000", "http://127.1.2.3/x"]
        {
            assert_eq!(parse_site(site).as_deref(), Ok(site), "{site}");
        }
        for site in
            ["http://example.com", "http://10.0.0.1:8000", "http://127.0.0.1.example.com:80", "ftp://x"]
        {
            assert!(parse_site(site).is_err(), "{site}");
        }
    }

    #[test]
    fn runtimes_are_taken_out_wherever_they_stand() {
        let available = [Runtime::Sync, Runtime::Tokio, Runtime::Smol];
        let (chosen, rest) =
            split_runtimes(&argv(&["ex", "tokio", "--unit", "5ms", "sync", "9", "tokio"]), &available, true);
        assert_eq!(chosen, [Runtime::Tokio, Runtime::Sync]);
        assert_eq!(rest, argv(&["ex", "--unit", "5ms", "9"]));
    }

    #[test]
    fn no_runtime_or_all_means_every_one() {
        let available = [Runtime::Sync, Runtime::Tokio];
        assert_eq!(split_runtimes(&argv(&["ex"]), &available, false).0, available);
        assert_eq!(split_runtimes(&argv(&["ex", "tokio", "all"]), &available, false).0, available);
    }

    #[test]
    fn a_runtime_this_example_lacks_is_left_for_clap_to_refuse() {
        let available = [Runtime::Sync];
        let (chosen, rest) = split_runtimes(&argv(&["ex", "rayon", "--", "sync"]), &available, false);
        assert_eq!(chosen, [Runtime::Sync]);
        assert_eq!(rest, argv(&["ex", "rayon"]));
        let (_, rest) = split_runtimes(&argv(&["ex", "--", "sync", "--unit"]), &available, false);
        assert_eq!(rest, argv(&["ex", "--", "--unit"]));
    }

    #[test]
    fn after_dashes_runtime_names_are_runtimes_unless_the_example_has_positionals() {
        let available = [Runtime::Sync, Runtime::Tokio];
        let (chosen, rest) = split_runtimes(&argv(&["ex", "--unit", "1ms", "--", "sync"]), &available, false);
        assert_eq!((chosen.as_slice(), rest), (&[Runtime::Sync][..], argv(&["ex", "--unit", "1ms"])));
        let (chosen, rest) = split_runtimes(&argv(&["ex", "tokio", "--", "9", "6"]), &available, true);
        assert_eq!((chosen.as_slice(), rest), (&[Runtime::Tokio][..], argv(&["ex", "--", "9", "6"])));
    }
}
