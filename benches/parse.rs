//! Parse throughput of siplens against peer SIP parsers on the same bytes
//! (issue 2, "Performance").
//!
//! Corpus: every `.sip` file under `../shared/corpus/traces/pcap-extract`
//! (real captures), read once at start. Each iteration parses the whole
//! corpus, so criterion's `Throughput::Bytes` gives MB/s over a realistic
//! mix of requests, responses, SDP bodies and IMS headers.
//!
//! Groups:
//! - `parse-only`: the message framing each library offers (siplens
//!   `parse_message`, rsip `SipMessage::try_from`, parsip
//!   `Request`/`Response::parse`, sip-core `SipMessage::parse`), plus a
//!   memchr LF count as the ceiling.
//! - `parse+typed`: the same, then every typed header view the library
//!   exposes (Via, From/To, Contact, CSeq, Call-ID, Max-Forwards,
//!   Route/Record-Route). parsip has no typed headers and is left out.
//! - `parse+diagnose` (issue 4): siplens `decode` (parse, grammar
//!   validation, every diagnosis rule and the owned JSON-ready `Decoded`)
//!   next to siplens `parse_message` on the same bytes, so the cost of the
//!   diagnosis is read as a ratio. No peer offers a diagnosis.
//!
//! A peer that rejects a message still gets its bytes counted; the number
//! of rejections is printed once at start.
//!
//! Only ratios measured side by side in one run mean anything: the
//! machine is shared.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use siplens::parse::addr::{parse_contact, parse_name_addr, parse_name_addr_list};
use siplens::parse::scalar::{parse_call_id, parse_cseq, parse_max_forwards};
use siplens::parse::via::parse_via_list;
use siplens::HeaderName;

#[path = "support/corpus.rs"]
mod corpus;

// ---- siplens -------------------------------------------------------------

fn siplens_parse(msgs: &[Vec<u8>]) -> usize {
    msgs.iter()
        .map(|m| siplens::parse_message(m).headers().len())
        .sum()
}

/// Every typed view of the headers the peers also type.
fn siplens_typed(msgs: &[Vec<u8>]) -> usize {
    let mut acc = 0;
    let mut sink = Vec::new();
    for m in msgs {
        let msg = siplens::parse_message(m);
        for h in msg.headers() {
            let Some(name) = h.known_name() else { continue };
            let v = h.value;
            acc += match name {
                HeaderName::Via => parse_via_list(v, &mut sink)
                    .iter()
                    .map(|via| via.branch().map_or(0, |b| b.len()))
                    .sum(),
                HeaderName::From | HeaderName::To => parse_name_addr(v, name.as_str(), &mut sink)
                    .tag()
                    .map_or(0, |t| t.len()),
                HeaderName::Contact => parse_contact(v, &mut sink).len(),
                HeaderName::Route | HeaderName::RecordRoute => {
                    parse_name_addr_list(v, name.as_str(), &mut sink).len()
                }
                HeaderName::CSeq => parse_cseq(v, &mut sink).map_or(0, |c| c.method.len()),
                HeaderName::CallId => parse_call_id(v, &mut sink).len(),
                HeaderName::MaxForwards => parse_max_forwards(v, &mut sink).map_or(0, usize::from),
                _ => 0,
            };
        }
        sink.clear();
    }
    acc
}

/// `validate_message`: every typed view over every known header plus the
/// Request-URI and structure checks (a superset of what peers offer).
fn siplens_validate(msgs: &[Vec<u8>]) -> usize {
    msgs.iter()
        .map(|m| siplens::validate_message(&siplens::parse_message(m)).len())
        .sum()
}

/// `decode`: parse + validate + diagnosis rules + the owned `Decoded`.
fn siplens_decode(msgs: &[Vec<u8>]) -> usize {
    msgs.iter().map(|m| siplens::decode(m).findings.len()).sum()
}

// ---- rsip ----------------------------------------------------------------

fn rsip_parse(msgs: &[Vec<u8>]) -> usize {
    let mut failures = 0;
    for m in msgs {
        match rsip::SipMessage::try_from(m.as_slice()) {
            Ok(msg) => {
                black_box(msg);
            }
            Err(_) => failures += 1,
        }
    }
    failures
}

/// Returns (parse failures, typed-header conversion failures).
fn rsip_typed(msgs: &[Vec<u8>]) -> (usize, usize) {
    use rsip::headers::ToTypedHeader;
    use rsip::message::HasHeaders;
    use rsip::Header;
    let (mut failures, mut typed_failures) = (0, 0);
    for m in msgs {
        let Ok(msg) = rsip::SipMessage::try_from(m.as_slice()) else {
            failures += 1;
            continue;
        };
        for h in msg.headers().iter() {
            let ok = match h {
                Header::Via(x) => black_box(x.typed()).is_ok(),
                Header::From(x) => black_box(x.typed()).is_ok(),
                Header::To(x) => black_box(x.typed()).is_ok(),
                Header::Contact(x) => black_box(x.typed()).is_ok(),
                Header::CSeq(x) => black_box(x.typed()).is_ok(),
                Header::Route(x) => black_box(x.typed()).is_ok(),
                Header::RecordRoute(x) => black_box(x.typed()).is_ok(),
                Header::MaxForwards(x) => black_box(x.num()).is_ok(),
                Header::CallId(x) => {
                    black_box(rsip::headers::UntypedHeader::value(x));
                    true
                }
                _ => true,
            };
            typed_failures += usize::from(!ok);
        }
    }
    (failures, typed_failures)
}

// ---- parsip --------------------------------------------------------------

fn parsip_parse(msgs: &[Vec<u8>]) -> usize {
    let mut headers = [parsip::EMPTY_HEADER; 96];
    let mut failures = 0;
    for m in msgs {
        let done = {
            let mut req = parsip::Request::new(&mut headers);
            matches!(req.parse(m), parsip::IResult::Done(..))
        };
        if done {
            black_box(&headers);
            continue;
        }
        let mut resp = parsip::Response::new(&mut headers);
        match resp.parse(m) {
            parsip::IResult::Done(..) => {
                black_box(&resp);
            }
            _ => failures += 1,
        }
    }
    failures
}

// ---- sip-core ------------------------------------------------------------

fn sip_core_parse(msgs: &[Vec<u8>]) -> usize {
    let mut failures = 0;
    for m in msgs {
        // sip-core parses `&str` only: UTF-8 validation is part of its cost.
        let parsed = std::str::from_utf8(m)
            .ok()
            .and_then(|s| sip_core::SipMessage::parse(s).ok());
        match parsed {
            Some(msg) => {
                black_box(msg);
            }
            None => failures += 1,
        }
    }
    failures
}

/// sip-core's typed accessors: Call-ID, CSeq, and tag/URI of the
/// address headers (it has no typed Via or Route).
fn sip_core_typed(msgs: &[Vec<u8>]) -> usize {
    use sip_core::header::{extract_tag, extract_uri};
    use sip_core::HeaderName as N;
    let mut failures = 0;
    for m in msgs {
        let parsed = std::str::from_utf8(m)
            .ok()
            .and_then(|s| sip_core::SipMessage::parse(s).ok());
        let Some(msg) = parsed else {
            failures += 1;
            continue;
        };
        black_box(msg.call_id());
        black_box(msg.cseq());
        for h in msg.headers().iter() {
            match h.name {
                N::From | N::To | N::Contact => {
                    black_box(extract_tag(h.value.as_str()));
                    black_box(extract_uri(h.value.as_str()));
                }
                N::MaxForwards => {
                    black_box(h.value.as_str().trim().parse::<u32>().ok());
                }
                _ => {}
            }
        }
    }
    failures
}

// ---- baseline ------------------------------------------------------------

fn memchr_lines(msgs: &[Vec<u8>]) -> usize {
    msgs.iter()
        .map(|m| memchr::memchr_iter(b'\n', m).count())
        .sum()
}

fn bench(c: &mut Criterion) {
    let msgs = corpus::load();
    let total: usize = msgs.iter().map(Vec::len).sum();
    let (rsip_fail, rsip_typed_fail) = rsip_typed(&msgs);
    eprintln!(
        "corpus: {} messages, {} bytes; failures: rsip {} (+{} typed-header conversions), parsip {}, sip-core {}",
        msgs.len(),
        total,
        rsip_fail,
        rsip_typed_fail,
        parsip_parse(&msgs),
        sip_core_parse(&msgs),
    );

    let mut g = c.benchmark_group("parse-only");
    g.throughput(Throughput::Bytes(total as u64));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(20);
    g.bench_function("memchr-lf-count", |b| {
        b.iter(|| memchr_lines(black_box(&msgs)))
    });
    g.bench_function("siplens", |b| b.iter(|| siplens_parse(black_box(&msgs))));
    g.bench_function("rsip", |b| b.iter(|| rsip_parse(black_box(&msgs))));
    g.bench_function("parsip", |b| b.iter(|| parsip_parse(black_box(&msgs))));
    g.bench_function("sip-core", |b| b.iter(|| sip_core_parse(black_box(&msgs))));
    g.finish();

    let mut g = c.benchmark_group("parse+typed");
    g.throughput(Throughput::Bytes(total as u64));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(20);
    g.bench_function("siplens", |b| b.iter(|| siplens_typed(black_box(&msgs))));
    g.bench_function("siplens-validate", |b| {
        b.iter(|| siplens_validate(black_box(&msgs)))
    });
    g.bench_function("rsip", |b| b.iter(|| rsip_typed(black_box(&msgs))));
    g.bench_function("sip-core", |b| b.iter(|| sip_core_typed(black_box(&msgs))));
    g.finish();

    let mut g = c.benchmark_group("parse+diagnose");
    g.throughput(Throughput::Bytes(total as u64));
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(20);
    g.bench_function("siplens-parse", |b| {
        b.iter(|| siplens_parse(black_box(&msgs)))
    });
    g.bench_function("siplens-decode", |b| {
        b.iter(|| siplens_decode(black_box(&msgs)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
