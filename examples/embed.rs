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
    let decision = engine
        .decide(&dossier, &DecideOptions::default())?
        .published(); // the typed form of CONTRACT.md's decision, no JSON indexing
    let apa = decision
        .dispositifs
        .get("apa_domicile")
        .ok_or("pas de décision sur l'APA à domicile")?;
    let montant = apa.valeurs.get("montant").and_then(|v| v.as_str());
    println!(
        "APA à domicile au {} : {}, montant = {} €/mois",
        decision.date,
        match apa.eligible {
            Some(true) => "éligible",
            Some(false) => "non éligible",
            None => "indéterminé (voir manquants)",
        },
        montant.unwrap_or("—")
    );
    for motif in &apa.motifs {
        let mark = match motif.satisfaite {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "?",
        };
        println!("  {mark} {} : {}", motif.id, motif.message);
    }

    // 3. Ship the compiled program as data: the versioned file form, read back without the
    //    compiler (`Program::from_json` refuses a file of another format).
    let file = engine.program().to_json()?;
    let shipped = Engine::new(socle_runtime::Program::from_json(&file)?)?;
    let again = shipped.decide(&shipped.decode_str(&text)?, &DecideOptions::default())?;
    assert_eq!(again.published(), decision);
    Ok(())
}
