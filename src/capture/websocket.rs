//! WebSocket frames (RFC 6455 §5.2), read and written: SIP over WebSocket
//! (RFC 7118) carries each SIP message in a text or binary frame, possibly
//! fragmented over continuation frames with control frames between them
//! (§5.4). Used by the capture reader's TCP reassembly and by capture
//! redaction, which frames each redacted payload again.

/// Payloads longer than this are not taken for frames (16 MiB; a SIP
/// message is far smaller).
pub const MAX_PAYLOAD: usize = 16 << 20;

/// One complete frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The first byte: FIN, the reserved bits (zero) and the opcode.
    pub first: u8,
    /// The masking key (§5.3), when the frame is masked.
    pub mask: Option<[u8; 4]>,
    /// The frame's length: header and payload bytes.
    pub len: usize,
    /// The payload, unmasked.
    pub payload: Vec<u8>,
}

/// What the start of a byte stream holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A whole frame.
    Frame(Frame),
    /// The start of a frame whose end is not there yet.
    Incomplete,
}

/// The frame at the start of `b`: a data (continuation, text, binary) or
/// control (close, ping, pong) frame with the reserved bits clear. `None`
/// when `b` does not start like one (or announces a payload over
/// [`MAX_PAYLOAD`]).
pub fn parse(b: &[u8]) -> Option<Parsed> {
    let first = *b.first()?;
    if first & 0x70 != 0 || !matches!(first & 0x0f, 0 | 1 | 2 | 8 | 9 | 10) {
        return None;
    }
    let Some(&second) = b.get(1) else {
        return Some(Parsed::Incomplete);
    };
    let mut off = 2;
    let len = match second & 0x7f {
        126 => {
            let Some(&[x, y]) = b.get(2..4) else {
                return Some(Parsed::Incomplete);
            };
            off = 4;
            u64::from(u16::from_be_bytes([x, y]))
        }
        127 => {
            let Some(x) = b.get(2..10) else {
                return Some(Parsed::Incomplete);
            };
            off = 10;
            u64::from_be_bytes(x.try_into().ok()?)
        }
        n => u64::from(n),
    };
    let mask = if second & 0x80 != 0 {
        let Some(&[m0, m1, m2, m3]) = b.get(off..off + 4) else {
            return Some(Parsed::Incomplete);
        };
        off += 4;
        Some([m0, m1, m2, m3])
    } else {
        None
    };
    let len = usize::try_from(len).ok().filter(|&l| l <= MAX_PAYLOAD)?;
    let Some(data) = b.get(off..off + len) else {
        return Some(Parsed::Incomplete);
    };
    Some(Parsed::Frame(Frame {
        first,
        mask,
        len: off + len,
        payload: mask_bytes(data, mask),
    }))
}

impl Frame {
    /// The whole frame at the start of `b`, if there is one.
    pub fn parse(b: &[u8]) -> Option<Frame> {
        match parse(b)? {
            Parsed::Frame(f) => Some(f),
            Parsed::Incomplete => None,
        }
    }

    /// The FIN bit: the last frame of a message.
    pub fn fin(&self) -> bool {
        self.first & 0x80 != 0
    }

    /// 0 continuation, 1 text, 2 binary, 8–10 control.
    pub fn opcode(&self) -> u8 {
        self.first & 0x0f
    }

    /// The frame with `payload` (unmasked), its mask key and flags kept,
    /// the length in its shortest form (§5.2).
    pub fn encode(&self, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![self.first];
        let m = if self.mask.is_some() { 0x80 } else { 0 };
        let n = payload.len();
        if n < 126 {
            out.push(m | n as u8);
        } else if n <= 0xffff {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            out.push(m | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
        if let Some(k) = self.mask {
            out.extend_from_slice(&k);
        }
        out.extend_from_slice(&mask_bytes(payload, self.mask));
        out
    }
}

/// `data` masked or unmasked with `mask` (§5.3: the same operation).
pub fn mask_bytes(data: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    match mask {
        Some(m) => data.iter().enumerate().map(|(i, x)| x ^ m[i % 4]).collect(),
        None => data.to_vec(),
    }
}

/// An HTTP/1.x message head at the start of a TCP stream: the opening
/// handshake's request or response (RFC 6455 §4) before the frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpHead {
    /// The head has not ended yet (no empty line).
    Incomplete,
    /// A complete head of `len` bytes (its empty line included); `upgrade`
    /// when it names `websocket` (the Upgrade header, case ignored).
    Head {
        /// Length of the head.
        len: usize,
        /// True when it upgrades to WebSocket.
        upgrade: bool,
    },
}

/// The HTTP/1.x head `b` starts with (`GET ` request or `HTTP/1.`
/// response), if it starts with one.
pub fn http_head(b: &[u8]) -> Option<HttpHead> {
    if !(b.starts_with(b"GET ") || b.starts_with(b"HTTP/1.")) {
        return None;
    }
    let Some(end) = memchr::memmem::find(b, b"\r\n\r\n") else {
        return Some(HttpHead::Incomplete);
    };
    let upgrade = b[..end]
        .windows(9)
        .any(|w| w.eq_ignore_ascii_case(b"websocket"));
    Some(HttpHead::Head {
        len: end + 4,
        upgrade,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_and_parse_agree_on_every_length_form() {
        for n in [0, 5, 125, 126, 0xffff, 0x10000] {
            for mask in [None, Some([1, 2, 3, 4])] {
                let payload: Vec<u8> = (0..n).map(|i| i as u8).collect();
                let f = Frame {
                    first: 0x81,
                    mask,
                    len: 0,
                    payload: Vec::new(),
                };
                let bytes = f.encode(&payload);
                let back = Frame::parse(&bytes).unwrap();
                assert_eq!((back.len, back.mask, back.fin()), (bytes.len(), mask, true));
                assert_eq!(back.payload, payload);
            }
        }
    }

    #[test]
    fn cut_frames_are_incomplete_and_others_are_not_frames() {
        let bytes = Frame {
            first: 0x01,
            mask: Some([9, 9, 9, 9]),
            len: 0,
            payload: Vec::new(),
        }
        .encode(&[7; 300]);
        for cut in 1..bytes.len() {
            assert_eq!(
                parse(&bytes[..cut]),
                Some(Parsed::Incomplete),
                "cut at {cut}"
            );
        }
        assert_eq!(parse(b"INVITE sip:a@b SIP/2.0\r\n"), None);
        assert_eq!(parse(&[0x83, 0]), None); // reserved opcode
        assert_eq!(parse(&[0x81, 127, 0, 0, 0, 0, 2, 0, 0, 0]), None); // over MAX_PAYLOAD
    }

    #[test]
    fn http_heads_say_whether_they_upgrade() {
        let up = b"GET / HTTP/1.1\r\nUpgrade: WebSocket\r\n\r\n\x81";
        assert_eq!(
            http_head(up),
            Some(HttpHead::Head {
                len: up.len() - 1,
                upgrade: true
            })
        );
        assert_eq!(
            http_head(b"HTTP/1.1 404 Not Found\r\n\r\n"),
            Some(HttpHead::Head {
                len: 26,
                upgrade: false
            })
        );
        assert_eq!(
            http_head(b"GET / HTTP/1.1\r\nHost: a"),
            Some(HttpHead::Incomplete)
        );
        assert_eq!(http_head(b"INVITE sip:a@b SIP/2.0\r\n\r\n"), None);
    }
}
