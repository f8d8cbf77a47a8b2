//! The query string of `/decider`: `date=AAAA-MM-JJ`, `explication=true|false`,
//! `dispositif=…` (repeatable, or comma-separated) and `strict=true|false`, percent-decoded.

use chrono::NaiveDate;

/// The decision options a request asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DecideQuery {
    pub date: Option<NaiveDate>,
    pub explain: bool,
    pub dispositifs: Vec<String>,
    /// A dossier field the ruleset does not read is an error, as `socle decide --strict`.
    pub strict: bool,
}

/// A boolean query value: `true` (or no value) or `false`.
fn boolean(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "true" | "" => Ok(true),
        "false" => Ok(false),
        _ => Err(format!("{key}={value} : true ou false attendu")),
    }
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let high = bytes.get(i + 1).copied().and_then(hex);
                let low = bytes.get(i + 2).copied().and_then(hex);
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(format!("« {text} » : encodage %XX invalide"));
                };
                out.push(high * 16 + low);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| format!("« {text} » : texte non UTF-8"))
}

/// Parses the raw query; the error is a French message naming the faulty parameter.
pub fn parse(raw: Option<&str>) -> Result<DecideQuery, String> {
    let mut query = DecideQuery::default();
    for pair in raw.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(key)?;
        let value = decode(value)?;
        match key.as_str() {
            "date" => {
                let date = NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| {
                    format!("date={value} : date AAAA-MM-JJ attendue (par exemple 2024-11-19)")
                })?;
                query.date = Some(date);
            }
            "explication" => query.explain = boolean(&key, &value)?,
            "strict" => query.strict = boolean(&key, &value)?,
            "dispositif" => query.dispositifs.extend(
                value
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            ),
            _ => {
                return Err(format!(
                    "paramètre inconnu « {key} » ; paramètres possibles : date, explication, dispositif, strict"
                ))
            }
        }
    }
    Ok(query)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// `(date, explication, dispositifs)` expected, or the start of the error message.
    type Expected = Result<(&'static str, bool, &'static [&'static str]), &'static str>;

    #[test]
    fn parses_and_refuses() {
        let cases: &[(&str, Expected)] = &[
            ("", Ok(("", false, &[]))),
            (
                "date=2024-01-02&explication=true",
                Ok(("2024-01-02", true, &[])),
            ),
            (
                "dispositif=a&dispositif=b%5Fc,d",
                Ok(("", false, &["a", "b_c", "d"])),
            ),
            ("date=2024-02-30", Err("date=2024-02-30 : date AAAA-MM-JJ")),
            ("explication=oui", Err("explication=oui : true ou false")),
            ("strict=oui", Err("strict=oui : true ou false")),
            ("x=1", Err("paramètre inconnu « x »")),
            ("dispositif=%G1", Err("encodage %XX invalide")),
        ];
        assert!(parse(Some("strict=true")).unwrap().strict);
        assert!(parse(Some("strict")).unwrap().strict);
        assert!(!parse(Some("strict=false")).unwrap().strict);
        for (raw, expected) in cases {
            let got = parse(Some(raw));
            match (got, expected) {
                (Ok(q), Ok((date, explain, dispositifs))) => {
                    assert!(!q.strict, "{raw}");
                    assert_eq!(
                        q.date.map(|d| d.to_string()).unwrap_or_default(),
                        *date,
                        "{raw}"
                    );
                    assert_eq!(q.explain, *explain, "{raw}");
                    assert_eq!(q.dispositifs, *dispositifs, "{raw}");
                }
                (Err(message), Err(start)) => {
                    assert!(message.contains(start), "{raw}: {message}")
                }
                (got, _) => panic!("{raw}: {got:?}"),
            }
        }
    }
}
