//! One function per LSP method, converting between LSP types and the `ide` façade.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{ErrorCode, Notification, Request};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    CompletionItemKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    DocumentSymbol, GotoDefinitionResponse, Hover, HoverContents, Location, MarkupContent,
    MarkupKind, NumberOrString, PublishDiagnosticsParams, SemanticToken, SemanticTokenType,
    SemanticTokens, SymbolInformation, SymbolKind, TextDocumentPositionParams, TextEdit, Url,
    WorkspaceEdit,
};
use serde_json::Value;
use socle_compiler::ide::{DefKind, HighlightClass};

use crate::convert::LineIndex;
use crate::Server;

type Answer = Result<Value, (ErrorCode, String)>;

/// The semantic token legend (indices used by [`token_type`]).
pub const TOKEN_TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::NUMBER,
    SemanticTokenType::STRING,
    SemanticTokenType::COMMENT,
    SemanticTokenType::TYPE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::ENUM,
    SemanticTokenType::ENUM_MEMBER,
    SemanticTokenType::STRUCT,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
];

fn token_type(class: HighlightClass) -> u32 {
    match class {
        HighlightClass::Keyword => 0,
        HighlightClass::Number => 1,
        HighlightClass::Str => 2,
        HighlightClass::Comment => 3,
        // Units (`€/mois`, `%`) are the type-like part of a literal.
        HighlightClass::Unit => 4,
        HighlightClass::Name(kind) => match kind {
            DefKind::Param | DefKind::Bareme => 5,
            DefKind::Input | DefKind::Field => 6,
            DefKind::Value
            | DefKind::Condition
            | DefKind::FunctionParam
            | DefKind::Local
            | DefKind::Element
            | DefKind::DispositifValue
            | DefKind::DispositifCondition
            | DefKind::DispositifLet => 7,
            DefKind::Function => 8,
            DefKind::Enum => 9,
            DefKind::Variant => 10,
            DefKind::Struct => 11,
            DefKind::Ruleset => 12,
            DefKind::Dispositif | DefKind::Group => 13,
        },
    }
}

fn symbol_kind(kind: DefKind) -> SymbolKind {
    match kind {
        DefKind::Ruleset => SymbolKind::NAMESPACE,
        DefKind::Enum => SymbolKind::ENUM,
        DefKind::Variant => SymbolKind::ENUM_MEMBER,
        DefKind::Struct => SymbolKind::STRUCT,
        DefKind::Field => SymbolKind::FIELD,
        DefKind::Input => SymbolKind::PROPERTY,
        DefKind::Param | DefKind::Bareme => SymbolKind::CONSTANT,
        DefKind::Value | DefKind::DispositifValue => SymbolKind::VARIABLE,
        DefKind::Condition | DefKind::DispositifCondition => SymbolKind::BOOLEAN,
        DefKind::Function => SymbolKind::FUNCTION,
        DefKind::FunctionParam | DefKind::Local | DefKind::DispositifLet | DefKind::Element => {
            SymbolKind::VARIABLE
        }
        DefKind::Dispositif => SymbolKind::CLASS,
        DefKind::Group => SymbolKind::MODULE,
    }
}

fn completion_kind(kind: Option<DefKind>) -> CompletionItemKind {
    match kind {
        None => CompletionItemKind::KEYWORD,
        Some(DefKind::Variant) => CompletionItemKind::ENUM_MEMBER,
        Some(DefKind::Enum) => CompletionItemKind::ENUM,
        Some(DefKind::Struct) => CompletionItemKind::STRUCT,
        Some(DefKind::Field | DefKind::Input) => CompletionItemKind::FIELD,
        Some(DefKind::Function) => CompletionItemKind::FUNCTION,
        Some(DefKind::Param | DefKind::Bareme) => CompletionItemKind::CONSTANT,
        Some(DefKind::Ruleset) => CompletionItemKind::MODULE,
        Some(DefKind::Dispositif) => CompletionItemKind::CLASS,
        Some(_) => CompletionItemKind::VARIABLE,
    }
}

fn path_of(uri: &Url) -> Option<PathBuf> {
    uri.to_file_path().ok()
}

fn uri_of(path: &Path) -> Option<Url> {
    Url::from_file_path(path).ok()
}

fn invalid(message: impl Into<String>) -> (ErrorCode, String) {
    (ErrorCode::InvalidParams, message.into())
}

fn to_value(v: impl serde::Serialize) -> Answer {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// Applies a notification; returns the documents whose diagnostics may have changed.
pub(crate) fn notification(server: &mut Server, n: &Notification) -> Vec<Url> {
    notification_inner(server, n).unwrap_or_default()
}

fn notification_inner(server: &mut Server, n: &Notification) -> Option<Vec<Url>> {
    match n.method.as_str() {
        notif::DidOpenTextDocument::METHOD => {
            let p: lsp_types::DidOpenTextDocumentParams =
                serde_json::from_value(n.params.clone()).ok()?;
            let doc = p.text_document;
            if crate::cases::is_case_file(&path_of(&doc.uri)?) {
                server
                    .cases
                    .insert(doc.uri.clone(), (doc.text, doc.version));
                return Some(vec![doc.uri]);
            }
            update(server, doc.uri, doc.version, doc.text).map(|u| vec![u])
        }
        notif::DidChangeTextDocument::METHOD => {
            let p: lsp_types::DidChangeTextDocumentParams =
                serde_json::from_value(n.params.clone()).ok()?;
            let path = path_of(&p.text_document.uri)?;
            if let Some((text, version)) = server.cases.get_mut(&p.text_document.uri) {
                for change in p.content_changes {
                    apply_change(text, change);
                }
                *version = p.text_document.version;
                return Some(vec![p.text_document.uri]);
            }
            let mut text = server.host.text(&path).unwrap_or_default();
            for change in p.content_changes {
                apply_change(&mut text, change);
            }
            update(server, p.text_document.uri, p.text_document.version, text).map(|u| vec![u])
        }
        notif::DidSaveTextDocument::METHOD => {
            let p: lsp_types::DidSaveTextDocumentParams =
                serde_json::from_value(n.params.clone()).ok()?;
            // The editor's text is already the analysis's; a file saved without being open
            // here (or saved by a client that did not send its edits) is read back.
            if server.docs.contains_key(&p.text_document.uri) {
                return Some(vec![p.text_document.uri]);
            }
            let path = path_of(&p.text_document.uri)?;
            Some(reloaded(server, &path))
        }
        notif::DidChangeWatchedFiles::METHOD => {
            let p: lsp_types::DidChangeWatchedFilesParams =
                serde_json::from_value(n.params.clone()).ok()?;
            let mut out = Vec::new();
            for change in p.changes {
                // An open document is the editor's: its text on disk is not the one to check.
                if server.docs.contains_key(&change.uri) {
                    continue;
                }
                let Some(path) = path_of(&change.uri) else {
                    continue;
                };
                out.extend(reloaded(server, &path));
            }
            Some(out)
        }
        notif::DidCloseTextDocument::METHOD => {
            let p: lsp_types::DidCloseTextDocumentParams =
                serde_json::from_value(n.params.clone()).ok()?;
            if server.cases.remove(&p.text_document.uri).is_some() {
                return Some(vec![p.text_document.uri]);
            }
            let (path, _) = server.docs.remove(&p.text_document.uri)?;
            // Back to the text on disk.
            let mut out = reloaded(server, &path);
            out.push(p.text_document.uri);
            Some(out)
        }
        _ => None,
    }
}

/// Reads a `.socle` file back from disk (or forgets it, if deleted).
fn reloaded(server: &mut Server, path: &Path) -> Vec<Url> {
    if path.extension().is_none_or(|e| e != "socle") {
        return Vec::new();
    }
    server
        .host
        .reload_from_disk(path)
        .iter()
        .filter_map(|p| uri_of(p))
        .collect()
}

/// Applies one `didChange` content change: a ranged replacement (UTF-16 positions) or, without
/// a range, the whole text.
pub(crate) fn apply_change(text: &mut String, change: lsp_types::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let lines = LineIndex::new(text);
            let start = lines.offset(range.start);
            let end = lines.offset(range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

fn update(server: &mut Server, uri: Url, version: i32, text: String) -> Option<Url> {
    let path = path_of(&uri)?;
    if server.host.set_file(&path, text).is_err() {
        return None;
    }
    server.docs.insert(uri.clone(), (path, version));
    Some(uri)
}

/// The diagnostics of every file of the rulesets holding `uri`.
pub(crate) fn diagnostics(server: &Server, uri: &Url) -> Vec<PublishDiagnosticsParams> {
    let Some(path) = path_of(uri) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (file, diags) in server.host.diagnostics(&path) {
        let Some(file_uri) = uri_of(&file) else {
            continue;
        };
        let text = server.host.text(&file).unwrap_or_default();
        let version = server
            .docs
            .iter()
            .find(|(_, (p, _))| *p == file)
            .map(|(_, (_, v))| *v);
        out.push(PublishDiagnosticsParams {
            uri: file_uri,
            diagnostics: to_lsp_diagnostics(server, &text, diags),
            version,
        });
    }
    out
}

/// The diagnostics of an open test-case file (`tests/*.toml`); none once it is closed.
pub(crate) fn case_file_diagnostics(server: &mut Server, uri: &Url) -> PublishDiagnosticsParams {
    let open = server.cases.get(uri).cloned();
    let diagnostics = match (open, path_of(uri)) {
        (Some((text, _)), Some(path)) => {
            let found = crate::cases::diagnostics(server, &path, &text);
            to_lsp_diagnostics(server, &text, found)
        }
        _ => Vec::new(),
    };
    let mut diagnostics = diagnostics;
    if let Some(path) = path_of(uri) {
        diagnostics.extend(crate::tester::failures_of(server, &path));
    }
    PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics,
        version: server.cases.get(uri).map(|(_, v)| *v),
    }
}

fn to_lsp_diagnostics(
    server: &Server,
    text: &str,
    diags: Vec<socle_compiler::ide::FileDiagnostic>,
) -> Vec<Diagnostic> {
    let lines = LineIndex::new(text);
    diags
        .into_iter()
        .map(|d| {
            let mut message = d.message.clone();
            for detail in &d.details {
                message.push('\n');
                message.push_str(detail);
            }
            let related: Vec<DiagnosticRelatedInformation> = d
                .related
                .iter()
                .filter_map(|(loc, msg)| {
                    let t = server.host.text(&loc.path)?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(
                            uri_of(&loc.path)?,
                            LineIndex::new(&t).range(loc.span),
                        ),
                        message: if msg.is_empty() {
                            d.message.clone()
                        } else {
                            msg.clone()
                        },
                    })
                })
                .collect();
            Diagnostic {
                range: lines.range(d.span),
                severity: Some(if d.error {
                    DiagnosticSeverity::ERROR
                } else {
                    DiagnosticSeverity::WARNING
                }),
                code: Some(NumberOrString::String(d.code.to_owned())),
                source: Some("socle".to_owned()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            }
        })
        .collect()
}

/// One quick fix per diagnostic under the requested range that has a mechanical fix.
fn code_actions(
    server: &mut Server,
    p: &lsp_types::CodeActionParams,
) -> Vec<lsp_types::CodeAction> {
    let uri = &p.text_document.uri;
    let Some(path) = path_of(uri) else {
        return Vec::new();
    };
    let text = server.host.text(&path).unwrap_or_default();
    let lines = LineIndex::new(&text);
    let (from, to) = (lines.offset(p.range.start), lines.offset(p.range.end));
    let Some(published) = diagnostics(server, uri).into_iter().find(|d| d.uri == *uri) else {
        return Vec::new();
    };
    let here = server
        .host
        .diagnostics(&path)
        .into_iter()
        .find(|(f, _)| *f == path)
        .map(|(_, d)| d)
        .unwrap_or_default();
    let mut actions: Vec<lsp_types::CodeAction> = here
        .into_iter()
        .zip(published.diagnostics)
        .filter(|(d, _)| d.span.start as usize <= to && from <= d.span.end as usize)
        .filter_map(|(d, lsp)| {
            let fix = d.fix?;
            Some(action(uri, &lines, fix, Some(vec![lsp])))
        })
        .collect();
    if let Some(fix) = server.host.add_source(&path, from) {
        actions.push(action(uri, &lines, fix, None));
    }
    actions
}

fn action(
    uri: &Url,
    lines: &LineIndex<'_>,
    fix: socle_compiler::Fix,
    diagnostics: Option<Vec<Diagnostic>>,
) -> lsp_types::CodeAction {
    let preferred = diagnostics.is_some();
    let edit = TextEdit::new(lines.range(fix.span), fix.text);
    lsp_types::CodeAction {
        title: fix.title,
        kind: Some(lsp_types::CodeActionKind::QUICKFIX),
        diagnostics,
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            uri.clone(),
            vec![edit],
        )]))),
        is_preferred: Some(preferred),
        ..Default::default()
    }
}

/// The path, current text and byte offset of a position.
fn locate(
    server: &Server,
    p: &TextDocumentPositionParams,
) -> Result<(PathBuf, String, usize), (ErrorCode, String)> {
    let path = path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
    let text = server
        .host
        .text(&path)
        .ok_or_else(|| invalid("document inconnu : ouvrez-le d'abord"))?;
    let offset = LineIndex::new(&text).offset(p.position);
    Ok((path, text, offset))
}

fn location(server: &Server, loc: &socle_compiler::ide::Location) -> Option<Location> {
    let text = server.host.text(&loc.path)?;
    Some(Location::new(
        uri_of(&loc.path)?,
        LineIndex::new(&text).range(loc.span),
    ))
}

pub(crate) fn request(server: &mut Server, r: Request) -> Answer {
    let params = r.params;
    match r.method.as_str() {
        req::HoverRequest::METHOD => {
            let p: lsp_types::HoverParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, text, offset) = locate(server, &p.text_document_position_params)?;
            let hover = server
                .host
                .hover(&path, offset, server.today)
                .map(|h| Hover {
                    contents: HoverContents::Markup(MarkupContent {
                        kind: MarkupKind::Markdown,
                        value: h.markdown,
                    }),
                    range: Some(LineIndex::new(&text).range(h.span)),
                });
            to_value(hover)
        }
        req::GotoDefinition::METHOD => {
            let p: lsp_types::GotoDefinitionParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, _, offset) = locate(server, &p.text_document_position_params)?;
            let target = server
                .host
                .definition(&path, offset)
                .and_then(|l| location(server, &l))
                .map(GotoDefinitionResponse::Scalar);
            to_value(target)
        }
        req::References::METHOD => {
            let p: lsp_types::ReferenceParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, _, offset) = locate(server, &p.text_document_position)?;
            let locations: Vec<Location> = server
                .host
                .references(&path, offset, p.context.include_declaration)
                .iter()
                .filter_map(|l| location(server, l))
                .collect();
            to_value(locations)
        }
        req::Completion::METHOD => {
            let p: lsp_types::CompletionParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, _, offset) = locate(server, &p.text_document_position)?;
            let items: Vec<lsp_types::CompletionItem> = server
                .host
                .completion(&path, offset)
                .into_iter()
                .map(|c| lsp_types::CompletionItem {
                    label: c.label,
                    kind: Some(completion_kind(c.kind)),
                    detail: Some(c.detail),
                    documentation: c.documentation.map(|value| {
                        lsp_types::Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        })
                    }),
                    ..Default::default()
                })
                .collect();
            to_value(items)
        }
        req::DocumentSymbolRequest::METHOD => {
            let p: lsp_types::DocumentSymbolParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let path =
                path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
            let text = server.host.text(&path).unwrap_or_default();
            let lines = LineIndex::new(&text);
            #[allow(deprecated)] // `deprecated` is a required field of the struct.
            fn convert(lines: &LineIndex<'_>, s: socle_compiler::ide::Symbol) -> DocumentSymbol {
                DocumentSymbol {
                    name: s.name,
                    detail: Some(s.kind.label().to_owned()),
                    kind: symbol_kind(s.kind),
                    tags: None,
                    deprecated: None,
                    range: lines.range(s.span),
                    selection_range: lines.range(s.name_span),
                    children: Some(s.children.into_iter().map(|c| convert(lines, c)).collect()),
                }
            }
            let symbols: Vec<DocumentSymbol> = server
                .host
                .document_symbols(&path)
                .into_iter()
                .map(|s| convert(&lines, s))
                .collect();
            to_value(symbols)
        }
        req::WorkspaceSymbolRequest::METHOD => {
            let p: lsp_types::WorkspaceSymbolParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let found = server.host.workspace_symbols(&p.query);
            #[allow(deprecated)] // `deprecated` is a required field of the struct.
            let symbols: Vec<SymbolInformation> = found
                .into_iter()
                .filter_map(|(s, path)| {
                    let loc = location(
                        server,
                        &socle_compiler::ide::Location {
                            path,
                            span: s.name_span,
                        },
                    )?;
                    Some(SymbolInformation {
                        name: s.name,
                        kind: symbol_kind(s.kind),
                        tags: None,
                        deprecated: None,
                        location: loc,
                        container_name: s.container,
                    })
                })
                .collect();
            to_value(symbols)
        }
        req::CodeActionRequest::METHOD => {
            let p: lsp_types::CodeActionParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            to_value(code_actions(server, &p))
        }
        req::SignatureHelpRequest::METHOD => {
            let p: lsp_types::SignatureHelpParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, _, offset) = locate(server, &p.text_document_position_params)?;
            let help = server.host.signature_help(&path, offset).map(|s| {
                let utf16 = |b: usize| {
                    s.label
                        .get(..b)
                        .map_or(0, |t| t.encode_utf16().count() as u32)
                };
                let parameters = s
                    .parameters
                    .iter()
                    .map(|&(a, b)| lsp_types::ParameterInformation {
                        label: lsp_types::ParameterLabel::LabelOffsets([utf16(a), utf16(b)]),
                        documentation: None,
                    })
                    .collect();
                lsp_types::SignatureHelp {
                    signatures: vec![lsp_types::SignatureInformation {
                        label: s.label.clone(),
                        documentation: s.documentation.clone().map(|value| {
                            lsp_types::Documentation::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value,
                            })
                        }),
                        parameters: Some(parameters),
                        active_parameter: None,
                    }],
                    active_signature: Some(0),
                    active_parameter: Some(s.active as u32),
                }
            });
            to_value(help)
        }
        req::InlayHintRequest::METHOD => {
            let p: lsp_types::InlayHintParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let path =
                path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
            let text = server.host.text(&path).unwrap_or_default();
            let lines = LineIndex::new(&text);
            let span =
                socle_grammar::Span::new(lines.offset(p.range.start), lines.offset(p.range.end));
            let hints: Vec<lsp_types::InlayHint> = server
                .host
                .inlay_hints(&path, span, server.today)
                .into_iter()
                .map(|(offset, label)| lsp_types::InlayHint {
                    position: lines.position(offset),
                    label: lsp_types::InlayHintLabel::String(label),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(lsp_types::InlayHintTooltip::String(format!(
                        "valeur en vigueur au {}",
                        server.today
                    ))),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect();
            to_value(hints)
        }
        req::DocumentHighlightRequest::METHOD => {
            let p: lsp_types::DocumentHighlightParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, text, offset) = locate(server, &p.text_document_position_params)?;
            let lines = LineIndex::new(&text);
            let highlights: Vec<lsp_types::DocumentHighlight> = server
                .host
                .document_highlight(&path, offset)
                .into_iter()
                .map(|span| lsp_types::DocumentHighlight {
                    range: lines.range(span),
                    kind: Some(lsp_types::DocumentHighlightKind::TEXT),
                })
                .collect();
            to_value(highlights)
        }
        req::FoldingRangeRequest::METHOD => {
            let p: lsp_types::FoldingRangeParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let path =
                path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
            let ranges: Vec<lsp_types::FoldingRange> = server
                .host
                .folding_ranges(&path)
                .into_iter()
                .map(|(start, end, kind)| lsp_types::FoldingRange {
                    start_line: start,
                    end_line: end,
                    kind: Some(match kind {
                        socle_compiler::ide::FoldKind::Declaration => {
                            lsp_types::FoldingRangeKind::Region
                        }
                        socle_compiler::ide::FoldKind::Comment => {
                            lsp_types::FoldingRangeKind::Comment
                        }
                    }),
                    ..Default::default()
                })
                .collect();
            to_value(ranges)
        }
        req::PrepareRenameRequest::METHOD => {
            let p: TextDocumentPositionParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, text, offset) = locate(server, &p)?;
            let span = server.host.prepare_rename(&path, offset).map_err(invalid)?;
            to_value(lsp_types::PrepareRenameResponse::Range(
                LineIndex::new(&text).range(span),
            ))
        }
        req::Rename::METHOD => {
            let p: lsp_types::RenameParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let (path, _, offset) = locate(server, &p.text_document_position)?;
            let edits = server
                .host
                .rename(&path, offset, &p.new_name)
                .map_err(invalid)?;
            let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
            for e in edits {
                let Some(text) = server.host.text(&e.path) else {
                    continue;
                };
                let Some(uri) = uri_of(&e.path) else {
                    continue;
                };
                changes.entry(uri).or_default().push(TextEdit::new(
                    LineIndex::new(&text).range(e.span),
                    e.new_text,
                ));
            }
            to_value(WorkspaceEdit::new(changes))
        }
        req::Formatting::METHOD => {
            let p: lsp_types::DocumentFormattingParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let path =
                path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
            let text = server.host.text(&path).unwrap_or_default();
            let edits = server
                .host
                .format(&path)
                .map_err(|message| (ErrorCode::RequestFailed, message))?
                .filter(|f| *f != text)
                .map(|formatted| {
                    let lines = LineIndex::new(&text);
                    vec![TextEdit::new(
                        lines.range(socle_grammar::Span::new(0, text.len())),
                        formatted,
                    )]
                });
            to_value(edits)
        }
        req::SemanticTokensFullRequest::METHOD => {
            let p: lsp_types::SemanticTokensParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            let path =
                path_of(&p.text_document.uri).ok_or_else(|| invalid("URI de fichier attendue"))?;
            let text = server.host.text(&path).unwrap_or_default();
            let lines = LineIndex::new(&text);
            let mut data = Vec::new();
            let (mut line, mut start) = (0u32, 0u32);
            for t in server.host.highlight(&path) {
                let from = lines.position(t.span.start as usize);
                let to = lines.position(t.span.end as usize);
                // LSP tokens are single-line: every Socle token is.
                if to.line != from.line {
                    continue;
                }
                let delta_line = from.line - line;
                let delta_start = if delta_line == 0 {
                    from.character - start
                } else {
                    from.character
                };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character - from.character,
                    token_type: token_type(t.class),
                    token_modifiers_bitset: 0,
                });
                line = from.line;
                start = from.character;
            }
            to_value(lsp_types::SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        }
        req::CodeLensRequest::METHOD => {
            let p: lsp_types::CodeLensParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            to_value(crate::tester::lenses(server, &p.text_document.uri))
        }
        req::ExecuteCommand::METHOD => {
            let p: lsp_types::ExecuteCommandParams =
                serde_json::from_value(params).map_err(|e| invalid(e.to_string()))?;
            if p.command != crate::tester::COMMAND {
                return Err(invalid(format!("commande inconnue : {}", p.command)));
            }
            let ran = crate::tester::execute(server, &p.arguments).map_err(invalid)?;
            for uri in &ran.files {
                let published = case_file_diagnostics(server, uri);
                server.outbox.push(Notification::new(
                    notif::PublishDiagnostics::METHOD.to_owned(),
                    published,
                ));
            }
            server.outbox.push(Notification::new(
                notif::ShowMessage::METHOD.to_owned(),
                lsp_types::ShowMessageParams {
                    typ: crate::tester::message_type(&ran),
                    message: ran.summary.clone(),
                },
            ));
            to_value(ran.summary)
        }
        other => Err((
            ErrorCode::MethodNotFound,
            format!("méthode non prise en charge : {other}"),
        )),
    }
}
