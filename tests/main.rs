//! Integration tests: one binary, a module per concern.

mod batch;
mod cli;
mod fixtures;
mod robustness;
mod util;
