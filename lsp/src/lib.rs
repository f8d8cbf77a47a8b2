//! The Socle language server: LSP over stdio (`socle lsp`) on the compiler's incremental
//! database, through `socle_compiler::ide`. The only crate that knows LSP types.
//!
//! Messages are handled in batches: every message already waiting is read, edits are applied
//! in order, cancelled requests are answered as cancelled, and diagnostics are published once
//! per batch for the latest version of each document. Each request runs under
//! `catch_unwind`: a bug answers with an error, it never stops the server.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod cases;
mod convert;
mod handlers;
mod tester;
pub mod transport;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::Request as _;
use lsp_types::{
    OneOf, SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use socle_compiler::ide::Host;

pub use handlers::TOKEN_TYPES;

/// How the message loop ended; the process exit code follows from it (LSP: 0 only after
/// `shutdown` then `exit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`.
    Exit,
    /// `exit` without `shutdown`.
    ExitWithoutShutdown,
    /// The client closed the connection (end of input, or a message refused by the framing).
    Disconnected,
}

/// Runs the server on stdin/stdout until the client asks it to exit or closes stdin.
pub fn run_stdio() -> anyhow::Result<Ending> {
    let transport::Stdio { connection, writer } = transport::stdio();
    let ending = run(&connection);
    // Dropping the last sender ends the writer once it has flushed every answer; the reader
    // may still be blocked on stdin and is left to the process exit.
    drop(connection);
    writer.join().ok();
    ending
}

pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            lsp_types::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp_types::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec![".".to_owned()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(lsp_types::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(lsp_types::CodeActionProviderCapability::Simple(true)),
        signature_help_provider: Some(lsp_types::SignatureHelpOptions {
            trigger_characters: Some(vec!["(".to_owned(), ",".to_owned()]),
            ..Default::default()
        }),
        document_highlight_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(lsp_types::CodeLensOptions {
            resolve_provider: Some(false),
        }),
        execute_command_provider: Some(lsp_types::ExecuteCommandOptions {
            commands: vec![tester::COMMAND.to_owned()],
            ..Default::default()
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        folding_range_provider: Some(lsp_types::FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(
            SemanticTokensOptions {
                legend: SemanticTokensLegend {
                    token_types: TOKEN_TYPES.to_vec(),
                    token_modifiers: Vec::new(),
                },
                full: Some(SemanticTokensFullOptions::Bool(true)),
                range: None,
                ..Default::default()
            }
            .into(),
        ),
        ..Default::default()
    }
}

/// The open documents and the analysis.
pub struct Server {
    host: Host,
    /// Open documents: URI → (path, version).
    docs: HashMap<Url, (PathBuf, i32)>,
    /// Open test-case files (`tests/*.toml`): URI → (text, version).
    cases: HashMap<Url, (String, i32)>,
    /// Today's date, for parameter values in hovers (the server is the edge that has a clock).
    today: chrono::NaiveDate,
    /// The folder holding `rulesets/` that the client's workspace is in, once known.
    root: Option<PathBuf>,
    /// The client can register file watchers (`workspace/didChangeWatchedFiles`).
    watch: bool,
    /// Failing cases of the last `socle.tester` runs, published on their case files.
    failures: tester::Failures,
    /// Notifications a request produced, sent after its response.
    outbox: Vec<Notification>,
}

impl Server {
    pub fn new(today: chrono::NaiveDate) -> Server {
        Server {
            host: Host::new(),
            docs: HashMap::new(),
            cases: HashMap::new(),
            today,
            root: None,
            watch: false,
            failures: tester::Failures::new(),
            outbox: Vec::new(),
        }
    }

    /// Loads every ruleset of the repository holding `folder` (the nearest ancestor with a
    /// `rulesets/` directory), so that references, rename and diagnostics reach every
    /// importer, not only the rulesets of opened files.
    pub fn open_workspace(&mut self, folder: &Path) {
        if let Some(root) = Host::find_root(folder) {
            self.host.load_workspace(&root);
            self.root = Some(root);
        }
    }

    /// The workspace root, when the client named one inside a repository.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }
}

/// What `initialize` tells: the workspace folder and whether watchers can be registered.
struct ClientSetup {
    folder: Option<PathBuf>,
    watch: bool,
}

fn client_setup(params: &serde_json::Value) -> ClientSetup {
    let folder = params
        .pointer("/workspaceFolders/0/uri")
        .and_then(|u| u.as_str())
        .or_else(|| params.pointer("/rootUri").and_then(|u| u.as_str()))
        .and_then(|u| Url::parse(u).ok())
        .and_then(|u| u.to_file_path().ok())
        .or_else(|| {
            params
                .pointer("/rootPath")
                .and_then(|p| p.as_str())
                .map(PathBuf::from)
        });
    let watch = params
        .pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
        .and_then(|b| b.as_bool())
        .unwrap_or(false);
    ClientSetup { folder, watch }
}

/// The request asking the client to report changes to rulesets and test files on disk.
fn watch_registration() -> Message {
    let watchers: Vec<serde_json::Value> = ["**/*.socle", "**/tests/*.toml"]
        .iter()
        .map(|g| serde_json::json!({ "globPattern": g }))
        .collect();
    let params = serde_json::json!({ "registrations": [{
        "id": "socle-fichiers",
        "method": notif::DidChangeWatchedFiles::METHOD,
        "registerOptions": { "watchers": watchers },
    }]});
    Message::Request(Request::new(
        RequestId::from("socle-fichiers".to_owned()),
        lsp_types::request::RegisterCapability::METHOD.to_owned(),
        params,
    ))
}

/// Initialises and serves `connection` until `exit`.
pub fn run(connection: &Connection) -> anyhow::Result<Ending> {
    run_at(connection, chrono::Local::now().date_naive())
}

/// [`run`] with a fixed "today" (hovers show parameter values at that date).
pub fn run_at(connection: &Connection, today: chrono::NaiveDate) -> anyhow::Result<Ending> {
    let setup = match initialize(connection)? {
        Ok(setup) => setup,
        Err(ending) => return Ok(ending),
    };
    let mut server = Server::new(today);
    server.watch = setup.watch;
    if let Some(folder) = &setup.folder {
        server.open_workspace(folder);
    }
    serve(connection, &mut server)
}

/// Waits for `initialize` and answers it; `Err` if the client left before.
///
/// Not `Connection::initialize`: it treats `exit` and a closed input as protocol errors, and
/// panics when the client is already gone.
fn initialize(connection: &Connection) -> anyhow::Result<Result<ClientSetup, Ending>> {
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Ok(Err(Ending::Disconnected));
        };
        match message {
            Message::Request(req) if req.method == lsp_types::request::Initialize::METHOD => {
                let result = serde_json::json!({ "capabilities": capabilities() });
                connection
                    .sender
                    .send(Message::Response(Response::new_ok(req.id, result)))?;
                return Ok(Ok(client_setup(&req.params)));
            }
            Message::Request(req) => {
                let response = Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "le serveur attend d'abord la requête initialize".to_owned(),
                );
                connection.sender.send(Message::Response(response))?;
            }
            Message::Notification(n) if n.method == notif::Exit::METHOD => {
                return Ok(Err(Ending::ExitWithoutShutdown));
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// The message loop, after initialisation.
pub fn serve(connection: &Connection, server: &mut Server) -> anyhow::Result<Ending> {
    let mut shutting_down = false;
    while let Ok(first) = connection.receiver.recv() {
        let mut batch = vec![first];
        batch.extend(connection.receiver.try_iter());
        let cancelled: HashSet<RequestId> = batch
            .iter()
            .filter_map(|m| match m {
                Message::Notification(n) if n.method == notif::Cancel::METHOD => {
                    serde_json::from_value::<lsp_types::CancelParams>(n.params.clone())
                        .ok()
                        .map(|p| match p.id {
                            lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                            lsp_types::NumberOrString::String(s) => RequestId::from(s),
                        })
                }
                _ => None,
            })
            .collect();
        let mut touched: Vec<Url> = Vec::new();
        for message in batch {
            match message {
                Message::Request(req) => {
                    publish(connection, server, &mut touched)?;
                    // `Connection::handle_shutdown` would wait for an `exit` this batch may
                    // already hold: shutdown is answered here, `exit` ends the loop below.
                    let response = if shutting_down {
                        Response::new_err(
                            req.id,
                            ErrorCode::InvalidRequest as i32,
                            "le serveur s'arrête".to_owned(),
                        )
                    } else if req.method == lsp_types::request::Shutdown::METHOD {
                        shutting_down = true;
                        Response::new_ok(req.id, ())
                    } else if cancelled.contains(&req.id) {
                        Response::new_err(
                            req.id,
                            ErrorCode::RequestCanceled as i32,
                            "requête annulée".to_owned(),
                        )
                    } else {
                        guarded(server, req)
                    };
                    connection.sender.send(Message::Response(response))?;
                    for n in server.outbox.drain(..) {
                        connection.sender.send(Message::Notification(n))?;
                    }
                }
                Message::Notification(n) => {
                    if n.method == notif::Exit::METHOD {
                        return Ok(if shutting_down {
                            Ending::Exit
                        } else {
                            Ending::ExitWithoutShutdown
                        });
                    }
                    if n.method == notif::Initialized::METHOD && server.watch {
                        connection.sender.send(watch_registration())?;
                    }
                    let result =
                        catch_unwind(AssertUnwindSafe(|| handlers::notification(server, &n)));
                    for uri in result.unwrap_or_default() {
                        if !touched.contains(&uri) {
                            touched.push(uri);
                        }
                    }
                }
                Message::Response(_) => {}
            }
        }
        publish(connection, server, &mut touched)?;
    }
    Ok(Ending::Disconnected)
}

/// One request under `catch_unwind`: a panic becomes an error response.
fn guarded(server: &mut Server, req: Request) -> Response {
    let id = req.id.clone();
    match catch_unwind(AssertUnwindSafe(|| handlers::request(server, req))) {
        Ok(Ok(value)) => Response {
            id,
            result: Some(value),
            error: None,
        },
        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
        Err(_) => Response::new_err(
            id,
            ErrorCode::InternalError as i32,
            "erreur interne du serveur Socle sur cette requête (le serveur continue)".to_owned(),
        ),
    }
}

/// Publishes the diagnostics of the rulesets of the documents edited since the last call.
fn publish(
    connection: &Connection,
    server: &mut Server,
    touched: &mut Vec<Url>,
) -> anyhow::Result<()> {
    let mut sent: HashSet<Url> = HashSet::new();
    for uri in touched.drain(..) {
        if uri.path().ends_with(".toml") {
            let result = catch_unwind(AssertUnwindSafe(|| {
                handlers::case_file_diagnostics(server, &uri)
            }));
            if let Ok(p) = result {
                if sent.insert(p.uri.clone()) {
                    let n = Notification::new(notif::PublishDiagnostics::METHOD.to_owned(), p);
                    connection.sender.send(Message::Notification(n))?;
                }
            }
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(|| handlers::diagnostics(server, &uri)));
        let Ok(params) = result else {
            continue;
        };
        for p in params {
            if sent.insert(p.uri.clone()) {
                let n = Notification::new(notif::PublishDiagnostics::METHOD.to_owned(), p);
                connection.sender.send(Message::Notification(n))?;
            }
        }
    }
    Ok(())
}
