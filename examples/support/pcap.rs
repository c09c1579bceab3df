//! The classic pcap file the test-capture generators write
//! (`examples/esp_gen.rs`, `examples/rtp_fixtures.rs`): little-endian,
//! microsecond timestamps, link type Ethernet (1), snaplen 65535, every
//! frame captured whole.

/// A pcap file of `frames`, each `(seconds, microseconds, bytes)`.
pub fn ethernet_pcap<'a>(frames: impl IntoIterator<Item = (u32, u32, &'a [u8])>) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    for x in [0u32, 0, 65535, 1] {
        out.extend_from_slice(&x.to_le_bytes());
    }
    for (secs, micros, f) in frames {
        let len = f.len() as u32;
        for x in [secs, micros, len, len] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.extend_from_slice(f);
    }
    out
}
