//! The compiler on grammar-aware generated programs, each next to a copy of
//! `rulesets/national` so that imports resolve: checking and compiling never panic, and a
//! program that compiles is accepted by the runtime.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use socle_fuzz::{rulesets_dir, Program};

fn workdir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("socle-fuzz-compile-{}", std::process::id()));
        let national = dir.join("national");
        std::fs::create_dir_all(&national).expect("work dir");
        for entry in std::fs::read_dir(rulesets_dir().join("national"))
            .expect("national")
            .flatten()
        {
            std::fs::copy(entry.path(), national.join(entry.file_name())).expect("copy");
        }
        dir
    })
}

fuzz_target!(|program: Program| {
    let path = workdir().join("prog.socle");
    std::fs::write(&path, &program.0).expect("write");
    let mut session = socle_compiler::Session::new();
    let r = session.load_file(&path).expect("load");
    let diagnostics = session.check(r);
    let _ = session.render(&diagnostics, false);
    if let (Some(ir), _) = session.compile(r) {
        socle_runtime::Engine::new(ir).expect("a compiled program is a valid program");
    }
});
