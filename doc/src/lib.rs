//! Socle doc: a static documentation site generated from a ruleset, for policy teams and
//! auditors — a page per dispositif (conditions and values as written, sources linked to
//! Légifrance, the dossier fields read, an example decision from a golden case with its
//! trace), per parameter (history table and step chart), per barème (tranches table and
//! chart), per function and rule, plus the dossier fields.
//!
//! Plain HTML, one stylesheet, inline SVG, no JavaScript and relative links: the site reads
//! offline from the file system. Formulas and sources come from the ASTs and source text;
//! decisions come from the compiled program.
//!
//! ```text
//! let site = socle_doc::build(Path::new("rulesets/val-doise"))?;
//! site.write(Path::new("/tmp/site"))?;
//! ```

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod example;
pub mod html;
pub mod legifrance;
mod model;
mod pages;
mod sources;
mod svg;
mod tables;

use std::path::{Path, PathBuf};

use socle_compiler::{LoadError, Session};
use socle_grammar::ast::DeclKind;

use crate::html::Kind;
use crate::model::Catalog;

#[derive(Debug, thiserror::Error)]
pub enum DocError {
    #[error(transparent)]
    Load(#[from] LoadError),
    /// `rendered` holds the compiler's diagnostics, for the terminal.
    #[error("le jeu de règles {ruleset} ne compile pas ({errors} erreur(s)) : corrigez-le avant d'en générer la documentation")]
    Compile {
        ruleset: String,
        errors: usize,
        rendered: String,
    },
    #[error("le programme compilé est invalide : {0}")]
    Program(String),
    #[error("impossible d'écrire ou de lire « {path} » : {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The generated site: file names (relative, flat) and contents, in a stable order.
#[derive(Debug)]
pub struct Site {
    pub files: Vec<(String, String)>,
}

impl Site {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_str())
    }

    /// Writes every file under `dir`, created if missing; files already there are replaced.
    pub fn write(&self, dir: &Path) -> Result<(), DocError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| DocError::Io { path, source }
        };
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for (name, content) in &self.files {
            let path = dir.join(name);
            std::fs::write(&path, content).map_err(io(&path))?;
        }
        Ok(())
    }
}

/// Generates the site of a ruleset directory. Fails when the ruleset does not compile: a site
/// of rules that cannot decide would mislead its readers.
pub fn build(ruleset_dir: &Path) -> Result<Site, DocError> {
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(ruleset_dir)?;
    let program = session
        .program(ruleset)
        .map_err(|errors| DocError::Compile {
            ruleset: session.ruleset_name(ruleset),
            errors: errors.len(),
            rendered: session.render(&errors, false),
        })?;
    let engine =
        socle_runtime::Engine::new(program).map_err(|e| DocError::Program(e.to_string()))?;
    let (case_files, _problems) = socle_golden::suite::load_case_files(&mut session, ruleset_dir);
    let cases = case_files.into_iter().flat_map(|f| f.cases).collect();
    let examples = example::Examples::new(engine, cases);
    let dir = ruleset_dir.canonicalize().map_err(|source| DocError::Io {
        path: ruleset_dir.to_path_buf(),
        source,
    })?;
    let catalog = Catalog::load(&dir)?;
    Ok(render(&catalog, &examples))
}

fn render(catalog: &Catalog, examples: &example::Examples) -> Site {
    let main = catalog.main().map(|r| r.name.clone()).unwrap_or_default();
    let mut files = vec![
        ("style.css".to_owned(), html::CSS.to_owned()),
        ("index.html".to_owned(), pages::index(catalog)),
        ("champs.html".to_owned(), pages::fields(catalog)),
    ];
    for item in catalog.items() {
        let Some(name) = pages::link_of(item) else {
            continue;
        };
        let content = match (&item.decl.kind, pages::kind_of(item)) {
            (DeclKind::Dispositif(d), _) => {
                let examples = (item.ruleset.name == main).then_some(examples);
                pages::dispositif(catalog, item, d, examples)
            }
            (DeclKind::Param(p), _) => pages::parameter(catalog, item, p),
            (DeclKind::Bareme(b), _) => pages::bareme(catalog, item, b),
            (_, Some(kind @ (Kind::Fonction | Kind::Regle))) => pages::rule(catalog, item, kind),
            _ => continue,
        };
        files.push((name, content));
    }
    Site { files }
}
