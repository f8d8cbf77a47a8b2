//! Socle compiler (being written).
