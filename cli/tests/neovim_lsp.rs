//! A real editor as client: Neovim headless, its built-in LSP client attached to `socle lsp`,
//! opens a ruleset with an error and reports the diagnostic, a hover and a definition; then,
//! with the README's Neovim 0.7 configuration on a copy of the repository's rulesets, two files
//! of two rulesets share one server, a rename in `national` updates both importers, a quick fix
//! is applied, and the server is gone after `:qa`.
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

/// Whether `nvim` runs here; without it the test is skipped, unless every tool is required.
fn have_nvim() -> bool {
    let nvim = Command::new("nvim").arg("--version").output();
    if !nvim.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("SOCLE_EXIGER_OUTILS").is_none(),
            "nvim est introuvable alors que SOCLE_EXIGER_OUTILS est défini : installez le paquet Debian `neovim`"
        );
        eprintln!("ignoré : nvim introuvable (paquet Debian `neovim` ; scripts/test l'installe)");
        return false;
    }
    true
}

#[test]
fn neovim_shows_diagnostics_hover_and_definition() {
    if !have_nvim() {
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
    run_nvim(
        &script,
        &out,
        &[
            ("SOCLE_FILE", file.display().to_string()),
            ("HOVER_LINE", line.to_string()),
            ("HOVER_COL", col.to_string()),
        ],
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

/// Runs `script` in headless Neovim with `env`, and checks that every `socle lsp` it started
/// has ended within 2 s of Neovim; the script writes its findings to `out`.
fn run_nvim(script: &Path, out: &Path, env: &[(&str, String)]) {
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("SOCLE_BIN", env!("CARGO_BIN_EXE_socle"))
        .env("SOCLE_OUT", out)
        .envs(env.iter().map(|(k, v)| (k, v)))
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
        kill_servers(out);
        panic!("Neovim ne s'est pas arrêté en 2 minutes");
    }
    // The server must end with its client (`exit`, or at worst its stdin closing).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while !servers_of(out).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let left = servers_of(out);
    kill_servers(out);
    assert!(
        left.is_empty(),
        "socle lsp encore en vie 2 s après Neovim : {left:?}"
    );
}

/// The README's Neovim 0.7 configuration, with this build's `socle` as the command.
fn readme_config() -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .unwrap();
    let section = readme.split("**Neovim 0.7**").nth(1).unwrap();
    let block = section.split("```lua\n").nth(1).unwrap();
    let config = block.split("```").next().unwrap();
    assert!(config.contains("{ 'socle', 'lsp' }"), "{config}");
    config.replace("{ 'socle', 'lsp' }", "{ vim.env.SOCLE_BIN, 'lsp' }")
}

const WORKSPACE_SCRIPT: &str = r#"
local out, root = vim.env.SOCLE_OUT, vim.env.SOCLE_ROOT
local result = {}
local function edit(rel)
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/rulesets/' .. rel))
  return vim.api.nvim_get_current_buf()
end
local vd = edit('val-doise/apa_domicile.socle')
local nat = edit('national/apa_domicile.socle')
vim.wait(20000, function()
  return #vim.lsp.buf_get_clients(vd) > 0 and #vim.lsp.buf_get_clients(nat) > 0
end, 50)
result.clients = #vim.lsp.get_active_clients()
-- The servers running now: processes whose command is this `socle lsp` and whose environment
-- names this test's output file (parallel runs have their own).
local servers, pids = 0, {}
for _, buf in ipairs({ vd, nat }) do
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do pids[client.rpc.pid] = true end
end
result.pids = vim.tbl_count(pids)
for _, dir in ipairs(vim.fn.glob('/proc/[0-9]*', false, true)) do
  local cmd, env = io.open(dir .. '/cmdline', 'rb'), io.open(dir .. '/environ', 'rb')
  if cmd and env then
    local c, e = cmd:read('*a'), env:read('*a')
    if c == vim.env.SOCLE_BIN .. '\0lsp\0' and e:find('SOCLE_OUT=' .. out .. '\0', 1, true) then
      servers = servers + 1
    end
  end
  if cmd then cmd:close() end
  if env then env:close() end
end
result.servers = servers
local function at(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      return { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = i - 1, character = col - 1 } }
    end
  end
end
local function first_result(responses)
  for _, r in pairs(responses or {}) do
    if r.result then return r.result end
  end
end
local params = at(nat, 'plafond_apa(gir')
params.newName = 'plafond_mensuel_apa'
local edit_result = first_result(vim.lsp.buf_request_sync(nat, 'textDocument/rename', params, 10000))
vim.lsp.util.apply_workspace_edit(edit_result, 'utf-16')
vim.cmd('silent wall')
-- A typo in val-doise: the server offers « plafond » and the quick fix is applied.
local typo = at(vd, 'plafond)')
vim.api.nvim_buf_set_text(vd, typo.position.line, typo.position.character, typo.position.line, typo.position.character + 7, { 'plafnd' })
vim.wait(20000, function() return #vim.diagnostic.get(vd) > 0 end, 50)
result.diagnostics = #vim.diagnostic.get(vd)
local range = { start = typo.position, ['end'] = typo.position }
local actions = first_result(vim.lsp.buf_request_sync(vd, 'textDocument/codeAction',
  { textDocument = typo.textDocument, range = range, context = { diagnostics = {} } }, 10000)) or {}
result.actions = #actions
if actions[1] then
  result.title = actions[1].title
  vim.lsp.util.apply_workspace_edit(actions[1].edit, 'utf-16')
end
result.fixed = vim.api.nvim_buf_get_lines(vd, typo.position.line, typo.position.line + 1, false)[1]
vim.wait(20000, function() return #vim.diagnostic.get(vd) == 0 end, 50)
result.after = #vim.diagnostic.get(vd)
local f = io.open(out, 'w')
f:write(vim.fn.json_encode(result))
f:close()
vim.cmd('qa!')
"#;

#[test]
fn neovim_shares_one_server_renames_across_rulesets_and_applies_a_quick_fix() {
    if !have_nvim() {
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = std::env::temp_dir().join(format!("socle-nvim-ws-{}", std::process::id()));
    std::fs::remove_dir_all(&dir).ok();
    for ruleset in ["national", "val-doise", "bas-rhin"] {
        let to = dir.join("rulesets").join(ruleset);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(repo.join("rulesets").join(ruleset)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "socle") {
                std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let script = dir.join("client.lua");
    std::fs::write(&script, format!("{}\n{WORKSPACE_SCRIPT}", readme_config())).unwrap();
    let out = dir.join("result.json");
    run_nvim(&script, &out, &[("SOCLE_ROOT", dir.display().to_string())]);
    let result: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(result["clients"], 1, "{result}");
    assert_eq!(result["pids"], 1, "{result}");
    assert_eq!(result["servers"], 1, "{result}");
    for file in [
        "national/apa_domicile.socle",
        "val-doise/apa_domicile.socle",
        "bas-rhin/apa.socle",
    ] {
        let text = std::fs::read_to_string(dir.join("rulesets").join(file)).unwrap();
        assert!(
            text.contains("plafond_mensuel_apa(") && !text.contains("plafond_apa("),
            "{file} not renamed"
        );
    }
    assert!(result["diagnostics"].as_u64().unwrap() > 0, "{result}");
    assert_eq!(result["actions"], 1, "{result}");
    assert_eq!(result["title"], "Remplacer par « plafond »");
    assert!(
        result["fixed"]
            .as_str()
            .unwrap()
            .ends_with("min(plan_aide.montant_mensuel, plafond)"),
        "{result}"
    );
    assert_eq!(result["after"], 0, "{result}");
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
