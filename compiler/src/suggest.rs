//! « Vouliez-vous dire » suggestions for unknown names.

/// The closest candidate, if close enough to be a likely typo: a small edit distance
/// (transpositions count as one edit) or a high Jaro-Winkler similarity.
pub fn suggest<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> Option<String> {
    let max_edits = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, f64, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let edits = strsim::damerau_levenshtein(name, c);
        let similarity = strsim::jaro_winkler(name, c);
        if edits > max_edits && similarity < 0.85 {
            continue;
        }
        let better = best.is_none_or(|(e, s, _)| edits < e || (edits == e && similarity > s));
        if better {
            best = Some((edits, similarity, c));
        }
    }
    best.map(|(_, _, c)| c.to_owned())
}
