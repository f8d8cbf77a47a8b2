//! The parser on arbitrary bytes: never panics, spans stay inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_, errors) = socle_grammar::parse(&text);
    for e in errors {
        assert!(
            e.span.start <= e.span.end && e.span.end as usize <= text.len(),
            "{e:?}"
        );
        assert!(!e.message.is_empty());
    }
});
