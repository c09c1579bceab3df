//! Writes the IPsec ESP test captures of `tests/fixtures/esp/`: an IMS
//! registration and call set-up whose first REGISTER and 401s go in the
//! clear (Security-Client, Security-Server, and the S-CSCF's 401 with
//! `ck`/`ik`), and everything after inside ESP, over the four SAs of TS
//! 33.203 §7.1, both directions: ESP-NULL, AES-CBC, 3DES-CBC and AES-GCM
//! (RFC 4106, its SAs given whole); IPv4 and IPv6; UDP and TCP (an INVITE
//! split over two segments). The protected REGISTER carries Security-Client
//! and Security-Verify (TS 33.203 Annex H); one capture starts after the
//! 401 (only that REGISTER tells the SAs), one has a Security-Verify unlike
//! the Security-Server. tshark opens the same captures with the same SAs in
//! `tests/esp.rs`.
//!
//! Run: `cargo run --example esp_gen` (writes the files; deterministic, so
//! a second run changes nothing).

#[path = "support/pcap.rs"]
mod pcap;

use std::net::IpAddr;

use siplens::capture::esp::{
    encryption_key, integrity_key, seal, Encryption, Integrity, Sa, SaSource,
};

/// The AKA keys of the fixtures (also in tests/esp.rs).
const CK: [u8; 16] = [
    0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
];
const IK: [u8; 16] = [
    0x0f, 0x0e, 0x0d, 0x0c, 0x0b, 0x0a, 0x09, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0x00,
];

/// The salt after CK in the AES-GCM key (RFC 4106 §8.1); the AES-GCM SAs
/// are given whole, as `--esp-sa enc=aes-gcm-16:CK‖SALT` (also in
/// tests/esp.rs).
const GCM_SALT: [u8; 4] = [0xca, 0xfe, 0xba, 0xbe];

/// UE and P-CSCF SPIs and protected ports.
const UE_SPI_C: u32 = 0x1001;
const UE_SPI_S: u32 = 0x1002;
const PC_SPI_C: u32 = 0x2001;
const PC_SPI_S: u32 = 0x2002;
const UE_PORT_C: u16 = 31800;
const UE_PORT_S: u16 = 31900;
const PC_PORT_C: u16 = 5062;
const PC_PORT_S: u16 = 5064;

struct Variant {
    name: &'static str,
    ealg: Encryption,
    alg: Integrity,
    v6: bool,
    tcp: bool,
    /// The S-CSCF's 401 with ck/ik is in the capture.
    mw: bool,
    /// The clear negotiation is in the capture (else ESP-NULL is found by
    /// the heuristic alone).
    negotiation: bool,
    /// UDP-encapsulated ESP on port 4500 in tunnel mode (RFC 3948; TS
    /// 33.203 Annex M, a UE behind a NAT).
    natt: bool,
    /// The protected REGISTER's Security-Verify is not the Security-Server
    /// sent (another P-CSCF spi-c).
    verify_mismatch: bool,
    /// The UE's second protected packet (the INVITE) is sealed, its SA's
    /// sequence number spent, but not captured (lost before the capture
    /// point); a CANCEL follows on the same SA.
    lost: bool,
}

/// What every variant is unless it says otherwise: IPv4, UDP, the Mw 401
/// and the negotiation captured, HMAC-SHA-1-96, nothing lost.
const BASE: Variant = Variant {
    name: "",
    ealg: Encryption::Null,
    alg: Integrity::HmacSha1_96,
    v6: false,
    tcp: false,
    mw: true,
    negotiation: true,
    natt: false,
    verify_mismatch: false,
    lost: false,
};

const VARIANTS: &[Variant] = &[
    Variant {
        name: "esp_null_ipv4_udp",
        ealg: Encryption::Null,
        ..BASE
    },
    Variant {
        name: "esp_null_ipv6_tcp",
        ealg: Encryption::Null,
        alg: Integrity::HmacMd5_96,
        v6: true,
        tcp: true,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv4_udp",
        ealg: Encryption::AesCbc,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv6_tcp",
        ealg: Encryption::AesCbc,
        v6: true,
        tcp: true,
        ..BASE
    },
    Variant {
        name: "esp_3des_ipv4_tcp",
        ealg: Encryption::DesEde3Cbc,
        alg: Integrity::HmacMd5_96,
        tcp: true,
        ..BASE
    },
    Variant {
        name: "esp_3des_ipv6_udp",
        ealg: Encryption::DesEde3Cbc,
        v6: true,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv4_udp_nokeys",
        ealg: Encryption::AesCbc,
        mw: false,
        ..BASE
    },
    Variant {
        name: "esp_null_ipv4_udp_heuristic",
        ealg: Encryption::Null,
        mw: false,
        negotiation: false,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv4_udp_natt",
        ealg: Encryption::AesCbc,
        natt: true,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv4_udp_late",
        ealg: Encryption::AesCbc,
        mw: false,
        negotiation: false,
        ..BASE
    },
    Variant {
        name: "esp_aesgcm_ipv6_tcp",
        ealg: Encryption::AesGcm16,
        v6: true,
        tcp: true,
        mw: false,
        negotiation: false,
        ..BASE
    },
    Variant {
        name: "esp_null_ipv4_udp_verify_mismatch",
        ealg: Encryption::Null,
        verify_mismatch: true,
        ..BASE
    },
    Variant {
        name: "esp_aes_ipv4_udp_lost",
        ealg: Encryption::AesCbc,
        lost: true,
        ..BASE
    },
];

fn addrs(v6: bool) -> (IpAddr, IpAddr, IpAddr) {
    let p = |s: &str| s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]));
    if v6 {
        (p("2001:db8::1"), p("2001:db8::2"), p("2001:db8::3"))
    } else {
        (p("10.0.0.1"), p("10.0.0.2"), p("10.0.0.3"))
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn sec(v: &Variant, spi_c: u32, spi_s: u32, port_c: u16, port_s: u16, q: bool) -> String {
    format!(
        "ipsec-3gpp;{}alg={};ealg={};spi-c={spi_c};spi-s={spi_s};port-c={port_c};port-s={port_s};prot=esp;mod=trans",
        if q { "q=0.1;" } else { "" },
        v.alg.name(),
        v.ealg.name()
    )
}

/// The SIP messages: (from UE, clear, sender port, receiver port, bytes).
fn messages(v: &Variant, ue: IpAddr, pc: IpAddr) -> Vec<(bool, bool, u16, u16, String)> {
    let host = |a: IpAddr| match a {
        IpAddr::V6(x) => format!("[{x}]"),
        a => a.to_string(),
    };
    let (u, p) = (host(ue), host(pc));
    let tr = if v.tcp { "TCP" } else { "UDP" };
    let client = sec(v, UE_SPI_C, UE_SPI_S, UE_PORT_C, UE_PORT_S, false);
    let server = sec(v, PC_SPI_C, PC_SPI_S, PC_PORT_C, PC_PORT_S, true);
    let verify = if v.verify_mismatch {
        sec(v, PC_SPI_C + 1, PC_SPI_S, PC_PORT_C, PC_PORT_S, true)
    } else {
        server.clone()
    };
    let msg = |start: &str, via: &str, cseq: &str, call: &str, extra: &str, body: &str| {
        format!(
            "{start}\r\nVia: SIP/2.0/{via};branch=z9hG4bK{}\r\nMax-Forwards: 70\r\nFrom: <sip:alice@ims.example>;tag=ue1\r\nTo: <sip:{}@ims.example>{}\r\nCall-ID: {call}\r\nCSeq: {cseq}\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            cseq.replace(' ', "").to_lowercase(),
            if call.starts_with("reg") { "alice" } else { "bob" },
            if start.starts_with("SIP/") { ";tag=pc1" } else { "" },
            body.len()
        )
    };
    let auth =
        "WWW-Authenticate: Digest realm=\"ims.example\",nonce=\"cmFuZGF1dG4=\",algorithm=AKAv1-MD5";
    let mut out = vec![(
        true,
        true,
        5060,
        5060,
        msg(
            "REGISTER sip:ims.example SIP/2.0",
            &format!("UDP {u}:5060"),
            "1 REGISTER",
            "reg1@ue",
            &format!(
                "Security-Client: {client}\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\n"
            ),
            "",
        ),
    )];
    if v.mw {
        // The S-CSCF's 401 to the P-CSCF (Mw), with ck/ik.
        out.push((
            false,
            true,
            5070,
            5060,
            msg(
                "SIP/2.0 401 Unauthorized",
                &format!("UDP {p}:5060"),
                "1 REGISTER",
                "reg1@ue",
                &format!("{auth},ck=\"{}\",ik=\"{}\"\r\n", hex(&CK), hex(&IK)),
                "",
            ),
        ));
    }
    out.push((
        false,
        true,
        5060,
        5060,
        msg(
            "SIP/2.0 401 Unauthorized",
            &format!("UDP {u}:5060"),
            "1 REGISTER",
            "reg1@ue",
            &format!("{auth}\r\nSecurity-Server: {server}\r\n"),
            "",
        ),
    ));
    let sdp = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n";
    out.extend([
        (true, false, UE_PORT_C, PC_PORT_S, msg("REGISTER sip:ims.example SIP/2.0", &format!("{tr} {u}:{UE_PORT_C}"), "2 REGISTER", "reg1@ue", &format!("Security-Client: {client}\r\nSecurity-Verify: {verify}\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\n"), "")),
        (false, false, PC_PORT_S, UE_PORT_C, msg("SIP/2.0 200 OK", &format!("{tr} {u}:{UE_PORT_C}"), "2 REGISTER", "reg1@ue", "Expires: 600000\r\n", "")),
        (true, false, UE_PORT_C, PC_PORT_S, msg("INVITE sip:bob@ims.example SIP/2.0", &format!("{tr} {u}:{UE_PORT_C}"), "1 INVITE", "call1@ue", "Content-Type: application/sdp\r\n", sdp)),
        (false, false, PC_PORT_S, UE_PORT_C, msg("SIP/2.0 100 Trying", &format!("{tr} {u}:{UE_PORT_C}"), "1 INVITE", "call1@ue", "", "")),
        (false, false, PC_PORT_C, UE_PORT_S, msg("MESSAGE sip:alice@ims.example SIP/2.0", &format!("{tr} {p}:{PC_PORT_C}"), "7 MESSAGE", "msg1@pc", "Content-Type: text/plain\r\n", "hello")),
        (true, false, UE_PORT_S, PC_PORT_C, msg("SIP/2.0 200 OK", &format!("{tr} {p}:{PC_PORT_C}"), "7 MESSAGE", "msg1@pc", "", "")),
    ]);
    if v.lost {
        // A third packet on the UE's SA to the P-CSCF's protected server
        // port, after the INVITE (its second, not captured): the gap shows.
        out.push((
            true,
            false,
            UE_PORT_C,
            PC_PORT_S,
            msg(
                "CANCEL sip:bob@ims.example SIP/2.0",
                &format!("{tr} {u}:{UE_PORT_C}"),
                "1 CANCEL",
                "call1@ue",
                "",
                "",
            ),
        ));
    }
    if !v.negotiation {
        out.retain(|m| !m.1);
    }
    out
}

/// The SA of a protected packet by its receiving port (TS 33.203 §7.1:
/// each SPI is chosen by the receiver for its port).
fn sa_for(v: &Variant, to_ue: bool, dport: u16) -> Sa {
    let spi = match (to_ue, dport) {
        (true, UE_PORT_C) => UE_SPI_C,
        (true, _) => UE_SPI_S,
        (false, PC_PORT_S) => PC_SPI_S,
        (false, _) => PC_SPI_C,
    };
    Sa {
        spi,
        src: None,
        dst: None,
        dst_port: None,
        encryption: v.ealg,
        enc_key: if v.ealg == Encryption::AesGcm16 {
            [&CK[..], &GCM_SALT[..]].concat()
        } else {
            encryption_key(v.ealg, &CK)
        },
        integrity: v.ealg.combined_icv().is_none().then_some(v.alg),
        auth_key: v
            .ealg
            .combined_icv()
            .is_none()
            .then(|| integrity_key(v.alg, &IK)),
        icv_len: v.ealg.combined_icv().unwrap_or(12),
        source: SaSource::User,
    }
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    for x in [sport, dport, 8 + payload.len() as u16, 0] {
        u.extend_from_slice(&x.to_be_bytes());
    }
    u.extend_from_slice(payload);
    u
}

fn tcp(sport: u16, dport: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(&[0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
    t.extend_from_slice(payload);
    t
}

fn ip_packet(src: IpAddr, dst: IpAddr, proto: u8, payload: &[u8]) -> Vec<u8> {
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            let mut h = vec![0x45, 0];
            h.extend_from_slice(&((20 + payload.len()) as u16).to_be_bytes());
            h.extend_from_slice(&[0, 1, 0x40, 0, 64, proto, 0, 0]);
            h.extend_from_slice(&s.octets());
            h.extend_from_slice(&d.octets());
            let sum = siplens::capture::checksum::inet_checksum(&h);
            h[10..12].copy_from_slice(&sum.to_be_bytes());
            h.extend_from_slice(payload);
            h
        }
        (s, d) => {
            let b = |a: IpAddr| match a {
                IpAddr::V6(x) => x.octets(),
                IpAddr::V4(x) => x.to_ipv6_mapped().octets(),
            };
            let mut h = vec![0x60, 0, 0, 0];
            h.extend_from_slice(&(payload.len() as u16).to_be_bytes());
            h.extend_from_slice(&[proto, 64]);
            h.extend_from_slice(&b(s));
            h.extend_from_slice(&b(d));
            h.extend_from_slice(payload);
            h
        }
    }
}

fn ethernet(ip: &[u8]) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1];
    f.extend_from_slice(if ip[0] >> 4 == 6 {
        &[0x86, 0xdd]
    } else {
        &[0x08, 0x00]
    });
    f.extend_from_slice(ip);
    f
}

fn pcap(frames: &[Vec<u8>]) -> Vec<u8> {
    pcap::ethernet_pcap(
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| (1_800_000_000 + i as u32, 1000 * i as u32, f.as_slice())),
    )
}

/// The capture of variant `v`.
fn capture(v: &Variant) -> Vec<u8> {
    let (ue, pc, sc) = addrs(v.v6);
    let mut frames = Vec::new();
    let mut seqs: std::collections::HashMap<u32, u32> = Default::default();
    let mut tcp_seq: std::collections::HashMap<(bool, u16), u32> = Default::default();
    let mut ue_packets = 0;
    for (from_ue, clear, sport, dport, text) in messages(v, ue, pc) {
        let (src, dst) = if from_ue {
            (ue, pc)
        } else if clear && sport == 5070 {
            (sc, pc)
        } else {
            (pc, ue)
        };
        if clear {
            frames.push(ethernet(&ip_packet(
                src,
                dst,
                17,
                &udp(sport, dport, text.as_bytes()),
            )));
            continue;
        }
        let bytes = text.as_bytes();
        // Over TCP an INVITE goes in two segments (the second starts mid-line).
        let segments: Vec<&[u8]> = if v.tcp && text.starts_with("INVITE") {
            vec![&bytes[..100], &bytes[100..]]
        } else {
            vec![bytes]
        };
        let sa = sa_for(v, !from_ue, dport);
        for seg in segments {
            let (nh, inner) = if v.tcp {
                let s = tcp_seq.entry((from_ue, sport)).or_insert(1000);
                let t = tcp(sport, dport, *s, seg);
                *s += seg.len() as u32;
                (6, t)
            } else {
                (17, udp(sport, dport, seg))
            };
            let n = seqs.entry(sa.spi).or_insert(0);
            *n += 1;
            let iv: Vec<u8> = (0..v.ealg.iv_len())
                .map(|i| (*n as u8).wrapping_mul(31) ^ i as u8)
                .collect();
            let Some(esp) = seal(&sa, *n, &iv, nh, &inner) else {
                eprintln!("esp_gen: this build has no `esp` feature");
                std::process::exit(2);
            };
            if from_ue {
                ue_packets += 1;
                if v.lost && ue_packets == 2 {
                    continue;
                }
            }
            let esp = if v.natt {
                // Tunnel mode: the IP packet goes inside, next header 4.
                let inner_ip = ip_packet(src, dst, nh, &inner);
                let Some(esp) = seal(&sa, *n, &iv, 4, &inner_ip) else {
                    std::process::exit(2);
                };
                frames.push(ethernet(&ip_packet(src, dst, 17, &udp(4500, 4500, &esp))));
                continue;
            } else {
                esp
            };
            frames.push(ethernet(&ip_packet(src, dst, 50, &esp)));
        }
    }
    pcap(&frames)
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/esp");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("esp_gen: {}: {e}", dir.display());
        std::process::exit(1);
    }
    for v in VARIANTS {
        let path = dir.join(format!("{}.pcap", v.name));
        if let Err(e) = std::fs::write(&path, capture(v)) {
            eprintln!("esp_gen: {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("{}", path.display());
    }
}
