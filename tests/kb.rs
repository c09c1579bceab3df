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

// ---- Issue 12: regressions for each knowledge-base fix ------------------

#[test]
fn fix_487_answers_any_request_ended_by_bye() {
    // RFC 3261 §15.1.2: the UAS that receives a BYE answers its pending
    // requests (UPDATE, PRACK, INFO…) with 487; not only INVITE.
    let c = kb::status_info(487u16);
    assert!(c.methods.contains(&"any") && c.methods.contains(&"INVITE"));
    assert!(c.spec.contains("§15.1.2"));
    assert!(c
        .causes
        .iter()
        .any(|x| x.contains("BYE") && x.contains("UPDATE")));
    assert!(c.ims.before.contains("BYE"));
}

#[test]
fn fix_reason_protocols_of_ts_24_229_and_rfc_4411() {
    for p in [
        "FAILURE_CAUSE",
        "EMM",
        "ESM",
        "S1AP-RNL",
        "S1AP-TL",
        "S1AP-NAS",
        "S1AP-MISC",
        "S1AP-PROT",
        "DIAMETER",
        "IKEV2",
        "preemption",
    ] {
        let proto = kb::reason_protocol(p).unwrap_or_else(|| panic!("{p} not known"));
        assert!(!proto.values.is_empty(), "{p} has no values");
        assert!(!proto.senders.is_empty());
        assert!(
            proto.values.windows(2).all(|w| w[0].cause < w[1].cause),
            "{p} values sorted"
        );
    }
    let v = |p: &str, c: u32| kb::reason_value(p, c).map(|v| v.text);
    assert_eq!(v("FAILURE_CAUSE", 1), Some("Media bearer or QoS lost"));
    assert_eq!(v("FAILURE_CAUSE", 2), Some("Release of signalling bearer"));
    assert_eq!(
        v("FAILURE_CAUSE", 3),
        Some("Indication of failed resources allocation")
    );
    assert_eq!(v("FAILURE_CAUSE", 4), None);
    assert_eq!(v("Preemption", 2), Some("Reserved Resources Preempted"));
    assert_eq!(v("S1AP-RNL", 21), Some("Radio connection with UE lost"));
    assert_eq!(v("EMM", 3), Some("Illegal UE"));
    assert_eq!(v("ESM", 26), Some("Insufficient resources"));
    assert_eq!(v("IKEV2", 8192), Some("PDN_CONNECTION_REJECTION"));
    assert_eq!(v("RELEASE_CAUSE", 2), Some("RTP/RTCP time-out"));
    assert_eq!(v("RELEASE_CAUSE", 9), None);
    // SIP and Q.850 read the code and cause tables.
    assert_eq!(v("SIP", 487), Some("Request Terminated"));
    assert_eq!(v("sip", 499), None, "unregistered code");
    assert_eq!(v("q.850", 16), Some("Normal call clearing"));
    assert_eq!(v("X-Vendor", 1), None);
    assert_eq!(kb::release_causes().len(), 6);
}

#[test]
fn fix_release_cause_is_the_ues_and_failure_cause_the_p_cscfs() {
    let release = kb::reason_protocol("RELEASE_CAUSE").unwrap();
    assert!(release.senders.contains("UE") && !release.senders.contains("P-CSCF"));
    for rc in kb::release_causes() {
        assert!(
            !rc.meaning.contains("P-CSCF"),
            "RELEASE_CAUSE {}: {}",
            rc.cause,
            rc.meaning
        );
    }
    let failure = kb::reason_protocol("FAILURE_CAUSE").unwrap();
    assert_eq!(failure.senders, "The P-CSCF.");
}

#[test]
fn fix_503_retry_after_to_invite_cites_5_1_3_1() {
    let c = kb::status_info(503u16);
    assert!(c.retry.note.contains("initial INVITE") && c.retry.note.contains("§5.1.3.1"));
    assert!(c.ims.clause.contains("§5.1.3.1") && c.ims.clause.contains("§5.1.1.2"));
}

#[test]
fn fix_q850_cause_24() {
    let c = kb::q850_info(24).expect("Q.850 cause 24");
    assert_eq!(c.name, "Call rejected due to feature at the destination");
    assert!(c.explanation.contains("433"));
    let acr = kb::status_info(433u16)
        .header("Reason")
        .expect("433 lists Reason");
    assert!(acr.why.contains("cause 24"));
}

#[test]
fn fix_438_is_not_a_stale_date() {
    let c = kb::status_info(438u16);
    for text in c.causes.iter().chain([&c.when]) {
        assert!(!text.contains("iat") && !text.contains("Stale"), "{text}");
    }
    assert!(c.note.unwrap().contains("403 \"Stale Date\""));
}

#[test]
fn fix_482_states_rfc_5393_the_right_way_round() {
    let c = kb::status_info(482u16);
    assert!(!c.fix.contains("instead of strict loop detection"));
    assert!(c.fix.contains("mandatory") && c.fix.contains("§16.3 item 4"));
}

#[test]
fn fix_100_timer_b_does_not_run_in_proceeding() {
    let c = kb::status_info(100u16);
    assert!(!c.retry.note.contains("Timer B/C still runs"));
    assert!(c.retry.note.contains("§17.1.1.2") && c.retry.note.contains("Proceeding"));
    assert!(
        c.retry.note.contains("101-199"),
        "Timer C reset rule of §16.7"
    );
}

#[test]
fn fix_restoration_504_is_sent_by_the_s_cscf() {
    let c = kb::status_info(504u16);
    assert_eq!(c.ims.senders, ["S-CSCF", "P-CSCF"]);
    assert!(c.ims.clause.contains("§5.4.3.2") && c.ims.clause.contains("§5.1.2A.1.6"));
    assert!(c.spec.contains("§5.4.3.2"));
    assert!(!c.when.contains("I-CSCF returns"));
}

#[test]
fn fix_second_401_is_not_wrong_credentials_in_aka() {
    let c = kb::status_info(401u16);
    assert!(!c
        .retry
        .note
        .contains("A second 401 to the answered challenge means the credentials are wrong"));
    assert!(c.retry.note.contains("auts") && c.retry.note.contains("403"));
}

#[test]
fn fix_warning_strength_of_488_and_606() {
    let w488 = kb::status_info(488u16).header("Warning").unwrap();
    assert_eq!(w488.presence, Presence::Should);
    assert!(w488.why.contains("§13.3.1.3"));
    let w606 = kb::status_info(606u16).header("Warning").unwrap();
    assert_eq!(w606.presence, Presence::May, "RFC 3261 §21.6.4: MAY");
}

#[test]
fn fix_no_placeholder_clause_and_no_via_as_sender() {
    assert!(!kb::status_info(417u16)
        .ims
        .note
        .contains("clause on priority"));
    for c in kb::codes() {
        for i in c.inspect {
            assert!(!i.contains("(Via/Server"), "{}: {i}", c.code);
            assert!(!i.contains("Via of the 504 vs"), "{}: {i}", c.code);
        }
    }
}

#[test]
fn fix_481_to_cancel_is_a_missing_transaction() {
    let c = kb::status_info(481u16);
    assert!(c
        .causes
        .iter()
        .any(|x| x.contains("CANCEL") && x.contains("transaction")));
    assert!(c.fix.contains("CANCEL: the dialog is not affected"));
}

#[test]
fn unknown_code_titles_name_what_they_are_read_as() {
    let title = |c: u16| kb::lookup_code(c).title.to_string();
    assert_eq!(title(486), "486 Busy Here");
    assert_eq!(
        title(499),
        "499 (unregistered 4xx; treated as 400 Bad Request)"
    );
    assert_eq!(
        title(150),
        "150 (unregistered 1xx; treated as 183 Session Progress)"
    );
    assert_eq!(title(799), "799 (not a SIP status code)");
    let json = serde_json::to_value(kb::lookup_code(499u16)).unwrap();
    assert_eq!(
        json["title"],
        "499 (unregistered 4xx; treated as 400 Bad Request)"
    );
    let cmp = serde_json::to_value(kb::compare_codes(499u16, 486u16)).unwrap();
    assert_eq!(
        cmp["a"]["title"],
        "499 (unregistered 4xx; treated as 400 Bad Request)"
    );
}

#[test]
fn code_search_matches_words_in_the_text() {
    let found = |q: &str| -> Vec<u16> {
        kb::search_codes(q)
            .iter()
            .flat_map(|g| g.codes.iter().map(|c| c.code))
            .collect()
    };
    let ra = found("retry-after");
    for code in [413u16, 480, 486, 500, 503, 600, 603] {
        assert!(ra.contains(&code), "retry-after finds {code}: {ra:?}");
    }
    assert!(!ra.contains(&200), "200 does not mention Retry-After");
    assert_eq!(found("RETRY-AFTER"), ra, "case-insensitive");
    assert_eq!(found("503 retry-after"), [503]);
    assert_eq!(
        found("48"),
        [480, 481, 482, 483, 484, 485, 486, 487, 488, 489]
    );
    assert_eq!(found("precondition"), found("Precondition"));
    assert!(found("precondition").contains(&580));
    assert!(found("no-such-word-anywhere").is_empty());
    assert_eq!(kb::search_codes(""), kb::list_codes());
}

#[test]
fn catalog_exports_every_value_table() {
    let cat = kb::catalog();
    assert_eq!(cat.q850.len(), kb::q850_causes().len());
    assert_eq!(cat.warnings.len(), kb::warnings().len());
    assert!(cat
        .reason_protocols
        .iter()
        .any(|p| p.name == "FAILURE_CAUSE"));
    let json = serde_json::to_value(cat).unwrap();
    assert!(json["reasonProtocols"][0]["values"].is_array());
    assert!(json["q850"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["cause"] == 24));
    assert!(json["q850ToSip"].is_array() && json["sipToQ850"].is_array());
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
