//! The formatter on arbitrary text: never panics, format(format(x)) == format(x), and only
//! whitespace changes (every visible character kept, in order).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(once) = socle_grammar::format::format(&text) else {
        return;
    };
    let twice = socle_grammar::format::format(&once).expect("formatted text parses");
    assert_eq!(once, twice);
    // U+FEFF is not Unicode whitespace, but the grammar reads a stray one as blank, like the
    // formatter (regression input: fuzz/corpus/format/stray-bom-line).
    let ink = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{FEFF}')
            .collect()
    };
    assert_eq!(ink(&text), ink(&once));
    assert!(socle_grammar::parse(&once).1.is_empty());
});
