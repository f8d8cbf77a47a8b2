//! `socle serve`: the rulesets as an HTTP/JSON service (the `socle-serve` crate).

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::exit::{usage_error, Status};

/// The options of `socle serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Jeux de règles servis : dossiers de jeux de règles, fichiers .socle, ou dossiers de jeux
    /// de règles (par défaut : rulesets/).
    pub rulesets: Vec<PathBuf>,
    /// Port d'écoute (0 : un port libre, affiché au démarrage).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Adresse d'écoute.
    #[arg(long, default_value = "127.0.0.1")]
    pub adresse: IpAddr,
    /// Taille maximale d'un dossier (corps d'une requête, ou ligne d'un lot), en octets.
    #[arg(long, default_value_t = socle_serve::DEFAULT_MAX_BODY, value_name = "OCTETS")]
    pub taille_max: usize,
    /// Délai maximal d'une requête, en secondes.
    #[arg(long, default_value_t = socle_serve::DEFAULT_TIME_LIMIT.as_secs(), value_name = "SECONDES")]
    pub delai: u64,
}

pub fn run(args: ServeArgs) -> Status {
    let rulesets = if args.rulesets.is_empty() {
        vec![PathBuf::from("rulesets")]
    } else {
        args.rulesets
    };
    let config = socle_serve::Config {
        rulesets,
        address: args.adresse,
        port: args.port,
        max_body: args.taille_max,
        time_limit: Duration::from_secs(args.delai.max(1)),
    };
    match socle_serve::run(config) {
        Ok(()) => Status::Ok,
        Err(e) => usage_error(e),
    }
}
