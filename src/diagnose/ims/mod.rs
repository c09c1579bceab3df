//! Rule family SL3xx: IMS-aware method × status code logic. Each rule reads
//! one outcome the way a VoLTE/VoNR engineer would (3GPP TS 24.229 UE and
//! CSCF behaviour, TS 33.203 security, RFC 3261/3312/3329/4028 mechanics)
//! and explains it from the headers and body of *this* message.
//!
//! The order of [`CHECKS`] matters: the first rule to set a headline wins,
//! so the most specific reading (an alternative-service body, a stale
//! nonce) comes before the general one (a 504, an AKA challenge).
//!
//! The family is split by subject: [`auth`] (challenges, security
//! agreement), [`registration`], [`availability`] (503, 504/380, timeouts,
//! Retry-After), [`media`] (580, 488/606), [`session`] (the callee, 487,
//! CANCEL, extensions, events) and [`routing`] (404/604, 3xx, 403, loops),
//! over the shared helpers of [`common`].

mod auth;
mod availability;
mod common;
mod media;
mod registration;
mod routing;
mod session;
#[cfg(test)]
mod tests;

use super::context::Check;

/// The checks of this family, most specific first.
pub(crate) static CHECKS: &[Check] = &[
    availability::ims_alternative_service,
    auth::stale_nonce,
    auth::ims_aka_challenge,
    auth::digest_register_challenge,
    auth::challenge_outside_registration,
    auth::challenge_scheme,
    registration::register_forbidden,
    auth::security_agreement_required,
    availability::overload_with_retry_after,
    availability::unavailable_without_retry_after,
    media::precondition_failure,
    media::media_rejected,
    session::callee_rejected,
    session::request_terminated,
    session::terminated_non_invite,
    session::cancel_without_transaction,
    routing::redirect_contacts,
    routing::forbidden_request,
    routing::user_not_found,
    availability::timeout,
    registration::interval_too_small,
    session::extension_mismatch,
    routing::loop_or_hops,
    session::bad_event,
    availability::retry_after_present,
];
