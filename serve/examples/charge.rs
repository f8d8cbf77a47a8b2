//! A bounded load test of `socle serve` on the loopback: the service runs in this process on a
//! free port of 127.0.0.1, 4 client threads post the example dossier for at most 8 s (and at
//! most 200 000 requests), then the requests per second and the latency percentiles are printed.
//!
//! `cargo run --release -p socle-serve --example charge`

use std::path::PathBuf;
use std::time::{Duration, Instant};

const THREADS: usize = 4;
const MAX_REQUESTS: usize = 200_000;
const DURATION: Duration = Duration::from_secs(8);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let mut config = socle_serve::Config::new(vec![root.join("rulesets/val-doise")]);
    config.port = port;
    // The service thread ends with the process.
    std::thread::spawn(move || {
        if let Err(e) = socle_serve::run(config) {
            eprintln!("erreur : {e}");
            std::process::exit(2);
        }
    });
    let base = format!("http://127.0.0.1:{port}");
    let start = Instant::now();
    while ureq::get(&format!("{base}/sante")).call().is_err() {
        if start.elapsed() > Duration::from_secs(30) {
            return Err("le service ne répond pas".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dossier = std::fs::read_to_string(root.join("examples/dossier-apa.json"))?;
    let url = format!("{base}/decider/val-doise");
    let start = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::agent();
                    let mut own = Vec::new();
                    while start.elapsed() < DURATION && own.len() < MAX_REQUESTS / THREADS {
                        let sent = Instant::now();
                        match agent.post(&url).send_string(&dossier) {
                            Ok(r) if r.status() == 200 => {
                                let _ = r.into_string();
                                own.push(sent.elapsed());
                            }
                            other => {
                                eprintln!("réponse inattendue : {other:?}");
                                return own;
                            }
                        }
                    }
                    own
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let elapsed = start.elapsed();
    latencies.sort();
    let at = |q: f64| {
        let index = ((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1);
        latencies.get(index).copied().unwrap_or_default()
    };
    println!(
        "{} requêtes en {:.2} s avec {THREADS} clients : {:.0} requêtes/s ; latence p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3,
        at(1.0).as_secs_f64() * 1e3,
    );
    Ok(())
}
