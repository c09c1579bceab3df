//! Known-answer tests of the message-level parser.
use super::*;
use crate::finding::Rule;

fn rules(m: &Message<'_>) -> Vec<Rule> {
    m.findings().iter().map(|f| f.rule).collect()
}

const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
Max-Forwards: 70\r\n\
To: Bob <sip:bob@biloxi.example.com>\r\n\
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
Content-Type: application/sdp\r\n\
Content-Length: 4\r\n\
\r\n\
v=0\n";

#[test]
fn request_line_headers_body() {
    let m = parse_message(INVITE);
    assert!(m.findings().is_empty(), "{:?}", m.findings());
    let r = m.request_line().unwrap();
    assert_eq!(r.method.bytes(), b"INVITE");
    assert_eq!(r.uri.bytes(), b"sip:bob@biloxi.example.com");
    assert_eq!(r.version.bytes(), b"SIP/2.0");
    assert_eq!(m.headers().len(), 8);
    assert_eq!(
        m.header_value(HeaderName::CallId).unwrap().bytes(),
        b"a84b4c76e66710@pc33.atlanta.example.com"
    );
    assert_eq!(m.body().bytes(), b"v=0\n");
    assert_eq!(m.span(), Span::new(0, INVITE.len()));
    for h in m.headers() {
        assert!(h.span.slice(INVITE).starts_with(h.name.bytes()));
        assert_eq!(h.value.span().slice(INVITE), h.value.bytes());
    }
}

#[test]
fn status_line_variants() {
    let m = parse_message(b"SIP/2.0 503 Service Unavailable\r\nRetry-After: 30\r\n\r\n");
    assert_eq!(m.status_code(), Some(StatusCode(503)));
    assert_eq!(
        m.status_line().unwrap().reason.bytes(),
        b"Service Unavailable"
    );
    assert!(m.findings().is_empty());

    let m = parse_message(b"SIP/2.0 100 \r\n\r\n");
    assert_eq!(m.status_line().unwrap().reason.bytes(), b"");
    assert!(m.findings().is_empty(), "{:?}", m.findings());

    let m = parse_message(b"SIP/2.0 100\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::MissingReasonSeparator]);

    let m = parse_message(b"SIP/2.0 4294967301 better not break the receiver\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::StatusCodeOutOfRange]);
    assert_eq!(m.status_code(), None);

    let m = parse_message(b"SIP/2.0 2x0 OK\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::BadStatusCode]);

    let m = parse_message(b"SIP/2.0 499 Whatever You Like\r\n\r\n");
    assert_eq!(m.status_code(), Some(StatusCode(499)));
    assert!(m.findings().is_empty());

    let m = parse_message(b"sip/2.0 200 OK\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::LowercaseVersion]);
    let m = parse_message_with(b"sip/2.0 200 OK\r\n\r\n", &ParseOptions::strict());
    assert_eq!(rules(&m), vec![Rule::BadVersion]);
}

#[test]
fn request_line_leniencies() {
    let m = parse_message(b"INVITE  sip:a@b   SIP/2.0\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::ExtraStartLineSpace]);
    assert_eq!(m.request_line().unwrap().uri.bytes(), b"sip:a@b");
    let m = parse_message(b"OPTIONS sip:a@b SIP/2.0 \r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::TrailingStartLineSpace]);
    let m = parse_message(b"INVITE sip:a@b SIP/7.0\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::UnsupportedVersion]);
    let m = parse_message(b"INVITE sip:a@b SIP/2\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::BadVersion]);
    let m = parse_message(b"INVITE sip:user@example.com; lr SIP/2.0\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::BadRequestUri]);
    assert_eq!(
        m.request_line().unwrap().uri.bytes(),
        b"sip:user@example.com; lr"
    );
    let m = parse_message(b"NEWMETHOD sip:a@b SIP/2.0\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::UnknownMethod]);
    let m = parse_message(b"INVITE sip:a@b\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::BadStartLine]);
    let m = parse_message(b"HELLO\r\n\r\n");
    assert!(matches!(m.start_line(), StartLine::Invalid(_)));
}

#[test]
fn lf_prefix_and_blank_lines() {
    let text = b"\r\n\r\n> SIP/2.0 200 OK\n> Call-ID: x\n> Content-Length: 5\n>\n> abc\n";
    let m = parse_message(text);
    assert_eq!(
        rules(&m),
        vec![Rule::LeadingBlankLines, Rule::LinePrefix, Rule::LfLineEnds]
    );
    assert_eq!(m.status_code(), Some(StatusCode(200)));
    assert_eq!(m.header_value(HeaderName::CallId).unwrap().bytes(), b"x");
    // "abc\n" on the wire is "abc\r\n" = 5 bytes; the raw view keeps the prefix.
    assert_eq!(m.body().bytes(), b"> abc\n");

    let m = parse_message_with(b"SIP/2.0 200 OK\nCall-ID: x\n\n", &ParseOptions::strict());
    assert!(rules(&m).contains(&Rule::MissingEndOfHeaders));
    assert!(m.headers().is_empty());
}

#[test]
fn folding_missing_colon_bad_names() {
    let text = b"SIP/2.0 200 OK\r\nSubject: a\r\n  b\r\nBroken line\r\nBad Name: x\r\n\r\n";
    let m = parse_message(text);
    assert_eq!(
        rules(&m),
        vec![Rule::FoldedHeader, Rule::MissingColon, Rule::BadHeaderName]
    );
    let subj = m.header(HeaderName::Subject).unwrap();
    assert_eq!(subj.value.bytes(), b"a\r\n  b");
    assert_eq!(m.headers().len(), 2);
}

#[test]
fn content_length_framing() {
    // Too large (RFC 4475 clerr).
    let m = parse_message(b"SIP/2.0 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    assert_eq!(rules(&m), vec![Rule::ContentLengthTooLarge]);
    assert_eq!(m.body().bytes(), b"abc");
    // Extra octets (dblreq).
    let m = parse_message(b"REGISTER sip:a SIP/2.0\r\nl: 0\r\n\r\nINVITE sip:b SIP/2.0\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::MultipleMessages]);
    assert_eq!(m.body().bytes(), b"");
    let m = parse_message(b"SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\ngarbage");
    assert_eq!(rules(&m), vec![Rule::TrailingData]);
    // Negative, conflicting, absent.
    let m = parse_message(b"SIP/2.0 200 OK\r\nContent-Length: -999\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::BadContentLength]);
    let m = parse_message(b"SIP/2.0 200 OK\r\nl: 0\r\nContent-Length: 3\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::ConflictingContentLength]);
    let m = parse_message(b"SIP/2.0 200 OK\r\n\r\nv=0\r\n");
    assert_eq!(rules(&m), vec![Rule::MissingContentLength]);
    assert_eq!(m.body().bytes(), b"v=0\r\n");
    let opts = ParseOptions {
        datagram: false,
        ..ParseOptions::default()
    };
    let m = parse_message_with(b"SIP/2.0 200 OK\r\n\r\nv=0\r\n", &opts);
    assert_eq!(m.body().bytes(), b"");
    assert_eq!(rules(&m), vec![Rule::TrailingData]);
}

#[test]
fn bytes_checks() {
    let m = parse_message(b"SIP/2.0 200 OK\r\nSubject: a\x00b\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::NulInHeaders]);
    let m = parse_message(b"SIP/2.0 200 OK\r\nSubject: caf\xe9\r\n\r\n");
    assert_eq!(rules(&m), vec![Rule::NonUtf8Headers]);
    let m = parse_message(b"");
    assert_eq!(rules(&m), vec![Rule::EmptyInput]);
    let m = parse_message(b" \r\n\t\r\n");
    assert_eq!(rules(&m), vec![Rule::EmptyInput]);
}

#[test]
fn compact_and_case_insensitive_lookup() {
    let m = parse_message(b"SIP/2.0 200 OK\r\ni: abc\r\nCALL-ID: def\r\nv: SIP/2.0/UDP h\r\n\r\n");
    let ids: Vec<_> = m
        .headers_named(HeaderName::CallId)
        .map(|h| h.value.bytes())
        .collect();
    assert_eq!(ids, vec![&b"abc"[..], &b"def"[..]]);
    assert_eq!(m.header(HeaderName::Via).unwrap().canonical_name(), "Via");
    assert_eq!(m.headers_raw("call-id").count(), 1);
}

/// `find_bytes` answers as `memchr::memmem::find` on every haystack and
/// needle of up to 7 and 3 bytes over a two-letter alphabet.
#[test]
fn find_bytes_matches_memmem() {
    fn all(len: usize) -> Vec<Vec<u8>> {
        (0..len + 1)
            .flat_map(|n| {
                (0..1u32 << n)
                    .map(move |bits| (0..n).map(|k| b'a' + (bits >> k & 1) as u8).collect())
            })
            .collect()
    }
    for hay in all(7) {
        for needle in all(3) {
            assert_eq!(
                super::find_bytes(&hay, &needle),
                memchr::memmem::find(&hay, &needle),
                "{hay:?} {needle:?}"
            );
        }
    }
}
