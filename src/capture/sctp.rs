//! SCTP packets (RFC 4960 §3): the common header and the chunks after it,
//! DATA chunks (§3.3.1) with their TSN, stream and B/E flags, and
//! user-message reassembly ([`Reassembler`], §6.9). Used by the capture
//! reader (whole user messages) and by capture redaction (which redacts a
//! message whole, cuts it back into its fragments, rewrites chunks and
//! recomputes the CRC32c, [`super::checksum::crc32c`]).

/// The common header's length (§3.1).
pub const COMMON_HEADER: usize = 12;

/// One chunk of a packet, as far as the packet holds it.
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    /// Offset of the chunk in the packet.
    pub at: usize,
    /// Chunk type (0 DATA, 1 INIT, 2 INIT ACK, 4/5 HEARTBEAT (ACK), 10
    /// COOKIE ECHO…).
    pub ty: u8,
    /// Chunk flags.
    pub flags: u8,
    /// The chunk length it declares (header included, padding not).
    pub len: usize,
    /// The chunk's bytes, cut at the end of the packet when it is shorter
    /// than `len`.
    pub bytes: &'a [u8],
}

impl<'a> Chunk<'a> {
    /// True when the packet ends before the chunk's declared end.
    pub fn truncated(&self) -> bool {
        self.bytes.len() < self.len
    }

    /// The DATA chunk fields, when this is one with its 16-byte header.
    pub fn data(&self) -> Option<Data<'a>> {
        let b = self.bytes;
        (self.ty == 0 && b.len() >= 16).then(|| Data {
            flags: self.flags,
            tsn: u32::from_be_bytes([b[4], b[5], b[6], b[7]]),
            stream: u16::from_be_bytes([b[8], b[9]]),
            user: &b[16..],
        })
    }
}

/// A DATA chunk (RFC 4960 §3.3.1).
#[derive(Debug, Clone, Copy)]
pub struct Data<'a> {
    /// U, B, E flags: `flags & 3` is 3 for an unfragmented message, 2 for
    /// its first fragment, 0 for a middle one, 1 for the last.
    pub flags: u8,
    /// Transmission sequence number.
    pub tsn: u32,
    /// Stream identifier.
    pub stream: u16,
    /// The user data (as far as the packet holds it).
    pub user: &'a [u8],
}

/// The chunks of an SCTP packet (`packet` starts with the common header),
/// in order, each padded to 4 bytes (§3.2); ends at the packet's end or at
/// a chunk declaring less than its own 4-byte header.
pub fn chunks(packet: &[u8]) -> Chunks<'_> {
    Chunks {
        packet,
        off: COMMON_HEADER,
    }
}

/// Iterator of [`chunks`].
pub struct Chunks<'a> {
    packet: &'a [u8],
    off: usize,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        let (p, off) = (self.packet, self.off);
        if off + 4 > p.len() {
            return None;
        }
        let len = usize::from(u16::from_be_bytes([p[off + 2], p[off + 3]]));
        if len < 4 {
            self.off = p.len();
            return None;
        }
        self.off = off + len.div_ceil(4) * 4;
        Some(Chunk {
            at: off,
            ty: p[off],
            flags: p[off + 1],
            len,
            bytes: &p[off..(off + len).min(p.len())],
        })
    }
}

/// One fragment of a fragmented user message (a DATA chunk with B and E
/// not both set), with the consumer's `tag` (the frame that carried it).
#[derive(Debug, Clone)]
pub struct Fragment<T> {
    /// Transmission sequence number.
    pub tsn: u32,
    /// Stream identifier.
    pub stream: u16,
    /// `B` flag: first fragment.
    pub first: bool,
    /// `E` flag: last fragment.
    pub last: bool,
    /// The user data.
    pub data: Vec<u8>,
    /// The consumer's tag.
    pub tag: T,
}

/// What [`Reassembler::push`] made of a fragment.
#[derive(Debug)]
pub enum Pushed<T> {
    /// A user message is whole: its fragments, B to E, in TSN order.
    Whole(Vec<Fragment<T>>),
    /// The fragment waits for the others.
    Waiting,
    /// A TSN seen before (a retransmission): ignored.
    Duplicate,
    /// Too many bytes waited: these fragments were dropped.
    Overflow(usize),
}

/// How many reassembled TSN ranges a [`Reassembler`] remembers.
const DONE_RANGES: usize = 64;

/// User-message reassembly for one direction of an association (RFC 4960
/// §6.9): fragments wait, by TSN, until a B fragment, its consecutive TSNs
/// and an E fragment of the same stream are all there, so their capture
/// order and retransmitted copies do not matter; the TSN wrap is followed.
#[derive(Debug)]
pub struct Reassembler<T> {
    fragments: std::collections::HashMap<u32, Fragment<T>>,
    bytes: usize,
    /// TSN ranges (first, last) of the latest messages put together, so
    /// that a retransmitted fragment of one is not kept as a new one.
    done: std::collections::VecDeque<(u32, u32)>,
    max_bytes: usize,
}

impl<T> Reassembler<T> {
    /// A reassembler dropping its fragments when they exceed `max_bytes`.
    pub fn new(max_bytes: usize) -> Self {
        Reassembler {
            fragments: Default::default(),
            bytes: 0,
            done: Default::default(),
            max_bytes,
        }
    }

    /// Fragments waiting (never completed, so far).
    pub fn waiting(&self) -> usize {
        self.fragments.len()
    }

    /// Adds the fragment of `d` (a DATA chunk whose B and E flags are not
    /// both set).
    pub fn push(&mut self, d: &Data<'_>, tag: T) -> Pushed<T> {
        let (tsn, stream) = (d.tsn, d.stream);
        let delivered = self
            .done
            .iter()
            .any(|&(a, b)| tsn.wrapping_sub(a) <= b.wrapping_sub(a));
        if delivered || self.fragments.contains_key(&tsn) {
            return Pushed::Duplicate;
        }
        self.bytes += d.user.len();
        self.fragments.insert(
            tsn,
            Fragment {
                tsn,
                stream,
                first: d.flags & 2 != 0,
                last: d.flags & 1 != 0,
                data: d.user.to_vec(),
                tag,
            },
        );
        if self.bytes > self.max_bytes {
            let n = self.fragments.len();
            self.fragments.clear();
            self.bytes = 0;
            return Pushed::Overflow(n);
        }
        // Back from the new fragment to the B fragment, then on to the E one.
        let limit = self.fragments.len();
        let mut first = tsn;
        for _ in 0..limit {
            let Some(f) = self.fragments.get(&first) else {
                return Pushed::Waiting;
            };
            if f.first {
                break;
            }
            let prev = first.wrapping_sub(1);
            match self.fragments.get(&prev) {
                Some(p) if p.stream == stream && !p.last => first = prev,
                _ => return Pushed::Waiting,
            }
        }
        let mut last = first;
        for _ in 0..limit {
            match self.fragments.get(&last) {
                Some(f) if f.stream == stream && (last == first || !f.first) => {
                    if f.last {
                        break;
                    }
                    last = last.wrapping_add(1);
                }
                _ => return Pushed::Waiting,
            }
        }
        if !self.fragments.get(&first).is_some_and(|f| f.first)
            || !self.fragments.get(&last).is_some_and(|f| f.last)
        {
            return Pushed::Waiting;
        }
        let mut whole = Vec::new();
        let mut t = first;
        loop {
            if let Some(f) = self.fragments.remove(&t) {
                self.bytes = self.bytes.saturating_sub(f.data.len());
                whole.push(f);
            }
            if t == last {
                break;
            }
            t = t.wrapping_add(1);
        }
        if self.done.len() == DONE_RANGES {
            self.done.pop_front();
        }
        self.done.push_back((first, last));
        Pushed::Whole(whole)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_are_padded_and_data_fields_read() {
        let mut p = vec![0u8; 12];
        // DATA, B+E, length 17 (one user byte), TSN 7, stream 3, padded.
        p.extend_from_slice(&[
            0, 3, 0, 17, 0, 0, 0, 7, 0, 3, 0, 0, 0, 0, 0, 0, b'x', 0, 0, 0,
        ]);
        // HEARTBEAT, cut short by the packet's end.
        p.extend_from_slice(&[4, 0, 0, 20, 1, 2]);
        let c: Vec<_> = chunks(&p).collect();
        assert_eq!(c.len(), 2);
        let d = c[0].data().unwrap();
        assert_eq!((d.flags & 3, d.tsn, d.stream, d.user), (3, 7, 3, &b"x"[..]));
        assert_eq!((c[1].at, c[1].ty, c[1].truncated()), (32, 4, true));
        assert!(c[1].data().is_none());
        // A chunk declaring less than its header ends the walk.
        p[34..36].copy_from_slice(&[0, 2]);
        assert_eq!(chunks(&p).count(), 1);
    }
}
