// Citation extractor, shared by `build.rs` (checks data/*.toml against
// data/sources.toml) and `tests/sources.rs` (checks src/**/*.rs). It is not
// part of the library: both include it with `#[path]`.
//
// A citation is a document, `RFC 3261` or `TS 24.229` (a leading `3GPP` is
// dropped), optionally followed by clauses written `§15.1.2`, `section 16.3`,
// `clause 7.2A.18` or `subclause 5.1.1.2`. Further clauses of the same
// document follow with `,`, `and`, `or` or `/` and a `§`, possibly after a
// parenthesis: `TS 24.229 §5.1.1.2 (UE), §5.4.1.2 (S-CSCF)` cites two.
// Each is normalised to `RFC 3261 §15.1.2` / `TS 24.229 §5.4.3.2`; a
// document cited without a clause is normalised to `RFC 3312`.

/// Every citation in `text`, normalised, in order of appearance (repeats
/// kept).
pub fn citations(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let doc = if boundary { document(b, i) } else { None };
        let Some((doc, end)) = doc else {
            i += 1;
            continue;
        };
        let mut pos = end;
        match clause(text, pos) {
            None => out.push(doc.clone()),
            Some((mut id, mut next)) => loop {
                out.push(format!("{doc} §{id}"));
                pos = next;
                match continuation(b, pos).and_then(|p| clause(text, p)) {
                    Some((id2, next2)) => {
                        id = id2;
                        next = next2;
                    }
                    None => break,
                }
            },
        }
        i = pos.max(i + 1);
    }
    out
}

/// `RFC 3261` / `3GPP TS 24.229` / `TS 24.229` at `i`: the normalised
/// document and the byte after it.
fn document(b: &[u8], i: usize) -> Option<(String, usize)> {
    let rest = &b[i..];
    if rest.starts_with(b"RFC") {
        let mut j = i + 3;
        if b.get(j) == Some(&b' ') {
            j += 1;
        }
        let n = digits(b, j);
        if !(3..=4).contains(&n) {
            return None;
        }
        let num = std::str::from_utf8(&b[j..j + n]).ok()?;
        return Some((format!("RFC {num}"), j + n));
    }
    let mut j = i;
    if rest.starts_with(b"3GPP TS") {
        j += 5;
    }
    if !b[j..].starts_with(b"TS") {
        return None;
    }
    j += 2;
    if b.get(j) == Some(&b' ') {
        j += 1;
    }
    if digits(b, j) != 2 || b.get(j + 2) != Some(&b'.') || digits(b, j + 3) != 3 {
        return None;
    }
    let num = std::str::from_utf8(&b[j..j + 6]).ok()?;
    Some((format!("TS {num}"), j + 6))
}

/// Length of the run of ASCII digits at `j`.
fn digits(b: &[u8], j: usize) -> usize {
    b.get(j..)
        .map_or(0, |s| s.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// A clause reference at `pos` (after optional spaces): `§X`, `§ X`,
/// `section X`, `clause X`, `subclause X`; returns the id and the byte
/// after it.
fn clause(text: &str, pos: usize) -> Option<(String, usize)> {
    let mut p = pos;
    loop {
        let rest = text.get(p..)?;
        if let Some(r) = rest.strip_prefix(' ') {
            p = text.len() - r.len();
        } else if let Some(r) = rest.strip_prefix('\u{a0}') {
            p = text.len() - r.len();
        } else {
            break;
        }
    }
    let rest = text.get(p..)?;
    let after = if let Some(r) = rest.strip_prefix('§') {
        r.strip_prefix(' ').unwrap_or(r)
    } else {
        [
            "section ",
            "Section ",
            "subclause ",
            "Subclause ",
            "clause ",
            "Clause ",
        ]
        .iter()
        .find_map(|k| rest.strip_prefix(k))?
    };
    let start = text.len() - after.len();
    let b = text.as_bytes();
    let first = *b.get(start)?;
    if !(first.is_ascii_digit() || first.is_ascii_uppercase()) {
        return None;
    }
    let mut end = start + 1;
    while b.get(end).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
    }
    while b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_alphanumeric) {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            end += 1;
        }
    }
    Some((text[start..end].to_string(), end))
}

/// After a clause: an optional `(…)` then `,` / `and` / `or` / `/` and a
/// `§`; returns the position of that `§`.
fn continuation(b: &[u8], pos: usize) -> Option<usize> {
    let spaces = |mut p: usize| {
        while b.get(p) == Some(&b' ') {
            p += 1;
        }
        p
    };
    let sep = |p: usize| -> Option<usize> {
        let p = spaces(p);
        let rest = b.get(p..)?;
        let q = if rest.starts_with(b",") || rest.starts_with(b"/") {
            p + 1
        } else if rest.starts_with(b"and") || rest.starts_with(b"or") {
            p + if rest.starts_with(b"and") { 3 } else { 2 }
        } else {
            return None;
        };
        let q = spaces(q);
        b.get(q..)?.starts_with("§".as_bytes()).then_some(q)
    };
    let p = spaces(pos);
    if b.get(p) == Some(&b'(') {
        if let Some(close) = b[p + 1..]
            .iter()
            .position(|&c| c == b')' || c == b'(' || c == b'\n')
        {
            if b[p + 1 + close] == b')' {
                if let Some(q) = sep(p + 2 + close) {
                    return Some(q);
                }
            }
        }
    }
    sep(pos)
}

#[cfg(test)]
mod tests {
    use super::citations;

    #[test]
    fn forms() {
        assert_eq!(
            citations("RFC 3261 §21.4.2, §22.2; RFC 3310 (AKA) and 3GPP TS 24.229 §5.1.1.2 (UE), §5.4.1.2 (S-CSCF); TS 33.203."),
            [
                "RFC 3261 §21.4.2",
                "RFC 3261 §22.2",
                "RFC 3310",
                "TS 24.229 §5.1.1.2",
                "TS 24.229 §5.4.1.2",
                "TS 33.203"
            ]
        );
        assert_eq!(
            citations("see RFC 4411 Section 5, TS 24.229 clause 7.2A.18. RFC3261 §8.1.3.2."),
            ["RFC 4411 §5", "TS 24.229 §7.2A.18", "RFC 3261 §8.1.3.2"]
        );
        assert_eq!(
            citations("xRFC 3261, RFC 32611, TS 2.229, FRFC 123"),
            Vec::<String>::new()
        );
    }
}
