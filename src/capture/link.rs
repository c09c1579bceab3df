//! Link layers: where the network layer starts in a frame of a given
//! link type (the LINKTYPE_ values of the pcap/pcapng headers).
//!
//! Supported: Ethernet (1; its 802.1Q/802.1ad tags are walked by the
//! consumer), BSD loopback (0) and OpenBSD loop (108) with a 4-byte
//! address family, raw IP (101, and 12/14 on some systems; 228 IPv4, 229
//! IPv6), Linux cooked capture v1 (113, 16-byte header, protocol type
//! last) and v2 (276, 20-byte header, protocol type first).

/// What precedes the network layer in a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkLayer {
    /// An Ethernet II frame.
    Ethernet,
    /// An IP packet (version in its first nibble) at byte `at`: 0 for raw
    /// IP, 4 after a loopback address family.
    Ip {
        /// Offset of the IP header.
        at: usize,
    },
    /// A Linux cooked header: the packet at `at` has EtherType
    /// `ether_type`; the sender's 6-byte link-layer address is at `mac`
    /// when it has one of that length.
    Cooked {
        /// Offset of the network layer.
        at: usize,
        /// Its EtherType.
        ether_type: u16,
        /// Offset of a 6-byte link-layer (MAC) address in the header.
        mac: Option<usize>,
    },
    /// A link type no reader here supports.
    Unsupported,
}

/// The link layer of `data`, a frame of link type `link`; `None` when the
/// frame is too short for its link header.
pub fn link_layer(link: u32, data: &[u8]) -> Option<LinkLayer> {
    let be16 = |at: usize| u16::from_be_bytes([data[at], data[at + 1]]);
    Some(match link {
        1 => LinkLayer::Ethernet,
        0 | 108 if data.len() > 4 => LinkLayer::Ip { at: 4 },
        101 | 12 | 14 | 228 | 229 => LinkLayer::Ip { at: 0 },
        113 if data.len() >= 16 => LinkLayer::Cooked {
            at: 16,
            ether_type: be16(14),
            mac: (be16(4) == 6).then_some(6),
        },
        276 if data.len() >= 20 => LinkLayer::Cooked {
            at: 20,
            ether_type: be16(0),
            mac: (data[11] == 6).then_some(12),
        },
        0 | 108 | 113 | 276 => return None,
        _ => LinkLayer::Unsupported,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cooked_headers_give_the_protocol_and_the_address() {
        let mut sll = vec![0u8; 16];
        sll[4..6].copy_from_slice(&6u16.to_be_bytes());
        sll[14..16].copy_from_slice(&0x86ddu16.to_be_bytes());
        assert_eq!(
            link_layer(113, &sll),
            Some(LinkLayer::Cooked {
                at: 16,
                ether_type: 0x86dd,
                mac: Some(6)
            })
        );
        let mut sll2 = vec![0u8; 20];
        sll2[..2].copy_from_slice(&0x0800u16.to_be_bytes());
        assert_eq!(
            link_layer(276, &sll2),
            Some(LinkLayer::Cooked {
                at: 20,
                ether_type: 0x0800,
                mac: None
            })
        );
        assert_eq!(link_layer(276, &sll2[..19]), None);
        assert_eq!(link_layer(0, &[2, 0, 0, 0]), None);
        assert_eq!(
            link_layer(0, &[2, 0, 0, 0, 0x45]),
            Some(LinkLayer::Ip { at: 4 })
        );
        assert_eq!(link_layer(105, &[0; 40]), Some(LinkLayer::Unsupported));
    }
}
