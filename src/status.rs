//! Status codes (RFC 3261 §7.2, §21) and request methods (RFC 3261 §7.1 and
//! the IANA "Methods" registry).
//!
//! Codes are open: any three-digit value is a [`StatusCode`]; unknown codes
//! are explained by their class (RFC 3261 §21: an unknown `x99` is treated
//! as `x00`).

use serde::{Serialize, Serializer};

/// A SIP response status code. Any `u16` can be held; [`StatusCode::class`]
/// tells whether it is in a defined class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatusCode(pub u16);

impl Serialize for StatusCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.0)
    }
}

/// The class of a status code, from its first digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum StatusClass {
    /// 1xx: the request was received and is being processed.
    Provisional,
    /// 2xx: the request succeeded.
    Success,
    /// 3xx: further action (another location) is needed.
    Redirection,
    /// 4xx: the request was wrong or cannot be served by this server.
    RequestFailure,
    /// 5xx: the server failed on an apparently valid request.
    ServerFailure,
    /// 6xx: the request cannot succeed anywhere.
    GlobalFailure,
    /// Outside 100–699.
    Invalid,
}

impl StatusClass {
    /// Human name ("request failure").
    pub fn label(self) -> &'static str {
        match self {
            StatusClass::Provisional => "provisional",
            StatusClass::Success => "success",
            StatusClass::Redirection => "redirection",
            StatusClass::RequestFailure => "request failure",
            StatusClass::ServerFailure => "server failure",
            StatusClass::GlobalFailure => "global failure",
            StatusClass::Invalid => "invalid",
        }
    }

    /// The `x00` code of the class, used for unknown codes (RFC 3261 §21).
    pub fn base_code(self) -> Option<StatusCode> {
        let base = match self {
            StatusClass::Provisional => 100,
            StatusClass::Success => 200,
            StatusClass::Redirection => 300,
            StatusClass::RequestFailure => 400,
            StatusClass::ServerFailure => 500,
            StatusClass::GlobalFailure => 600,
            StatusClass::Invalid => return None,
        };
        Some(StatusCode(base))
    }
}

// `StatusCode::TRYING` … `StatusCode::DECLINE`: one constant per registered
// code, generated from `data/codes` (the same names as `kb::status`).
include!(concat!(env!("OUT_DIR"), "/status_consts.rs"));

impl StatusCode {
    /// The numeric value.
    pub const fn as_u16(self) -> u16 {
        self.0
    }

    /// The class from the first digit.
    pub const fn class(self) -> StatusClass {
        match self.0 {
            100..=199 => StatusClass::Provisional,
            200..=299 => StatusClass::Success,
            300..=399 => StatusClass::Redirection,
            400..=499 => StatusClass::RequestFailure,
            500..=599 => StatusClass::ServerFailure,
            600..=699 => StatusClass::GlobalFailure,
            _ => StatusClass::Invalid,
        }
    }

    /// True for final responses (2xx–6xx); 1xx are provisional.
    pub const fn is_final(self) -> bool {
        self.0 >= 200 && self.0 <= 699
    }
}

impl std::fmt::Display for StatusCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

macro_rules! methods {
    ($( $variant:ident = ($name:literal, $spec:literal, $purpose:literal); )*) => {
        /// A method registered with IANA. Extension methods stay raw text in
        /// the [`crate::parse::RequestLine`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[allow(missing_docs)]
        pub enum Method { $( $variant, )* }

        /// The method registry: name, defining spec, purpose.
        pub static METHODS: &[(Method, &str, &str, &str)] = &[
            $( (Method::$variant, $name, $spec, $purpose), )*
        ];
    };
}

#[rustfmt::skip]
methods! {
    Ack = ("ACK", "RFC 3261 §17.1.1.3", "Confirms a final response to INVITE.");
    Bye = ("BYE", "RFC 3261 §15", "Ends a dialog (hang-up).");
    Cancel = ("CANCEL", "RFC 3261 §9", "Cancels a pending INVITE (answered 200, the INVITE then gets 487).");
    Info = ("INFO", "RFC 6086", "Carries application information inside a dialog (DTMF, info packages).");
    Invite = ("INVITE", "RFC 3261 §13", "Sets up a session (call) or modifies it (re-INVITE).");
    Message = ("MESSAGE", "RFC 3428", "Instant message or SMS over IP (3GPP TS 24.341).");
    Notify = ("NOTIFY", "RFC 6665", "Reports the state of a subscription (reg-event, dialog, refer…).");
    Options = ("OPTIONS", "RFC 3261 §11", "Queries capabilities; often a keep-alive ping.");
    Prack = ("PRACK", "RFC 3262", "Acknowledges a reliable provisional response (100rel).");
    Publish = ("PUBLISH", "RFC 3903", "Publishes event state (presence) to a state agent.");
    Refer = ("REFER", "RFC 3515", "Asks the recipient to contact a third party (transfer).");
    Register = ("REGISTER", "RFC 3261 §10", "Binds a contact to an address of record (IMS registration).");
    Subscribe = ("SUBSCRIBE", "RFC 6665", "Subscribes to an event package (reg, presence, conference…).");
    Update = ("UPDATE", "RFC 3311", "Changes session parameters before the dialog is confirmed (preconditions).");
}

impl Method {
    /// Looks a method up (case-sensitive, as RFC 3261 §7.1 requires).
    pub fn from_bytes(name: &[u8]) -> Option<Method> {
        METHODS
            .iter()
            .find(|(_, n, _, _)| n.as_bytes() == name)
            .map(|(m, _, _, _)| *m)
    }

    /// The method name.
    pub fn as_str(self) -> &'static str {
        METHODS[self as usize].1
    }

    /// Defining specification.
    pub fn spec(self) -> &'static str {
        METHODS[self as usize].2
    }

    /// What the method is for.
    pub fn purpose(self) -> &'static str {
        METHODS[self as usize].3
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_and_finality() {
        assert_eq!(StatusCode(100).class(), StatusClass::Provisional);
        assert!(!StatusCode(183).is_final());
        assert!(StatusCode(200).is_final());
        assert_eq!(StatusCode(499).class(), StatusClass::RequestFailure);
        assert_eq!(StatusCode(699).class().base_code(), Some(StatusCode(600)));
        assert_eq!(StatusCode(700).class(), StatusClass::Invalid);
        assert_eq!(StatusCode(99).class(), StatusClass::Invalid);
    }

    #[test]
    fn method_registry_indexed() {
        for (i, (m, name, _, _)) in METHODS.iter().enumerate() {
            assert_eq!(*m as usize, i);
            assert_eq!(Method::from_bytes(name.as_bytes()), Some(*m));
        }
        assert_eq!(Method::from_bytes(b"invite"), None);
        assert_eq!(Method::from_bytes(b"RE%47IST%45R"), None);
    }
}
