//! One lookup for Reason protocols (RFC 3326 §2; IANA "Reason Protocols"
//! registry) and the cause values siplens can name.
//!
//! The knowledge base ([`crate::kb::reason_protocol`], `data/reason.toml`)
//! is asked first; the rows below cover the protocols 3GPP and RFC 4411
//! registered that the data does not list yet (TS 24.229 §7.2A.18 names
//! them for the Reason header). When the data gains a row, it wins; the
//! rows here can then go.

use crate::kb;

/// A registered Reason protocol the diagnosis knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Protocol {
    /// The protocol token as registered (matched case-insensitively).
    pub name: &'static str,
    /// Where its cause values are defined.
    pub spec: &'static str,
    /// What its cause values are.
    pub causes: &'static str,
    /// The cause values siplens can name: (value, text, meaning). Empty
    /// when the values live in a table of another specification.
    pub values: &'static [(u16, &'static str, &'static str)],
}

/// Registered protocols missing from `data/reason.toml` (IANA Reason
/// Protocols registry, last updated 2026-01, read through a copy of the
/// registry; FAILURE_CAUSE values as the registry lists them from TS
/// 24.229; Preemption values from the IANA Preemption Namespace registry,
/// RFC 4411).
#[rustfmt::skip]
const EXTRA: &[Protocol] = &[
    Protocol { name: "FAILURE_CAUSE", spec: "3GPP TS 24.229 §7.2A.18",
        causes: "why the P-CSCF released a session or a request failed on the access side",
        values: &[
            (1, "Media bearer or QoS lost", "The P-CSCF learnt from the PCRF/PCF that the media bearer or its QoS was lost (radio loss, bearer release) and released the session"),
            (2, "Release of signalling bearer", "The signalling bearer (IMS PDN connection / PDU session) of the UE was released, so the P-CSCF released the session"),
            (3, "Indication of failed resources allocation", "The resources for the media could not be allocated (PCRF/PCF or access network refused the bearer)"),
        ] },
    Protocol { name: "Preemption", spec: "RFC 4411 (IANA Preemption Namespace registry)",
        causes: "why a session was preempted",
        values: &[
            (1, "UA Preemption", "The UA ended this session to serve a session of higher priority"),
            (2, "Reserved Resources Preempted", "The network resources reserved for the session were preempted by a higher-priority session"),
            (3, "Generic Preemption", "The session was preempted, without saying where"),
            (4, "Non-IP Preemption", "The session was preempted in a non-IP part of the path (e.g. a TDM or radio segment)"),
        ] },
    Protocol { name: "EMM", spec: "3GPP TS 24.301 §9.9.3.9", causes: "an EPS mobility management cause", values: &[] },
    Protocol { name: "ESM", spec: "3GPP TS 24.301 §9.9.4.4", causes: "an EPS session management cause", values: &[] },
    Protocol { name: "S1AP-RNL", spec: "3GPP TS 36.413 §9.2.1.3", causes: "an S1AP radio network layer cause", values: &[] },
    Protocol { name: "S1AP-TL", spec: "3GPP TS 36.413 §9.2.1.3", causes: "an S1AP transport layer cause", values: &[] },
    Protocol { name: "S1AP-NAS", spec: "3GPP TS 36.413 §9.2.1.3", causes: "an S1AP non-access stratum cause", values: &[] },
    Protocol { name: "S1AP-MISC", spec: "3GPP TS 36.413 §9.2.1.3", causes: "an S1AP miscellaneous cause", values: &[] },
    Protocol { name: "S1AP-PROT", spec: "3GPP TS 36.413 §9.2.1.3", causes: "an S1AP protocol cause", values: &[] },
    Protocol { name: "DIAMETER", spec: "3GPP TS 29.274 §8.103", causes: "a Diameter cause of a GTP-C procedure for WLAN access", values: &[] },
    Protocol { name: "IKEV2", spec: "3GPP TS 29.274 §8.103", causes: "an IKEv2 cause of untrusted WLAN access", values: &[] },
    Protocol { name: "STIR", spec: "RFC 8224", causes: "a STIR error code (a SIP status such as 436-438)", values: &[] },
    Protocol { name: "5GMM", spec: "3GPP TS 24.501 §9.11.3.2", causes: "a 5GS mobility management cause", values: &[] },
    Protocol { name: "5GSM", spec: "3GPP TS 24.501 §9.11.4.2", causes: "a 5GS session management cause", values: &[] },
    Protocol { name: "NGAP-RNL", spec: "3GPP TS 38.413 §9.3.1.2", causes: "an NGAP radio network layer cause", values: &[] },
    Protocol { name: "NGAP-TL", spec: "3GPP TS 38.413 §9.3.1.2", causes: "an NGAP transport layer cause", values: &[] },
    Protocol { name: "NGAP-NAS", spec: "3GPP TS 38.413 §9.3.1.2", causes: "an NGAP non-access stratum cause", values: &[] },
    Protocol { name: "NGAP-MISC", spec: "3GPP TS 38.413 §9.3.1.2", causes: "an NGAP miscellaneous cause", values: &[] },
    Protocol { name: "NGAP-PROT", spec: "3GPP TS 38.413 §9.3.1.2", causes: "an NGAP protocol cause", values: &[] },
];

/// What the diagnosis knows of a protocol: the knowledge base's row, else
/// the row here.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Known {
    /// `data/reason.toml` has it (SIP, Q.850, RELEASE_CAUSE…).
    Kb,
    /// Only this module has it.
    Extra(&'static Protocol),
}

/// The registered protocol named `name` (case-insensitive), if any.
pub(crate) fn protocol(name: &str) -> Option<Known> {
    if kb::reason_protocol(name).is_some() {
        return Some(Known::Kb);
    }
    EXTRA
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(Known::Extra)
}

/// Names of every registered protocol the diagnosis knows.
pub(crate) fn known_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = kb::reason_protocols().iter().map(|p| p.name).collect();
    for p in EXTRA {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(p.name)) {
            names.push(p.name);
        }
    }
    names
}

/// (text, meaning) of cause `cause` of a protocol this module holds values
/// for (`FAILURE_CAUSE`, `Preemption`).
pub(crate) fn extra_cause(name: &str, cause: u16) -> Option<(&'static str, &'static str)> {
    let Some(Known::Extra(p)) = protocol(name) else {
        return None;
    };
    p.values
        .iter()
        .find(|(v, _, _)| *v == cause)
        .map(|&(_, t, m)| (t, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_3gpp_protocol_is_known() {
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
            "SIP",
            "Q.850",
            "RELEASE_CAUSE",
        ] {
            assert!(protocol(name).is_some(), "{name}");
        }
        assert!(protocol("X-VENDOR").is_none());
        assert_eq!(
            extra_cause("failure_cause", 1).unwrap().0,
            "Media bearer or QoS lost"
        );
        assert_eq!(
            extra_cause("Preemption", 2).unwrap().0,
            "Reserved Resources Preempted"
        );
        assert!(extra_cause("FAILURE_CAUSE", 9).is_none());
        assert!(extra_cause("EMM", 3).is_none());
    }
}
