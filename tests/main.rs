//! Integration tests: one binary, a module per concern.

mod cli;
mod fixtures;
mod util;
