//! TCP stream reassembly, one direction at a time (RFC 9293 §3.4: a
//! sequence number names a byte of the stream; SYN takes one).
//!
//! A direction's bytes are addressed by **stream offset**: 0 is the byte
//! after the SYN (or the first byte captured when the SYN was not), and a
//! sequence number maps to the offset nearest to a known one, so streams
//! past 4 GiB and the sequence-number wrap are read right.
//!
//! - [`Reassembler`] (the reader, one pass): segments in order are
//!   delivered at once; out-of-order ones wait; retransmitted bytes are
//!   delivered once. A hole (segments never captured) stays a hole until it
//!   is declared lost: the other direction acknowledges bytes past it (the
//!   receiver had them, the capture did not), too much data waits behind
//!   it, or the capture ends. The consumer then skips it
//!   ([`Reassembler::skip_hole`]) and resynchronises on the next message
//!   start, counting what it skipped.
//! - [`runs`] (redaction, two passes): every segment of a direction,
//!   collected, merged into contiguous runs by offset, holes kept as holes.

use std::collections::BTreeMap;

/// The offset of `seq` in a stream whose offset 0 is sequence number
/// `anchor`, taken within ±2 GiB of 0.
pub fn relative(anchor: u32, seq: u32) -> i64 {
    i64::from(seq.wrapping_sub(anchor) as i32)
}

/// What [`Reassembler::push`] did with a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// New bytes were delivered (this many, waiting segments included).
    Delivered(usize),
    /// Every byte had been delivered before.
    Retransmission,
    /// The segment starts after a hole; it waits.
    Waiting,
}

/// One direction of a TCP connection, put back in order.
#[derive(Debug, Default)]
pub struct Reassembler {
    /// Sequence number of stream offset 0, once known.
    anchor: Option<u32>,
    /// Offset of the next byte to deliver.
    next: i64,
    /// Segments after a hole, by offset.
    waiting: BTreeMap<i64, Vec<u8>>,
    waiting_bytes: usize,
}

impl Reassembler {
    /// True once a start is known ([`Self::start`]).
    pub fn started(&self) -> bool {
        self.anchor.is_some()
    }

    /// Starts (or restarts, after a new SYN) the stream: `seq` is the
    /// sequence number of its first byte. Waiting segments are dropped.
    pub fn start(&mut self, seq: u32) {
        *self = Reassembler {
            anchor: Some(seq),
            ..Reassembler::default()
        };
    }

    /// The stream offset of `seq` (nearest to the next byte expected).
    pub fn offset(&self, seq: u32) -> Option<i64> {
        let a = self.anchor?;
        let next_seq = a.wrapping_add(self.next as u32);
        Some(self.next + i64::from(seq.wrapping_sub(next_seq) as i32))
    }

    /// Offset of the next byte to deliver.
    pub fn next_offset(&self) -> i64 {
        self.next
    }

    /// Bytes waiting behind a hole.
    pub fn waiting_bytes(&self) -> usize {
        self.waiting_bytes
    }

    /// True when segments wait behind a hole.
    pub fn has_hole(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Adds the segment of sequence number `seq`; the bytes it makes
    /// contiguous are appended to `out`.
    pub fn push(&mut self, seq: u32, payload: &[u8], out: &mut Vec<u8>) -> Pushed {
        let Some(off) = self.offset(seq) else {
            return Pushed::Retransmission;
        };
        let end = off + payload.len() as i64;
        if end <= self.next {
            return Pushed::Retransmission;
        }
        if off > self.next {
            let slot = self.waiting.entry(off).or_default();
            if payload.len() > slot.len() {
                self.waiting_bytes += payload.len() - slot.len();
                *slot = payload.to_vec();
            }
            return Pushed::Waiting;
        }
        let before = out.len();
        out.extend_from_slice(&payload[(self.next - off) as usize..]);
        self.next = end;
        self.drain(out);
        Pushed::Delivered(out.len() - before)
    }

    /// Delivers the waiting segments that now follow the stream.
    fn drain(&mut self, out: &mut Vec<u8>) {
        while let Some(entry) = self.waiting.first_entry() {
            let off = *entry.key();
            if off > self.next {
                break;
            }
            let seg = entry.remove();
            self.waiting_bytes = self.waiting_bytes.saturating_sub(seg.len());
            let end = off + seg.len() as i64;
            if end > self.next {
                out.extend_from_slice(&seg[(self.next - off) as usize..]);
                self.next = end;
            }
        }
    }

    /// True when acknowledgment number `ack` of the other direction covers
    /// bytes past the hole: the receiver had them, so the capture lost them
    /// and the hole will not fill.
    pub fn acked_past_hole(&self, ack: u32) -> bool {
        self.has_hole() && self.offset(ack).is_some_and(|a| a > self.next)
    }

    /// Gives up on the first hole: delivery resumes at the next waiting
    /// segment, whose bytes (and those contiguous with them) are appended
    /// to `out`. Returns how many bytes the hole held; `None` without one.
    pub fn skip_hole(&mut self, out: &mut Vec<u8>) -> Option<u64> {
        let (&off, _) = self.waiting.first_key_value()?;
        let missing = (off - self.next).max(0) as u64;
        self.next = off;
        self.drain(out);
        Some(missing)
    }
}

/// Segments of one direction `(offset, bytes)`, in any order and with
/// overlaps, merged into contiguous runs sorted by offset; a hole between
/// two runs stays one.
pub fn runs(mut segs: Vec<(i64, Vec<u8>)>) -> Vec<(i64, Vec<u8>)> {
    segs.sort_by_key(|s| s.0);
    let mut runs: Vec<(i64, Vec<u8>)> = Vec::new();
    for (off, bytes) in segs {
        match runs.last_mut() {
            Some((start, buf)) if off <= *start + buf.len() as i64 => {
                let skip = (*start + buf.len() as i64 - off) as usize;
                if skip < bytes.len() {
                    buf.extend_from_slice(&bytes[skip..]);
                }
            }
            _ => runs.push((off, bytes)),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_out_of_order_and_retransmitted() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.start(u32::MAX - 2); // wraps inside the stream
        assert_eq!(r.push(u32::MAX - 2, b"abc", &mut out), Pushed::Delivered(3));
        assert_eq!(r.push(3, b"gh", &mut out), Pushed::Waiting);
        assert_eq!(
            r.push(u32::MAX - 1, b"bc", &mut out),
            Pushed::Retransmission
        );
        assert_eq!(r.push(0, b"def", &mut out), Pushed::Delivered(5));
        assert_eq!(out, b"abcdefgh");
        assert!(!r.has_hole());
        assert_eq!(r.next_offset(), 8);
    }

    #[test]
    fn a_hole_is_skipped_when_acknowledged_past() {
        let mut r = Reassembler::default();
        let mut out = Vec::new();
        r.start(1000);
        r.push(1000, b"0123", &mut out);
        r.push(1010, b"abc", &mut out); // 6 bytes never captured
        r.push(1013, b"de", &mut out);
        assert!(r.has_hole() && r.waiting_bytes() == 5);
        assert!(!r.acked_past_hole(1004));
        assert!(r.acked_past_hole(1008));
        out.clear();
        assert_eq!(r.skip_hole(&mut out), Some(6));
        assert_eq!(out, b"abcde");
        assert_eq!(r.skip_hole(&mut out), None);
    }

    #[test]
    fn runs_keep_holes() {
        let segs = vec![
            (5, b"fg".to_vec()),
            (0, b"abc".to_vec()),
            (2, b"cde".to_vec()),
            (9, b"x".to_vec()),
        ];
        assert_eq!(runs(segs), [(0, b"abcdefg".to_vec()), (9, b"x".to_vec())]);
    }
}
