//! `socle serve` as integrators meet it: the real binary started on 127.0.0.1 with port 0 (it
//! prints the bound address), driven over HTTP, and always killed (kill on drop). Decisions
//! over HTTP equal `socle decide`'s and lots equal `socle batch`'s; errors carry their status;
//! SIGHUP reloads without dropping requests and keeps the old rules when the new ones do not
//! compile; SIGTERM lets a request in flight finish.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A running `socle serve`, killed when dropped.
struct Server {
    child: Child,
    address: String,
    stderr: PathBuf,
}

impl Server {
    fn start(args: &[&str]) -> Server {
        let stderr = scratch("stderr").with_extension("txt");
        let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
            .arg("serve")
            .args(args)
            .args(["--port", "0"])
            .current_dir(root())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let address = match line.trim().rsplit_once("http://") {
            Some((_, address)) => address.to_owned(),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "no address printed: {line:?}\n{}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            }
        };
        Server {
            child,
            address,
            stderr,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn post(&self, path: &str, body: &str) -> (u16, String) {
        answer(ureq::post(&self.url(path)).send_string(body))
    }

    fn get(&self, path: &str) -> (u16, String) {
        answer(ureq::get(&self.url(path)).call())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.stderr);
    }
}

fn answer(result: Result<ureq::Response, ureq::Error>) -> (u16, String) {
    match result {
        Ok(r) => (r.status(), r.into_string().unwrap()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap()),
        Err(e) => panic!("{e}"),
    }
}

/// A fresh path in the temporary directory.
fn scratch(name: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "socle-serve-{}-{}-{name}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

fn json(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `socle ARGS…` with `stdin`, its stdout.
fn socle(args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_socle"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn example_dossier() -> String {
    std::fs::read_to_string(root().join("examples/dossier-apa.json")).unwrap()
}

#[test]
fn decisions_over_http_equal_socle_decide() {
    let server = Server::start(&["rulesets/val-doise"]);
    let dossier = example_dossier();
    let invalid = dossier.replace("\"gir\": 3", "\"gir\": \"trois\"");
    assert_ne!(invalid, dossier);
    let typo = dossier.replace("\"domicile_secours\"", "\"domicile_secour\"");
    assert_ne!(typo, dossier);
    // (query, CLI flags, dossier, status)
    let cases: &[(&str, &[&str], &str, u16)] = &[
        ("", &[], &dossier, 200),
        ("?explication=true", &["--explain"], &dossier, 200),
        ("?date=2021-03-01", &["--date", "2021-03-01"], &dossier, 200),
        (
            "?dispositif=apa_domicile&dispositif=teleassistance",
            &[
                "--dispositif",
                "apa_domicile",
                "--dispositif",
                "teleassistance",
            ],
            &dossier,
            200,
        ),
        ("", &[], &invalid, 422),
        ("", &[], &typo, 200),
        ("?strict=true", &["--strict"], &typo, 422),
        ("?strict=true", &["--strict"], &dossier, 200),
        ("", &[], "{\"date_demande\": ", 400),
    ];
    for (query, flags, body, status) in cases {
        let (code, text) = server.post(&format!("/decider/val-doise{query}"), body);
        assert_eq!(code, *status, "{query}: {text}");
        let mut args = vec!["decide", "rulesets/val-doise", "--dossier", "-"];
        args.extend(flags.iter());
        assert_eq!(json(&text), json(&socle(&args, body)), "{query}");
    }
}

#[test]
fn lots_over_http_equal_socle_batch() {
    let server = Server::start(&["rulesets/val-doise", "--taille-max", "4000"]);
    let dossier = example_dossier().replace('\n', " ");
    let long = format!("{{\"x\": \"{}\"}}", "a".repeat(5000));
    let input = format!("{dossier}\n\n{{\"gir\": 1}}\r\n{long}\nnot json\n{dossier}");
    let (code, text) = server.post("/decider/val-doise/lot", &input);
    assert_eq!(code, 200, "{text}");
    let got: Vec<Json> = text.lines().map(json).collect();
    // `socle batch` has the fixed 1 Mio limit: the long line is refused here by the smaller one.
    let expected: Vec<Json> = socle(
        &["batch", "rulesets/val-doise", "--dossiers", "-"],
        &input.replace(&long, "x".repeat(2_000_000).as_str()),
    )
    .lines()
    .map(json)
    .collect();
    assert_eq!(got.len(), 6);
    let kinds: Vec<&str> = got
        .iter()
        .map(|l| l["detail"]["type"].as_str().unwrap_or("decision"))
        .collect();
    assert_eq!(
        kinds,
        [
            "decision",
            "ligne_vide",
            // `{"gir": 1}`: fields may be missing, but not the decision date.
            "evaluation_impossible",
            "ligne_trop_longue",
            "dossier_invalide",
            "decision"
        ]
    );
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        if i == 3 {
            assert_eq!(
                g["erreur"],
                "ligne trop longue : le dossier dépasse la taille maximale de 4000 octets"
            );
            continue;
        }
        assert_eq!(g, e, "line {}", i + 1);
    }
}

#[test]
fn errors_have_their_status_and_the_cli_shape() {
    let server = Server::start(&["rulesets/val-doise", "--taille-max", "1000"]);
    let big = format!("{{\"x\": \"{}\"}}", "a".repeat(2000));
    let cases: &[(&str, &str, u16, &str)] = &[
        ("/decider/inconnu", "{}", 404, "jeu_de_regles_inconnu"),
        ("/regles/inconnu", "", 404, "jeu_de_regles_inconnu"),
        ("/schema/inconnu", "", 404, "jeu_de_regles_inconnu"),
        ("/decider/val-doise", &big, 413, "dossier_trop_grand"),
        ("/decider/val-doise", "[1, 2", 400, "dossier_invalide"),
        // Only the decision date is required: without it nothing can be decided.
        ("/decider/val-doise", "{}", 422, "evaluation_impossible"),
        (
            "/decider/val-doise?date=2024-02-30",
            "{}",
            400,
            "parametre_invalide",
        ),
        (
            "/decider/val-doise?dispositif=apa",
            "{}",
            400,
            "parametre_invalide",
        ),
        (
            "/decider/val-doise/lot?x=1",
            "{}",
            400,
            "parametre_invalide",
        ),
        ("/ailleurs", "", 404, "route_inconnue"),
    ];
    for (path, body, status, kind) in cases {
        let (code, text) = if path.starts_with("/decider") {
            server.post(path, body)
        } else {
            server.get(path)
        };
        assert_eq!(code, *status, "{path}: {text}");
        let error = json(&text);
        assert_eq!(error["erreur"]["type"], *kind, "{path}: {text}");
        assert!(error["erreur"]["message"].as_str().is_some(), "{path}");
    }
}

#[test]
fn every_route_is_in_the_openapi_document_and_answers() {
    let server = Server::start(&["rulesets/val-doise"]);
    let (code, text) = server.get("/openapi.json");
    assert_eq!(code, 200);
    let doc = json(&text);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|method| (method.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let routes: Vec<(String, String)> = socle_serve::openapi::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, routes);
    let dossier = example_dossier();
    for (method, template) in &routes {
        let path = template.replace("{ruleset}", "val-doise");
        let (code, text) = if method == "post" {
            server.post(&path, &dossier)
        } else {
            server.get(&path)
        };
        assert_eq!(code, 200, "{method} {path}: {text}");
        let responses = &paths[template.as_str()][method.as_str()]["responses"];
        assert!(responses["200"].is_object(), "{path}");
    }
    let (_, rules) = server.get("/regles/val-doise");
    let rules = json(&rules);
    assert!(rules["dispositifs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["id"] == "apa_domicile"));
    assert!(rules["parametres"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| !p["versions"].as_array().unwrap().is_empty()));
    let (_, schema) = server.get("/schema/val-doise");
    assert_eq!(
        json(&schema),
        json(&socle(&["schema", "rulesets/val-doise"], ""))
    );
}

#[test]
fn concurrent_requests_all_get_the_same_decision() {
    let server = Server::start(&["rulesets/val-doise"]);
    let dossier = example_dossier();
    let expected = json(&socle(
        &["decide", "rulesets/val-doise", "--dossier", "-"],
        &dossier,
    ));
    let url = server.url("/decider/val-doise");
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    let agent = ureq::agent();
                    for _ in 0..50 {
                        let (code, text) = answer(agent.post(&url).send_string(&dossier));
                        assert_eq!(code, 200);
                        assert_eq!(json(&text), expected);
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    });
}

/// Copies `rulesets/national` and the tutorial's ruleset into a fresh directory.
fn editable_rulesets() -> (PathBuf, PathBuf) {
    let dir = scratch("rulesets");
    for (from, to) in [
        ("rulesets/national", "national"),
        ("examples/tutoriel/mon-departement", "mon-departement"),
    ] {
        std::fs::create_dir_all(dir.join(to)).unwrap();
        for entry in std::fs::read_dir(root().join(from)).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "socle") {
                std::fs::copy(entry.path(), dir.join(to).join(entry.file_name())).unwrap();
            }
        }
    }
    let file = dir.join("mon-departement/teleassistance.socle");
    (dir, file)
}

fn aide_appareil(server: &Server, dossier: &str) -> Json {
    let (code, text) = server.post("/decider/mon-departement", dossier);
    assert_eq!(code, 200, "{text}");
    json(&text)["dispositifs"]["teleassistance"]["valeurs"]["aide_appareil"].clone()
}

/// Polls until the decision gives `want` (at most 20 s).
fn wait_for(server: &Server, dossier: &str, want: &str) {
    let start = Instant::now();
    while aide_appareil(server, dossier) != want {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no reload: {}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sighup_reloads_and_keeps_the_old_rules_when_the_new_ones_do_not_compile() {
    let (dir, file) = editable_rulesets();
    let server = Server::start(&[dir.join("mon-departement").to_str().unwrap()]);
    let dossier =
        std::fs::read_to_string(root().join("examples/tutoriel/dossier-teleassistance.json"))
            .unwrap();
    assert_eq!(aide_appareil(&server, &dossier), "47.48");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace(": 25 %", ": 50 %")).unwrap();
    // Requests keep being answered while the new rules compile.
    let url = server.url("/decider/mon-departement");
    std::thread::scope(|scope| {
        let busy = scope.spawn(|| {
            for _ in 0..100 {
                let (code, _) = answer(ureq::post(&url).send_string(&dossier));
                assert_eq!(code, 200);
            }
        });
        server.signal("HUP");
        wait_for(&server, &dossier, "94.95");
        busy.join().unwrap();
    });
    std::fs::write(&file, format!("{text}\ndispositif cassé ???\n")).unwrap();
    server.signal("HUP");
    let start = Instant::now();
    while !server.stderr().contains("rechargement refusé") {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(aide_appareil(&server, &dossier), "94.95");
    drop(server);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let mut server = Server::start(&["rulesets/val-doise"]);
    let dossier = example_dossier().replace('\n', " ");
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST /decider/val-doise/lot HTTP/1.1\r\nHost: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        server.address
    )
    .unwrap();
    let chunk = |s: &mut TcpStream, text: &str| {
        write!(s, "{:x}\r\n{text}\r\n", text.len()).unwrap();
        s.flush().unwrap();
    };
    chunk(&mut stream, &format!("{dossier}\n"));
    // The first decision comes back before the signal: the request is in flight.
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"ligne\":1") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    server.signal("TERM");
    let start = Instant::now();
    while !server.stderr().contains("SIGTERM reçu") {
        assert!(start.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(20));
    }
    chunk(&mut stream, &format!("{dossier}\n"));
    stream.write_all(b"0\r\n\r\n").unwrap();
    stream.read_to_end(&mut seen).unwrap();
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("\"ligne\":2"), "{text}");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}: {}", server.stderr());
    assert!(TcpStream::connect(&server.address).is_err());
}

#[test]
fn a_request_over_the_time_limit_gets_503() {
    let server = Server::start(&["rulesets/val-doise", "--delai", "1"]);
    let mut stream = TcpStream::connect(&server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // A body announced and never sent.
    write!(
        stream,
        "POST /decider/val-doise HTTP/1.1\r\nHost: {}\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{{",
        server.address
    )
    .unwrap();
    let start = Instant::now();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("\"delai_depasse\""), "{answer}");
    assert!(start.elapsed() < Duration::from_secs(10));
    // The service still answers.
    assert_eq!(server.get("/sante").0, 200);
}
