//! Streaming decode: a trace fed in chunks of any size, each message handed
//! over as soon as it is complete, the flow summary at the end — the same
//! messages, dialogs and findings as [`super::decode_any`] on the whole
//! input (`tests/trace_stream.rs` proves it for every shared capture and
//! text fixture, chunk sizes 1, 7, 4096 and random).
//!
//! - The first four bytes tell a capture (a pcap or pcapng magic number)
//!   from text, as [`super::decode_any`] does.
//! - Text: only complete lines are split (the splitter reads line by
//!   line); a message is handed over once the next one has started (only
//!   then is its end known), and the bytes before it are dropped. Between
//!   two messages the splitter keeps nothing but the Follow-stream node
//!   names, so the split resumed there equals the split of the whole
//!   (`text::scan`).
//! - Captures: the container is walked record by record as records
//!   complete ([`crate::capture::Records::resume`]) and each record goes
//!   to the capture reader (`capture::Incremental`, the one
//!   [`super::decode_capture`] uses); the bytes of read records are
//!   dropped. A record that does not parse waits for more bytes: at the
//!   end it is the damage the whole-input reading reports.
//!
//! What stays in memory is what [`super::stream_any`] keeps (per-message
//! summaries and correlation tables), plus the bytes of the record or
//! message being completed.

use serde::Serialize;

use super::decode::{no_sip_in_capture, no_sip_in_text, Streamer};
use super::text::{self, Carried};
use super::{
    capture, Call, CaptureIssue, Dialog, FindingGroup, FlowFinding, Participant, RawMessage, Trace,
    TraceMessage, TraceSummary, Transaction,
};
use crate::capture::esp::EspKeys;
use crate::capture::{sniff, Checkpoint, Damage, Records};
use crate::diagnose::SpanDto;

/// A trace decoded from chunks as they arrive: [`TraceStream::push`] the
/// bytes in any cuts, then [`TraceStream::finish`].
pub struct TraceStream {
    feed: Feed,
    streamer: Streamer<'static, 'static>,
    /// Keys for IPsec ESP in a capture ([`TraceStream::with_keys`]).
    keys: EspKeys,
    /// Diagnose each message alone and hand it over (else `push` returns
    /// nothing and only the summary is built, as [`super::stream_any`]
    /// without `each`).
    decode: bool,
}

enum Feed {
    /// Fewer than four bytes so far: capture or text is not known yet.
    Undecided(Vec<u8>),
    Text(TextFeed),
    Capture(Box<CaptureFeed>),
}

/// What the feed hands over, in input order: a message cut out of the
/// input with the line it starts on (text), or a non-SIP UDP payload of a
/// capture (for the media analysis).
// Most cuts are messages: boxing the large variant would add an allocation
// per message to save space only in the rarer payload cuts.
#[allow(clippy::large_enum_variant)]
enum Cut {
    Message {
        raw: RawMessage,
        line: Option<usize>,
    },
    Payload(capture::OwnedPayload),
}

impl Default for TraceStream {
    fn default() -> Self {
        Self::new()
    }
}

impl TraceStream {
    /// An empty stream.
    pub fn new() -> Self {
        Self::with_keys(EspKeys::default())
    }

    /// An empty stream with keys for SIP inside IPsec ESP (SAs, CK/IK), used
    /// when the input is a capture: the same messages as
    /// [`super::decode_any_keys`] of the whole input. The keys stay in the
    /// stream; nothing of them is in what it returns.
    pub fn with_keys(keys: EspKeys) -> Self {
        Self::build(keys, true)
    }

    /// A stream that builds the summary only: [`TraceStream::push`] and
    /// [`TraceStream::finish`] hand over no message and the single-message
    /// diagnosis is skipped (a file read in chunks for `siplens trace
    /// --summary` holds no more than the record being completed). `keys`
    /// as [`TraceStream::with_keys`].
    pub fn summary_only(keys: EspKeys) -> Self {
        Self::build(keys, false)
    }

    fn build(keys: EspKeys, decode: bool) -> Self {
        TraceStream {
            feed: Feed::Undecided(Vec::new()),
            streamer: Streamer::new(None, None),
            keys,
            decode,
        }
    }

    /// Adds the next bytes of the input; returns the messages they
    /// completed, each decoded, correlated (transaction, dialog,
    /// retransmission) and numbered as in the whole trace. `from` and `to`
    /// are `None`: the lanes are known at the end ([`TraceSummary`]).
    pub fn push(&mut self, chunk: &[u8]) -> Vec<TraceMessage> {
        match &mut self.feed {
            Feed::Undecided(head) => {
                head.extend_from_slice(chunk);
                if head.len() < 4 {
                    return Vec::new();
                }
                let head = std::mem::take(head);
                self.decide(&head);
                self.cut(&head)
            }
            _ => self.cut(chunk),
        }
    }

    /// Ends the input: returns the messages the end completed and the
    /// flow summary (participants, lanes, transactions, dialogs, calls,
    /// flow and capture findings), as [`super::stream_any`] gives it.
    pub fn finish(mut self) -> (Vec<TraceMessage>, TraceSummary) {
        let mut last = Vec::new();
        if let Feed::Undecided(head) = &mut self.feed {
            let head = std::mem::take(head);
            self.decide(&head);
            last = self.cut(&head);
        }
        let TraceStream {
            feed,
            streamer,
            decode,
            ..
        } = &mut self;
        let mut take = |cut: Cut| last.extend(decode_cut(streamer, *decode, cut));
        let (source, frames, mut issues, esp_sas) = match feed {
            Feed::Capture(c) => {
                c.push(&[], true, &mut take);
                let x = std::mem::replace(&mut c.reader, capture::Incremental::new("")).finish();
                for raw in x.messages {
                    take(Cut::Message { raw, line: None });
                }
                (x.format, x.frames, x.issues, x.esp_sas)
            }
            Feed::Text(t) => {
                t.split(true).into_iter().for_each(&mut take);
                ("text", 0, t.carried.report(), Vec::new())
            }
            Feed::Undecided(_) => ("text", 0, Vec::new(), Vec::new()),
        };
        if self.streamer.messages.is_empty() {
            issues.push(no_sip(source, frames));
        }
        (last, self.streamer.finish(source, frames, issues, esp_sas))
    }

    fn decide(&mut self, head: &[u8]) {
        self.feed = match sniff(head) {
            Some(f) => {
                // As `decode_capture`: the time as ISO 8601 text, and the
                // media next to the signalling.
                self.streamer.fill_timestamps = true;
                self.streamer.media = Some(Default::default());
                Feed::Capture(Box::new(CaptureFeed::new(f.name(), &self.keys)))
            }
            None => Feed::Text(TextFeed::default()),
        };
    }

    /// Feeds `chunk` to the decided feed; returns the messages it
    /// completed. A capture's cuts are decoded as its records are walked,
    /// not collected first.
    fn cut(&mut self, chunk: &[u8]) -> Vec<TraceMessage> {
        let TraceStream {
            feed,
            streamer,
            decode,
            ..
        } = self;
        let mut out = Vec::new();
        let mut take = |cut: Cut| out.extend(decode_cut(streamer, *decode, cut));
        match feed {
            Feed::Undecided(_) => {}
            Feed::Text(t) => t.push(chunk).into_iter().for_each(&mut take),
            Feed::Capture(c) => c.push(chunk, false, &mut take),
        }
        out
    }
}

/// Hands one cut to the streamer: a payload to the media analysis, a
/// message to be correlated (and, with `decode`, diagnosed and returned).
fn decode_cut(streamer: &mut Streamer<'_, '_>, decode: bool, cut: Cut) -> Option<TraceMessage> {
    let (raw, line) = match cut {
        Cut::Message { raw, line } => (raw, line),
        Cut::Payload(p) => {
            streamer.payload(&p.as_payload());
            return None;
        }
    };
    let span = raw.source_span;
    let mut m = streamer.step(raw, decode)?;
    // The text is not kept: a message starts a line, so it is at that
    // line's column 1.
    m.source_span = span.zip(line).map(|(s, line)| SpanDto {
        start: s.start,
        end: s.end,
        line,
        column: 1,
    });
    Some(m)
}

/// The end of a streamed trace in one object (what the JS `TraceStream`'s
/// `finish()` returns): the messages the end completed and the tables of
/// [`super::Trace`] but its messages, with each message's lanes.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct StreamEnd {
    /// As [`super::Trace::schema_version`].
    pub schema_version: u32,
    /// `text`, `pcap` or `pcapng`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = r#""text" | "pcap" | "pcapng""#))]
    pub source: &'static str,
    /// Capture frames read (0 for text).
    pub frames: u64,
    /// The messages only the end completed (the last message of a text,
    /// a TCP message cut by the end of a capture…), as `push` returns
    /// them. Every message's lanes are in `lanes`.
    pub messages: Vec<TraceMessage>,
    /// `[from, to]` ([`StreamEnd::participants`] indices) of every message
    /// of the trace, by message index: the `from` and `to` that streamed
    /// messages leave null.
    pub lanes: Vec<[usize; 2]>,
    /// As [`super::Trace::participants`].
    pub participants: Vec<Participant>,
    /// As [`super::Trace::transactions`].
    pub transactions: Vec<Transaction>,
    /// As [`super::Trace::dialogs`].
    pub dialogs: Vec<Dialog>,
    /// As [`super::Trace::calls`].
    pub calls: Vec<Call>,
    /// As [`super::Trace::findings`].
    pub findings: Vec<FlowFinding>,
    /// As [`super::Trace::finding_groups`].
    pub finding_groups: Vec<FindingGroup>,
    /// As [`super::Trace::capture_findings`].
    pub capture_findings: Vec<FlowFinding>,
    /// As [`super::Trace::media`].
    pub media: Option<super::MediaReport>,
    /// As [`super::Trace::esp_sas`].
    pub esp_sas: Vec<super::model::EspSaReport>,
    /// As [`super::Trace::ladder`]: the ladder of every message.
    pub ladder: super::Ladder,
}

impl StreamEnd {
    /// The end of a stream: the `messages` [`TraceStream::finish`]
    /// completed and its summary.
    pub fn new(messages: Vec<TraceMessage>, s: TraceSummary) -> Self {
        let ladder = s.ladder(&super::LadderFilter::default());
        StreamEnd {
            schema_version: super::TRACE_SCHEMA_VERSION,
            source: s.source,
            frames: s.frames,
            messages,
            lanes: s.messages.iter().map(|m| [m.from, m.to]).collect(),
            participants: s.participants,
            transactions: s.transactions,
            dialogs: s.dialogs,
            calls: s.calls,
            findings: s.findings,
            finding_groups: s.finding_groups,
            capture_findings: s.capture_findings,
            media: s.media,
            esp_sas: s.esp_sas,
            ladder,
        }
    }
}

fn no_sip(source: &str, frames: u64) -> CaptureIssue {
    if source == "text" {
        no_sip_in_text()
    } else {
        no_sip_in_capture(frames)
    }
}

/// The [`Trace`] of `input` fed to a [`TraceStream`] in the pieces
/// `chunks`: equal to [`super::decode_any`] of the whole.
pub fn decode_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Trace {
    decode_chunks_keys(chunks, &EspKeys::default())
}

/// [`decode_chunks`] with keys for IPsec ESP: equal to
/// [`super::decode_any_keys`] of the whole.
pub fn decode_chunks_keys<'a>(chunks: impl IntoIterator<Item = &'a [u8]>, keys: &EspKeys) -> Trace {
    let mut s = TraceStream::with_keys(keys.clone());
    let mut messages = Vec::new();
    for c in chunks {
        messages.extend(s.push(c));
    }
    let (last, summary) = s.finish();
    messages.extend(last);
    summary.into_trace(messages)
}

/// Pasted text, split as its lines complete.
#[derive(Default)]
struct TextFeed {
    /// The input from `base` on: the message not yet handed over (and the
    /// lines before it), then what has arrived since.
    buf: Vec<u8>,
    /// Input offset of `buf[0]`.
    base: usize,
    /// Lines before `buf`.
    base_line: usize,
    /// Messages handed over.
    count: usize,
    /// `buf[..checked]`: complete lines already looked at.
    checked: usize,
    carried: Carried,
}

impl TextFeed {
    fn push(&mut self, chunk: &[u8]) -> Vec<Cut> {
        let from = self.buf.len();
        self.buf.extend_from_slice(chunk);
        let Some(lf) = memchr::memrchr(b'\n', &self.buf[from..]) else {
            return Vec::new();
        };
        let complete = from + lf + 1;
        // A message is handed over when the next one starts, and a
        // message can only start on a line that could start one.
        let fresh = &self.buf[self.checked..complete];
        let start = fresh
            .split_inclusive(|&b| b == b'\n')
            .any(text::could_start);
        self.checked = complete;
        if !start {
            return Vec::new();
        }
        self.split_upto(complete, false)
    }

    fn split(&mut self, last: bool) -> Vec<Cut> {
        self.split_upto(self.buf.len(), last)
    }

    /// Splits `buf[..upto]` (complete lines unless `last`); hands over
    /// every message but the last (all when `last`) and drops their bytes.
    fn split_upto(&mut self, upto: usize, last: bool) -> Vec<Cut> {
        let input = &self.buf[..upto];
        let ls = text::lines(input);
        let s = text::scan(input, &ls, self.carried.nodes.clone());
        let n = if last {
            s.messages.len()
        } else {
            s.messages.len().saturating_sub(1)
        };
        if n == 0 && !last {
            return Vec::new();
        }
        let cut = match n {
            _ if last => ls.len(),
            0 => 0,
            _ => s.messages[n - 1].next,
        };
        self.carried
            .take(input, &ls, &s, n, cut, (self.base_line, self.count));
        let (base, base_line) = (self.base, self.base_line);
        let cuts: Vec<Cut> = s
            .messages
            .into_iter()
            .take(n)
            .map(|m| {
                let mut raw = m.raw;
                raw.source_span = raw
                    .source_span
                    .map(|sp| crate::span::Span::new(base + sp.start, base + sp.end));
                Cut::Message {
                    raw,
                    line: Some(base_line + m.line + 1),
                }
            })
            .collect();
        let bytes = cut.checked_sub(1).map_or(0, |l| ls[l].next);
        self.buf.drain(..bytes);
        self.base += bytes;
        self.base_line += cut;
        self.count += n;
        self.checked = self.checked.saturating_sub(bytes);
        cuts
    }
}

/// A pcap or pcapng capture, read record by record as records complete.
struct CaptureFeed {
    /// The input from `base` on: the record being completed.
    buf: Vec<u8>,
    /// Input offset of `buf[0]`.
    base: usize,
    /// Where the container walk stands at `buf[0]`.
    checkpoint: Checkpoint,
    /// The walk is not tried again before `buf` holds this many bytes
    /// (the length the next record's header announces).
    need: usize,
    reader: capture::Incremental,
}

impl CaptureFeed {
    fn new(format: &'static str, keys: &EspKeys) -> Self {
        CaptureFeed {
            buf: Vec::new(),
            base: 0,
            checkpoint: Records::new(&[]).checkpoint().0,
            need: 0,
            reader: capture::Incremental::with_keys(format, keys),
        }
    }

    /// Walks the records `chunk` completed. A record that does not parse
    /// waits for more bytes; at the `last` one it is damage.
    fn push(&mut self, chunk: &[u8], last: bool, out: &mut dyn FnMut(Cut)) {
        let CaptureFeed {
            buf,
            base,
            checkpoint,
            need,
            reader,
        } = self;
        buf.extend_from_slice(chunk);
        if !last && buf.len() < *need {
            return;
        }
        let mut used = 0;
        let mut records = Records::resume(buf, checkpoint.clone());
        while let Some(r) = records.next() {
            match r {
                Ok(record) => {
                    let frames = records.frames();
                    for raw in reader.record(frames, record) {
                        out(Cut::Message { raw, line: None });
                    }
                    for p in reader.take_payloads() {
                        out(Cut::Payload(p));
                    }
                    let (cp, at) = records.checkpoint();
                    *checkpoint = cp;
                    used = at;
                }
                Err(d) if last => {
                    let damage = Damage {
                        at: *base + d.at,
                        ..d
                    };
                    reader.damaged(*base + buf.len(), damage);
                    break;
                }
                Err(_) => {
                    // Most likely the record is not all there yet.
                    *need = used + checkpoint.record_len(&buf[used..]).unwrap_or(0);
                    break;
                }
            }
        }
        drop(records);
        buf.drain(..used);
        *need = need.saturating_sub(used);
        *base += used;
    }
}
