//! `socle explain CODE`: a French explanation and an example of the fix for every code of
//! the [`crate::codes::ALL`] registry, which reads them from `explanations/CODE.md`.

use crate::codes;

/// The Markdown explanation of a code (`E0203`), if the registry has it.
pub fn explanation(code: &str) -> Option<&'static str> {
    codes::lookup(code).map(|c| c.explanation)
}

/// The `socle` code blocks of an explanation: the faulty example first, then its correction.
/// Examples spread over several files are written in `texte` blocks and not returned.
pub fn socle_examples(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("```socle\n") {
        let body = rest.get(start + "```socle\n".len()..).unwrap_or("");
        let Some(end) = body.find("```") else { break };
        out.push(body.get(..end).unwrap_or(""));
        rest = body.get(end + 3..).unwrap_or("");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::ALL;

    #[test]
    fn every_explanation_is_titled_with_its_code() {
        for code in ALL {
            let (text, title, code) = (code.explanation, code.title, code.id);
            let first = text.lines().next().unwrap_or("");
            assert_eq!(first, format!("# {code} — {title}"), "{code}");
            assert!(text.contains("\n## Exemple\n"), "{code}");
            assert!(text.contains("\n## Correction\n"), "{code}");
        }
    }

    /// Compiles a snippet as a one-file ruleset placed next to a link to `rulesets/national`,
    /// so that examples may import it; returns the codes of its diagnostics and its errors.
    fn codes_of(dir: &std::path::Path, name: &str, source: &str) -> (Vec<String>, bool) {
        let path = dir.join(format!("{name}.socle"));
        if let Err(e) = std::fs::write(&path, source) {
            panic!("{}: {e}", path.display())
        }
        let mut session = crate::Session::new();
        let ruleset = match session.load_file(&path) {
            Ok(r) => r,
            Err(e) => panic!("{e}"),
        };
        let diagnostics = session.check(ruleset);
        let has_error = diagnostics
            .iter()
            .any(|d| d.severity == crate::Severity::Error);
        (
            diagnostics.iter().map(|d| d.code.to_string()).collect(),
            has_error,
        )
    }

    /// The example shows the code and the correction compiles without it and without error:
    /// an explanation whose example is wrong would teach the wrong thing.
    #[test]
    fn examples_give_their_code_and_corrections_fix_it() {
        let dir = std::env::temp_dir().join(format!("socle-explain-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = std::fs::create_dir_all(&dir) {
            panic!("{e}")
        }
        let national =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rulesets/national");
        let copy = dir.join("national");
        let copied = std::fs::create_dir_all(&copy).and_then(|()| {
            for entry in std::fs::read_dir(&national)?.flatten() {
                if entry.path().extension().is_some_and(|e| e == "socle") {
                    std::fs::copy(entry.path(), copy.join(entry.file_name()))?;
                }
            }
            Ok(())
        });
        if let Err(e) = copied {
            panic!("{e}")
        }
        let mut checked = 0;
        let mut wrong = Vec::new();
        for code in ALL {
            let (text, code) = (code.explanation, code.id);
            let examples = socle_examples(text);
            let [bad, good] = examples.as_slice() else {
                assert!(examples.is_empty(), "{code}: 0 ou 2 blocs socle attendus");
                continue;
            };
            let stem = code.to_lowercase();
            let (bad_codes, _) = codes_of(&dir, &format!("{stem}_exemple"), bad);
            let (good_codes, good_errors) = codes_of(&dir, &format!("{stem}_correction"), good);
            if !bad_codes.iter().any(|c| c == code) {
                wrong.push(format!("{code}: l'exemple donne {bad_codes:?}"));
            }
            if good_errors || good_codes.iter().any(|c| c == code) {
                wrong.push(format!("{code}: la correction donne {good_codes:?}"));
            }
            checked += 1;
        }
        let _ = std::fs::remove_dir_all(&dir);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(checked >= 20, "{checked}");
    }
}
