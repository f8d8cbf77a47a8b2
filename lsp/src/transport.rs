//! The stdio transport of `socle lsp`, in place of `lsp_server::Connection::stdio`.
//!
//! `lsp-server`'s own reader trusts `Content-Length` (it allocates whatever a client announces,
//! and a length past `usize` panics), stops the whole server on a message that is not valid
//! JSON (a lone UTF-16 surrogate such as `\ud800`, which VS Code sends for half an emoji), and
//! its threads must all be joined before the process can exit, which never happens while the
//! writer still holds a sender. Here the framing is bounded, a malformed message is skipped
//! with a French error on stderr, and the process ends as soon as the message loop does.

use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;

use lsp_server::{Connection, Message};

/// Largest LSP message accepted. A `.socle` file is at most 4 MiB
/// (`socle_compiler::MAX_SOURCE_BYTES`); JSON escaping at most doubles ordinary text, so
/// 16 MiB holds any document the compiler would accept with room to spare.
pub const MAX_MESSAGE_BYTES: u64 = 16 * 1024 * 1024;

/// Longest header line (`Content-Length: …`, `Content-Type: …`).
const MAX_HEADER_BYTES: u64 = 1024;

/// Why the framing reader stopped: the connection is then closed.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error(
        "message LSP de {announced} octets refusé : la taille maximale est de {max} octets",
        max = MAX_MESSAGE_BYTES
    )]
    TooLarge { announced: String },
    #[error("en-tête LSP illisible : {0}")]
    Header(String),
    #[error("lecture de l'entrée standard impossible : {0}")]
    Io(#[from] io::Error),
}

/// Reads one framed message body; `None` at end of input between messages.
pub fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, FrameError> {
    let mut length: Option<u64> = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        (&mut *input)
            .take(MAX_HEADER_BYTES + 1)
            .read_until(b'\n', &mut line)?;
        if line.is_empty() && first {
            return Ok(None);
        }
        first = false;
        if !line.ends_with(b"\n") {
            let shown = String::from_utf8_lossy(line.get(..80).unwrap_or(&line)).into_owned();
            return Err(FrameError::Header(
                if line.len() as u64 > MAX_HEADER_BYTES {
                    format!("ligne d'en-tête de plus de {MAX_HEADER_BYTES} octets ({shown}…)")
                } else {
                    format!("entrée interrompue au milieu des en-têtes ({shown})")
                },
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Err(FrameError::Header(format!(
                "« {text} » n'est pas un en-tête"
            )));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            let parsed = value.parse::<u64>();
            length = match parsed {
                Ok(n) if n <= MAX_MESSAGE_BYTES => Some(n),
                Ok(_) => {
                    return Err(FrameError::TooLarge {
                        announced: value.to_owned(),
                    })
                }
                // A run of digits too long for u64 is still a size, only an absurd one.
                Err(_) if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    return Err(FrameError::TooLarge {
                        announced: value.to_owned(),
                    })
                }
                Err(_) => {
                    return Err(FrameError::Header(format!(
                        "Content-Length « {value} » n'est pas un nombre"
                    )))
                }
            };
        }
    }
    let Some(length) = length else {
        return Err(FrameError::Header(
            "en-tête Content-Length absent".to_owned(),
        ));
    };
    let mut body = Vec::new();
    // `take` + `read_to_end` instead of a buffer of the announced size: memory follows what
    // actually arrives.
    (&mut *input).take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Err(FrameError::Header(format!(
            "entrée interrompue : {} octets reçus sur les {length} annoncés",
            body.len()
        )));
    }
    Ok(Some(body))
}

/// Replaces `\uXXXX` escapes of lone UTF-16 surrogates by `\uFFFD`: serde_json refuses them,
/// editors send them when a document holds half of a surrogate pair.
pub fn replace_lone_surrogates(json: &str) -> std::borrow::Cow<'_, str> {
    fn escape_at(bytes: &[u8], i: usize) -> Option<u16> {
        if bytes.get(i) != Some(&b'\\') || bytes.get(i + 1) != Some(&b'u') {
            return None;
        }
        let hex = std::str::from_utf8(bytes.get(i + 2..i + 6)?).ok()?;
        u16::from_str_radix(hex, 16).ok()
    }
    let is_high = |u: u16| (0xD800..0xDC00).contains(&u);
    let is_low = |u: u16| (0xDC00..0xE000).contains(&u);
    let bytes = json.as_bytes();
    if !json.contains("\\u") {
        return json.into();
    }
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if bytes.get(i) != Some(&b'\\') {
            i += 1;
            continue;
        }
        match escape_at(bytes, i) {
            Some(u) if is_high(u) && escape_at(bytes, i + 6).is_some_and(is_low) => i += 12,
            Some(u) if is_high(u) || is_low(u) => {
                out.push_str(json.get(copied..i).unwrap_or_default());
                out.push_str("\\uFFFD");
                i += 6;
                copied = i;
            }
            // Any other escape is two characters (`\\`, `\"`, `\n`…) or six (`\u0041`): skipping
            // two is enough, since the rest of a `\u` escape holds no backslash.
            _ => i += 2,
        }
    }
    if copied == 0 {
        return json.into();
    }
    out.push_str(json.get(copied..).unwrap_or_default());
    out.into()
}

/// Decodes one message body; a body that is not a JSON-RPC message is reported and skipped.
fn decode(body: &[u8]) -> Option<Message> {
    let text = String::from_utf8_lossy(body);
    match serde_json::from_str(&replace_lone_surrogates(&text)) {
        Ok(message) => Some(message),
        Err(e) => {
            eprintln!("socle lsp : message ignoré, ce n'est pas un message JSON-RPC valide ({e})");
            None
        }
    }
}

/// The stdio connection and the writer thread, to join (so every answer is flushed) once the
/// connection is dropped. The reader thread is never joined: it may be blocked on stdin, and
/// the process exits without it.
pub struct Stdio {
    pub connection: Connection,
    pub writer: JoinHandle<()>,
}

pub fn stdio() -> Stdio {
    let (reader_tx, reader_rx) = crossbeam_channel::bounded::<Message>(0);
    let (writer_tx, writer_rx) = crossbeam_channel::bounded::<Message>(0);
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_frame(&mut input) {
                Ok(None) => break,
                Ok(Some(body)) => {
                    let Some(message) = decode(&body) else {
                        continue;
                    };
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if reader_tx.send(message).is_err() || exit {
                        break;
                    }
                }
                Err(e) => {
                    eprintln!("socle lsp : {e} ; connexion fermée");
                    break;
                }
            }
        }
        // Dropping `reader_tx` disconnects the receiver: the message loop ends.
    });
    let writer = std::thread::spawn(move || {
        let stdout = io::stdout();
        let mut output = stdout.lock();
        for message in writer_rx {
            // A client that closed its end: nothing more can be said to it.
            if message.write(&mut output).is_err() {
                break;
            }
        }
        output.flush().ok();
    });
    Stdio {
        connection: Connection {
            sender: writer_tx,
            receiver: reader_rx,
        },
        writer,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn frame(input: &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
        read_frame(&mut io::BufReader::new(input))
    }

    #[test]
    fn framing() {
        let cases: &[(&[u8], &str)] = &[
            (b"", "Ok(None)"),
            (b"Content-Length: 2\r\n\r\n{}", "Ok(Some(\"{}\"))"),
            (b"content-length:2\n\n{}", "Ok(Some(\"{}\"))"),
            (b"Content-Length: 18446744073709551615\r\n\r\n", "TooLarge"),
            (
                b"Content-Length: 99999999999999999999999\r\n\r\n",
                "TooLarge",
            ),
            (b"Content-Length: 3000000000\r\n\r\n", "TooLarge"),
            (b"Content-Length: -1\r\n\r\n", "Header"),
            (b"Content-Length: 10\r\n\r\n{}", "Header"),
            (b"Content-Type: x\r\n\r\n{}", "Header"),
            (b"Content-Length: 2\r\n", "Header"),
            (b"nonsense\r\n\r\n", "Header"),
        ];
        for (input, expected) in cases {
            let got = match frame(input) {
                Ok(body) => format!("Ok({:?})", body.map(|b| String::from_utf8(b).unwrap())),
                Err(FrameError::TooLarge { .. }) => "TooLarge".to_owned(),
                Err(FrameError::Header(_)) => "Header".to_owned(),
                Err(FrameError::Io(e)) => format!("Io({e})"),
            };
            assert_eq!(&got, expected, "{}", String::from_utf8_lossy(input));
        }
        let long = [vec![b'X'; 5000], b"\r\n\r\n".to_vec()].concat();
        assert!(matches!(frame(&long), Err(FrameError::Header(_))));
    }

    #[test]
    fn surrogates() {
        let cases = [
            (r#""a\ud800b""#, r#""a\uFFFDb""#),
            (r#""\uDC00""#, r#""\uFFFD""#),
            (r#""\ud83d\ude00""#, r#""\ud83d\ude00""#),
            (r#""\ud83d\u0041""#, r#""\uFFFD\u0041""#),
            (r#""\\ud800""#, r#""\\ud800""#),
            (r#""\\\ud800""#, r#""\\\uFFFD""#),
            (r#""é\n""#, r#""é\n""#),
        ];
        for (input, expected) in cases {
            assert_eq!(replace_lone_surrogates(input), expected, "{input}");
            let parsed: Result<String, _> = serde_json::from_str(&replace_lone_surrogates(input));
            assert!(parsed.is_ok(), "{input}");
        }
    }
}
