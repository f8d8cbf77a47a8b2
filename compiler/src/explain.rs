//! `socle explain CODE`: a French explanation and an example of the fix for every code of
//! [`crate::codes::CATALOGUE`]. The texts live in `explanations/CODE.md`, next to this file,
//! so that policy officers can also read them on the forge.

/// The Markdown explanation of a code (`E0203`), if the catalogue has it.
pub fn explanation(code: &str) -> Option<&'static str> {
    let text = match code {
        "E0001" => include_str!("explanations/E0001.md"),
        "E0101" => include_str!("explanations/E0101.md"),
        "E0102" => include_str!("explanations/E0102.md"),
        "E0103" => include_str!("explanations/E0103.md"),
        "E0104" => include_str!("explanations/E0104.md"),
        "E0105" => include_str!("explanations/E0105.md"),
        "E0106" => include_str!("explanations/E0106.md"),
        "E0107" => include_str!("explanations/E0107.md"),
        "E0201" => include_str!("explanations/E0201.md"),
        "E0202" => include_str!("explanations/E0202.md"),
        "E0203" => include_str!("explanations/E0203.md"),
        "E0204" => include_str!("explanations/E0204.md"),
        "E0205" => include_str!("explanations/E0205.md"),
        "E0301" => include_str!("explanations/E0301.md"),
        "E0302" => include_str!("explanations/E0302.md"),
        "E0401" => include_str!("explanations/E0401.md"),
        "E0402" => include_str!("explanations/E0402.md"),
        "E0403" => include_str!("explanations/E0403.md"),
        "E0404" => include_str!("explanations/E0404.md"),
        "E0405" => include_str!("explanations/E0405.md"),
        "E0601" => include_str!("explanations/E0601.md"),
        "E0801" => include_str!("explanations/E0801.md"),
        "E0802" => include_str!("explanations/E0802.md"),
        "E0803" => include_str!("explanations/E0803.md"),
        "E0804" => include_str!("explanations/E0804.md"),
        "E0805" => include_str!("explanations/E0805.md"),
        "E0806" => include_str!("explanations/E0806.md"),
        "E0807" => include_str!("explanations/E0807.md"),
        "E0808" => include_str!("explanations/E0808.md"),
        "E0809" => include_str!("explanations/E0809.md"),
        "W0406" => include_str!("explanations/W0406.md"),
        "W0501" => include_str!("explanations/W0501.md"),
        "W0702" => include_str!("explanations/W0702.md"),
        _ => return None,
    };
    Some(text)
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
    use crate::codes::CATALOGUE;

    #[test]
    fn every_code_has_an_explanation_titled_with_its_code() {
        for (code, title) in CATALOGUE {
            let text = explanation(code).unwrap_or_else(|| panic!("{code} sans explication"));
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
        for (code, _) in CATALOGUE {
            let text = explanation(code).unwrap_or_default();
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

    #[test]
    fn every_explanation_file_is_in_the_catalogue() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/explanations");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            panic!("{} illisible", dir.display())
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let code = name.trim_end_matches(".md");
            assert!(
                CATALOGUE.iter().any(|(c, _)| *c == code),
                "{name} ne correspond à aucun code"
            );
        }
    }
}
