//! Socle runtime: owns the IR, decodes dossiers, evaluates decisions.
//!
//! ```text
//! let engine = Engine::new(program)?;          // once
//! let dossier = engine.decode_str(json)?;       // per dossier: typed, JSON-path errors
//! let decision = engine.decide(&dossier, &DecideOptions::default())?;
//! println!("{}", decision.to_json());
//! ```
//!
//! API sketch agreed between crates (the runtime helper implements it):
//! - `Engine::new(Program) -> Result<Engine, ProgramError>` validates indices once
//!   (so evaluation can index without bounds panics turning into crashes: use `.get()`).
//! - `Engine::program(&self) -> &Program`
//! - `Engine::decode_str(&self, &str) -> Result<Dossier, DossierError>` and
//!   `Engine::decode_json(&self, &serde_json::Value) -> Result<Dossier, DossierError>`
//! - `Engine::decide(&self, &Dossier, &DecideOptions) -> Result<Decision, EvalError>`
//! - `Decision::to_json(&self) -> serde_json::Value` in the CONTRACT.md shape.
//! - `Engine::json_schema(&self) -> serde_json::Value` (JSON Schema of the dossier).

pub mod ir;
pub mod value;
