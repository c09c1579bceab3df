//! Knowledge-base tests: completeness against the IANA / ITU / RFC 3398
//! registries in `../shared/corpus/registry/`, spot checks of content that
//! must be right, and golden snapshots of the CLI's JSON.
// Native only: `wasm-pack test` builds every test target for wasm32.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use siplens::kb::{self, Presence, RetryPolicy};
use siplens::StatusClass;

fn registry(name: &str) -> Vec<Vec<String>> {
    let path = common::corpus().join("registry").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn opt_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

#[test]
fn every_iana_code_is_complete() {
    let rows = registry("sip-response-codes.tsv");
    assert_eq!(rows.len(), 75);
    assert_eq!(kb::codes().len(), rows.len(), "no extra or missing codes");
    for row in &rows {
        let code: u16 = row[0].parse().unwrap();
        let l = kb::lookup_code(code);
        assert!(l.known, "{code} missing");
        let c = l.info;
        assert_eq!(c.code, code);
        assert_eq!(c.reason, row[1], "{code} reason phrase");
        assert_eq!(c.is_final, code >= 200, "{code} finality");
        assert_eq!(c.class, siplens::StatusCode(code).class());
        for (what, v) in [
            ("spec", c.spec),
            ("description", c.description),
            ("purpose", c.purpose),
            ("when", c.when),
            ("fix", c.fix),
            ("retry note", c.retry.note),
            ("ims note", c.ims.note),
        ] {
            assert!(!v.trim().is_empty(), "{code}: {what} empty");
        }
        let spec_rfc = row[3].replace("RFC", "RFC ");
        assert!(
            c.spec.contains(&spec_rfc),
            "{code}: spec {:?} does not cite {spec_rfc}",
            c.spec
        );
        for (what, v) in [
            ("methods", c.methods),
            ("causes", c.causes),
            ("inspect", c.inspect),
        ] {
            assert!(!v.is_empty(), "{code}: {what} empty");
            assert!(v.iter().all(|s| !s.trim().is_empty()), "{code}: {what}");
        }
        assert!(!c.related.is_empty(), "{code}: related empty");
        assert!(!c.headers.is_empty(), "{code}: headers empty");
        for h in c.headers {
            assert!(!h.name.is_empty() && !h.why.is_empty(), "{code}: header");
        }
        if c.ims.typical {
            assert!(!c.ims.senders.is_empty(), "{code}: ims senders");
            assert!(!c.ims.interfaces.is_empty(), "{code}: ims interfaces");
            assert!(!c.ims.procedures.is_empty(), "{code}: ims procedures");
            for v in [c.ims.direction, c.ims.before, c.ims.after, c.ims.clause] {
                assert!(!v.is_empty(), "{code}: ims field empty");
            }
        }
        assert_eq!(
            c.retry.policy == RetryPolicy::None,
            code < 300,
            "{code}: only 1xx/2xx have nothing to retry"
        );
    }
}

#[test]
fn every_warning_code_is_listed() {
    let rows = registry("sip-warning-codes.tsv");
    assert_eq!(kb::warnings().len(), rows.len());
    for row in &rows {
        let code: u16 = row[0].parse().unwrap();
        let w = kb::warning_info(code).unwrap_or_else(|| panic!("warning {code}"));
        assert_eq!(w.text, row[1]);
        assert!(w.meaning.starts_with(&row[3]), "warning {code} meaning");
        assert!(w.spec.contains(&row[2].replace("RFC", "RFC ")));
    }
}

#[test]
fn every_q850_cause_is_listed() {
    let rows = registry("q850-cause-values.tsv");
    // The shared list is the 1998 Q.850 table; Q.850 Amendment 1 (2001)
    // added cause 24, which the knowledge base carries as well.
    const AMENDMENTS: &[u8] = &[24];
    assert_eq!(kb::q850_causes().len(), rows.len() + AMENDMENTS.len());
    for cause in AMENDMENTS {
        assert!(rows.iter().all(|r| r[0] != cause.to_string()));
    }
    for row in &rows {
        let cause: u8 = row[0].parse().unwrap();
        assert!((1..=127).contains(&cause));
        let c = kb::q850_info(cause).unwrap_or_else(|| panic!("cause {cause}"));
        assert_eq!(c.name, row[1]);
        assert_eq!(c.class, row[2]);
        assert!(!c.explanation.is_empty());
    }
    assert!(kb::q850_info(0).is_none());
}

#[test]
fn rfc3398_q850_to_sip_agrees() {
    let rows = registry("rfc3398-q850-to-sip.tsv");
    let table = kb::q850_to_sip_table();
    assert_eq!(table.len(), rows.len());
    for (row, m) in rows.iter().zip(table) {
        assert_eq!(m.cause, opt_num::<u8>(&row[0]), "{row:?}");
        assert_eq!(m.cause_text, row[1]);
        assert_eq!(m.sip, opt_num::<u16>(&row[2]), "{row:?}");
        assert_eq!(m.note.unwrap_or(""), row.get(4).map_or("", |s| s.as_str()));
        if let Some(sip) = m.sip {
            assert_eq!(kb::status_info(sip).reason, row[3], "{row:?}");
        }
        if let Some(cause) = m.cause {
            assert!(kb::q850_to_sip(cause).contains(m));
        }
    }
    assert_eq!(kb::q850_to_sip(17)[0].sip, Some(486));
    assert_eq!(kb::q850_to_sip(44)[0].cause, None, "default row");
}

#[test]
fn rfc3398_sip_to_q850_agrees() {
    let rows = registry("rfc3398-sip-to-q850.tsv");
    assert_eq!(kb::sip_to_q850_table().len(), rows.len());
    for row in &rows {
        let sip: u16 = row[0].parse().unwrap();
        let m = kb::sip_to_q850(sip).unwrap_or_else(|| panic!("{sip}"));
        assert_eq!(kb::status_info(sip).reason, row[1], "{row:?}");
        assert_eq!(m.cause, opt_num::<u8>(&row[2]), "{row:?}");
        if m.cause.is_some() {
            assert_eq!(m.cause_text, row[3]);
        }
        assert_eq!(m.note.unwrap_or(""), row.get(4).map_or("", |s| s.as_str()));
    }
}

#[test]
fn reason_protocols_and_release_causes() {
    for p in ["SIP", "Q.850", "RELEASE_CAUSE"] {
        assert!(kb::reason_protocol(p).is_some(), "{p}");
    }
    let expected = [
        (1, "User ends call"),
        (2, "RTP/RTCP time-out"),
        (3, "Media bearer loss"),
        (4, "SIP timeout - no ACK"),
        (5, "SIP response time-out"),
        (6, "Call-setup time-out"),
    ];
    assert_eq!(kb::release_causes().len(), expected.len());
    for (cause, text) in expected {
        assert_eq!(kb::release_cause_info(cause).unwrap().text, text);
    }
}

#[test]
fn spot_401_register_is_the_ims_aka_challenge() {
    let c = kb::status_info(401u16);
    assert!(c.methods.contains(&"REGISTER"));
    assert_eq!(
        c.header("WWW-Authenticate").unwrap().presence,
        Presence::Must
    );
    assert!(c.header("Security-Server").is_some());
    assert!(c.ims.typical && c.ims.senders.contains(&"S-CSCF"));
    assert!(c.ims.procedures.contains(&"registration"));
    assert!(c.ims.note.contains("normal AKA challenge"));
    let all = [c.fix, c.causes[0], c.inspect[0]].concat();
    for needle in ["AKAv1-MD5", "RAND||AUTN", "RES", "IPsec", "Security-Server"] {
        assert!(all.contains(needle), "401 mentions {needle}");
    }
    assert_eq!(c.retry.policy, RetryPolicy::Modified);
}

#[test]
fn spot_580_is_about_preconditions() {
    let c = kb::status_info(580u16);
    assert!(c.spec.contains("RFC 3312"));
    assert!(c.ims.procedures.contains(&"preconditions"));
    assert!(c.description.contains("precondition"));
    assert!(c.causes[0].contains("bearer"));
}

#[test]
fn spot_503_retry_after() {
    let c = kb::status_info(503u16);
    assert_eq!(c.header("Retry-After").unwrap().presence, Presence::May);
    assert_eq!(c.retry.policy, RetryPolicy::Later);
    assert!(c.retry.note.contains("Retry-After"));
    assert!(c.retry.note.contains("another P-CSCF"));
    assert!(c.retry.note.contains("TS 24.229"));
}

#[test]
fn spot_6xx_not_retried_elsewhere() {
    for code in [600u16, 603, 604, 606, 607, 608] {
        let c = kb::status_info(code);
        assert_ne!(c.retry.policy, RetryPolicy::Elsewhere, "{code}");
        assert!(c.retry.note.contains("ust not be retried"), "{code}");
    }
    for code in [600u16, 603] {
        assert!(kb::status_info(code).header("Retry-After").is_some());
    }
    assert!(kb::status_info(486u16).header("Retry-After").is_some());
}

#[test]
fn spot_487_follows_cancel() {
    let c = kb::status_info(487u16);
    assert!(c.ims.before.contains("CANCEL"));
    assert!(c.causes[0].contains("CANCEL"));
    assert_eq!(c.retry.policy, RetryPolicy::No);
}

#[test]
fn spot_required_headers() {
    for (code, header) in [
        (401u16, "WWW-Authenticate"),
        (405, "Allow"),
        (407, "Proxy-Authenticate"),
        (415, "Accept"),
        (420, "Unsupported"),
        (421, "Require"),
        (422, "Min-SE"),
        (423, "Min-Expires"),
        (494, "Security-Server"),
    ] {
        let h = kb::status_info(code)
            .header(header)
            .unwrap_or_else(|| panic!("{code} lists {header}"));
        assert_eq!(h.presence, Presence::Must, "{code} {header}");
    }
    for code in [300u16, 301, 302, 305] {
        assert!(kb::status_info(code).header("Contact").is_some(), "{code}");
    }
    for code in [488u16, 606] {
        assert!(kb::status_info(code).header("Warning").is_some(), "{code}");
    }
    for code in [504u16, 380] {
        let h = kb::status_info(code).header("Content-Type").unwrap();
        assert!(h.why.contains("application/3gpp-ims+xml"), "{code}");
    }
}

#[test]
fn spot_unknown_and_invalid_codes() {
    let l = kb::lookup_code(499u16);
    assert!(!l.known);
    assert_eq!(l.requested, 499);
    assert_eq!(l.info.code, 400);
    assert!(l.note.unwrap().contains("400"));
    assert_eq!(kb::status_info(699u16).code, 600);
    assert_eq!(kb::status_info(150u16).code, 183);
    let inv = kb::lookup_code(700u16);
    assert_eq!(inv.info.class, StatusClass::Invalid);
    assert!(inv.note.is_some());
}

#[test]
fn list_and_compare() {
    let groups = kb::list_codes();
    assert_eq!(groups.len(), 6);
    assert_eq!(groups.iter().map(|g| g.codes.len()).sum::<usize>(), 75);
    let cmp = kb::compare_codes(100u16, 500u16);
    let diffs: Vec<&str> = cmp.differences().map(|d| d.aspect).collect();
    assert!(diffs.contains(&"class") && diffs.contains(&"finality"));
    assert!(diffs.contains(&"retry"));
}

/// Runs the built CLI and compares stdout with `tests/golden/<name>`;
/// `UPDATE_GOLDEN=1` rewrites the file instead.
fn golden(name: &str, args: &[&str]) {
    let out = common::siplens(args, None);
    assert!(out.status.success(), "siplens {args:?} failed");
    let actual = String::from_utf8(out.stdout).expect("utf-8 output");
    common::assert_golden(&common::root().join("tests/golden").join(name), &actual);
}

#[test]
fn golden_code_json() {
    for code in ["401", "503", "580", "499"] {
        golden(&format!("code-{code}.json"), &["code", code, "--json"]);
    }
}

#[test]
fn golden_compare_json() {
    golden("compare-100-500.json", &["compare", "100", "500", "--json"]);
}

#[test]
fn cli_text_output() {
    let out = common::siplens(&["code", "499"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("499 (unregistered): read as 400 Bad Request"));
}
