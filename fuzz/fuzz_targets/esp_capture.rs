//! Fuzz target for the whole-capture ESP path with keys: on any bytes
//! (seed with `tests/fixtures/esp/*.pcap`), `decode_any_keys` with the
//! fixtures' CK/IK and AES-GCM SAs given (so SAs are learnt from
//! Security-Server and Security-Verify, tried with the CK/IK, opened with
//! every cipher) never panics; the streaming decoder with the same keys, in
//! two cuts, gives the same trace (JSON-equal); a message read out of ESP
//! by trying keys always had its ICV checked; and no key given appears in
//! the trace's JSON unless the capture itself holds it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use siplens::capture::esp::{parse_key128, EspKeys, Sa};

const CK: &str = "00112233445566778899aabbccddeeff";
const IK: &str = "0f0e0d0c0b0a09080706050403020100";

fuzz_target!(|data: &[u8]| {
    let (Some(ck), Some(ik)) = (parse_key128(CK), parse_key128(IK)) else {
        return;
    };
    let sas: Vec<Sa> = [0x1001u32, 0x2002]
        .iter()
        .filter_map(|spi| format!("spi={spi:#x},enc=aes-gcm-16:{CK}cafebabe").parse().ok())
        .collect();
    let keys = EspKeys {
        sas,
        ck_ik: Some((ck, ik)),
    };
    let t = siplens::trace::decode_any_keys(data, &keys);
    for m in &t.messages {
        if let Some(e) = &m.esp {
            if e.source == "tried" {
                assert!(e.verified);
            }
            assert!(e.alg.is_none() || e.verified);
        }
    }
    let whole = serde_json::to_string(&t).unwrap_or_default();
    // A key given never shows, unless the capture itself holds it (an
    // S-CSCF 401 with ck=/ik= in the clear).
    let input = String::from_utf8_lossy(data).to_ascii_lowercase();
    let output = whole.to_ascii_lowercase();
    for key in [CK, IK, "cafebabe"] {
        assert!(input.contains(key) || !output.contains(key), "{key}");
    }
    let cut = data.len() / 2;
    let s = siplens::trace::incremental::decode_chunks_keys([&data[..cut], &data[cut..]], &keys);
    assert_eq!(serde_json::to_string(&s).unwrap_or_default(), whole);
});
