//! IMS role evidence in one message, and the per-hop facts both
//! correlation and participants compare (a Via value, a host key).
//!
//! The layer under `correlate` (which records the hints of each message)
//! and `participants` (which weighs them into a role per node): neither
//! imports the other's internals for them. The roles and the clauses that
//! name them are listed in the `participants` module docs (3GPP TS 24.229
//! §5.1–§5.4, RFC 3327, RFC 3608, RFC 3329, TS 29.163).

use crate::header_name::HeaderName;
use crate::parse::addr::parse_name_addr_list;
use crate::parse::params::Findings;
use crate::parse::Message;

/// One Via value, as participants and loop detection compare them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub(crate) struct ViaHop {
    /// sent-by host, lower case, IPv6 brackets removed.
    pub host: String,
    pub port: Option<u16>,
    pub branch: Option<String>,
    /// `received` (lower case, brackets removed).
    pub received: Option<String>,
}

/// A host as a node key: lower case, IPv6 brackets removed.
pub(crate) fn host_key(h: &str) -> String {
    h.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Which node a [`RoleHint`] is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HintTarget {
    /// The sender of the message.
    Sender,
    /// The receiver of the message.
    Receiver,
    /// A host named in the message.
    Host(String),
    /// The node that generated this response: the sender of the copy of
    /// it with the deepest Via stack (each proxy relaying it back removed
    /// its own Via, RFC 3261 §16.7 step 3).
    Origin,
}

/// Evidence in one message that a node plays an IMS role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleHint {
    pub role: &'static str,
    pub target: HintTarget,
    /// The header that says so.
    pub evidence: &'static str,
}

fn first_host(
    msg: &Message<'_>,
    name: HeaderName,
    label: &str,
    sink: &mut Findings,
) -> Option<String> {
    msg.headers_named(name)
        .flat_map(|h| parse_name_addr_list(h.value, label, sink))
        .find_map(|a| a.uri.and_then(|u| u.host).map(|h| host_key(&h.as_str())))
}

/// The IMS role evidence one message carries.
pub(crate) fn role_hints(
    msg: &Message<'_>,
    vias: &[ViaHop],
    routes: &[(String, bool)],
    sink: &mut Findings,
) -> Vec<RoleHint> {
    let mut out = Vec::new();
    let mut hint = |role, target, evidence| {
        out.push(RoleHint {
            role,
            target,
            evidence,
        })
    };
    let register = msg
        .cseq()
        .is_some_and(|c| c.method.eq_ignore_case("REGISTER"));
    let has = |n: HeaderName| msg.header(n).is_some();
    if msg.is_request() {
        if register {
            if let Some(h) = first_host(msg, HeaderName::Path, "Path", sink) {
                hint("P-CSCF", HintTarget::Host(h), "Path in REGISTER");
            }
            if has(HeaderName::PVisitedNetworkId) && vias.len() == 2 {
                hint(
                    "P-CSCF",
                    HintTarget::Sender,
                    "P-Visited-Network-ID inserted in REGISTER",
                );
            }
            // UE → P-CSCF → I-CSCF → S-CSCF (§5.3.1.2): the third hop.
            if has(HeaderName::PVisitedNetworkId) && vias.len() == 3 {
                hint(
                    "I-CSCF",
                    HintTarget::Sender,
                    "REGISTER relayed after the P-CSCF",
                );
            }
        }
        if vias.len() == 1 {
            if has(HeaderName::SecurityVerify) || (register && has(HeaderName::SecurityClient)) {
                hint("UE", HintTarget::Sender, "Security-Client/Security-Verify");
                hint(
                    "P-CSCF",
                    HintTarget::Receiver,
                    "Security-Client/Security-Verify",
                );
            } else if has(HeaderName::PPreferredService) || has(HeaderName::PPreferredIdentity) {
                hint("UE", HintTarget::Sender, "P-Preferred-Service/-Identity");
                hint(
                    "P-CSCF",
                    HintTarget::Receiver,
                    "P-Preferred-Service/-Identity from the UE",
                );
            }
        }
        for (h, orig) in routes {
            if *orig {
                hint("S-CSCF", HintTarget::Host(h.clone()), "Route with `orig`");
            }
        }
        // The S-CSCF routes to an AS with a Route back to itself (ODI).
        if let (Some(top), [first, second, ..]) = (vias.first(), routes) {
            if (second.0 == top.host || top.received.as_deref() == Some(second.0.as_str()))
                && first.0 != second.0
            {
                hint(
                    "S-CSCF",
                    HintTarget::Sender,
                    "Route to an AS and back to itself",
                );
                hint(
                    "AS",
                    HintTarget::Host(first.0.clone()),
                    "Route from the S-CSCF, back to it",
                );
            }
        }
    } else if register && msg.status_code().is_some_and(|c| (200..300).contains(&c.0)) {
        if let Some(h) = first_host(msg, HeaderName::ServiceRoute, "Service-Route", sink) {
            hint(
                "S-CSCF",
                HintTarget::Host(h),
                "Service-Route in 2xx (REGISTER)",
            );
            hint(
                "S-CSCF",
                HintTarget::Origin,
                "Service-Route in 2xx (REGISTER)",
            );
        }
    } else if register && msg.status_code().is_some_and(|c| c.0 == 401) {
        let aka = msg.headers_named(HeaderName::WwwAuthenticate).any(|h| {
            crate::parse::auth::parse_www_authenticate(h.value, sink)
                .is_some_and(|c| c.params.is_aka())
        });
        if aka {
            hint("S-CSCF", HintTarget::Origin, "AKA challenge to REGISTER");
        }
    }
    let isup = msg.header_value(HeaderName::ContentType).is_some_and(|v| {
        let v = v.as_str().to_ascii_lowercase();
        v.contains("application/isup")
            || (v.contains("multipart") && {
                let b = String::from_utf8_lossy(msg.body().bytes()).to_ascii_lowercase();
                b.contains("application/isup")
            })
    });
    if isup {
        hint("MGCF", HintTarget::Sender, "ISUP body (SIP-I)");
    }
    out
}
