# Each target is a one-line alias; CI runs .ci/run, which is `make ci`.
.PHONY: build run test ci fmt clippy doc bench

build:
	cargo build --release --locked

run: build
	./target/release/bulletin ingest -o out fixtures

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
