//! The parts of the `socle` command that are exercised outside the binary too: the JSON Lines
//! protocol of `socle batch`, which the `batch_lines` fuzz target drives directly.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

pub mod lines;
