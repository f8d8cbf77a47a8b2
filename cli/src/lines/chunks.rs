//! The reader of [`super::stream_parallel`]: the input cut into chunks of lines held in one
//! buffer each, so that handing lines to the workers costs one channel send and no allocation
//! per chunk rather than per line (chunks come back to the reader to be refilled). The lines
//! are those of [`super::next_line`]: the same ends, the same limit, `\r\n` alike, a last line
//! without `\n` still a line.

use std::io::{ErrorKind, Read};
use std::sync::mpsc::{Receiver, SyncSender};

/// Lines per chunk at most: enough to make the hand-over cheap next to deciding, few enough
/// that the workers share a short input and a slow line holds back little output.
pub(super) const CHUNK: usize = 64;

/// Bytes asked of the input at once.
const READ: usize = 16 * 1024;

/// Consecutive lines of the input, and their bytes.
#[derive(Default)]
pub(super) struct Chunk {
    /// The chunk's bytes are `bytes[..filled]`; the rest is room already zeroed, so that a
    /// read into it does not zero its 16 Kio again each time (a chunk is refilled over and
    /// over).
    bytes: Vec<u8>,
    filled: usize,
    /// Each line's bytes in `bytes`, or `None` for a line over the limit (its bytes dropped).
    lines: Vec<Option<(usize, usize)>>,
}

impl Chunk {
    pub(super) fn len(&self) -> usize {
        self.lines.len()
    }

    /// Each line: its bytes, or `None` when it is over the limit.
    pub(super) fn lines(&self) -> impl Iterator<Item = Option<&[u8]>> {
        self.lines
            .iter()
            .map(|line| line.map(|(start, end)| self.bytes.get(start..end).unwrap_or_default()))
    }

    fn clear(&mut self) {
        self.filled = 0;
        self.lines.clear();
    }

    fn filled(&self) -> &[u8] {
        self.bytes.get(..self.filled).unwrap_or_default()
    }

    /// Keeps the first `len` bytes.
    fn truncate(&mut self, len: usize) {
        self.filled = self.filled.min(len);
    }

    /// Appends `bytes`.
    fn extend(&mut self, bytes: &[u8]) {
        let end = self.filled + bytes.len();
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        if let Some(room) = self.bytes.get_mut(self.filled..end) {
            room.copy_from_slice(bytes);
        }
        self.filled = end;
    }

    /// `len` bytes of room after the filled ones, zeroed only the first time.
    fn room(&mut self, len: usize) -> &mut [u8] {
        let end = self.filled + len;
        if self.bytes.len() < end {
            self.bytes.resize(end, 0);
        }
        self.bytes.get_mut(self.filled..end).unwrap_or_default()
    }
}

/// Sends every line of `input` in chunks until its end, a read error, or the workers stop
/// taking chunks. A chunk leaves as soon as it is full or no complete line is left to cut
/// before reading more: a producer that writes a line and waits for its answer gets it.
pub(super) fn read_chunks(
    mut input: impl Read,
    max_line: u64,
    chunks: &SyncSender<Chunk>,
    recycled: &Receiver<Chunk>,
) -> std::io::Result<()> {
    let max = usize::try_from(max_line).unwrap_or(usize::MAX);
    // A line of this many bytes without its `\n` is over the limit whatever follows.
    let room = max.saturating_add(2);
    let fresh = || {
        let mut chunk = recycled.try_recv().unwrap_or_default();
        chunk.clear();
        chunk
    };
    let mut chunk = fresh();
    // The line being cut starts at `start`; `bytes[start..scanned]` holds no `\n`.
    let (mut start, mut scanned) = (0, 0);
    // The line being cut is over the limit: its bytes are dropped up to its `\n`.
    let mut skipping = false;
    loop {
        while chunk.lines.len() < CHUNK {
            let rest = chunk.filled().get(scanned..).unwrap_or_default();
            let Some(newline) = memchr::memchr(b'\n', rest).map(|i| scanned + i) else {
                scanned = chunk.filled;
                break;
            };
            let line = if std::mem::take(&mut skipping) {
                None
            } else {
                let mut end = newline;
                if end > start && chunk.filled().get(end - 1) == Some(&b'\r') {
                    end -= 1;
                }
                (end - start <= max).then_some((start, end))
            };
            chunk.lines.push(line);
            start = newline + 1;
            scanned = start;
        }
        // Every line cut, the one begun is over the limit once `room` bytes hold no `\n`.
        let cut = scanned == chunk.filled;
        if cut && (skipping || chunk.filled - start >= room) {
            skipping = true;
            chunk.truncate(start);
            scanned = start;
        }
        if !chunk.lines.is_empty() {
            // Full, or nothing more to cut before reading: handed over now, the line begun
            // moves to the next chunk.
            let mut next = fresh();
            next.extend(chunk.filled().get(start..).unwrap_or_default());
            chunk.truncate(start);
            scanned -= start;
            start = 0;
            if chunks.send(std::mem::replace(&mut chunk, next)).is_err() {
                return Ok(());
            }
            continue;
        }
        let read = input.read(chunk.room(READ));
        chunk.filled += *read.as_ref().unwrap_or(&0);
        match read {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    // The last line, without `\n`: kept as it is, `\r` included.
    let last = chunk.filled - start;
    if skipping || last > 0 {
        let line = (!skipping && last <= max).then_some((start, chunk.filled));
        chunk.lines.push(line);
        let _ = chunks.send(chunk);
    }
    Ok(())
}
