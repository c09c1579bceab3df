//! Helpers shared by the integration tests: paths, the corpus and fixture
//! file lists, running the built CLI, and golden files (`UPDATE_GOLDEN=1`
//! rewrites them instead of comparing).
#![allow(dead_code)] // each test crate uses a different subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus` beside the repository.
pub fn corpus() -> PathBuf {
    root().join("../shared/corpus")
}

/// Every file under `dir` (recursively) whose name ends with one of
/// `suffixes` (all files when empty), sorted; empty when `dir` is absent.
pub fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, suffixes: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, suffixes, out);
            } else if suffixes.is_empty()
                || p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| suffixes.iter().any(|s| n.ends_with(s)))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, suffixes, &mut out);
    out.sort();
    out
}

/// The SIP fixtures under `tests/fixtures/**/*.sip` (none when the
/// directory does not exist).
pub fn fixtures() -> Vec<PathBuf> {
    files(&root().join("tests/fixtures"), &[".sip"])
}

/// Runs the built `siplens` with `args`, feeding `stdin` (or nothing).
pub fn siplens(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_siplens"));
    cmd.args(args)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run siplens");
    if let Some(bytes) = stdin {
        use std::io::Write as _;
        let mut pipe = child.stdin.take().expect("stdin");
        // A refused input may exit before reading everything: ignore EPIPE.
        let _ = pipe.write_all(bytes);
    }
    child.wait_with_output().expect("wait for siplens")
}

/// True when golden files are to be rewritten.
pub fn update_golden() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1")
}

/// Compares `actual` with the golden file at `path`, or rewrites it under
/// `UPDATE_GOLDEN=1`. Returns a description of the difference.
pub fn golden(path: &Path, actual: &str) -> Result<(), String> {
    if update_golden() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        return std::fs::write(path, actual).map_err(|e| format!("{}: {e}", path.display()));
    }
    let expected = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run with UPDATE_GOLDEN=1 to create it)",
            path.display()
        )
    })?;
    if expected == actual {
        return Ok(());
    }
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    Err(format!(
        "{} differs from line {}: expected {:?}, got {:?} (UPDATE_GOLDEN=1 rewrites it)",
        path.display(),
        first + 1,
        e.get(first).copied().unwrap_or("<end>"),
        a.get(first).copied().unwrap_or("<end>")
    ))
}

/// [`golden`], panicking on a difference.
pub fn assert_golden(path: &Path, actual: &str) {
    if let Err(e) = golden(path, actual) {
        panic!("{e}");
    }
}

/// Whether tshark (the oracle of the comparison tests) can run here. Without
/// it a comparison is skipped (a line on standard error says so), unless
/// `CI` is set, where the missing tool is a failure (`make tools-tshark`
/// installs it).
pub fn tshark() -> bool {
    let ok = Command::new("tshark")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "tshark is required in CI (make tools-tshark)"
        );
        eprintln!("tshark not found: skipped (make tools-tshark installs it)");
    }
    ok
}
