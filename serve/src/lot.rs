//! `POST /decider/{ruleset}/lot`: JSON Lines in, one JSON line out per line in, in order, each
//! with its `ligne` — the protocol of `socle batch` (blank, non-UTF-8 and overlong lines get an
//! error line of their own). The body is streamed: each line is decided and sent as soon as it
//! is complete, holding at most the size limit of one line.

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use socle_runtime::batch_line::{self, Line};
use socle_runtime::Decision;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use crate::routes::Prepared;
use crate::AppState;

pub(crate) async fn lot(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw_query): RawQuery,
    body: Body,
) -> Response {
    let prepared = match Prepared::new(&state, &name, raw_query.as_deref()) {
        Ok(p) => p,
        Err(error) => return error.into_response(),
    };
    let (sender, receiver) = mpsc::channel::<Result<Bytes, Infallible>>(32);
    tokio::spawn(stream(
        prepared,
        body,
        sender,
        state.max_body,
        state.time_limit,
    ));
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(ReceiverStream::new(receiver)),
    )
        .into_response()
}

/// Splits the body into lines and sends one answer per line.
async fn stream(
    prepared: Prepared,
    body: Body,
    sender: mpsc::Sender<Result<Bytes, Infallible>>,
    max_line: usize,
    wait_limit: std::time::Duration,
) {
    let mut lines = Lines::new(max_line);
    let mut decision = prepared.empty_decision();
    let mut chunks = body.into_data_stream();
    loop {
        let chunk = match tokio::time::timeout(wait_limit, chunks.next()).await {
            Ok(Some(Ok(chunk))) => chunk,
            Ok(None) => break,
            Ok(Some(Err(e))) => {
                eprintln!("socle serve : lot interrompu, lecture impossible ({e})");
                return;
            }
            Err(_) => {
                eprintln!("socle serve : lot interrompu, aucune donnée reçue pendant le délai");
                return;
            }
        };
        for line in lines.push(&chunk) {
            if !send(&sender, &prepared, &mut decision, &mut lines, line).await {
                return;
            }
        }
    }
    if let Some(line) = lines.finish() {
        send(&sender, &prepared, &mut decision, &mut lines, line).await;
    }
}

/// Decides one line and sends it; `false` when the client went away.
async fn send(
    sender: &mpsc::Sender<Result<Bytes, Infallible>>,
    prepared: &Prepared,
    decision: &mut Decision,
    lines: &mut Lines,
    line: Line,
) -> bool {
    lines.number += 1;
    let mut text = answer(lines.number, line, lines.max, prepared, decision);
    text.push(b'\n');
    sender.send(Ok(Bytes::from(text))).await.is_ok()
}

/// The line splitter: whole lines out of arbitrary chunks.
struct Lines {
    max: usize,
    pending: Vec<u8>,
    /// The current line is over the limit: its bytes are dropped up to its end.
    skipping: bool,
    number: usize,
}

impl Lines {
    fn new(max: usize) -> Lines {
        Lines {
            max,
            pending: Vec::new(),
            skipping: false,
            number: 0,
        }
    }

    fn push(&mut self, mut chunk: &[u8]) -> Vec<Line> {
        let mut out = Vec::new();
        while !chunk.is_empty() {
            let (part, rest, ended) = match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => (
                    chunk.get(..i).unwrap_or_default(),
                    chunk.get(i + 1..).unwrap_or_default(),
                    true,
                ),
                None => (chunk, &[][..], false),
            };
            chunk = rest;
            if !self.skipping {
                self.pending.extend_from_slice(part);
                // Room for a `\r`, so the limit counts the line's content only.
                if self.pending.len() > self.max.saturating_add(1) {
                    self.pending = Vec::new();
                    self.skipping = true;
                }
            }
            if ended {
                out.push(self.take());
            }
        }
        out
    }

    /// The last line, when the input does not end with `\n`.
    fn finish(&mut self) -> Option<Line> {
        (self.skipping || !self.pending.is_empty()).then(|| self.take())
    }

    fn take(&mut self) -> Line {
        let mut line = std::mem::take(&mut self.pending);
        if std::mem::take(&mut self.skipping) {
            return Line::TooLong;
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.len() > self.max {
            Line::TooLong
        } else {
            Line::Text(line)
        }
    }
}

/// The output line of `socle batch` for input line `number`, decided over `decision`.
fn answer(
    number: usize,
    line: Line,
    max: usize,
    prepared: &Prepared,
    decision: &mut Decision,
) -> Vec<u8> {
    let mut out = Vec::new();
    batch_line::answer(number, line, max as u64, &mut out, |text, out| {
        prepared.decide_text_into(text, decision, out)
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(chunks: &[&[u8]], max: usize) -> Vec<String> {
        let mut lines = Lines::new(max);
        let mut out: Vec<Line> = chunks.iter().flat_map(|c| lines.push(c)).collect();
        out.extend(lines.finish());
        out.into_iter()
            .map(|l| match l {
                Line::TooLong => "ligne_trop_longue".to_owned(),
                Line::Text(t) => String::from_utf8_lossy(&t).into_owned(),
            })
            .collect()
    }

    /// The cases of `socle batch`'s own splitter, cut into chunks at every position.
    #[test]
    fn one_line_per_line_in_whatever_the_chunks() {
        let cases: &[(&[u8], usize, &[&str])] = &[
            (b"", 10, &[]),
            (b"\n", 10, &[""]),
            (b"a", 10, &["a"]),
            (b"a\r\nb\n", 10, &["a", "b"]),
            (b"a\n\n \nb", 10, &["a", "", " ", "b"]),
            (b"0123456789\nabc", 10, &["0123456789", "abc"]),
            (b"0123456789x\nabc", 10, &["ligne_trop_longue", "abc"]),
            (b"0123456789xyz", 10, &["ligne_trop_longue"]),
            (b"0123456789\r\n", 10, &["0123456789"]),
            (b"0123456789x\n", 10, &["ligne_trop_longue"]),
            (b"0123456789xyz\n\nz", 10, &["ligne_trop_longue", "", "z"]),
        ];
        for (input, max, expected) in cases {
            assert_eq!(kinds(&[input], *max), *expected, "{input:?}");
            for cut in 0..=input.len() {
                let (a, b) = input.split_at(cut);
                assert_eq!(kinds(&[a, b], *max), *expected, "{input:?} cut at {cut}");
            }
        }
    }
}
