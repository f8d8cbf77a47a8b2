//! The compiler's modules form a layered graph: no module reaches back to one that depends
//! on it. The graph is read from the sources: every `crate::NAME` path (and, in `lib.rs`,
//! every `NAME::` path of a module) is an edge between top-level modules; `crate::Item` for
//! an item of `lib.rs` is an edge to the crate root.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = "lib";

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to: `typeck/expr.rs` → `typeck`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The identifiers following `prefix` in `code` (`crate::db::X` → `db`).
fn names_after<'c>(code: &'c str, prefix: &str) -> Vec<&'c str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end > 0 {
            out.push(&rest[..end]);
        }
    }
    out
}

/// `crate::{a, b::c}` groups: the first names of each path.
fn grouped_after_crate(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::{") {
        rest = &rest[i + "crate::{".len()..];
        let end = rest.find('}').unwrap_or(rest.len());
        for part in rest[..end].split(',') {
            let name = part.trim().split("::").next().unwrap_or("").trim();
            if !name.is_empty() {
                out.push(name.to_owned());
            }
        }
    }
    out
}

fn module_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(src, f)).collect();
    let mut graph = Graph::new();
    for file in &files {
        let from = module_of(src, file);
        let text = std::fs::read_to_string(file).unwrap();
        // Comments may name modules without depending on them.
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .map(|l| format!("{l}\n"))
            .collect();
        let mut targets: Vec<String> = names_after(&code, "crate::")
            .into_iter()
            .map(str::to_owned)
            .collect();
        targets.extend(grouped_after_crate(&code));
        if from == ROOT {
            for m in &modules {
                if !names_after(&code, &format!("{m}::")).is_empty() {
                    targets.push(m.clone());
                }
            }
        }
        let edges = graph.entry(from.clone()).or_default();
        for t in targets {
            let to = if modules.contains(&t) {
                t
            } else {
                ROOT.to_owned()
            };
            if to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

/// A cycle of the graph, if it has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

#[test]
fn compiler_modules_have_no_import_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    // The reader must see the edges it is meant to see, or an empty graph would pass.
    assert!(graph["pipeline"].contains("typeck"), "{graph:#?}");
    assert!(graph["typeck"].contains("syntax"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle: {}", cycle.join(" → "));
    }
}

#[test]
fn a_cycle_is_found() {
    let graph: Graph = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .into_iter()
        .fold(Graph::new(), |mut g, (from, to)| {
            g.entry(from.into()).or_default().insert(to.into());
            g
        });
    assert_eq!(
        find_cycle(&graph).map(|c| c.join(" → ")),
        Some("a → b → c → a".to_owned())
    );
}
