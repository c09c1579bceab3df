//! The diagnosis's view of Reason protocols (RFC 3326 §2; IANA "Reason
//! Protocols" registry; 3GPP TS 24.229 §7.2A.18): a thin layer over the
//! one table in `data/reason.toml` ([`crate::kb::reason_protocol`]).

use crate::kb::{self, ReasonCause, ReasonProtocol};

/// The registered protocol named `name` (case-insensitive), if any.
pub(crate) fn protocol(name: &str) -> Option<&'static ReasonProtocol> {
    kb::reason_protocol(name)
}

/// Names of every registered protocol the knowledge base holds.
pub(crate) fn known_names() -> Vec<&'static str> {
    kb::reason_protocols().iter().map(|p| p.name).collect()
}

/// Cause `cause` of a protocol with its own value table (`FAILURE_CAUSE`,
/// `preemption`, the commonly seen EMM/ESM/S1AP values…). SIP and Q.850
/// values are read from their own tables by the callers.
pub(crate) fn cause(name: &str, cause: u16) -> Option<ReasonCause> {
    match protocol(name)?.name {
        "SIP" | "Q.850" => None,
        _ => kb::reason_value(name, u32::from(cause)),
    }
}

/// RFC 3398: does Q.850 `cause` agree with SIP `status`, in either direction?
pub(crate) fn q850_consistent(cause: u16, status: u16) -> bool {
    let Ok(c) = u8::try_from(cause) else {
        return false;
    };
    kb::q850_to_sip(c)
        .iter()
        .any(|row| row.cause.is_some() && row.sip == Some(status))
        || kb::sip_to_q850(status).is_some_and(|row| row.cause == Some(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q850_mapping_both_ways() {
        assert!(q850_consistent(17, 486));
        assert!(q850_consistent(1, 404));
        assert!(!q850_consistent(16, 486));
        assert!(q850_consistent(21, 603) || q850_consistent(21, 403));
    }

    #[test]
    fn every_registered_protocol_is_known() {
        for name in [
            "FAILURE_CAUSE",
            "EMM",
            "ESM",
            "S1AP-RNL",
            "S1AP-TL",
            "S1AP-NAS",
            "S1AP-MISC",
            "S1AP-PROT",
            "DIAMETER",
            "IKEV2",
            "preemption",
            "Preemption",
            "SIP",
            "Q.850",
            "RELEASE_CAUSE",
            "STIR",
            "5GMM",
            "5GSM",
            "NGAP-RNL",
            "NGAP-PROT",
        ] {
            assert!(protocol(name).is_some(), "{name}");
        }
        assert!(protocol("X-VENDOR").is_none());
        assert_eq!(
            cause("failure_cause", 1).unwrap().text,
            "Media bearer or QoS lost"
        );
        assert_eq!(
            cause("Preemption", 2).unwrap().text,
            "Reserved Resources Preempted"
        );
        assert!(cause("FAILURE_CAUSE", 9).is_none());
        assert!(protocol("FAILURE_CAUSE").unwrap().complete);
        assert!(!protocol("EMM").unwrap().complete);
    }
}
