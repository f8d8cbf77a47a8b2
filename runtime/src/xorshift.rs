//! The pseudo-random stream the unit tests draw their cases from: fixed seeds, so a failing
//! case comes back on every run.

/// Marsaglia's xorshift64 from `seed` (not zero).
pub(crate) fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}
