//! How an application embeds Socle: compile a ruleset once, then decide many dossiers.
//!
//! `cargo run -p socle-tests --example embed`

use socle_compiler::{Session, Severity};
use socle_runtime::{DecideOptions, Engine};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Compile once (at start-up, or ahead of time: a `Program` is serialisable data).
    let mut session = Session::new();
    let ruleset = session.load_ruleset_dir(std::path::Path::new("rulesets/val-doise"))?;
    let (program, diagnostics) = session.compile(ruleset);
    let Some(program) = program else {
        let errors: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        return Err(session.render(&errors, false).into());
    };
    let engine = Engine::new(program)?; // Send + Sync: share it between threads.

    // 2. Per dossier: decode (errors name the JSON path), decide, read the outputs.
    let text = std::fs::read_to_string("examples/dossier-apa.json")?;
    let dossier = engine.decode_str(&text)?;
    let decision = engine.decide(&dossier, &DecideOptions::default())?;
    let json = decision.to_json();
    let apa = &json["dispositifs"]["apa_domicile"];
    println!(
        "APA à domicile : éligible = {}, montant = {} €/mois",
        apa["eligible"], apa["valeurs"]["montant"]
    );
    Ok(())
}
