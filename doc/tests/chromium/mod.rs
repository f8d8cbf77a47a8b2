//! Headless Chromium for tests that look at generated HTML as a browser renders it: found on
//! PATH, run in its own process group with a timeout, killed with its renderers when done.
//! Shared by the documentation site's test and `socle diff`'s HTML report test
//! (`#[path]`-included there).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(90);

/// Whether the test must run: Chromium is there, or (without it) the test is skipped with a
/// message, unless `SOCLE_EXIGER_OUTILS=1`, where its absence fails.
pub fn chromium_or_skip() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        if std::env::var("SOCLE_EXIGER_OUTILS").as_deref() == Ok("1") {
            panic!("chromium introuvable alors que SOCLE_EXIGER_OUTILS=1");
        }
        println!("ignoré : chromium introuvable (installez le paquet chromium)");
    }
    found
}

/// The Chromium binary on PATH or in /usr/bin, if installed.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin")])
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

/// A Chromium run in its own process group; the whole group is killed when dropped, so no
/// renderer outlives the test even when it times out or an assertion fails.
struct Browser {
    child: Child,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs Chromium on a page with extra flags; returns its standard output.
pub fn run_chromium(binary: &Path, profile: &Path, page: &Path, flags: &[String]) -> String {
    use std::os::unix::process::CommandExt;
    let url = format!("file://{}", page.display());
    let mut command = Command::new(binary);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(flags)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0);
    let mut browser = Browser {
        child: command.spawn().expect("chromium ne démarre pas"),
    };
    let mut stdout = browser.child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let start = Instant::now();
    loop {
        if let Some(status) = browser.child.try_wait().unwrap() {
            assert!(status.success(), "chromium a échoué sur {url} : {status}");
            break;
        }
        assert!(
            start.elapsed() < TIMEOUT,
            "chromium ne répond plus sur {url}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    drop(browser);
    reader.join().unwrap()
}
