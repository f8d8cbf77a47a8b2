//! `socle serve`: the rulesets as an HTTP/JSON service for integrators (docs/CONTRACT.md,
//! « socle serve »).
//!
//! Routes: `POST /decider/{ruleset}` (one dossier → the decision `socle decide` prints),
//! `POST /decider/{ruleset}/lot` (JSON Lines in and out, the per-line shape of `socle batch`),
//! `GET /regles/{ruleset}`, `GET /schema/{ruleset}`, `GET /sante` and `GET /openapi.json`.
//! Errors are the CLI's JSON error with an HTTP status. Rulesets are compiled at start-up and
//! recompiled on SIGHUP: the new set replaces the old one atomically (an `Arc` swap), and a set
//! that does not compile leaves the old one in service. SIGTERM and SIGINT stop accepting
//! connections and let the requests in flight finish.
//!
//! ```text
//! let config = Config::new(vec!["rulesets/val-doise".into()]);
//! socle_serve::run(config)?;   // prints « socle serve : à l'écoute sur http://127.0.0.1:8080 »
//! ```

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod errors;
mod lot;
pub mod openapi;
mod query;
pub mod registry;
mod routes;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use registry::{Registry, Rulesets};

/// Largest dossier accepted by default, for one request and for each line of a lot: the same
/// 1 Mio as `socle decide` and `socle batch`.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

/// Default time limit of one request (and, for a lot, of each wait for input).
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(30);

/// How to run the service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Ruleset directories, `.socle` files, or directories of rulesets.
    pub rulesets: Vec<PathBuf>,
    /// Address to listen on (loopback by default).
    pub address: IpAddr,
    /// Port to listen on; 0 lets the system choose (the bound address is printed).
    pub port: u16,
    /// Largest dossier (request body, or one line of a lot), in bytes.
    pub max_body: usize,
    /// Time limit of one request.
    pub time_limit: Duration,
}

impl Config {
    /// The defaults: `127.0.0.1:8080`, 1 Mio, 30 s.
    pub fn new(rulesets: Vec<PathBuf>) -> Config {
        Config {
            rulesets,
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 8080,
            max_body: DEFAULT_MAX_BODY,
            time_limit: DEFAULT_TIME_LIMIT,
        }
    }
}

/// Why the service could not start or stopped on an error. Messages are in French: operators
/// read them.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A ruleset is missing or does not compile at start-up.
    #[error("{0}")]
    Rulesets(String),
    /// The address cannot be listened on.
    #[error("écoute impossible sur {address} ({source})")]
    Bind {
        /// The address asked for.
        address: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The asynchronous runtime could not start, or the server failed.
    #[error("serveur arrêté sur une erreur : {0}")]
    Io(#[from] std::io::Error),
}

/// State shared by every request.
#[derive(Clone)]
pub(crate) struct AppState {
    pub registry: Arc<Registry>,
    pub max_body: usize,
    pub time_limit: Duration,
}

/// Compiles the rulesets, listens, prints `socle serve : à l'écoute sur http://ADDRESS` on
/// stdout, and serves until SIGTERM or SIGINT. Blocks the calling thread.
pub fn run(config: Config) -> Result<(), ServeError> {
    let rulesets = registry::compile(&config.rulesets).map_err(ServeError::Rulesets)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(config, rulesets))
}

async fn serve(config: Config, rulesets: Rulesets) -> Result<(), ServeError> {
    let address = SocketAddr::new(config.address, config.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|source| ServeError::Bind { address, source })?;
    let bound = listener.local_addr()?;
    let names = rulesets.names().join(", ");
    let state = AppState {
        registry: Arc::new(Registry::new(rulesets, config.rulesets.clone())),
        max_body: config.max_body,
        time_limit: config.time_limit,
    };
    let app = routes::router(state.clone());
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        writeln!(out, "socle serve : à l'écoute sur http://{bound}")?;
        out.flush()?;
    }
    eprintln!("socle serve : jeux de règles en service : {names}");
    let reloads = tokio::spawn(registry::reload_on_sighup(state.registry.clone()));
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(stop_signal())
        .await;
    reloads.abort();
    eprintln!("socle serve : arrêté (les requêtes en cours sont terminées)");
    result.map_err(ServeError::Io)
}

/// Resolves on the first SIGTERM or SIGINT.
async fn stop_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        eprintln!("socle serve : erreur : signaux d'arrêt indisponibles");
        return std::future::pending().await;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    eprintln!("socle serve : {name} reçu, arrêt après les requêtes en cours");
}
