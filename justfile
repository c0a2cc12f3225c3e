# async-walkthrough: the tutorials' concurrency ideas, once per Rust runtime.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Show the recipes.
default:
    @just --list --unsorted

# Run every variant of an example (or only the runtimes named), then the comparison table.
run example *args:
    @[ -d "examples/{{example}}" ] || { echo "error: no example '{{example}}'; \`just list\` shows them" >&2; exit 2; }
    cargo run --quiet --release --package {{example}} -- {{args}}

# List the examples: what each shows and the runtimes it has.
list:
    @cargo build --quiet --release --bins
    @for dir in examples/*/; do "target/release/$(basename "$dir")" --describe; done

# The test suite, as the README promises it.
test:
    cargo test --workspace

# Rerun the throughput and scale figures the README quotes (release build; a few minutes).
bench:
    cargo build --quiet --release --bins
    target/release/queue --bench 1000000
    target/release/offload --bench 100000
    target/release/gather --tasks 1000000 --unit 1s
    target/release/parallel
    target/release/download --bench 50000
    target/release/echo --bench
    target/release/event-loop --bench

# Check the performance goals (gather, queue, parallel, event-loop, download, crawl, echo, subprocess): ignored tests, one at a time, every one reported; release build, quiet machine.
goals:
    cargo test --release --no-fail-fast -p gather -p queue -p parallel -p event-loop -p download -p crawl -p echo -p subprocess -- --ignored --test-threads=1

# Model-check the own event loop's thread-safe inbox with loom (its own target folder: the cfg rebuilds what it touches).
loom:
    RUSTFLAGS="--cfg loom" cargo test -p event-loop --release --target-dir target/loom loom

# Run the own event loop's unit tests under valgrind: no memory error, no leak of ours (Miri is not available here).
valgrind:
    cargo test --quiet -p event-loop --bins --config "target.'cfg(all())'.runner = ['valgrind', '--error-exitcode=1', '--leak-check=full', '--errors-for-leak-kinds=definite', '--quiet']"

# Regenerate the outputs captured in docs/src/outputs/ from a release build (the tests fail when they are stale).
docs-outputs:
    UPDATE_DOCS=1 cargo test --release --workspace --quiet -- docs_output
    UPDATE_DOCS=1 cargo test --release --quiet --package copy-check --test headers

# Draw the book's timeline pictures (docs/pictures.txt) from a release build.
pictures:
    cargo build --quiet --release --bins
    @grep -v '^#' docs/pictures.txt | while read -r picture example args; do \
        [ -n "$picture" ] || continue; \
        echo "docs/src/pictures/$picture: $example $args"; \
        "target/release/$example" $args --no-table --timeline-svg "docs/src/pictures/$picture" > /dev/null 2>&1; \
    done

# Measure the book's charts (release builds, on a quiet machine: ten minutes) and draw them.
charts *names:
    cargo build --quiet --release --bins
    cargo run --quiet --release --package charts -- measure {{names}}
    cargo run --quiet --release --package charts -- draw

# Build the book into docs/book (installs mdbook when missing).
docs: _mdbook
    mdbook build docs

# Build the book and check every page in headless Chromium at 1280 px: nothing cut off, every picture loaded.
book-check: docs
    @command -v node >/dev/null || { echo "skipped: node not found"; exit 0; }
    @[ -d scripts/book-check/node_modules ] || npm ci --prefix scripts/book-check --no-fund --no-audit
    node scripts/book-check/check.mjs docs/book target/book-check 1280

# Serve the book at http://localhost:3000 while editing it.
docs-serve: _mdbook
    mdbook serve docs

# Serve the local site the IO examples talk to on 127.0.0.1:PORT, until Ctrl+C.
site port="8000" *args:
    cargo run --quiet --release --package site -- {{port}} {{args}}

# Build and run each variant file alone in a new package, compare with the runner (all, or: example [runtime ...]).
copy-check *args:
    cargo run --quiet --release --package copy-check -- {{args}}

# Format check, lints, tests, a copy-check of one variant per runtime, book: what CI runs.
ci: fmt-check clippy test (copy-check "--sample") docs

fmt-check:
    cargo fmt --all --check

clippy:
    cargo clippy --workspace --all-targets -- -D warnings

_mdbook:
    @command -v mdbook >/dev/null || cargo install --locked mdbook@0.5.4

# Time from process start to the first line, for one variant (release build).
startup example runtime:
    @cargo build --quiet --release --package {{example}}
    @python3 scripts/first_line.py target/release/{{example}} {{runtime}}
