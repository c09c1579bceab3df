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
//! still read, unchecked).

use std::collections::BTreeMap;
use std::net::IpAddr;

use crate::capture::esp::{
    self, esp_header, guess_null, Encryption, EspError, EspKeys, Integrity, Opened, Sa, SaSource,
    SaTable, SecAgree,
};
use crate::capture::net::{ip, udp_payload, TcpSegment};
use crate::finding::Rule;
use crate::header_name::HeaderName;
use crate::parse::framing::looks_like_sip;
use crate::parse::views::Views;

use super::model::{CaptureIssue, EspProvenance};

/// Most SPIs counted one by one in a finding's text.
const MAX_LISTED: usize = 8;

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
    /// Packets opened.
    pub(crate) opened: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    NoSa,
    NoKey,
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
            let offers = offers(views.security_all(HeaderName::SecurityClient));
            if !offers.is_empty() {
                self.client = Some((src, offers));
            }
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
        let server = offers(views.security_all(HeaderName::SecurityServer));
        let (Some(s), Some((ue, client))) = (server.first(), self.client.as_ref()) else {
            return;
        };
        if *ue != dst {
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
            src,
            &s.params,
            s.alg,
            s.ealg.unwrap_or(Encryption::Null),
            keys.as_ref().map(|(ck, ik)| (ck, ik)),
            SaSource::Negotiated {
                sec_frame: frame,
                key_frame,
            },
        );
        for sa in sas {
            // A user's SA of the same SPI wins over one without keys.
            if let Some(old) = self
                .table
                .find(sa.spi, sa.src.unwrap_or(src), sa.dst.unwrap_or(dst))
            {
                if old.source == SaSource::User {
                    continue;
                }
            }
            self.table.insert(sa);
        }
    }

    /// Tries to open ESP packet `data` (`src` → `dst`, frame `frame`).
    pub(crate) fn open(&mut self, frame: u64, src: IpAddr, dst: IpAddr, data: &[u8]) -> Outcome {
        let Some(h) = esp_header(data) else {
            return Outcome::Unread;
        };
        if let Some(sa) = self.table.find(h.spi, src, dst) {
            return match esp::open(sa, data) {
                Ok(o) => {
                    let tag = provenance(sa, &o);
                    self.opened += 1;
                    Outcome::Opened(o, tag)
                }
                Err(EspError::IcvMismatch) => {
                    let label = sa.label();
                    let e = self.icv_failed.entry(h.spi).or_insert((0, frame, label));
                    e.0 += 1;
                    Outcome::Unread
                }
                Err(e) => {
                    let why = if e == EspError::NoKey {
                        Why::NoKey
                    } else {
                        Why::Garbled
                    };
                    self.count(h.spi, frame, why);
                    Outcome::Unread
                }
            };
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
                self.opened += 1;
                return Outcome::Opened(o.clone(), provenance(&sa, &o));
            }
        }
        self.count(h.spi, frame, Why::NoSa);
        Outcome::Unread
    }

    fn count(&mut self, spi: u32, frame: u64, why: Why) {
        let e = self.unread.entry(spi).or_insert((0, frame, why));
        e.0 += 1;
    }

    /// The findings of what could not be read.
    pub(crate) fn issues(&self) -> Vec<CaptureIssue> {
        let mut out = Vec::new();
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
                        Why::Garbled => "does not decrypt to a valid trailer",
                    };
                    format!("SPI {spi:#010x}: {n} ({why})")
                })
                .collect();
            if self.unread.len() > MAX_LISTED {
                parts.push(format!("and {} more SPIs", self.unread.len() - MAX_LISTED));
            }
            out.push(CaptureIssue {
                rule: Rule::CaptureEspUnread,
                frame: first,
                message: format!(
                    "{total} ESP packet(s) could not be read ({}); give the SA keys (--esp-sa, or --ck/--ik for the SAs negotiated in the capture) to read the SIP inside.",
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
        } => ("negotiated", *sec_frame, *key_frame),
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
