//! `parse` must never panic nor overflow the stack, whatever the input.

use socle_grammar::parse;

const VALID: &str = include_str!("fixtures/fuzz_base.socle");

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Characters that matter to the grammar, to make mutations hit interesting paths.
const ALPHABET: &[char] = &[
    '(', ')', '[', ']', '{', '}', '"', '\\', '#', '\n', '\r', '\t', ' ', ',', '.', ';', ':', '=',
    '>', '<', '-', '+', '×', '÷', '%', '€', '/', '∞', '0', '9', 'a', 'é', '_', '\u{a0}',
    '\u{202f}', '\u{feff}', '’', '\'', '|', '?', '!', '≠', '≤',
];

const WORDS: &[&str] = &[
    "si ",
    "alors ",
    "sinon ",
    "sauf si ",
    "dans ",
    "contient un de ",
    "au ",
    "arrondi(",
    "à partir du ",
    "2024-02-30",
    "99999999999999999999999",
    "tranche ",
    "source \"",
    "message \"{",
    "}",
    "valeur ",
    "\n",
    "\nvaleur x = ",
    "((((",
    "))))",
    "-",
    "1,5 an",
];

fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(4) {
        let at = rng.below(chars.len() + 1);
        match rng.below(5) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => chars[at] = ALPHABET[rng.below(ALPHABET.len())],
            2 => chars.insert(at, ALPHABET[rng.below(ALPHABET.len())]),
            3 => {
                let word = WORDS[rng.below(WORDS.len())];
                for (i, c) in word.chars().enumerate() {
                    chars.insert(at + i, c);
                }
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

fn check_spans(text: &str) {
    let (file, errors) = parse(text);
    for e in &errors {
        assert!(e.span.start <= e.span.end, "{e:?}");
        assert!(e.span.end as usize <= text.len(), "{e:?}");
        assert!(text.is_char_boundary(e.span.start as usize), "{e:?}");
        assert!(text.is_char_boundary(e.span.end as usize), "{e:?}");
        assert!(
            !e.message.contains("kw_") && !e.message.contains("p_"),
            "{e:?}"
        );
    }
    for d in &file.decls {
        assert!(d.span.start <= d.span.end && d.span.end as usize <= text.len());
    }
}

#[test]
fn thousands_of_mutations_never_panic() {
    let mut rng = Rng(0x5eed_50c1e);
    for _ in 0..2000 {
        let mutated = mutate(&mut rng, VALID);
        check_spans(&mutated);
    }
}

#[test]
fn every_truncation_never_panics() {
    for (i, _) in VALID.char_indices().step_by(7) {
        check_spans(&VALID[..i]);
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut rng = Rng(42);
    for _ in 0..500 {
        let len = rng.below(200);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check_spans(&String::from_utf8_lossy(&bytes));
        let chars: String = (0..len)
            .map(|_| ALPHABET[rng.below(ALPHABET.len())])
            .collect();
        check_spans(&format!("valeur x = {chars}"));
    }
}

fn nesting_error(text: &str) -> String {
    let (file, errors) = parse(text);
    assert!(file.decls.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    errors[0].message.clone()
}

#[test]
fn hundred_thousand_parentheses_are_refused() {
    let text = format!("valeur x = {}1", "(".repeat(100_000));
    assert!(nesting_error(&text).starts_with("imbrication trop profonde"));
    let balanced = format!("valeur x = {}1{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(nesting_error(&balanced).starts_with("imbrication trop profonde"));
}

#[test]
fn deep_brackets_braces_si_and_prefixes_are_handled() {
    for text in [
        format!("valeur x = a{}", "[a".repeat(20_000)),
        format!("valeur x = a{}{}", "[a".repeat(20_000), "]".repeat(20_000)),
        format!("valeur x = {}", "si ".repeat(20_000)),
        format!("valeur x = {}1", "{".repeat(20_000)),
        format!("valeur x = {}1", "- ".repeat(20_000)),
        format!("valeur x = {}1", "non ".repeat(20_000)),
        format!("valeur x = 1{}", " + 1".repeat(20_000)),
        format!("valeur x = a{}", ".b".repeat(20_000)),
        format!("valeur x = {}1{}", "f(".repeat(20_000), ")".repeat(20_000)),
        format!("valeur x = 1 {}", "sinon si a alors 1 ".repeat(5_000)),
        format!("condition c : vrai message \"{{{}}}\"", "(".repeat(20_000)),
        format!(
            "condition c : vrai message \"{{{}1{}}}\"",
            "(".repeat(70),
            ")".repeat(70)
        ),
        format!(
            "paramètre p : montant\n{}",
            "  à partir du 2024-01-01 : 1 €\n".repeat(5_000)
        ),
    ] {
        let (_, errors) = parse(&text);
        // Whatever the verdict, no panic and no stack overflow; refusals say why in French.
        for e in errors {
            assert!(!e.message.is_empty());
        }
    }
}

#[test]
fn sixty_four_levels_are_accepted_on_a_small_stack() {
    let text = format!("valeur x = {}1{}", "(".repeat(64), ")".repeat(64));
    let ladder = format!(
        "valeur y = {}1{}",
        "si a alors ".repeat(60),
        " sinon 2".repeat(60)
    );
    // A 2 MiB stack, like a test or LSP worker thread.
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || (parse(&text).1, parse(&ladder).1))
        .unwrap();
    let (errors, ladder_errors) = handle.join().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(ladder_errors.is_empty(), "{ladder_errors:?}");
    let too_deep = format!("valeur x = {}1{}", "(".repeat(65), ")".repeat(65));
    assert!(nesting_error(&too_deep).starts_with("imbrication trop profonde"));
}

#[test]
fn long_operator_chains_are_refused_not_overflowed() {
    let text = format!("valeur x = 1{}", " + 1".repeat(300));
    let message = nesting_error(&text);
    assert!(message.starts_with("expression trop longue"), "{message}");
    let ok = format!("valeur x = 1{}", " + 1".repeat(200));
    assert!(parse(&ok).1.is_empty());
}
