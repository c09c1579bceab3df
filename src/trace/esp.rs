//! SIP inside IMS IPsec ESP, for the capture reader
//! ([`super::capture`]): the SAs a capture negotiates are learnt from the
//! SIP messages read before them (RFC 3329 §2.2; TS 33.203 §7.1), ESP
//! packets are opened with [`crate::capture::esp`], and what could not be
//! read is counted into capture findings (SL458, SL459).
//!
//! Learning: the UE's REGISTER with Security-Client (its address, SPIs and
//! ports), the S-CSCF's 401 with `ck`/`ik` in WWW-Authenticate (TS 24.229
//! §5.4.1.2.1; remembered by nonce), then the P-CSCF's 401 with
//! Security-Server: the four SAs are made with the keys of the same nonce
//! (else the latest, else the user's CK/IK, else without keys: ESP-NULL is
//! still read, unchecked). Each SA leads to the receiver's protected port
//! (TS 33.203 §7.1), which tells apart SAs sharing an SPI and an address.
//!
//! The UE's protected REGISTER repeats the Security-Server it received in
//! Security-Verify, with its Security-Client (RFC 3329 §2.3.1; TS 33.203
//! Annex H): when the 401 is not in the capture (it started later), the
//! SAs are learnt from it; when the 401 is, the two must be the same list,
//! and a difference is a finding (SL460).
//!
//! An SPI with no SA and the CK/IK known (given, or from a 401 in the
//! capture) is tried with each algorithm: the SA whose ICV matches is kept.
//! ESP sequence numbers are followed per SA (RFC 4303 §3.4.3): a number
//! received twice is a finding (SL461), numbers skipped and never received
//! are another (SL462).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::capture::esp::{
    self, esp_header, guess_null, inner_ports, Encryption, EspError, EspKeys, Integrity, Opened,
    Sa, SaSource, SaTable, SecAgree,
};
use crate::capture::net::{ip, udp_payload, TcpSegment};
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::parse::framing::looks_like_sip;
use crate::parse::views::Views;

use super::model::{CaptureIssue, EspProvenance, EspSaReport};

/// Most SPIs counted one by one in a finding's text.
const MAX_LISTED: usize = 8;
/// Packets of one SPI tried with the known CK/IK before giving up on it.
const MAX_TRIED: u32 = 4;
/// Width of the anti-replay window (RFC 4303 §3.4.3: at least 32, 64
/// the default).
const REPLAY_WINDOW: u32 = 64;
/// SAs whose sequence numbers are followed (live, and closed by a
/// renegotiation, each).
const MAX_SAS: usize = 4096;

/// ESP reading state of one capture. No `Debug`: it holds keys.
#[derive(Default)]
pub(crate) struct EspState {
    table: SaTable,
    user_ck_ik: Option<([u8; 16], [u8; 16])>,
    /// The last Security-Client seen: UE address and its ipsec-3gpp offers.
    client: Option<(IpAddr, Vec<Offer>)>,
    /// `ck`/`ik` seen: (nonce, ck, ik, frame).
    keys: Vec<(String, [u8; 16], [u8; 16], u64)>,
    /// SPIs read as ESP-NULL by the heuristic: their ICV length.
    heuristic: BTreeMap<u32, usize>,
    /// Packets not read, by SPI: (count, first frame, why).
    unread: BTreeMap<u32, (u64, u64, Why)>,
    /// Packets whose ICV failed, by SPI: (count, first frame, SA label).
    icv_failed: BTreeMap<u32, (u64, u64, String)>,
    /// Security-Server lists seen: (UE, P-CSCF, mechanisms, frame).
    servers: Vec<(IpAddr, IpAddr, Vec<String>, u64)>,
    /// Security-Verify lists that differ from the Security-Server seen:
    /// (REGISTER frame, 401 frame, what differs).
    mismatches: Vec<(u64, u64, String)>,
    /// SPIs tried with the known CK/IK without success: packets tried.
    tried: BTreeMap<u32, u32>,
    /// Sequence numbers by SA: SPI, source, destination and the protected
    /// port it leads to (two SAs may share the rest: TS 33.203 §7.1).
    replay: BTreeMap<SaKey, Replay>,
    /// Windows of SAs renegotiated since (at most [`MAX_SAS`]).
    replay_closed: Vec<(SaKey, Replay)>,
    /// SAs whose packets opened beyond the [`MAX_SAS`] followed: their
    /// sequence numbers are not checked (told in a finding).
    untracked: BTreeMap<u32, u64>,
    /// Packets opened.
    pub(crate) opened: u64,
}

/// One SA as its sequence numbers are followed: SPI, source, destination
/// and the protected port it leads to, when known.
type SaKey = (u32, IpAddr, IpAddr, Option<u16>);

/// The anti-replay window of one SA (RFC 4303 §3.4.3), over the packets
/// whose ICV checked (or that opened, when unchecked).
#[derive(Debug, Clone, Default)]
struct Replay {
    /// [`EspProvenance::describe`] of the first packet.
    sa: String,
    /// Frame of the first packet.
    first_frame: u64,
    /// First sequence number received.
    first: u32,
    /// Highest sequence number received.
    top: u32,
    /// Packets received.
    packets: u64,
    /// Frame of the first packet that skipped numbers.
    first_gap: Option<u64>,
    /// Bit `i`: `top - i` received.
    window: u64,
    /// Numbers skipped and not (yet) received late.
    gaps: u64,
    /// Numbers received again: count and first frame.
    replayed: u64,
    first_replay: u64,
    /// Numbers older than the window (not checked).
    too_old: u64,
}

impl Replay {
    fn new(seq: u32, frame: u64, sa: String) -> Self {
        Replay {
            sa,
            first_frame: frame,
            first: seq,
            top: seq,
            packets: 1,
            window: 1,
            ..Self::default()
        }
    }

    /// Records `seq` of frame `frame`.
    fn see(&mut self, seq: u32, frame: u64) {
        self.packets += 1;
        if seq > self.top {
            let ahead = seq - self.top;
            if ahead > 1 {
                self.first_gap.get_or_insert(frame);
            }
            self.gaps += u64::from(ahead - 1);
            self.window = if ahead >= REPLAY_WINDOW {
                0
            } else {
                self.window << ahead
            } | 1;
            self.top = seq;
            return;
        }
        let back = self.top - seq;
        if back >= REPLAY_WINDOW {
            self.too_old += 1;
        } else if self.window & (1 << back) != 0 {
            if self.replayed == 0 {
                self.first_replay = frame;
            }
            self.replayed += 1;
        } else {
            self.window |= 1 << back;
            self.gaps = self.gaps.saturating_sub(1);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    NoSa,
    NoKey,
    /// An AES-GCM SA without its key: only a key given whole opens it.
    NoGcmKey,
    Garbled,
}

/// One `ipsec-3gpp` mechanism of a Security-Client or -Server.
#[derive(Debug, Clone)]
struct Offer {
    alg: Option<Integrity>,
    ealg: Option<Encryption>,
    params: SecAgree,
}

/// What became of an ESP packet.
pub(crate) enum Outcome {
    /// Opened: walk the payload; the messages read from it carry the tag.
    Opened(Opened, EspProvenance),
    /// Counted as not read (hand it to the payload hook).
    Unread,
}

impl EspState {
    pub(crate) fn new(keys: &EspKeys) -> Self {
        let mut table = SaTable::new();
        for sa in &keys.sas {
            table.insert(sa.clone());
        }
        EspState {
            table,
            user_ck_ik: keys.ck_ik,
            ..Self::default()
        }
    }

    /// Learns SAs from a SIP message `bytes` sent `src` → `dst` in `frame`.
    pub(crate) fn learn(&mut self, bytes: &[u8], src: IpAddr, dst: IpAddr, frame: Option<u64>) {
        let register = bytes.starts_with(b"REGISTER ");
        if !register && !bytes.starts_with(b"SIP/2.0 401") {
            return;
        }
        let msg = crate::parse::parse_message(bytes);
        let views = Views::new(&msg);
        if register {
            let offers_c = offers(views.security_all(HeaderName::SecurityClient));
            if !offers_c.is_empty() {
                self.client = Some((src, offers_c));
            }
            self.verify(&views, src, dst, frame);
            return;
        }
        let mut nonce = None;
        for (_, c) in views.challenges(HeaderName::WwwAuthenticate) {
            let n = c
                .nonce()
                .map(|n| n.as_str().into_owned())
                .unwrap_or_default();
            let key =
                |t: Option<crate::span::Text<'_>>| t.and_then(|t| esp::parse_key128(&t.as_str()));
            if let (Some(ck), Some(ik)) = (key(c.ck()), key(c.ik())) {
                if self.keys.len() >= 64 {
                    self.keys.remove(0);
                }
                self.keys.push((n.clone(), ck, ik, frame.unwrap_or(0)));
            }
            nonce.get_or_insert(n);
        }
        let server_mechs: Vec<_> = views.security_all(HeaderName::SecurityServer).collect();
        if !server_mechs.is_empty() {
            if self.servers.len() >= 64 {
                self.servers.remove(0);
            }
            let list = fingerprints(server_mechs.iter().copied());
            self.servers.push((dst, src, list, frame.unwrap_or(0)));
        }
        let server = offers(server_mechs.into_iter());
        self.install(&server, src, dst, nonce, frame, false);
    }

    /// The Security-Verify of the UE's REGISTER `src` → `dst`: compared
    /// with the Security-Server the P-CSCF sent (SL460), or, when that 401
    /// is not in the capture, the source of the SAs.
    fn verify(&mut self, views: &Views<'_, '_>, src: IpAddr, dst: IpAddr, frame: Option<u64>) {
        let mechs: Vec<_> = views.security_all(HeaderName::SecurityVerify).collect();
        if mechs.is_empty() {
            return;
        }
        let list = fingerprints(mechs.iter().copied());
        let seen = self
            .servers
            .iter()
            .rev()
            .find(|(ue, pcscf, ..)| *ue == src && *pcscf == dst);
        if let Some((_, _, server, sframe)) = seen {
            let sframe = *sframe;
            if *server == list {
                // The same list: the SAs are the Security-Server's. Made
                // here when the 401 came without the first REGISTER (its
                // Security-Client) in the capture.
                let offers_v = offers(mechs.into_iter());
                let missing = offers_v
                    .first()
                    .is_some_and(|o| self.table.find(o.params.spi_s, src, dst).is_none());
                if missing {
                    let nonce = views
                        .credentials(HeaderName::Authorization)
                        .find_map(|(_, c)| c.nonce().map(|n| n.as_str().into_owned()));
                    self.install(&offers_v, dst, src, nonce, Some(sframe), false);
                }
            } else if self.mismatches.len() < 64 {
                let only = |a: &[String], b: &[String]| {
                    a.iter()
                        .find(|m| !b.contains(m))
                        .cloned()
                        .unwrap_or_else(|| "(none)".into())
                };
                let what = format!(
                    "Security-Verify has `{}`, Security-Server `{}`",
                    only(&list, server),
                    only(server, &list)
                );
                self.mismatches.push((frame.unwrap_or(0), sframe, what));
            }
            return;
        }
        // The 401 is not in the capture: the REGISTER's Security-Client and
        // Security-Verify (the P-CSCF's list) make the SAs.
        let nonce = views
            .credentials(HeaderName::Authorization)
            .find_map(|(_, c)| c.nonce().map(|n| n.as_str().into_owned()));
        let server = offers(mechs.into_iter());
        // Security-Verify goes UE → P-CSCF: install() expects the 401's
        // direction (P-CSCF → UE).
        self.install(&server, dst, src, nonce, frame, true);
    }

    /// The four SAs of the Security-Server (or -Verify) `server` offers
    /// between P-CSCF `pcscf` and UE `ue` and the last Security-Client of
    /// that UE, keyed by the CK/IK of `nonce` (else the latest, else the
    /// user's).
    fn install(
        &mut self,
        server: &[Offer],
        pcscf: IpAddr,
        ue_addr: IpAddr,
        nonce: Option<String>,
        frame: Option<u64>,
        from_verify: bool,
    ) {
        let (Some(s), Some((ue, client))) = (server.first(), self.client.as_ref()) else {
            return;
        };
        if *ue != ue_addr {
            return;
        }
        let c = client
            .iter()
            .find(|c| {
                c.alg == s.alg
                    && c.ealg.unwrap_or(Encryption::Null) == s.ealg.unwrap_or(Encryption::Null)
            })
            .unwrap_or(&client[0]);
        let found = nonce
            .as_ref()
            .and_then(|n| self.keys.iter().rev().find(|k| !n.is_empty() && &k.0 == n))
            .or(self.keys.last());
        let (keys, key_frame) = match found {
            Some((_, ck, ik, f)) => (Some((*ck, *ik)), Some(*f)),
            None => (self.user_ck_ik, None),
        };
        let sas = esp::negotiated(
            *ue,
            &c.params,
            pcscf,
            &s.params,
            s.alg,
            s.ealg.unwrap_or(Encryption::Null),
            keys.as_ref().map(|(ck, ik)| (ck, ik)),
            SaSource::Negotiated {
                sec_frame: frame,
                key_frame,
                from_verify,
            },
        );
        for sa in sas {
            // A user's SA of the same SPI wins over a negotiated one.
            let given = self
                .table
                .candidates(sa.spi, sa.src.unwrap_or(pcscf), sa.dst.unwrap_or(ue_addr))
                .any(|old| old.source == SaSource::User);
            if !given {
                // A new SA counts from 1 again (RFC 4303 §3.3.3), even
                // under an SPI used before.
                let spi = sa.spi;
                let (old, kept): (BTreeMap<_, _>, BTreeMap<_, _>) =
                    std::mem::take(&mut self.replay)
                        .into_iter()
                        .partition(|(k, _)| k.0 == spi);
                self.replay = kept;
                // The old SA's window is still reported (its replays, its
                // gaps, its line in the SA list): a bounded number of them.
                for (k, r) in old {
                    if self.replay_closed.len() < MAX_SAS {
                        self.replay_closed.push((k, r));
                    } else {
                        *self.untracked.entry(k.0).or_insert(0) += r.packets;
                    }
                }
                self.table.insert(sa);
            }
        }
    }

    /// Tries to open ESP packet `data` (`src` → `dst`, frame `frame`).
    pub(crate) fn open(&mut self, frame: u64, src: IpAddr, dst: IpAddr, data: &[u8]) -> Outcome {
        let Some(h) = esp_header(data) else {
            return Outcome::Unread;
        };
        // The SAs of the SPI towards this address: the one whose port is
        // the inner destination port, else the first that opens.
        let mut first_err: Option<(EspError, String, bool)> = None;
        let mut opened: Option<(Opened, EspProvenance, Option<u16>)> = None;
        let mut off_port: Option<(Opened, EspProvenance, Option<u16>)> = None;
        let mut any = false;
        for sa in self.table.candidates(h.spi, src, dst) {
            any = true;
            match esp::open(sa, data) {
                Ok(o) => {
                    let port = inner_ports(o.next_header, &o.payload).map(|p| p.1);
                    let tag = provenance(sa, &o);
                    if sa.dst_port.is_some() && port.is_some() && sa.dst_port != port {
                        off_port.get_or_insert((o, tag, sa.dst_port));
                        continue;
                    }
                    opened = Some((o, tag, sa.dst_port));
                    break;
                }
                Err(e) => {
                    // An ICV mismatch says more than a missing key.
                    if first_err
                        .as_ref()
                        .is_none_or(|(f, _, _)| *f != EspError::IcvMismatch)
                    {
                        first_err = Some((e, sa.label(), sa.encryption == Encryption::AesGcm16));
                    }
                }
            }
        }
        if let Some((o, tag, port)) = opened.or(off_port) {
            return self.opened(frame, (h.spi, src, dst, port), o, tag);
        }
        match first_err {
            Some((EspError::IcvMismatch, label, _)) => {
                let e = self.icv_failed.entry(h.spi).or_insert((0, frame, label));
                e.0 += 1;
                return Outcome::Unread;
            }
            Some((e, _, gcm)) => {
                let why = match e {
                    EspError::NoKey if gcm => Why::NoGcmKey,
                    EspError::NoKey => Why::NoKey,
                    _ => Why::Garbled,
                };
                self.count(h.spi, frame, why);
                return Outcome::Unread;
            }
            None => debug_assert!(!any),
        }
        if let Some(sa) = self.try_keys(h.spi, src, dst, data) {
            if let Ok(o) = esp::open(&sa, data) {
                let tag = provenance(&sa, &o);
                let key = (h.spi, src, dst, sa.dst_port);
                self.table.insert(sa);
                return self.opened(frame, key, o, tag);
            }
        }
        // ESP-NULL recognised by its content; an SPI once recognised keeps
        // its ICV length.
        let known = self.heuristic.get(&h.spi).copied();
        for g in guess_null(data) {
            if known.is_some_and(|l| l != g.icv_len) {
                continue;
            }
            if known.is_some() || plausible(g.next_header, &g.payload) {
                self.heuristic.insert(h.spi, g.icv_len);
                let sa = Sa {
                    spi: h.spi,
                    src: Some(src),
                    dst: Some(dst),
                    dst_port: None,
                    encryption: Encryption::Null,
                    enc_key: Vec::new(),
                    integrity: None,
                    auth_key: None,
                    icv_len: g.icv_len,
                    source: SaSource::Heuristic,
                };
                let o = Opened {
                    header: h,
                    next_header: g.next_header,
                    payload: g.payload,
                    verified: false,
                };
                let tag = provenance(&sa, &o);
                return self.opened(frame, (h.spi, src, dst, None), o, tag);
            }
        }
        self.count(h.spi, frame, Why::NoSa);
        Outcome::Unread
    }

    /// Counts an opened packet and follows its sequence number.
    fn opened(&mut self, frame: u64, key: SaKey, o: Opened, tag: EspProvenance) -> Outcome {
        self.opened += 1;
        let full = self.replay.len() >= MAX_SAS;
        match self.replay.get_mut(&key) {
            Some(r) => r.see(o.header.seq, frame),
            None if !full => {
                let r = Replay::new(o.header.seq, frame, tag.describe());
                self.replay.insert(key, r);
            }
            None => *self.untracked.entry(key.0).or_insert(0) += 1,
        }
        Outcome::Opened(o, tag)
    }

    /// An SA for `spi` found by trying the CK/IK known (the user's, then the
    /// capture's, latest first) with each algorithm TS 33.203 names: the
    /// first whose ICV matches and whose trailer reads. At most
    /// [`MAX_TRIED`] packets of an SPI are tried.
    fn try_keys(&mut self, spi: u32, src: IpAddr, dst: IpAddr, data: &[u8]) -> Option<Sa> {
        if !cfg!(feature = "esp") || (self.user_ck_ik.is_none() && self.keys.is_empty()) {
            return None;
        }
        let n = self.tried.entry(spi).or_insert(0);
        if *n >= MAX_TRIED {
            return None;
        }
        *n += 1;
        let keys = self
            .user_ck_ik
            .map(|(ck, ik)| (ck, ik, None))
            .into_iter()
            .chain(
                self.keys
                    .iter()
                    .rev()
                    .take(4)
                    .map(|k| (k.1, k.2, Some(k.3))),
            );
        for (ck, ik, key_frame) in keys {
            for ealg in [Encryption::AesCbc, Encryption::DesEde3Cbc, Encryption::Null] {
                for alg in [Integrity::HmacSha1_96, Integrity::HmacMd5_96] {
                    let sa = Sa {
                        spi,
                        src: Some(src),
                        dst: Some(dst),
                        dst_port: None,
                        encryption: ealg,
                        enc_key: esp::encryption_key(ealg, &ck),
                        integrity: Some(alg),
                        auth_key: Some(esp::integrity_key(alg, &ik)),
                        icv_len: alg.icv_len(),
                        source: SaSource::Tried { key_frame },
                    };
                    if esp::open(&sa, data).is_ok_and(|o| o.verified) {
                        self.tried.remove(&spi);
                        return Some(sa);
                    }
                }
            }
        }
        None
    }

    fn count(&mut self, spi: u32, frame: u64, why: Why) {
        let e = self.unread.entry(spi).or_insert((0, frame, why));
        e.0 += 1;
    }

    /// Every SA window: those closed by a renegotiation, then the live ones.
    fn windows(&self) -> impl Iterator<Item = (&SaKey, &Replay)> {
        let closed = self.replay_closed.iter().map(|(k, r)| (k, r));
        closed.chain(self.replay.iter())
    }

    /// Every SA whose packets opened, in order of its first packet, with
    /// how its sequence numbers ran.
    pub(crate) fn sas(&self) -> Vec<EspSaReport> {
        let mut out: Vec<EspSaReport> = self
            .windows()
            .map(|(&(spi, src, dst, dst_port), r)| {
                let mut report = EspSaReport {
                    spi: format!("{spi:#010x}"),
                    src: src.to_string(),
                    dst: dst.to_string(),
                    dst_port,
                    sa: r.sa.clone(),
                    first_frame: r.first_frame,
                    packets: r.packets,
                    first_seq: r.first,
                    last_seq: r.top,
                    missing: r.gaps,
                    replayed: r.replayed,
                    too_old: r.too_old,
                    text: String::new(),
                };
                report.text = report.line();
                report
            })
            .collect();
        out.sort_by_key(|s| s.first_frame);
        out
    }

    /// The findings of what could not be read.
    pub(crate) fn issues(&self) -> Vec<CaptureIssue> {
        let mut out = Vec::new();
        for (frame, sframe, what) in &self.mismatches {
            out.push(CaptureIssue {
                rule: Rule::CaptureEspVerifyMismatch,
                frame: Some(*frame),
                message: format!(
                    "The Security-Verify of the REGISTER in frame {frame} is not the Security-Server the P-CSCF sent in frame {sframe} ({what}): the UE set up other SAs than the P-CSCF offered, or a middlebox rewrote the negotiation."
                ),
            });
        }
        for ((spi, src, dst, _), r) in self.windows() {
            if r.replayed > 0 {
                out.push(CaptureIssue {
                    rule: Rule::CaptureEspReplay,
                    frame: Some(r.first_replay),
                    message: format!(
                        "{} ESP packet(s) of SPI {spi:#010x} ({src} → {dst}) repeat a sequence number already received, the first in frame {}: a replay, or the same packet captured twice ({} sequence number(s) missing, {} older than the {REPLAY_WINDOW}-packet window).",
                        r.replayed, r.first_replay, r.gaps, r.too_old
                    ),
                });
            } else if let (true, Some(at)) = (r.gaps > 0, r.first_gap) {
                out.push(CaptureIssue {
                    rule: Rule::CaptureEspSeqGap,
                    frame: Some(at),
                    message: format!(
                        "{} sequence number(s) of SPI {spi:#010x} ({src} → {dst}) never arrived: {} ESP packet(s) read on that SA, numbered {} to {}, the first gap before frame {at}. Those packets were lost before the capture point or not captured; the SIP they carried is missing from the flow.",
                        r.gaps, r.packets, r.first, r.top
                    ),
                });
            }
        }
        if !self.untracked.is_empty() {
            let packets: u64 = self.untracked.values().sum();
            out.push(CaptureIssue {
                rule: Rule::CaptureEspUnread,
                frame: None,
                message: format!(
                    "{packets} ESP packet(s) of {} SPI(s) opened after {MAX_SAS} SAs were already followed: their SIP is decoded, their sequence numbers are not checked for replays or gaps.",
                    self.untracked.len()
                ),
            });
        }
        for (spi, (n, first, label)) in &self.icv_failed {
            out.push(CaptureIssue {
                rule: Rule::CaptureEspIcvFailed,
                frame: Some(*first),
                message: format!(
                    "{n} ESP packet(s) of SPI {spi:#010x} (SA {label}) fail the integrity check, the first in frame {first}: wrong IK, or the packets were altered; they are not decoded."
                ),
            });
        }
        if !self.unread.is_empty() {
            let total: u64 = self.unread.values().map(|v| v.0).sum();
            let first = self.unread.values().map(|v| v.1).min();
            let mut parts: Vec<String> = self
                .unread
                .iter()
                .take(MAX_LISTED)
                .map(|(spi, (n, _, why))| {
                    let why = match why {
                        Why::NoSa => "no SA",
                        Why::NoKey => "SA known, encryption key not",
                        Why::NoGcmKey => "AES-GCM SA known, its key not",
                        Why::Garbled => "does not decrypt to a valid trailer",
                    };
                    format!("SPI {spi:#010x}: {n} ({why})")
                })
                .collect();
            if self.unread.len() > MAX_LISTED {
                parts.push(format!("and {} more SPIs", self.unread.len() - MAX_LISTED));
            }
            // No derivation of an AES-GCM key from CK is known here: only
            // the SA given whole opens it.
            let gcm = if self.unread.values().any(|v| v.2 == Why::NoGcmKey) {
                " An AES-GCM SA takes its key and salt whole (--esp-sa spi=…,enc=aes-gcm-16:KEY+SALT); CK/IK do not open it."
            } else {
                ""
            };
            out.push(CaptureIssue {
                rule: Rule::CaptureEspUnread,
                frame: first,
                message: format!(
                    "{total} ESP packet(s) could not be read ({}); give the SA keys (--esp-sa, or --ck/--ik for the SAs negotiated in the capture) to read the SIP inside.{gcm}",
                    parts.join("; ")
                ),
            });
        }
        out
    }
}

/// The `ipsec-3gpp` offers of a Security-Client/-Server with all four
/// numeric parameters.
fn offers<'a, 'b: 'a>(
    mechs: impl Iterator<Item = &'a crate::parse::security::SecMechanism<'b>>,
) -> Vec<Offer> {
    mechs
        .filter(|m| m.is("ipsec-3gpp"))
        .filter_map(|m| {
            Some(Offer {
                alg: m.alg().and_then(|a| Integrity::from_name(&a.as_str())),
                ealg: m.ealg().and_then(|a| Encryption::from_name(&a.as_str())),
                params: SecAgree {
                    spi_c: m.spi_c()?,
                    spi_s: m.spi_s()?,
                    port_c: m.port_c()?,
                    port_s: m.port_s()?,
                },
            })
        })
        .collect()
}

/// Each mechanism of a Security-Server/-Verify as comparable text: name
/// and parameters lower-cased, parameters sorted, the list sorted (RFC
/// 3329 §2.3.1: the server compares the two lists).
fn fingerprints<'a, 'b: 'a>(
    mechs: impl Iterator<Item = &'a crate::parse::security::SecMechanism<'b>>,
) -> Vec<String> {
    let mut out: Vec<String> = mechs
        .map(|m| {
            let mut params: Vec<String> = m
                .params
                .iter()
                .map(|p| {
                    let v = p.unquoted().map(|v| v.as_str().trim().to_ascii_lowercase());
                    format!(
                        "{}{}",
                        p.name.as_str().trim().to_ascii_lowercase(),
                        v.map_or(String::new(), |v| format!("={v}"))
                    )
                })
                .collect();
            params.sort();
            let mut s = m.name.as_str().trim().to_ascii_lowercase();
            for p in params {
                s.push(';');
                s.push_str(&p);
            }
            s
        })
        .collect();
    out.sort();
    out
}

/// A heuristic ESP-NULL payload worth believing: UDP carrying SIP, a TCP
/// segment starting a SIP message, or a whole IP packet (tunnel mode).
fn plausible(next_header: u8, payload: &[u8]) -> bool {
    match next_header {
        17 => udp_payload(payload).is_some_and(looks_like_sip),
        6 => TcpSegment::parse(payload).is_some_and(|(s, _)| looks_like_sip(s.payload)),
        4 | 41 => ip(payload).is_some_and(|h| h.end == payload.len() && h.header_len > 0),
        _ => false,
    }
}

fn provenance(sa: &Sa, o: &Opened) -> EspProvenance {
    let (source, sec_frame, key_frame) = match &sa.source {
        SaSource::User => ("user", None, None),
        SaSource::Negotiated {
            sec_frame,
            key_frame,
            from_verify: false,
        } => ("negotiated", *sec_frame, *key_frame),
        SaSource::Negotiated {
            sec_frame,
            key_frame,
            from_verify: true,
        } => ("verify", *sec_frame, *key_frame),
        SaSource::Tried { key_frame } => ("tried", None, *key_frame),
        SaSource::Heuristic => ("heuristic", None, None),
    };
    EspProvenance {
        spi: format!("{:#010x}", sa.spi),
        ealg: sa.encryption.name(),
        alg: if o.verified {
            sa.integrity.map(Integrity::name)
        } else {
            None
        },
        verified: o.verified,
        source,
        sec_frame,
        key_frame: if sa.auth_key.is_some() || sa.encryption != Encryption::Null {
            key_frame
        } else {
            None
        },
        seq: o.header.seq,
    }
}

#[cfg(all(test, feature = "esp"))]
mod tests {
    use super::*;

    const UE: &str = "10.0.0.1";
    const PCSCF: &str = "10.0.0.2";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn register(spi_c: u32, port_c: u16) -> String {
        format!(
            "REGISTER sip:ims.example SIP/2.0\r\nVia: SIP/2.0/UDP {UE}:{port_c};branch=z9hG4bK{port_c}\r\nFrom: <sip:u{port_c}@ims.example>;tag=1\r\nTo: <sip:u{port_c}@ims.example>\r\nCall-ID: r{port_c}\r\nCSeq: 1 REGISTER\r\nSecurity-Client: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c={spi_c};spi-s={};port-c={port_c};port-s={}\r\nContent-Length: 0\r\n\r\n",
            spi_c + 1,
            port_c + 1
        )
    }

    fn challenge(spi_c: u32, port_c: u16) -> String {
        format!(
            "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP {UE}:{port_c};branch=z9hG4bK{port_c}\r\nFrom: <sip:u{port_c}@ims.example>;tag=1\r\nTo: <sip:u{port_c}@ims.example>;tag=2\r\nCall-ID: r{port_c}\r\nCSeq: 1 REGISTER\r\nSecurity-Server: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c={spi_c};spi-s={};port-c=5062;port-s=5064\r\nContent-Length: 0\r\n\r\n",
            spi_c + 1
        )
    }

    /// ESP-NULL, no ICV key, SPI `spi`, sequence `seq`, carrying UDP
    /// 5064 → `dport` with an OPTIONS.
    fn packet(spi: u32, seq: u32, dport: u16) -> Vec<u8> {
        let sip = b"OPTIONS sip:ue SIP/2.0\r\nContent-Length: 0\r\n\r\n";
        let mut udp = Vec::new();
        for x in [5064u16, dport, 8 + sip.len() as u16, 0] {
            udp.extend_from_slice(&x.to_be_bytes());
        }
        udp.extend_from_slice(sip);
        let sa = Sa {
            spi,
            src: None,
            dst: None,
            dst_port: None,
            encryption: Encryption::Null,
            enc_key: Vec::new(),
            integrity: None,
            auth_key: None,
            icv_len: 12,
            source: SaSource::User,
        };
        esp::seal(&sa, seq, &[], 17, &udp).unwrap()
    }

    fn open(st: &mut EspState, frame: u64, data: &[u8]) -> Option<EspProvenance> {
        match st.open(frame, ip(PCSCF), ip(UE), data) {
            Outcome::Opened(_, tag) => Some(tag),
            Outcome::Unread => None,
        }
    }

    /// Two UEs behind one NAT address chose the same SPIs; the P-CSCF's
    /// packets to them are told apart by the protected port the SA leads
    /// to (TS 33.203 §7.1), in both UEs' registrations.
    #[test]
    fn sas_sharing_an_spi_and_an_address_are_told_apart_by_port() {
        let mut st = EspState::new(&EspKeys::default());
        st.learn(register(100, 1000).as_bytes(), ip(UE), ip(PCSCF), Some(1));
        st.learn(challenge(200, 1000).as_bytes(), ip(PCSCF), ip(UE), Some(2));
        st.learn(register(100, 2000).as_bytes(), ip(UE), ip(PCSCF), Some(3));
        st.learn(challenge(300, 2000).as_bytes(), ip(PCSCF), ip(UE), Some(4));
        // Each SA numbers its packets from 1 (RFC 4303 §3.3.3): two SAs
        // sharing an SPI and an address are two windows, no replay.
        for (frame, dport, sec, seq) in [
            (5, 1000, 2, 1),
            (6, 2000, 4, 1),
            (7, 1000, 2, 2),
            (8, 2001, 4, 1),
        ] {
            let spi = if dport % 1000 == 0 { 100 } else { 101 };
            let tag = open(&mut st, frame, &packet(spi, seq, dport)).expect("opened");
            assert_eq!(
                (tag.source, tag.sec_frame),
                ("negotiated", Some(sec)),
                "port {dport}"
            );
        }
        // A port neither SA leads to: still read (the latest SA), not lost.
        let tag = open(&mut st, 9, &packet(100, 2, 3000)).expect("opened");
        assert_eq!(tag.sec_frame, Some(4));
        // An SPI nobody negotiated: the heuristic, as before.
        let tag = open(&mut st, 10, &packet(777, 1, 1000)).expect("opened");
        assert_eq!(tag.source, "heuristic");
        assert!(st.issues().is_empty());
    }

    /// The 401 is captured but not the first REGISTER: the protected
    /// REGISTER's Security-Client with a Security-Verify equal to the
    /// Security-Server makes the SAs, credited to the 401; a differing one
    /// is SL460 and makes none.
    #[test]
    fn a_401_without_its_register_gets_its_client_from_the_protected_register() {
        let protected = |spi_c: u32| {
            register(100, 1000).replace(
                "Content-Length",
                &format!("Security-Verify: ipsec-3gpp;alg=hmac-sha-1-96;ealg=null;spi-c={spi_c};spi-s={};port-c=5062;port-s=5064\r\nContent-Length", spi_c + 1),
            )
        };
        let mut st = EspState::new(&EspKeys::default());
        st.learn(challenge(200, 1000).as_bytes(), ip(PCSCF), ip(UE), Some(2));
        st.learn(protected(200).as_bytes(), ip(UE), ip(PCSCF), Some(3));
        let tag = open(&mut st, 4, &packet(100, 1, 1000)).expect("opened");
        assert_eq!((tag.source, tag.sec_frame), ("negotiated", Some(2)));
        assert!(st.issues().is_empty());
        let mut st = EspState::new(&EspKeys::default());
        st.learn(challenge(200, 1000).as_bytes(), ip(PCSCF), ip(UE), Some(2));
        st.learn(protected(300).as_bytes(), ip(UE), ip(PCSCF), Some(3));
        let tag = open(&mut st, 4, &packet(100, 1, 1000)).expect("opened");
        assert_eq!(tag.source, "heuristic");
        let issues = st.issues();
        assert_eq!(issues.len(), 1);
        assert_eq!(
            (issues[0].rule, issues[0].frame),
            (Rule::CaptureEspVerifyMismatch, Some(3))
        );
        assert!(
            issues[0].message.contains("spi-c=300"),
            "{}",
            issues[0].message
        );
    }

    /// A negotiated AES-GCM SA has no key derived from CK here: its packets
    /// are SL459, whose text says how to give the key.
    #[test]
    fn an_aes_gcm_sa_without_its_key_says_how_to_give_it() {
        let gcm = |m: String| m.replace("ealg=null", "ealg=aes-gcm");
        let mut st = EspState::new(&EspKeys::default());
        st.learn(
            gcm(register(100, 1000)).as_bytes(),
            ip(UE),
            ip(PCSCF),
            Some(1),
        );
        st.learn(
            gcm(challenge(200, 1000)).as_bytes(),
            ip(PCSCF),
            ip(UE),
            Some(2),
        );
        assert_eq!(open(&mut st, 3, &packet(100, 1, 1000)), None);
        let issues = st.issues();
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert_eq!(
            (issues[0].rule, issues[0].frame),
            (Rule::CaptureEspUnread, Some(3))
        );
        let m = &issues[0].message;
        assert!(
            m.contains("SPI 0x00000064: 1 (AES-GCM SA known, its key not)"),
            "{m}"
        );
        assert!(m.contains("enc=aes-gcm-16:KEY+SALT"), "{m}");
        // Other SAs without keys keep the plain hint.
        let mut st = EspState::new(&EspKeys::default());
        let aes = |m: String| m.replace("ealg=null", "ealg=aes-cbc");
        st.learn(
            aes(register(100, 1000)).as_bytes(),
            ip(UE),
            ip(PCSCF),
            Some(1),
        );
        st.learn(
            aes(challenge(200, 1000)).as_bytes(),
            ip(PCSCF),
            ip(UE),
            Some(2),
        );
        assert_eq!(open(&mut st, 3, &packet(100, 1, 1000)), None);
        let m = &st.issues()[0].message;
        assert!(
            m.contains("(SA known, encryption key not)") && !m.contains("AES-GCM"),
            "{m}"
        );
    }

    /// RFC 4303 §3.4.3: a sequence number received twice is SL461, with the
    /// numbers skipped counted; a late number inside the window is not a
    /// replay and fills its gap.
    #[test]
    fn repeated_sequence_numbers_are_a_finding() {
        let mut st = EspState::new(&EspKeys::default());
        st.learn(register(100, 1000).as_bytes(), ip(UE), ip(PCSCF), Some(1));
        st.learn(challenge(200, 1000).as_bytes(), ip(PCSCF), ip(UE), Some(2));
        for (frame, seq) in [
            (3, 1),
            (4, 2),
            (5, 5),
            (6, 4),
            (7, 2),
            (8, 2),
            (9, 100),
            (10, 3),
        ] {
            open(&mut st, frame, &packet(100, seq, 1000)).expect("opened");
        }
        let issues = st.issues();
        assert_eq!(issues.len(), 1, "{issues:?}");
        let i = &issues[0];
        assert_eq!((i.rule, i.frame), (Rule::CaptureEspReplay, Some(7)));
        assert!(
            i.message
                .starts_with("2 ESP packet(s) of SPI 0x00000064 (10.0.0.2 → 10.0.0.1)"),
            "{}",
            i.message
        );
        // 3 skipped, 4 late; 6..99 skipped; 3 older than the window.
        assert!(
            i.message
                .contains("(95 sequence number(s) missing, 1 older than"),
            "{}",
            i.message
        );
        // A new negotiation of the same SPIs starts a new window.
        st.learn(register(100, 1000).as_bytes(), ip(UE), ip(PCSCF), Some(11));
        st.learn(challenge(200, 1000).as_bytes(), ip(PCSCF), ip(UE), Some(12));
        open(&mut st, 13, &packet(100, 1, 1000)).expect("opened");
        assert_eq!(st.issues().len(), 1, "{:?}", st.issues());
        assert_eq!(st.issues()[0].frame, Some(7));
        // Each SA has its own window.
        let mut st = EspState::new(&EspKeys::default());
        open(&mut st, 1, &packet(7, 1, 1000));
        open(&mut st, 2, &packet(8, 1, 1000));
        assert!(st.issues().is_empty());
    }

    /// RFC 4303 §3.3.3: numbers skipped and never received are SL462 (one
    /// received late closes its gap); none for numbers in order.
    #[test]
    fn skipped_sequence_numbers_are_a_finding() {
        let mut st = EspState::new(&EspKeys::default());
        for (frame, seq) in [(1, 7), (2, 8), (3, 9)] {
            open(&mut st, frame, &packet(100, seq, 1000)).expect("opened");
        }
        assert!(st.issues().is_empty(), "{:?}", st.issues());
        for (frame, seq) in [(4, 12), (5, 10), (6, 13), (7, 16)] {
            open(&mut st, frame, &packet(100, seq, 1000)).expect("opened");
        }
        let issues = st.issues();
        assert_eq!(issues.len(), 1, "{issues:?}");
        let i = &issues[0];
        assert_eq!((i.rule, i.frame), (Rule::CaptureEspSeqGap, Some(4)));
        // 10 came late; 11, 14 and 15 never did.
        assert!(
            i.message.starts_with(
                "3 sequence number(s) of SPI 0x00000064 (10.0.0.2 → 10.0.0.1) never arrived: 7 ESP packet(s) read on that SA, numbered 7 to 16, the first gap before frame 4."
            ),
            "{}",
            i.message
        );
    }
}
