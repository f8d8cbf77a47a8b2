//! The JSON Lines protocol of `socle batch` over a blocking reader: exactly one output line per
//! input line, in order (what each line becomes is `socle_runtime::batch_line`, shared with the
//! HTTP service). The input is streamed, holding at most `max_line` + 2 bytes of a line:
//! [`stream`] decides each line before reading the next; [`stream_parallel`] decides on several
//! threads with a bounded number of lines in flight and writes the answers in input order.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Mutex;
use std::time::Duration;

use socle_runtime::batch_line::{answer, answer_bytes};

mod chunks;

use chunks::{read_chunks, Chunk};

pub use socle_runtime::batch_line::{not_utf8_message, too_large_message, Line, MAX_DOSSIER_BYTES};

/// Reads the next line into `buf`; `None` at the end of the input. A last line without `\n`
/// is still a line.
pub fn next_line(
    input: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max_line: u64,
) -> std::io::Result<Option<Line>> {
    buf.clear();
    // Room for the limit and a `\r\n`, so the limit counts the line's content only.
    let room = max_line.saturating_add(2);
    let read = std::io::Read::take(&mut *input, room).read_until(b'\n', buf)?;
    if read == 0 {
        return Ok(None);
    }
    let ended = buf.last() == Some(&b'\n');
    let whole = ended || (read as u64) < room;
    if ended {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if whole {
        return Ok(Some(if buf.len() as u64 <= max_line {
            // A copy of exactly the line: `buf` keeps its capacity for the next one, which
            // is then read without growing a fresh vector.
            Line::Text(buf.clone())
        } else {
            Line::TooLong
        }));
    }
    // Skip to the end of the oversized line without keeping it.
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        if let Some(i) = chunk.iter().position(|b| *b == b'\n') {
            input.consume(i + 1);
            break;
        }
        let n = chunk.len();
        input.consume(n);
    }
    Ok(Some(Line::TooLong))
}

/// Why streaming stopped before the end of the input.
#[derive(Debug)]
pub enum StreamError {
    /// Reading the input failed after `lines` lines.
    Read {
        lines: usize,
        error: std::io::Error,
    },
    Write(std::io::Error),
}

/// Reads `input` line by line and writes one JSON line per input line to `output`.
/// `decide` appends the JSON object of a non-blank line to the buffer and says whether it was
/// fully decided; the `ligne` is added here. Returns the number of lines and of lines not
/// fully decided.
pub fn stream(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    max_line: u64,
    decide: &mut dyn FnMut(&str, &mut Vec<u8>) -> bool,
) -> Result<(usize, usize), StreamError> {
    let mut buf = Vec::new();
    let mut text = Vec::new();
    let mut number = 0usize;
    let mut invalid = 0usize;
    loop {
        let line = match next_line(input, &mut buf, max_line) {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(error) => {
                return Err(StreamError::Read {
                    lines: number,
                    error,
                })
            }
        };
        number += 1;
        text.clear();
        if !answer(number, line, max_line, &mut text, &mut *decide) {
            invalid += 1;
        }
        text.push(b'\n');
        output.write_all(&text).map_err(StreamError::Write)?;
    }
    output.flush().map_err(StreamError::Write)?;
    Ok((number, invalid))
}

/// Chunks read ahead of the workers, and chunks in flight per worker: together they bound the
/// memory whatever the input's length.
const READ_AHEAD: usize = 16;
const CHUNKS_PER_WORKER: usize = 4;

/// What the workers share: the chunks of lines read, in order, and the right to take a chunk
/// (a token, the buffer to answer it in, given back when the answers are written, so that
/// answers waiting for a slow line stay bounded).
struct Intake {
    chunks: Receiver<Chunk>,
    tokens: Receiver<Vec<u8>>,
    next_number: usize,
}

/// How often a worker waiting for input checks whether the output has failed: a worker must
/// not wait forever on an open standard input once nothing more can be written.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// The answers to lines `first..first + count`, ready to write (the buffer of a token).
struct Answers {
    first: usize,
    count: usize,
    invalid: usize,
    text: Vec<u8>,
}

/// [`stream`] on `threads` threads (at least one): lines are read by a thread of their own,
/// decided by chunks on `threads` workers, and written in input order as soon as every line
/// before them is written, so the output is the same whatever the number of threads. A line
/// waiting for more input is decided without waiting for a full chunk. Each worker gets its
/// own `decide` from `worker` (so that it can keep its buffers from line to line), which
/// writes the JSON object of a non-blank line into the buffer (see [`stream`]).
pub fn stream_parallel<W, D>(
    input: Box<dyn BufRead + Send>,
    output: &mut dyn Write,
    max_line: u64,
    threads: usize,
    worker: &W,
) -> Result<(usize, usize), StreamError>
where
    W: Fn() -> D + Sync,
    D: FnMut(&str, &mut Vec<u8>) -> bool,
{
    let threads = threads.max(1);
    let (chunk_tx, chunk_rx) = mpsc::sync_channel(READ_AHEAD);
    // Chunks answered go back to the reader, which refills them.
    let (recycle_tx, recycle_rx) = mpsc::channel();
    // Detached: a reader blocked on an open standard input must not keep the command alive
    // once the output is closed.
    let reader = std::thread::spawn(move || read_chunks(input, max_line, &chunk_tx, &recycle_rx));
    let chunks = threads * CHUNKS_PER_WORKER;
    let (token_tx, token_rx) = mpsc::sync_channel(chunks);
    for _ in 0..chunks {
        let _ = token_tx.send(Vec::new());
    }
    let intake = Mutex::new(Intake {
        chunks: chunk_rx,
        tokens: token_rx,
        next_number: 1,
    });
    let stop = AtomicBool::new(false);
    let (answer_tx, answer_rx) = mpsc::channel::<Answers>();
    let written = std::thread::scope(|scope| {
        for _ in 0..threads {
            let answer_tx = answer_tx.clone();
            let (intake, stop, recycle) = (&intake, &stop, recycle_tx.clone());
            scope.spawn(move || work(intake, stop, max_line, &mut worker(), &answer_tx, &recycle));
        }
        drop(answer_tx);
        let written = write_in_order(&answer_rx, output, &token_tx);
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        // Workers waiting for a token see the channel close.
        drop(token_tx);
        written
    });
    // The reader stops at its next chunk, as the chunk channel is now closed.
    drop(intake);
    let (lines, invalid) = written?;
    match reader.join() {
        Ok(Err(error)) => Err(StreamError::Read { lines, error }),
        _ => Ok((lines, invalid)),
    }
}

/// One worker: takes a chunk of consecutive lines, answers them, hands the answers over.
fn work(
    intake: &Mutex<Intake>,
    stop: &AtomicBool,
    max_line: u64,
    decide: &mut dyn FnMut(&str, &mut Vec<u8>) -> bool,
    answers: &mpsc::Sender<Answers>,
    recycle: &mpsc::Sender<Chunk>,
) {
    loop {
        let (chunk, first, mut text) = {
            let Ok(mut intake) = intake.lock() else {
                return;
            };
            let Intake {
                chunks,
                tokens,
                next_number,
            } = &mut *intake;
            let Ok(text) = tokens.recv() else {
                return;
            };
            if stop.load(Ordering::Relaxed) {
                return;
            }
            // The reader hands over a chunk as soon as nothing more is read: a full one when
            // the input comes fast, a single line when it trickles.
            let chunk = loop {
                match chunks.recv_timeout(STOP_CHECK) {
                    Ok(chunk) => break chunk,
                    Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => {}
                    Err(_) => return,
                }
            };
            let first = *next_number;
            *next_number += chunk.len();
            (chunk, first, text)
        };
        text.clear();
        text.reserve(chunk.len() * 512);
        let mut invalid = 0;
        for (number, line) in (first..).zip(chunk.lines()) {
            let complete = answer_bytes(number, line, max_line, &mut text, &mut *decide);
            invalid += usize::from(!complete);
            text.push(b'\n');
        }
        let done = Answers {
            first,
            count: chunk.len(),
            invalid,
            text,
        };
        let _ = recycle.send(chunk);
        if answers.send(done).is_err() {
            return;
        }
    }
}

/// Writes the answers in input order as they arrive, giving a token back per chunk written.
fn write_in_order(
    answers: &Receiver<Answers>,
    output: &mut dyn Write,
    tokens: &SyncSender<Vec<u8>>,
) -> Result<(usize, usize), StreamError> {
    let mut waiting = BTreeMap::new();
    let mut next = 1usize;
    let mut invalid = 0usize;
    for done in answers {
        waiting.insert(done.first, done);
        while let Some(done) = waiting.remove(&next) {
            output.write_all(&done.text).map_err(StreamError::Write)?;
            next += done.count;
            invalid += done.invalid;
            let _ = tokens.send(done.text);
        }
    }
    output.flush().map_err(StreamError::Write)?;
    Ok((next - 1, invalid))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use serde_json::{json, Value as Json};

    use super::*;

    /// Lines in, the `ligne` and kind of each line out.
    fn run(input: &[u8], max_line: u64) -> Vec<(u64, String)> {
        let mut out = Vec::new();
        let mut decide = |text: &str, out: &mut Vec<u8>| {
            serde_json::to_writer(out, &json!({ "texte": text })).is_ok()
        };
        stream(&mut &input[..], &mut out, max_line, &mut decide).unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let v: Json = serde_json::from_str(l).unwrap();
                let kind = v["detail"]["type"]
                    .as_str()
                    .map_or_else(|| v["texte"].as_str().unwrap().to_owned(), str::to_owned);
                (v["ligne"].as_u64().unwrap(), kind)
            })
            .collect()
    }

    #[test]
    fn one_line_out_per_line_in() {
        let cases: &[(&[u8], u64, &[&str])] = &[
            (b"", 10, &[]),
            (b"\n", 10, &["ligne_vide"]),
            (b"a", 10, &["a"]),
            (b"a\r\nb\n", 10, &["a", "b"]),
            (b"a\n\n \nb", 10, &["a", "ligne_vide", "ligne_vide", "b"]),
            (b"\xff\na", 10, &["encodage_invalide", "a"]),
            (b"0123456789\nabc", 10, &["0123456789", "abc"]),
            (b"0123456789x\nabc", 10, &["ligne_trop_longue", "abc"]),
            (b"0123456789xyz", 10, &["ligne_trop_longue"]),
            (b"0123456789\r\n", 10, &["0123456789"]),
            (b"0123456789x\n", 10, &["ligne_trop_longue"]),
            (b"0123456789xy\nz", 10, &["ligne_trop_longue", "z"]),
            (
                b"0123456789xyz\n\nz",
                10,
                &["ligne_trop_longue", "ligne_vide", "z"],
            ),
        ];
        for (input, max, expected) in cases {
            let got = run(input, *max);
            let numbers: Vec<u64> = (1..=expected.len() as u64).collect();
            assert_eq!(
                got.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
                numbers,
                "{input:?}"
            );
            assert_eq!(
                got.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>(),
                *expected,
                "{input:?}"
            );
        }
    }

    /// Every kind of line, many times, with answers that depend on the line.
    fn mixed_input() -> Vec<u8> {
        let mut input = Vec::new();
        for i in 0..2_000 {
            match i % 7 {
                0 => input.extend_from_slice(b"\n"),
                1 => input.extend_from_slice(b"\xff\xfe\n"),
                2 => input.extend_from_slice(b"0123456789abcdef\n"),
                3 => input.extend_from_slice(b" \r\n"),
                _ => input.extend_from_slice(format!("dossier {i}\n").as_bytes()),
            }
        }
        input.extend_from_slice(b"last line without an end");
        input
    }

    fn decide(text: &str, out: &mut Vec<u8>) -> bool {
        serde_json::to_writer(out, &json!({ "texte": text })).is_ok() && !text.ends_with('5')
    }

    #[test]
    fn the_output_is_the_same_whatever_the_number_of_threads() {
        let input = mixed_input();
        let mut sequential = Vec::new();
        let counts = stream(&mut &input[..], &mut sequential, 10, &mut decide).unwrap();
        assert_eq!(counts.0, 2_001);
        assert!(counts.1 > 1_000 && counts.1 < 2_001, "{counts:?}");
        for threads in [1, 2, 3, 8] {
            let mut out = Vec::new();
            let reader = Box::new(std::io::Cursor::new(input.clone()));
            let got = stream_parallel(reader, &mut out, 10, threads, &|| decide).unwrap();
            assert_eq!(got, counts, "{threads} threads");
            assert!(out == sequential, "{threads} threads: the output differs");
        }
    }

    /// An input given a few bytes at a time, as a pipe may give it.
    struct Trickle {
        bytes: Vec<u8>,
        at: usize,
        seed: u64,
    }

    impl std::io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.seed ^= self.seed << 13;
            self.seed ^= self.seed >> 7;
            self.seed ^= self.seed << 17;
            if self.seed.is_multiple_of(5) {
                return Err(std::io::ErrorKind::Interrupted.into());
            }
            let n = (1 + self.seed % 40) as usize;
            let n = n.min(buf.len()).min(self.bytes.len() - self.at);
            buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// The chunked reader cuts the lines `next_line` reads (ends, `\r\n`, the limit, a last
    /// line without `\n`), whether the input comes whole or a few bytes at a time, across
    /// chunk boundaries.
    #[test]
    fn chunks_hold_the_lines_next_line_reads() {
        let alphabet: &[&[u8]] = &[
            b"a", b"xyz", b"\n", b"\r", b"\r\n", b" ", b"\xff", b"0123456",
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for (input, _, _) in [
            (&b""[..], 0, 0),
            (b"\n", 0, 0),
            (b"a\r", 0, 0),
            (b"a\r\r\n\n", 0, 0),
            (b"0123456789\r\n0123456789x\r\n0123456789xy", 0, 0),
            (b"0123456789xyz\n\nz", 0, 0),
        ] {
            inputs.push(input.to_vec());
        }
        for _ in 0..300 {
            let mut input = Vec::new();
            let pieces = seed % 400;
            for _ in 0..pieces {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                input.extend_from_slice(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            inputs.push(input);
        }
        inputs.push(mixed_input());
        let echo = |text: &str, out: &mut Vec<u8>| {
            serde_json::to_writer(out, &json!({ "texte": text })).is_ok()
        };
        for (i, input) in inputs.iter().enumerate() {
            for max in [0, 3, 10] {
                let mut sequential = Vec::new();
                let counts = stream(&mut &input[..], &mut sequential, max, &mut { echo }).unwrap();
                let whole = Box::new(std::io::Cursor::new(input.clone()));
                let trickle = Box::new(std::io::BufReader::with_capacity(
                    4,
                    Trickle {
                        bytes: input.clone(),
                        at: 0,
                        seed: seed | 1,
                    },
                ));
                let readers: [Box<dyn BufRead + Send>; 2] = [whole, trickle];
                for (how, reader) in readers.into_iter().enumerate() {
                    let mut out = Vec::new();
                    let got = stream_parallel(reader, &mut out, max, 1 + i % 3, &|| echo).unwrap();
                    assert_eq!(got, counts, "input {i}, max {max}, reader {how}");
                    assert!(
                        out == sequential,
                        "input {i}, max {max}, reader {how}: {input:?}\n{}\n{}",
                        String::from_utf8_lossy(&out),
                        String::from_utf8_lossy(&sequential)
                    );
                }
            }
        }
    }

    /// A writer that fails after `room` bytes.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::other("full"));
            }
            self.room -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_stops_every_thread() {
        let reader = Box::new(std::io::Cursor::new(mixed_input()));
        let got = stream_parallel(reader, &mut Full { room: 1000 }, 10, 4, &|| decide);
        assert!(matches!(got, Err(StreamError::Write(_))), "{got:?}");
    }
}
