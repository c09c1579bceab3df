//! Fuzz target for IPsec ESP (`siplens::capture::esp`): on any bytes,
//! `open` with every algorithm pair and AES-GCM (fixed keys), the ESP-NULL heuristic
//! and the `--esp-sa` text parser never panic; what comes out of a packet
//! is never longer than it; and a payload sealed then opened comes back
//! whole (with its ICV verified when the SA has an integrity key). The
//! whole-capture path (SAs learnt from SIP, ESP walked back into the
//! reader) is fuzzed by the `capture` target, seeded with
//! `tests/fixtures/esp/*.pcap`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siplens::capture::esp::{
    encryption_key, guess_null, integrity_key, open, seal, Encryption, Integrity, Sa, SaSource,
};

const CK: [u8; 16] = *b"0123456789abcdef";
const IK: [u8; 16] = *b"fedcba9876543210";

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let ealg = [
        Encryption::Null,
        Encryption::AesCbc,
        Encryption::DesEde3Cbc,
        Encryption::AesGcm16,
    ][usize::from(sel) % 4];
    let alg = match (ealg, sel / 4 % 3) {
        (Encryption::AesGcm16, _) | (_, 0) => None, // GCM: its own ICV
        (_, 1) => Some(Integrity::HmacMd5_96),
        _ => Some(Integrity::HmacSha1_96),
    };
    let gcm_key: Vec<u8> = (0..20).collect();
    let sa = Sa {
        spi: 0x42,
        src: None,
        dst: None,
        dst_port: None,
        encryption: ealg,
        enc_key: if ealg == Encryption::AesGcm16 {
            gcm_key
        } else {
            encryption_key(ealg, &CK)
        },
        integrity: alg,
        auth_key: alg.map(|a| integrity_key(a, &IK)),
        icv_len: ealg.combined_icv().unwrap_or(12),
        source: SaSource::User,
    };
    if let Ok(o) = open(&sa, rest) {
        assert!(o.payload.len() + 8 + 2 + sa.icv_len <= rest.len());
        assert_eq!(o.verified, alg.is_some() || ealg == Encryption::AesGcm16);
    }
    for g in guess_null(rest) {
        assert!(g.payload.len() + 8 + 2 + g.icv_len <= rest.len());
    }
    if let Ok(text) = std::str::from_utf8(rest) {
        let _ = text.parse::<Sa>();
    }
    let iv: Vec<u8> = (0..ealg.iv_len() as u8).collect();
    let sealed = seal(&sa, 1, &iv, 17, rest).expect("seal");
    let o = open(&sa, &sealed).expect("open what was sealed");
    assert_eq!((o.next_header, o.payload.as_slice()), (17, rest));
});
