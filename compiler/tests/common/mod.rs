//! Test helpers: rulesets written to a fresh temporary directory, diagnostics rendered
//! without colour and with the directory stripped so snapshots are stable.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use socle_compiler::{RulesetId, Session};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub struct Workspace {
    pub root: PathBuf,
    pub session: Session,
}

impl Workspace {
    /// `files`: paths relative to the workspace (`national/lib.socle`) and their text.
    pub fn new(files: &[(&str, &str)]) -> Workspace {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let root =
            std::env::temp_dir().join(format!("socle-compiler-test-{}-{n}", std::process::id()));
        std::fs::remove_dir_all(&root).ok();
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let root = root.canonicalize().unwrap();
        Workspace {
            root,
            session: Session::new(),
        }
    }

    pub fn load(&mut self, dir: &str) -> RulesetId {
        self.session.load_ruleset_dir(&self.root.join(dir)).unwrap()
    }

    pub fn strip(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.root.display()), "")
    }

    pub fn rendered(&self, r: RulesetId) -> String {
        let diags = self.session.check(r);
        self.strip(&self.session.render(&diags, false))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.root).ok();
    }
}

/// One ruleset `regles/main.socle`: the input followed by the rendered diagnostics.
pub fn check(src: &str) -> String {
    check_files(&[("regles/main.socle", src)], "regles")
}

/// Several files; `root` is the ruleset directory checked. Shows every input file and the
/// diagnostics of `root`.
pub fn check_files(files: &[(&str, &str)], root: &str) -> String {
    let mut ws = Workspace::new(files);
    let r = ws.load(root);
    let mut out = String::new();
    for (path, text) in files {
        out.push_str(&format!("=== {path}\n{text}"));
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out.push_str("=== diagnostics\n");
    let rendered = ws.rendered(r);
    if rendered.is_empty() {
        out.push_str("(aucun)\n");
    } else {
        out.push_str(&rendered);
    }
    out
}

/// Compiles a single-file ruleset that must have no error; returns the program.
pub fn compile(src: &str) -> socle_runtime::ir::Program {
    compile_files(&[("regles/main.socle", src)], "regles")
}

pub fn compile_files(files: &[(&str, &str)], root: &str) -> socle_runtime::ir::Program {
    let mut ws = Workspace::new(files);
    let r = ws.load(root);
    let (program, diags) = ws.session.compile(r);
    match program {
        Some(p) => p,
        None => panic!("{}", ws.strip(&ws.session.render(&diags, false))),
    }
}

/// One ruleset file open in the editor's host, in a fresh directory removed on drop.
pub struct Editor {
    pub host: socle_compiler::ide::Host,
    pub path: PathBuf,
    dir: PathBuf,
}

impl Editor {
    pub fn open(text: &str) -> Editor {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("socle-editor-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("regles.socle");
        std::fs::write(&path, text).unwrap();
        let mut host = socle_compiler::ide::Host::new();
        host.set_file(&path, text.to_owned()).unwrap();
        Editor { host, path, dir }
    }
}

impl Drop for Editor {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}
