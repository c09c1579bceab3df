//! Statistics of one RTP stream, updated packet by packet in O(1) memory.
//!
//! - Sequence numbers (RFC 3550 A.1): the highest sequence number seen,
//!   extended by the count of 16-bit wraps; a packet more than half the
//!   sequence space behind is late (reordered), not a wrap.
//!   `expected = extended highest − first + 1` and `lost = expected −
//!   received` (A.3), negative when packets are duplicated, as RFC 3550
//!   says and tshark shows.
//! - Sequence errors: packets that are not the successor of the highest one
//!   (a gap, a duplicate or a late packet).
//! - Interarrival jitter (RFC 3550 A.8): `D(i−1,i) = (R_i − R_{i−1}) −
//!   (S_i − S_{i−1})/clock`, `J += (|D| − J)/16`, in seconds, with the
//!   timestamp difference read as a signed 32-bit value (wrap-safe). `D`
//!   is taken against the previous packet with a known clock rate and the
//!   same rate: packets without one (telephone events, whose timestamp is
//!   the event's start and does not advance, RFC 4733 §2.2.1; dynamic
//!   types without rtpmap) leave the jitter alone. The maximum and the
//!   mean skip the packets whose timestamp jump is expected — the first, a
//!   marker (start of a talkspurt), comfort noise and the
//!   packet after it, and a timestamp going backwards — as Wireshark's RTP
//!   analysis does; the maximum gap between packets skips the same.

use super::RtpHeader;

/// Running statistics of one stream.
#[derive(Debug, Clone, Default)]
pub struct StreamStats {
    /// Packets received (duplicates included).
    pub packets: u64,
    /// First sequence number, extended (the base).
    base: u64,
    /// Highest sequence number seen.
    max_seq: u16,
    /// Wraps of the sequence number, times 65536.
    cycles: u64,
    /// Packets that were not the successor of the highest one.
    pub sequence_errors: u64,
    /// Packets in a row that were the successor of the previous one (the
    /// highest run is kept in `longest_run`).
    run: u64,
    /// Longest run of in-order packets: the evidence that this is RTP.
    pub longest_run: u64,
    /// Arrival, timestamp and clock rate of the previous packet with a
    /// known clock rate (the transit reference, RFC 3550 A.8).
    prev: Option<(f64, u32, u32)>,
    /// Arrival of the previous packet.
    last_arrival: Option<f64>,
    /// Timestamp of the previous packet.
    last_ts: Option<u32>,
    /// Running jitter, seconds.
    jitter: f64,
    /// Highest jitter over the packets that count, seconds.
    pub max_jitter: Option<f64>,
    jitter_sum: f64,
    jitter_count: u64,
    /// Longest time between two consecutive packets, seconds, and the
    /// frame of the later one.
    pub max_delta: Option<(f64, u64)>,
    /// The previous packet was comfort noise.
    prev_cn: bool,
    /// Packets with the marker bit.
    pub markers: u64,
}

impl StreamStats {
    /// Counts one packet that arrived at `time` (seconds) in `frame`;
    /// `clock` is its payload type's clock rate (Hz) when known, `cn` true
    /// for comfort noise.
    pub fn push(
        &mut self,
        frame: u64,
        time: Option<f64>,
        h: &RtpHeader,
        clock: Option<u32>,
        cn: bool,
    ) {
        let first = self.packets == 0;
        self.packets += 1;
        self.markers += u64::from(h.marker);
        if first {
            self.base = u64::from(h.sequence);
            self.max_seq = h.sequence;
            self.run = 1;
            self.longest_run = 1;
        } else {
            let d = h.sequence.wrapping_sub(self.max_seq);
            if d != 0 && d < 0x8000 {
                if h.sequence < self.max_seq {
                    self.cycles += 1 << 16;
                }
                if d == 1 {
                    self.run += 1;
                    self.longest_run = self.longest_run.max(self.run);
                } else {
                    self.sequence_errors += 1;
                    self.run = 1;
                }
                self.max_seq = h.sequence;
            } else {
                // A duplicate (d == 0) or a late packet.
                self.sequence_errors += 1;
            }
        }
        // The timestamp going back from the previous packet's (any payload
        // type) is a discontinuity, not jitter.
        let backwards = self
            .last_ts
            .is_some_and(|p| (h.timestamp.wrapping_sub(p) as i32) < 0);
        self.last_ts = Some(h.timestamp);
        let counts = !(first || h.marker || cn || self.prev_cn || backwards);
        self.prev_cn = cn;
        let Some(t) = time else {
            return;
        };
        if let Some(last) = self.last_arrival {
            let delta = t - last;
            if counts && self.max_delta.is_none_or(|(m, _)| delta > m) {
                self.max_delta = Some((delta, frame));
            }
        }
        self.last_arrival = Some(t);
        let Some(rate) = clock.filter(|&r| r > 0) else {
            return;
        };
        match self.prev {
            // A timestamp going back starts a new timeline: the reference
            // restarts here instead of a jitter of seconds.
            Some((pt, pts, prate)) if prate == rate && !backwards => {
                let ts = f64::from(h.timestamp.wrapping_sub(pts) as i32) / f64::from(rate);
                let d = ((t - pt) - ts).abs();
                self.jitter += (d - self.jitter) / 16.0;
                if counts {
                    self.max_jitter =
                        Some(self.max_jitter.map_or(self.jitter, |m| m.max(self.jitter)));
                    self.jitter_sum += self.jitter;
                    self.jitter_count += 1;
                }
            }
            _ => {}
        }
        self.prev = Some((t, h.timestamp, rate));
    }

    /// Extended highest sequence number − first + 1 (RFC 3550 A.3).
    pub fn expected(&self) -> u64 {
        (self.cycles + u64::from(self.max_seq)).saturating_sub(self.base) + 1
    }

    /// Expected − received: negative when packets were duplicated.
    pub fn lost(&self) -> i64 {
        self.expected() as i64 - self.packets as i64
    }

    /// Mean of the jitter values that count, seconds.
    pub fn mean_jitter(&self) -> Option<f64> {
        (self.jitter_count > 0).then(|| self.jitter_sum / self.jitter_count as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(seq: u16, ts: u32) -> RtpHeader {
        RtpHeader {
            version: 2,
            padding: false,
            extension: false,
            csrc_count: 0,
            marker: false,
            payload_type: 0,
            sequence: seq,
            timestamp: ts,
            ssrc: 1,
            payload_start: 12,
            payload_end: 12,
        }
    }

    #[test]
    fn wrap_loss_and_reorder() {
        let mut s = StreamStats::default();
        let seqs = [65533u16, 65534, 65535, 0, 2, 1, 3, 3];
        for (i, &q) in seqs.iter().enumerate() {
            s.push(
                i as u64 + 1,
                Some(i as f64 * 0.02),
                &h(q, i as u32 * 160),
                Some(8000),
                false,
            );
        }
        // 65533..=3 is 7 numbers, 8 packets received (one duplicate).
        assert_eq!(s.expected(), 7);
        assert_eq!(s.lost(), -1);
        // 2 (gap), 1 (late), 3 (gap end is +1 from 2: no), 3 (dup).
        assert_eq!(s.sequence_errors, 3);
        assert!(s.max_jitter.unwrap() < 1e-12);
    }

    #[test]
    fn jitter_follows_rfc3550_a8() {
        // Arrivals 0, 20, 45, 60 ms; timestamps every 20 ms at 8 kHz.
        let mut s = StreamStats::default();
        for (i, t) in [0.0, 0.020, 0.045, 0.060].iter().enumerate() {
            s.push(
                i as u64,
                Some(*t),
                &h(i as u16, i as u32 * 160),
                Some(8000),
                false,
            );
        }
        // D = 0, 5 ms, 5 ms: J = 0, 0.3125 ms, 0.6055 ms.
        let j1 = 0.005 / 16.0;
        let j2 = j1 + (0.005 - j1) / 16.0;
        assert!((s.max_jitter.unwrap() - j2).abs() < 1e-9);
        assert_eq!(s.lost(), 0);
        assert!((s.max_delta.unwrap().0 - 0.025).abs() < 1e-9);
    }
}
