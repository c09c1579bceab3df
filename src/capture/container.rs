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
    /// What the record is.
    pub kind: RecordKind<'a>,
}

/// What a [`Record`] is.
#[derive(Debug)]
pub enum RecordKind<'a> {
    /// The pcap file header.
    PcapHeader,
    /// A packet: a pcap record or a pcapng Enhanced or Simple Packet Block.
    Packet(Packet<'a>),
    /// A pcapng Section Header Block.
    SectionHeader,
    /// Any other pcapng block (interface description and statistics, name
    /// resolution, custom, unknown…).
    OtherBlock,
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
    Done,
}

/// The records of a pcap or pcapng capture, in file order (see the module
/// docs). An input that is no capture yields nothing ([`sniff`] tells).
pub struct Records<'a> {
    input: &'a [u8],
    at: usize,
    frames: u64,
    state: State,
}

impl<'a> Records<'a> {
    /// Starts a walk over `input`.
    pub fn new(input: &'a [u8]) -> Self {
        Records {
            input,
            at: 0,
            frames: 0,
            state: State::Start,
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

    fn record(&mut self, len: usize, kind: RecordKind<'a>) -> Option<Result<Record<'a>, Damage>> {
        let range = self.at..self.at + len;
        self.at += len;
        Some(Ok(Record { range, kind }))
    }

    fn start(&mut self) -> Option<Result<Record<'a>, Damage>> {
        match sniff(self.input) {
            None => {
                self.state = State::Done;
                None
            }
            Some(Format::Pcapng) => {
                self.state = State::Pcapng {
                    be: false,
                    ifaces: Vec::new(),
                };
                self.next()
            }
            Some(Format::Pcap) => {
                let Ok((rem, hdr)) = parse_pcap_header(self.input) else {
                    return self.damage(DamageKind::PcapHeader);
                };
                self.state = State::Pcap {
                    be: hdr.is_bigendian(),
                    modified: hdr.is_modified_format(),
                    scale: if hdr.is_nanosecond_precision() {
                        1e9
                    } else {
                        1e6
                    },
                    link: hdr.network.0 as u32,
                };
                self.record(self.input.len() - rem.len(), RecordKind::PcapHeader)
            }
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
                let packet = Packet {
                    frame: self.frames,
                    link,
                    time: Some(f64::from(b.ts_sec) + f64::from(b.ts_usec) / scale),
                    data: &b.data[..len],
                };
                self.record(rem.len() - next.len(), RecordKind::Packet(packet))
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
                let kind = match block {
                    Block::SectionHeader(shb) => {
                        *be = shb.big_endian();
                        ifaces.clear();
                        RecordKind::SectionHeader
                    }
                    Block::InterfaceDescription(idb) => {
                        let res = idb.ts_resolution().unwrap_or(1_000_000).max(1);
                        ifaces.push((idb.linktype.0 as u32, res, idb.ts_offset()));
                        RecordKind::OtherBlock
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
                        let len = (epb.caplen as usize).min(epb.data.len());
                        RecordKind::Packet(Packet {
                            frame: self.frames,
                            link,
                            time: Some(time),
                            data: &epb.data[..len],
                        })
                    }
                    Block::SimplePacket(spb) => {
                        self.frames += 1;
                        let link = ifaces.first().map_or(1, |i| i.0);
                        let len = (spb.origlen as usize).min(spb.data.len());
                        RecordKind::Packet(Packet {
                            frame: self.frames,
                            link,
                            time: None,
                            data: &spb.data[..len],
                        })
                    }
                    _ => RecordKind::OtherBlock,
                };
                self.record(rem.len() - next.len(), kind)
            }
        }
    }
}
