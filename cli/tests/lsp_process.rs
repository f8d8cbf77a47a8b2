//! The real `socle lsp` process: it exits when the client says so or goes away, with LSP's
//! exit codes, and hostile framing or text never makes it panic or hang.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A `socle lsp` process, killed on drop so a failing test leaves nothing running.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: std::thread::JoinHandle<Vec<u8>>,
    stderr: std::thread::JoinHandle<Vec<u8>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        pipe.read_to_end(&mut out).ok();
        out
    })
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        Server {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
        }
    }

    fn raw(&mut self, bytes: &[u8]) {
        // The server may already have closed its end: that is what some cases test.
        if let Some(stdin) = self.stdin.as_mut() {
            stdin.write_all(bytes).ok();
            stdin.flush().ok();
        }
    }

    fn send(&mut self, json: &str) {
        self.raw(format!("Content-Length: {}\r\n\r\n{json}", json.len()).as_bytes());
    }

    fn initialize(&mut self) {
        self.send(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
        self.send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
    }

    fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// The exit status within 2 s, stdout and stderr; panics (and kills) past the deadline.
    fn finish(mut self) -> (ExitStatus, String, String) {
        let deadline = Instant::now() + Duration::from_secs(2);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "socle lsp ne s'est pas arrêté en 2 secondes"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        self.close_stdin();
        let (out, err) = {
            let stdout = std::mem::replace(&mut self.stdout, std::thread::spawn(Vec::new));
            let stderr = std::mem::replace(&mut self.stderr, std::thread::spawn(Vec::new));
            (stdout.join().unwrap(), stderr.join().unwrap())
        };
        let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
        (status, text(out), text(err))
    }
}

const SHUTDOWN: &str = r#"{"jsonrpc":"2.0","id":99,"method":"shutdown"}"#;
const EXIT: &str = r#"{"jsonrpc":"2.0","method":"exit"}"#;

#[test]
fn shutdown_then_exit_ends_with_code_0() {
    let mut server = Server::start();
    server.initialize();
    server.send(SHUTDOWN);
    server.send(EXIT);
    // Stdin stays open: the server must not wait for its end.
    let (status, out, err) = server.finish();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(out.contains(r#""id":99"#), "{out}");
}

#[test]
fn exit_without_shutdown_ends_with_code_1() {
    let mut server = Server::start();
    server.initialize();
    server.send(EXIT);
    let (status, _, err) = server.finish();
    assert_eq!(status.code(), Some(1), "{err}");
    let mut early = Server::start();
    early.send(EXIT);
    let (status, _, err) = early.finish();
    assert_eq!(status.code(), Some(1), "{err}");
}

#[test]
fn end_of_input_ends_the_server() {
    for initialized in [false, true] {
        let mut server = Server::start();
        if initialized {
            server.initialize();
        }
        server.close_stdin();
        let (status, _, err) = server.finish();
        assert_eq!(status.code(), Some(1), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn oversized_or_broken_framing_closes_the_connection_cleanly() {
    for header in [
        "Content-Length: 18446744073709551615\r\n\r\n",
        "Content-Length: 3000000000\r\n\r\n",
        "Content-Length: 123456789012345678901234567890\r\n\r\n",
    ] {
        let mut server = Server::start();
        server.initialize();
        server.raw(header.as_bytes());
        let (status, _, err) = server.finish();
        assert_eq!(status.code(), Some(1), "{header}: {err}");
        assert!(
            err.contains("taille maximale") && !err.contains("panicked"),
            "{header}: {err}"
        );
    }
    let mut garbage = Server::start();
    garbage.raw(b"Content-Length: beaucoup\r\n\r\n");
    let (status, _, err) = garbage.finish();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("n'est pas un nombre"), "{err}");
}

#[test]
fn lone_surrogate_in_a_document_is_replaced_not_fatal() {
    let mut server = Server::start();
    server.initialize();
    let open = r##"{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/socle-surrogate/r/r.socle","languageId":"socle","version":1,"text":"# \ud800\nvaleur a : entier = \udc00 1\n"}}}"##;
    server.send(open);
    server.send(r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///tmp/socle-surrogate/r/r.socle"}}}"#);
    // Not JSON at all: skipped with a message, the server goes on.
    server.send("{pas du json");
    server.send(SHUTDOWN);
    server.send(EXIT);
    let (status, out, err) = server.finish();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(
        out.contains(r#""id":2"#) && out.contains(r#""id":99"#),
        "{out}"
    );
    assert!(err.contains("message ignoré"), "{err}");
}
