//! A real editor as client: Neovim headless, its built-in LSP client attached to `socle lsp`,
//! opens a ruleset with an error and reports the diagnostic, a hover and a definition.
//! `nvim` comes from Debian's `neovim`, which `scripts/test` installs when missing. Under
//! `scripts/test` with every tool present (`SOCLE_EXIGER_OUTILS=1`) its absence fails this test;
//! a bare `cargo test` on a machine without Neovim prints « ignoré » and says why.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;
use std::process::Command;

const SCRIPT: &str = r#"
local bin, file, out = vim.env.SOCLE_BIN, vim.env.SOCLE_FILE, vim.env.SOCLE_OUT
vim.cmd('edit ' .. vim.fn.fnameescape(file))
-- `start_client` + `buf_attach_client`: the API of Debian's Neovim 0.7 and of later ones.
local client = vim.lsp.start_client({ name = 'socle', cmd = { bin, 'lsp' }, root_dir = vim.fn.fnamemodify(file, ':h') })
vim.lsp.buf_attach_client(0, client)
local result = { client = client }
vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
result.diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(result.diagnostics, { lnum = d.lnum, code = d.code, message = d.message })
end
local function at(line, col)
  return { textDocument = { uri = vim.uri_from_fname(file) }, position = { line = line, character = col } }
end
local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', at(tonumber(vim.env.HOVER_LINE), tonumber(vim.env.HOVER_COL)), 10000)
for _, r in pairs(hover or {}) do
  if r.result then result.hover = r.result.contents.value end
end
local def = vim.lsp.buf_request_sync(0, 'textDocument/definition', at(tonumber(vim.env.HOVER_LINE), tonumber(vim.env.HOVER_COL)), 10000)
for _, r in pairs(def or {}) do
  if r.result then result.definition = r.result end
end
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
"#;

#[test]
fn neovim_shows_diagnostics_hover_and_definition() {
    let nvim = Command::new("nvim").arg("--version").output();
    if !nvim.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("SOCLE_EXIGER_OUTILS").is_none(),
            "nvim est introuvable alors que SOCLE_EXIGER_OUTILS est défini : installez le paquet Debian `neovim`"
        );
        eprintln!("ignoré : nvim introuvable (paquet Debian `neovim` ; scripts/test l'installe)");
        return;
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../lsp/tests/fixtures");
    let dir = std::env::temp_dir().join(format!("socle-nvim-{}", std::process::id()));
    for ruleset in ["base", "dept"] {
        std::fs::create_dir_all(dir.join(ruleset)).unwrap();
        for entry in std::fs::read_dir(fixtures.join(ruleset)).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, dir.join(ruleset).join(path.file_name().unwrap())).unwrap();
        }
    }
    // An error: a rate added to an amount, on line 11 (0-based 10).
    let file = dir.join("dept/aide.socle");
    let text = std::fs::read_to_string(&file).unwrap().replace(
        "min(demandeur.ressources_mensuelles, plafond)",
        "min(demandeur.ressources_mensuelles, plafond) + 1 %",
    );
    std::fs::write(&file, &text).unwrap();
    let script = dir.join("client.lua");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.join("result.json");
    // Hover and go to definition on `mtp` in `base.mtp` (line 4, ASCII before it).
    let line = text.lines().position(|l| l.contains("base.mtp")).unwrap();
    let col = text.lines().nth(line).unwrap().find("base.mtp").unwrap() + "base.".len() + 1;
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SOCLE_BIN", env!("CARGO_BIN_EXE_socle"))
        .env("SOCLE_FILE", &file)
        .env("SOCLE_OUT", &out)
        .env("HOVER_LINE", line.to_string())
        .env("HOVER_COL", col.to_string())
        .stdin(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // A guard, not a timing: a broken client must fail the test instead of hanging it.
    let mut status = None;
    for _ in 0..1200 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if status.is_none() {
        child.kill().ok();
        child.wait().ok();
        kill_servers(&out);
        panic!("Neovim ne s'est pas arrêté en 2 minutes");
    }
    // The server must end with its client (`exit`, or at worst its stdin closing).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !servers_of(&out).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left = servers_of(&out);
    kill_servers(&out);
    assert!(
        left.is_empty(),
        "socle lsp encore en vie 2 s après Neovim : {left:?}"
    );
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let diags = result["diagnostics"].as_array().unwrap();
    let error = diags
        .iter()
        .find(|d| d["code"] == "E0201")
        .unwrap_or_else(|| panic!("{result}"));
    assert_eq!(error["lnum"], 10);
    assert!(error["message"].as_str().unwrap().contains("taux"));
    let hover = result["hover"].as_str().unwrap();
    assert!(
        hover.contains("**paramètre** `mtp`") && hover.contains("1266,60 €"),
        "{hover}"
    );
    let definition = &result["definition"];
    let target = if definition.is_array() {
        &definition[0]
    } else {
        definition
    };
    assert!(
        target["uri"]
            .as_str()
            .unwrap()
            .ends_with("base/dossier.socle"),
        "{result}"
    );
    assert_eq!(target["range"]["start"]["line"], 16);
    std::fs::remove_dir_all(&dir).ok();
}

/// The `socle lsp` processes started by this test's Neovim: they inherit its `SOCLE_OUT`,
/// which names this test's own directory, so parallel runs are not mistaken for ours.
fn servers_of(out: &Path) -> Vec<u32> {
    let marker = format!("SOCLE_OUT={}", out.display());
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let lsp = cmdline.split(|b| *b == 0).any(|a| a == b"lsp");
            lsp && environ.split(|b| *b == 0).any(|v| v == marker.as_bytes())
        })
        .collect()
}

fn kill_servers(out: &Path) {
    for pid in servers_of(out) {
        Command::new("kill").arg(pid.to_string()).status().ok();
    }
}
