//! Every rule in the registry has a positive and a negative fixture under
//! tests/fixtures (each of which also has a golden snapshot).
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::collections::{BTreeMap, BTreeSet};

#[test]
fn every_rule_fires_on_a_fixture_and_stays_quiet_on_another() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    collect(&root, &mut files);
    assert!(files.len() >= 60, "{} fixtures", files.len());
    let mut fired: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        for x in siplens::decode(&bytes).findings {
            fired.entry(x.id).or_default().insert(name.clone());
        }
    }
    let mut missing = Vec::new();
    for (_, info) in siplens::RULES {
        // SL001 (empty input) makes the CLI exit 2; tests/cli.rs covers it.
        if info.id == "SL001" {
            continue;
        }
        // SL4xx rules judge flows and captures, never one message;
        // tests/trace.rs has a positive and a negative case for each.
        if info.id.starts_with("SL4") {
            continue;
        }
        let hits = fired.get(info.id).map_or(0, BTreeSet::len);
        if hits == 0 {
            missing.push(format!("{} {} fires on no fixture", info.id, info.slug));
        } else if hits == files.len() {
            missing.push(format!("{} {} fires on every fixture", info.id, info.slug));
        }
        // A dedicated negative fixture must not trigger its rule.
        let prefix = format!("rules/{}-negative", info.id.to_lowercase());
        for n in fired.get(info.id).into_iter().flatten() {
            if n.starts_with(&prefix) {
                missing.push(format!("{} fires on its negative fixture {n}", info.id));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "sip") {
            out.push(p);
        }
    }
}

/// Issue 18: the diagnosis must not say the same thing twice. Over every
/// fixture, no two inspect items, next steps or likely causes of one
/// diagnosis may be equal or one a word-for-word subset of the other, and
/// no spec clause may be cited twice.
#[test]
fn no_diagnosis_repeats_itself() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    collect(&root, &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.strip_prefix(&root).unwrap().display().to_string();
        let d = siplens::decode(&bytes).diagnosis;
        let causes: Vec<std::borrow::Cow<str>> =
            d.likely_causes.iter().map(|c| c.text.clone()).collect();
        for (what, list) in [
            ("inspect", &d.inspect),
            ("next step", &d.next_steps),
            ("cause", &causes),
        ] {
            for (i, a) in list.iter().enumerate() {
                for b in &list[i + 1..] {
                    let (wa, wb) = (words(a), words(b));
                    if a == b
                        || (wa.len() >= 3 && wa.is_subset(&wb))
                        || (wb.len() >= 3 && wb.is_subset(&wa))
                    {
                        problems.push(format!("{name}: {what} repeated: {a:?} / {b:?}"));
                    }
                }
            }
        }
        let mut clauses = BTreeSet::new();
        for r in &d.spec_refs {
            for part in r.split(';') {
                let part = part.trim();
                let (doc, rest) = part.split_once('§').unwrap_or((part, ""));
                let doc = doc.trim().trim_start_matches("3GPP ").to_owned();
                if rest.is_empty() {
                    let key = doc.split('(').next().unwrap_or("").trim().to_owned();
                    if !clauses.insert(key.clone()) {
                        problems.push(format!("{name}: {key} cited twice in {:?}", d.spec_refs));
                    }
                }
                for c in rest.split(',') {
                    let c = c.trim().trim_start_matches('§');
                    let c = c.split('(').next().unwrap_or("").trim();
                    if c.is_empty() {
                        continue;
                    }
                    let key = format!("{doc} §{c}");
                    if !clauses.insert(key.clone()) {
                        problems.push(format!("{name}: {key} cited twice in {:?}", d.spec_refs));
                    }
                }
            }
        }
        // The IMS note is shown from `diagnosis.ims`, never again in the summary.
        if let Some(ims) = d.ims.filter(|i| !i.note.is_empty()) {
            if d.summary.contains(ims.note) {
                problems.push(format!("{name}: the summary repeats the IMS note"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn words(s: &str) -> BTreeSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .map(str::to_lowercase)
        .collect()
}

/// The diagnosis rules name status codes (and Warning codes) through the
/// constants `build.rs` generates from `data/` (`kb::status::BUSY_HERE`,
/// `kb::warning::INCOMPATIBLE_MEDIA_FORMAT`), never as bare numbers: a
/// three-digit integer literal from 100 to 699 in the code of a rule file
/// (outside strings, comments and its tests, in-file or `tests.rs`) fails
/// this test.
#[test]
fn rule_code_names_codes_instead_of_numbers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagnose");
    let mut files = Vec::new();
    collect_rs(&dir, &mut files);
    assert!(files.len() >= 10, "{} rule files", files.len());
    let mut bare = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        let code = src.split("#[cfg(test)]").next().unwrap_or("");
        for (line, lit) in numeric_literals(code) {
            let digits: String = lit.chars().take_while(char::is_ascii_digit).collect();
            let rest = &lit[digits.len()..];
            let plain = rest.is_empty() || ["u8", "u16", "u32", "u64", "usize"].contains(&rest);
            if digits.len() == 3 && plain && (100..=699).contains(&digits.parse::<u16>().unwrap()) {
                bare.push(format!("{}:{line}: {lit}", f.display()));
            }
        }
    }
    assert!(
        bare.is_empty(),
        "bare status literals in rule code: {bare:#?}"
    );
    // The scanner sees through strings and comments but not code.
    let probe =
        "let a = \"486\"; // 486\n/* 486 */ let b = r#\"486\"#; let c = 'x';\nif cx.is(486) {}";
    assert_eq!(numeric_literals(probe), [(3, "486".to_owned())]);
}

fn collect_rs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect_rs(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
            out.push(p);
        }
    }
}

/// Integer-looking tokens of Rust source outside comments, string, byte
/// string, raw string and char literals, with their 1-based line.
fn numeric_literals(src: &str) -> Vec<(usize, String)> {
    let c: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && next == Some('*') {
            i += 2;
            while i < c.len() && !(c[i] == '*' && c.get(i + 1) == Some(&'/')) {
                line += usize::from(c[i] == '\n');
                i += 1;
            }
            i += 2;
        } else if ch == 'r'
            && matches!(next, Some('#') | Some('"'))
            && (i == 0 || !ident(c[i - 1]) || c[i - 1] == 'b')
        {
            let mut j = i + 1;
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            let hashes = j - i - 1;
            j += 1;
            loop {
                match c.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    Some(x) => {
                        line += usize::from(*x == '\n');
                        j += 1;
                    }
                }
            }
            i = j;
        } else if ch == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                line += usize::from(c.get(i) == Some(&'\n'));
                i += 1;
            }
            i += 1;
        } else if ch == '\'' {
            if next == Some('\\') {
                i += 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if c.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1; // a lifetime
            }
        } else if ch.is_ascii_digit() && (i == 0 || !ident(c[i - 1])) {
            let start = i;
            while i < c.len() && ident(c[i]) {
                i += 1;
            }
            out.push((line, c[start..i].iter().collect()));
        } else {
            i += 1;
        }
    }
    out
}
