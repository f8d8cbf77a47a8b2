//! The JSON Lines protocol of `socle batch` over a blocking reader: exactly one output line per
//! input line, in order (what each line becomes is `socle_runtime::batch_line`, shared with the
//! HTTP service). The input is streamed, holding at most `max_line` + 2 bytes of a line:
//! [`stream`] decides each line before reading the next; [`stream_parallel`] decides on several
//! threads with a bounded number of lines in flight and writes the answers in input order.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError};
use std::sync::Mutex;
use std::time::Duration;

use socle_runtime::batch_line::answer;

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

/// Lines a worker takes at once: enough to make the hand-over cheap next to deciding, few
/// enough that a slow line holds back little output.
const CHUNK: usize = 64;

/// Lines read ahead of the workers, and chunks in flight per worker: together they bound the
/// memory whatever the input's length.
const READ_AHEAD: usize = 1024;
const CHUNKS_PER_WORKER: usize = 4;

/// What the workers share: the lines read, in order, and the right to take a chunk (a token,
/// given back when the chunk is written, so that answers waiting for a slow line stay bounded).
struct Intake {
    lines: Receiver<Line>,
    tokens: Receiver<()>,
    next_number: usize,
}

/// How often a worker waiting for input checks whether the output has failed: a worker must
/// not wait forever on an open standard input once nothing more can be written.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// The answers to lines `first..first + count`, ready to write.
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
    let (line_tx, line_rx) = mpsc::sync_channel(READ_AHEAD);
    // Detached: a reader blocked on an open standard input must not keep the command alive
    // once the output is closed.
    let reader = std::thread::spawn(move || read_lines(input, max_line, &line_tx));
    let chunks = threads * CHUNKS_PER_WORKER;
    let (token_tx, token_rx) = mpsc::sync_channel(chunks);
    for _ in 0..chunks {
        let _ = token_tx.send(());
    }
    let intake = Mutex::new(Intake {
        lines: line_rx,
        tokens: token_rx,
        next_number: 1,
    });
    let stop = AtomicBool::new(false);
    let (answer_tx, answer_rx) = mpsc::channel::<Answers>();
    let written = std::thread::scope(|scope| {
        for _ in 0..threads {
            let answer_tx = answer_tx.clone();
            let (intake, stop) = (&intake, &stop);
            scope.spawn(move || work(intake, stop, max_line, &mut worker(), &answer_tx));
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
    // The reader stops at its next line, as the line channel is now closed.
    drop(intake);
    let (lines, invalid) = written?;
    match reader.join() {
        Ok(Err(error)) => Err(StreamError::Read { lines, error }),
        _ => Ok((lines, invalid)),
    }
}

/// Sends every line of `input` until its end, a read error, or the workers stop taking lines.
fn read_lines(
    mut input: Box<dyn BufRead + Send>,
    max_line: u64,
    lines: &SyncSender<Line>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    while let Some(line) = next_line(&mut *input, &mut buf, max_line)? {
        if lines.send(line).is_err() {
            break;
        }
    }
    Ok(())
}

/// One worker: takes a chunk of consecutive lines, answers them, hands the answers over.
fn work(
    intake: &Mutex<Intake>,
    stop: &AtomicBool,
    max_line: u64,
    decide: &mut dyn FnMut(&str, &mut Vec<u8>) -> bool,
    answers: &mpsc::Sender<Answers>,
) {
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        let first = {
            let Ok(mut intake) = intake.lock() else {
                return;
            };
            let Intake {
                lines,
                tokens,
                next_number,
            } = &mut *intake;
            if tokens.recv().is_err() || stop.load(Ordering::Relaxed) {
                return;
            }
            // Wait for one line, then take what is already there: a full chunk when the
            // input comes fast, a single line when it trickles.
            loop {
                match lines.recv_timeout(STOP_CHECK) {
                    Ok(line) => break chunk.push(line),
                    Err(RecvTimeoutError::Timeout) if !stop.load(Ordering::Relaxed) => {}
                    Err(_) => return,
                }
            }
            while chunk.len() < CHUNK {
                match lines.try_recv() {
                    Ok(line) => chunk.push(line),
                    Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
                }
            }
            let first = *next_number;
            *next_number += chunk.len();
            first
        };
        let mut done = Answers {
            first,
            count: chunk.len(),
            invalid: 0,
            text: Vec::with_capacity(chunk.len() * 512),
        };
        for (number, line) in (first..).zip(chunk.drain(..)) {
            let complete = answer(number, line, max_line, &mut done.text, &mut *decide);
            done.invalid += usize::from(!complete);
            done.text.push(b'\n');
        }
        if answers.send(done).is_err() {
            return;
        }
    }
}

/// Writes the answers in input order as they arrive, giving a token back per chunk written.
fn write_in_order(
    answers: &Receiver<Answers>,
    output: &mut dyn Write,
    tokens: &SyncSender<()>,
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
            let _ = tokens.send(());
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
