//! The capture container: pcap and pcapng files walked record by record,
//! each record with its byte range in the input.
//!
//! [`sniff`] tells the format by its magic number; [`Records`] walks the
//! file with `pcap-parser` (pcap: micro- and nanosecond, either byte order,
//! the modified/Kuznetzov record header; pcapng: any number of sections,
//! each in its own byte order, as its Section Header Block announces) and
//! yields every record: the pcap file header, every packet (pcap record,
//! pcapng Enhanced or Simple Packet Block) with its 1-based frame number,
//! link type, time and captured bytes, and every other pcapng block. A
//! record it cannot read ends the walk with one [`Damage`], saying where;
//! everything before it has been yielded.
//!
//! Two framings, for two kinds of consumer:
//!
//! - [`Records::new`] (strict): every block is parsed by `pcap-parser`, so
//!   a block whose content it cannot read (a block shorter than its type's
//!   fixed fields, packet data longer than the block) ends the walk. For
//!   readers, which use the content (times, interface link types and
//!   timestamp resolutions).
//! - [`Records::lenient`]: records are framed by their lengths alone
//!   (pcap: a 24-byte file header and records of at most 64 MiB; pcapng:
//!   the block length, a multiple of 4, repeated at the block's end; a
//!   block too short for its type's fixed fields is yielded as a plain
//!   block), so a damaged block that is framed right is still a block. For
//!   rewriters, which copy, rewrite or drop records by their byte offsets. Packet
//!   times are not read (`None`), and the link type is the 16-bit
//!   LinkType of the pcap header (its upper bits hold the FCS length).

use std::ops::Range;

use pcap_parser::pcapng::{parse_block_be, parse_block_le, Block};
use pcap_parser::{
    parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified, parse_pcap_header,
};

/// A capture container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// libpcap (`.pcap`), any of its magic numbers.
    Pcap,
    /// pcapng (`.pcapng`).
    Pcapng,
}

impl Format {
    /// `pcap` or `pcapng`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
        }
    }
}

/// The format `input` announces by its first four bytes (a pcap magic
/// number in either byte order, micro- or nanosecond, or the modified
/// format; or a pcapng Section Header Block type), if any.
pub fn sniff(input: &[u8]) -> Option<Format> {
    match input.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xc3, 0xd4]
        | [0x4d, 0x3c, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0x3c, 0x4d]
        | [0x34, 0xcd, 0xb2, 0xa1]
        | [0xa1, 0xb2, 0xcd, 0x34] => Some(Format::Pcap),
        [0x0a, 0x0d, 0x0d, 0x0a] => Some(Format::Pcapng),
        _ => None,
    }
}

/// True when `input` starts with a pcap or pcapng magic number.
pub fn is_capture(input: &[u8]) -> bool {
    sniff(input).is_some()
}

/// One record of the container and where it lies in the input.
#[derive(Debug)]
pub struct Record<'a> {
    /// The record's bytes in the input, headers and padding included.
    pub range: Range<usize>,
    /// The byte order of the file (pcap) or of the record's section
    /// (pcapng).
    pub be: bool,
    /// What the record is.
    pub kind: RecordKind<'a>,
}

/// What a [`Record`] is.
#[derive(Debug)]
pub enum RecordKind<'a> {
    /// The pcap file header.
    PcapHeader,
    /// A packet: a pcap record or a pcapng Enhanced or Simple Packet Block.
    Packet(Packet<'a>, PacketForm),
    /// Any other pcapng block (section header, interface description and
    /// statistics, name resolution, custom, unknown…), with its type.
    Block(u32),
}

/// How a packet record is laid out around its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PacketForm {
    /// A pcap record with a `header`-byte record header (16, or 24 in the
    /// modified format).
    Pcap {
        /// Record header length.
        header: usize,
    },
    /// A pcapng Enhanced Packet Block; `options` is the byte range of its
    /// options (empty when it has none).
    Epb {
        /// Byte range of the options in the input.
        options: Range<usize>,
    },
    /// A pcapng Simple Packet Block.
    Spb,
}

/// A packet as the container holds it.
#[derive(Debug, Clone, Copy)]
pub struct Packet<'a> {
    /// 1-based, every packet record counted.
    pub frame: u64,
    /// The link type (pcap header, or the packet's pcapng interface;
    /// Ethernet when the interface is not described).
    pub link: u32,
    /// Seconds since the epoch; `None` for a pcapng Simple Packet Block,
    /// which has no time.
    pub time: Option<f64>,
    /// The captured bytes (the captured length, never the padding).
    pub data: &'a [u8],
    /// Byte offset of `data` in the input.
    pub data_at: usize,
    /// The packet's original length on the wire, as recorded.
    pub orig_len: u32,
}

/// Where the walk stopped on a record it could not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damage {
    /// Which container part was damaged.
    pub what: DamageKind,
    /// Byte offset of the unreadable record.
    pub at: usize,
    /// Packets yielded before it.
    pub frames: u64,
}

/// The part of a container a [`Damage`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DamageKind {
    /// The pcap file header is incomplete or unknown.
    PcapHeader,
    /// A pcap record is cut or corrupt.
    PcapRecord,
    /// A pcapng block is cut or corrupt.
    PcapngBlock,
}

#[derive(Clone)]
enum State {
    Start,
    Pcap {
        be: bool,
        modified: bool,
        scale: f64,
        link: u32,
    },
    Pcapng {
        be: bool,
        /// (link type, ticks per second, offset in seconds) per interface.
        ifaces: Vec<(u32, u64, i64)>,
    },
    LenientPcap {
        be: bool,
        header: usize,
        link: u32,
    },
    LenientPcapng {
        be: bool,
        /// Link type per interface.
        links: Vec<u32>,
    },
    Done,
}

/// Lenient pcap records larger than this are damage, not packets.
const MAX_RECORD: usize = 64 << 20;

/// A 32-bit field at `at` in the given byte order; 0 past the end.
pub(crate) fn rd32(b: &[u8], at: usize, be: bool) -> u32 {
    match b.get(at..at.saturating_add(4)) {
        Some(&[a, b, c, d]) => {
            if be {
                u32::from_be_bytes([a, b, c, d])
            } else {
                u32::from_le_bytes([a, b, c, d])
            }
        }
        _ => 0,
    }
}

/// A 16-bit field at `at` in the given byte order; 0 past the end.
pub(crate) fn rd16(b: &[u8], at: usize, be: bool) -> u16 {
    match b.get(at..at.saturating_add(2)) {
        Some(&[a, b]) => {
            if be {
                u16::from_be_bytes([a, b])
            } else {
                u16::from_le_bytes([a, b])
            }
        }
        _ => 0,
    }
}

/// `n` rounded up to a multiple of 4 (pcapng padding).
pub(crate) fn pad4(n: usize) -> usize {
    n.div_ceil(4) * 4
}

/// The records of a pcap or pcapng capture, in file order (see the module
/// docs). An input that is no capture yields nothing ([`sniff`] tells).
pub struct Records<'a> {
    input: &'a [u8],
    at: usize,
    frames: u64,
    lenient: bool,
    state: State,
}

impl<'a> Records<'a> {
    /// Starts a strict walk over `input` (see the module docs).
    pub fn new(input: &'a [u8]) -> Self {
        Records {
            input,
            at: 0,
            frames: 0,
            lenient: false,
            state: State::Start,
        }
    }

    /// Starts a lenient walk over `input` (see the module docs).
    pub fn lenient(input: &'a [u8]) -> Self {
        Records {
            lenient: true,
            ..Records::new(input)
        }
    }

    /// Packets yielded so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    fn damage(&mut self, what: DamageKind) -> Option<Result<Record<'a>, Damage>> {
        self.state = State::Done;
        Some(Err(Damage {
            what,
            at: self.at,
            frames: self.frames,
        }))
    }

    fn record(
        &mut self,
        len: usize,
        be: bool,
        kind: RecordKind<'a>,
    ) -> Option<Result<Record<'a>, Damage>> {
        let range = self.at..self.at + len;
        self.at += len;
        Some(Ok(Record { range, be, kind }))
    }

    fn start(&mut self) -> Option<Result<Record<'a>, Damage>> {
        match sniff(self.input) {
            None => {
                self.state = State::Done;
                None
            }
            Some(Format::Pcapng) if self.lenient => {
                self.state = State::LenientPcapng {
                    be: false,
                    links: Vec::new(),
                };
                self.next()
            }
            Some(Format::Pcapng) => {
                self.state = State::Pcapng {
                    be: false,
                    ifaces: Vec::new(),
                };
                self.next()
            }
            Some(Format::Pcap) if self.lenient => {
                if self.input.len() < 24 {
                    return self.damage(DamageKind::PcapHeader);
                }
                // The magic number says the byte order and the record header.
                let m = rd32(self.input, 0, false);
                let be = matches!(m, 0xd4c3_b2a1 | 0x4d3c_b2a1 | 0x34cd_b2a1);
                let modified = matches!(m, 0xa1b2_cd34 | 0x34cd_b2a1);
                self.state = State::LenientPcap {
                    be,
                    header: if modified { 24 } else { 16 },
                    link: rd32(self.input, 20, be) & 0xffff,
                };
                self.record(24, be, RecordKind::PcapHeader)
            }
            Some(Format::Pcap) => {
                let Ok((rem, hdr)) = parse_pcap_header(self.input) else {
                    return self.damage(DamageKind::PcapHeader);
                };
                let be = hdr.is_bigendian();
                self.state = State::Pcap {
                    be,
                    modified: hdr.is_modified_format(),
                    scale: if hdr.is_nanosecond_precision() {
                        1e9
                    } else {
                        1e6
                    },
                    link: hdr.network.0 as u32,
                };
                self.record(self.input.len() - rem.len(), be, RecordKind::PcapHeader)
            }
        }
    }
}

/// Where a walk stands between two records: what [`Records::resume`]
/// needs to go on over the bytes that follow (a capture read as its bytes
/// arrive, [`crate::trace::incremental`]).
#[derive(Clone)]
pub struct Checkpoint {
    state: State,
    frames: u64,
    lenient: bool,
}

impl Records<'_> {
    /// The walk's state after the records yielded so far, and the offset
    /// in the input where the next record begins.
    pub fn checkpoint(&self) -> (Checkpoint, usize) {
        let cp = Checkpoint {
            state: self.state.clone(),
            frames: self.frames,
            lenient: self.lenient,
        };
        (cp, self.at)
    }
}

impl Checkpoint {
    /// The length of the record that starts `rem` (the bytes from where
    /// the walk stands), as far as its first bytes tell; `None` when they
    /// do not tell yet. A hint for a reader fed bytes as they arrive: the
    /// walk is not worth trying before that many bytes are there.
    pub fn record_len(&self, rem: &[u8]) -> Option<usize> {
        match &self.state {
            State::Start => Some(24),
            State::Pcap { be, modified, .. } if rem.len() >= 16 => {
                let header = if *modified { 24 } else { 16 };
                Some(header + rd32(rem, 8, *be) as usize)
            }
            State::LenientPcap { be, header, .. } if rem.len() >= 16 => {
                Some(header + rd32(rem, 8, *be) as usize)
            }
            State::Pcapng { be, .. } | State::LenientPcapng { be, .. } if rem.len() >= 12 => {
                // A section header announces its byte order (its magic at 8).
                let be = if rem.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
                    rem[8..12] == [0x1a, 0x2b, 0x3c, 0x4d]
                } else {
                    *be
                };
                Some(rd32(rem, 4, be) as usize)
            }
            _ => None,
        }
    }
}

impl<'a> Records<'a> {
    /// Goes on with a walk from `checkpoint` over `input`, the bytes from
    /// where it stood on: the records it yields are those the walk over
    /// the whole capture yields from there (offsets relative to `input`).
    pub fn resume(input: &'a [u8], checkpoint: Checkpoint) -> Self {
        Records {
            input,
            at: 0,
            frames: checkpoint.frames,
            lenient: checkpoint.lenient,
            state: checkpoint.state,
        }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, Damage>;

    fn next(&mut self) -> Option<Self::Item> {
        let input = self.input;
        let rem = &input[self.at.min(input.len())..];
        match &mut self.state {
            State::Done => None,
            State::Start => self.start(),
            _ if rem.is_empty() => {
                self.state = State::Done;
                None
            }
            &mut State::Pcap {
                be,
                modified,
                scale,
                link,
            } => {
                let parsed = if modified {
                    parse_pcap_frame_modified(rem)
                } else if be {
                    parse_pcap_frame_be(rem)
                } else {
                    parse_pcap_frame(rem)
                };
                let Ok((next, b)) = parsed else {
                    return self.damage(DamageKind::PcapRecord);
                };
                self.frames += 1;
                let len = (b.caplen as usize).min(b.data.len());
                let header = if modified { 24 } else { 16 };
                let packet = Packet {
                    frame: self.frames,
                    link,
                    time: Some(f64::from(b.ts_sec) + f64::from(b.ts_usec) / scale),
                    data: &b.data[..len],
                    data_at: self.at + header,
                    orig_len: b.origlen,
                };
                let form = PacketForm::Pcap { header };
                self.record(rem.len() - next.len(), be, RecordKind::Packet(packet, form))
            }
            State::Pcapng { be, ifaces } => {
                let parsed = if *be {
                    parse_block_be(rem)
                } else {
                    parse_block_le(rem)
                };
                // A section header announces its own byte order.
                let parsed = match parsed {
                    Err(_) if rem.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) => {
                        if *be {
                            parse_block_le(rem)
                        } else {
                            parse_block_be(rem)
                        }
                    }
                    p => p,
                };
                let Ok((next, block)) = parsed else {
                    return self.damage(DamageKind::PcapngBlock);
                };
                let at = self.at;
                let len = rem.len() - next.len();
                let kind = match block {
                    Block::SectionHeader(shb) => {
                        *be = shb.big_endian();
                        ifaces.clear();
                        RecordKind::Block(0x0a0d_0d0a)
                    }
                    Block::InterfaceDescription(idb) => {
                        let res = idb.ts_resolution().unwrap_or(1_000_000).max(1);
                        ifaces.push((idb.linktype.0 as u32, res, idb.ts_offset()));
                        RecordKind::Block(1)
                    }
                    Block::EnhancedPacket(epb) => {
                        self.frames += 1;
                        let (link, res, off) = ifaces
                            .get(epb.if_id as usize)
                            .copied()
                            .unwrap_or((1, 1_000_000, 0));
                        let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                        let time =
                            off as f64 + (ticks / res) as f64 + (ticks % res) as f64 / res as f64;
                        let caplen = (epb.caplen as usize).min(epb.data.len());
                        let body_end = at + len - 4;
                        let options = (at + 28 + pad4(caplen)).min(body_end)..body_end;
                        RecordKind::Packet(
                            Packet {
                                frame: self.frames,
                                link,
                                time: Some(time),
                                data: &epb.data[..caplen],
                                data_at: at + 28,
                                orig_len: epb.origlen,
                            },
                            PacketForm::Epb { options },
                        )
                    }
                    Block::SimplePacket(spb) => {
                        self.frames += 1;
                        let link = ifaces.first().map_or(1, |i| i.0);
                        let caplen = (spb.origlen as usize).min(spb.data.len());
                        RecordKind::Packet(
                            Packet {
                                frame: self.frames,
                                link,
                                time: None,
                                data: &spb.data[..caplen],
                                data_at: at + 12,
                                orig_len: spb.origlen,
                            },
                            PacketForm::Spb,
                        )
                    }
                    _ => RecordKind::Block(rd32(rem, 0, *be)),
                };
                let be = *be;
                self.record(len, be, kind)
            }
            &mut State::LenientPcap { be, header, link } => {
                let at = self.at;
                let incl = rd32(input, at + 8, be) as usize;
                let orig_len = rd32(input, at + 12, be);
                if at + header > input.len()
                    || incl > MAX_RECORD
                    || at + header + incl > input.len()
                {
                    return self.damage(DamageKind::PcapRecord);
                }
                self.frames += 1;
                let packet = Packet {
                    frame: self.frames,
                    link,
                    time: None,
                    data: &input[at + header..at + header + incl],
                    data_at: at + header,
                    orig_len,
                };
                let form = PacketForm::Pcap { header };
                self.record(header + incl, be, RecordKind::Packet(packet, form))
            }
            State::LenientPcapng { be, links } => {
                let at = self.at;
                if rem.starts_with(&[0x0a, 0x0d, 0x0d, 0x0a]) {
                    // The byte-order magic says how to read this section.
                    match input.get(at + 8..at + 12) {
                        Some([0x4d, 0x3c, 0x2b, 0x1a]) => *be = false,
                        Some([0x1a, 0x2b, 0x3c, 0x4d]) => *be = true,
                        _ => return self.damage(DamageKind::PcapngBlock),
                    }
                    links.clear();
                }
                let be = *be;
                let ty = rd32(input, at, be);
                let total = rd32(input, at + 4, be) as usize;
                if at + 12 > input.len()
                    || total < 12
                    || total % 4 != 0
                    || total > input.len() - at
                    || rd32(input, at + total - 4, be) as usize != total
                {
                    return self.damage(DamageKind::PcapngBlock);
                }
                let body_end = at + total - 4;
                let kind = match ty {
                    1 if total >= 20 => {
                        links.push(u32::from(rd16(input, at + 8, be)));
                        RecordKind::Block(ty)
                    }
                    6 if total >= 32 => {
                        let if_id = rd32(input, at + 8, be) as usize;
                        let caplen = rd32(input, at + 20, be) as usize;
                        let orig_len = rd32(input, at + 24, be);
                        let data_end = (at + 28).saturating_add(caplen);
                        if data_end > body_end {
                            return self.damage(DamageKind::PcapngBlock);
                        }
                        let options = (at + 28 + pad4(caplen)).min(body_end)..body_end;
                        self.frames += 1;
                        RecordKind::Packet(
                            Packet {
                                frame: self.frames,
                                link: links.get(if_id).copied().unwrap_or(1),
                                time: None,
                                data: &input[at + 28..data_end],
                                data_at: at + 28,
                                orig_len,
                            },
                            PacketForm::Epb { options },
                        )
                    }
                    3 if total >= 16 => {
                        let orig_len = rd32(input, at + 8, be);
                        let len = (orig_len as usize).min(body_end - (at + 12));
                        self.frames += 1;
                        RecordKind::Packet(
                            Packet {
                                frame: self.frames,
                                link: links.first().copied().unwrap_or(1),
                                time: None,
                                data: &input[at + 12..at + 12 + len],
                                data_at: at + 12,
                                orig_len,
                            },
                            PacketForm::Spb,
                        )
                    }
                    _ => RecordKind::Block(ty),
                };
                self.record(total, be, kind)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(ty: u32, body: &[u8]) -> Vec<u8> {
        let total = (12 + body.len()) as u32;
        let mut b = ty.to_le_bytes().to_vec();
        b.extend_from_slice(&total.to_le_bytes());
        b.extend_from_slice(body);
        b.extend_from_slice(&total.to_le_bytes());
        b
    }

    fn shb() -> Vec<u8> {
        let mut body = 0x1a2b_3c4du32.to_le_bytes().to_vec();
        body.extend_from_slice(&[1, 0, 0, 0]);
        body.extend_from_slice(&u64::MAX.to_le_bytes());
        block(0x0a0d_0d0a, &body)
    }

    fn idb(link: u16) -> Vec<u8> {
        let mut body = link.to_le_bytes().to_vec();
        body.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        block(1, &body)
    }

    fn epb(data: &[u8], options: &[u8]) -> Vec<u8> {
        let mut body = 0u32.to_le_bytes().to_vec();
        body.extend_from_slice(&[0; 8]);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        body.resize(body.len() + pad4(data.len()) - data.len(), 0);
        body.extend_from_slice(options);
        block(6, &body)
    }

    #[test]
    fn sniffs_every_magic_and_nothing_else() {
        for m in [
            [0xd4, 0xc3, 0xb2, 0xa1],
            [0xa1, 0xb2, 0xc3, 0xd4],
            [0x4d, 0x3c, 0xb2, 0xa1],
            [0xa1, 0xb2, 0x3c, 0x4d],
            [0x34, 0xcd, 0xb2, 0xa1],
            [0xa1, 0xb2, 0xcd, 0x34],
        ] {
            assert_eq!(sniff(&m), Some(Format::Pcap));
        }
        assert_eq!(sniff(&[0x0a, 0x0d, 0x0d, 0x0a]), Some(Format::Pcapng));
        assert_eq!(sniff(b"INVITE sip:a@b SIP/2.0"), None);
        assert_eq!(sniff(&[0x0a, 0x0d]), None);
        assert!(Records::new(b"not a capture").next().is_none());
    }

    #[test]
    fn records_carry_byte_offsets_and_the_packet_data() {
        let mut file = shb();
        file.extend(idb(101));
        let at = file.len();
        file.extend(epb(b"hello", &[]));
        for walk in [Records::new(&file), Records::lenient(&file)] {
            let records: Vec<_> = walk.map(Result::unwrap).collect();
            assert_eq!(records.len(), 3);
            let r = &records[2];
            assert_eq!(r.range, at..file.len());
            let RecordKind::Packet(p, PacketForm::Epb { options }) = &r.kind else {
                panic!("not a packet: {:?}", r.kind);
            };
            assert_eq!((p.frame, p.link, p.data), (1, 101, &b"hello"[..]));
            assert_eq!(&file[p.data_at..p.data_at + 5], b"hello");
            assert!(options.is_empty());
        }
    }

    #[test]
    fn strict_walks_read_block_content_lenient_walks_only_lengths() {
        let mut file = shb();
        file.extend(idb(1));
        let bad = file.len();
        // An interface statistics block too short for its fixed fields.
        file.extend(block(5, &[0; 4]));
        file.extend(epb(b"y", &[]));
        let strict: Vec<_> = Records::new(&file).collect();
        assert_eq!(strict.len(), 3);
        let damage = Damage {
            what: DamageKind::PcapngBlock,
            at: bad,
            frames: 0,
        };
        assert_eq!(strict[2].as_ref().unwrap_err(), &damage);
        let lenient: Vec<_> = Records::lenient(&file).map(Result::unwrap).collect();
        assert_eq!(lenient.len(), 4);
        assert!(matches!(lenient[2].kind, RecordKind::Block(5)));

        // A block length that is no multiple of 4: pcap-parser takes it,
        // length framing does not.
        let mut file = shb();
        let odd = file.len();
        file.extend(block(0x99, &[0; 2]));
        assert!(Records::new(&file).all(|r| r.is_ok()));
        let lenient: Vec<_> = Records::lenient(&file).collect();
        assert_eq!(
            lenient[1].as_ref().unwrap_err(),
            &Damage { at: odd, ..damage }
        );
    }

    #[test]
    fn a_cut_pcap_record_is_damage_at_its_offset() {
        let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.to_le_bytes());
        file.extend_from_slice(&1u32.to_le_bytes());
        let rec = |len: u32| {
            let mut r = vec![0; 8];
            r.extend_from_slice(&len.to_le_bytes());
            r.extend_from_slice(&len.to_le_bytes());
            r.extend(std::iter::repeat_n(7, len as usize));
            r
        };
        file.extend(rec(3));
        let cut = file.len();
        file.extend(&rec(10)[..20]);
        for walk in [Records::new(&file), Records::lenient(&file)] {
            let got: Vec<_> = walk.collect();
            assert_eq!(got.len(), 3);
            assert_eq!(
                got[2].as_ref().unwrap_err(),
                &Damage {
                    what: DamageKind::PcapRecord,
                    at: cut,
                    frames: 1
                }
            );
        }
    }
}
