# Each target is a one-line alias; CI runs .ci/run, which is `make ci`.
.PHONY: build run test ci fmt clippy doc bench

build:
	cargo build --release --locked

# Three fixtures are broken on purpose (encrypted, scanned, truncated): they are reported on stderr
# and make the exit code 1, which `-` tells make to accept; the other documents are in out/2021-13/.
# The expected outputs beside the fixtures (some are .txt files) are not inputs.
run: build
	-./target/release/bulletin ingest --exclude '*.expected*' -o out/2021-13 fixtures/2021-13

test:
	cargo test --workspace --locked

fmt:
	cargo fmt --all

clippy:
	cargo clippy --workspace --all-targets --locked -- -D warnings

doc:
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

ci:
	bash .ci/run

bench:
	bash bench/run.sh
