//! Checksums of the layers a capture rewrite touches: the Internet
//! checksum (RFC 1071) of IPv4 headers, GRE, UDP and TCP (with the
//! pseudo-header of RFC 768 / RFC 793 / RFC 8200 §8.1), and SCTP's CRC32c
//! (RFC 4960 Appendix B).

use std::net::IpAddr;

/// The ones' complement sum of `data` (RFC 1071), folded, not inverted.
pub fn ones_sum(mut acc: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        acc = acc.wrapping_add(u32::from(u16::from_be_bytes([c[0], c[1]])));
        if acc > 0xffff_0000 {
            acc = (acc & 0xffff) + (acc >> 16);
        }
    }
    if let [last] = chunks.remainder() {
        acc = acc.wrapping_add(u32::from(*last) << 8);
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    acc
}

/// The Internet checksum of `data` (RFC 1071).
pub fn inet_checksum(data: &[u8]) -> u16 {
    !(ones_sum(0, data) as u16)
}

/// The UDP/TCP checksum of `segment` (checksum field zeroed by the caller)
/// with the pseudo-header of RFC 768 / RFC 793 / RFC 8200 §8.1.
pub fn transport_checksum(src: IpAddr, dst: IpAddr, proto: u8, segment: &[u8]) -> u16 {
    let mut acc = 0;
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            acc = ones_sum(acc, &s.octets());
            acc = ones_sum(acc, &d.octets());
            acc = ones_sum(acc, &[0, proto]);
            acc = ones_sum(acc, &(segment.len() as u16).to_be_bytes());
        }
        _ => {
            acc = ones_sum(acc, &ip_bytes(src));
            acc = ones_sum(acc, &ip_bytes(dst));
            acc = ones_sum(acc, &(segment.len() as u32).to_be_bytes());
            acc = ones_sum(acc, &[0, 0, 0, proto]);
        }
    }
    !(ones_sum(acc, segment) as u16)
}

/// The address in network byte order (4 or 16 bytes).
pub fn ip_bytes(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// CRC32c (Castagnoli, reflected polynomial 0x82F63B78) as SCTP uses it
/// (RFC 4960 Appendix B; test vectors of RFC 3720 §B.4). Bitwise with a
/// 256-entry table built at compile time: SIP packets are small, and no
/// crate is needed for 20 lines.
pub fn crc32c(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    (c >> 1) ^ 0x82F6_3B78
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut crc = !0u32;
    for &b in data {
        crc = TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_known_answers() {
        // RFC 3720 §B.4 and the common check value.
        assert_eq!(crc32c(b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(&[0u8; 32]), 0x8A91_36AA);
    }

    #[test]
    fn internet_checksum_of_rfc1071_example() {
        // RFC 1071 §3: the sum of 00 01 f2 03 f4 f5 f6 f7 is ddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(ones_sum(0, &data), 0xddf2);
        assert_eq!(inet_checksum(&data), !0xddf2);
    }
}
