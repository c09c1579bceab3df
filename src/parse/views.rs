//! Typed accessors on [`Message`]: each computes its view on demand from
//! the raw header list and drops grammar findings (use
//! [`crate::validate_message`] to collect those).

use super::addr::{parse_contact, parse_name_addr, parse_name_addr_list, Contact, NameAddr};
use super::header_name::HeaderName;
use super::scalar::{parse_call_id, parse_cseq, parse_delta_seconds, parse_max_forwards, CSeq};
use super::uri::{parse_uri, Uri};
use super::via::{parse_via_list, Via};
use super::Message;
use crate::span::Text;

impl<'a> Message<'a> {
    /// Every Via value, in order, across all Via headers.
    pub fn via(&self) -> Vec<Via<'a>> {
        let mut sink = Vec::new();
        self.headers_named(HeaderName::Via)
            .flat_map(|h| parse_via_list(h.value, &mut sink))
            .collect()
    }

    /// The first (topmost) Via value.
    pub fn top_via(&self) -> Option<Via<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::Via)
            .and_then(|h| parse_via_list(h.value, &mut sink).into_iter().next())
    }

    /// The From address.
    pub fn from(&self) -> Option<NameAddr<'a>> {
        self.address(HeaderName::From)
    }

    /// The To address.
    pub fn to(&self) -> Option<NameAddr<'a>> {
        self.address(HeaderName::To)
    }

    /// The first value of a single-address header (From, To, Refer-To,
    /// P-Called-Party-ID…).
    pub fn address(&self, name: HeaderName) -> Option<NameAddr<'a>> {
        let mut sink = Vec::new();
        self.header(name)
            .map(|h| parse_name_addr(h.value, name.as_str(), &mut sink))
    }

    /// Every value of an address-list header (Route, Record-Route, Path,
    /// Service-Route, P-Asserted-Identity…), across all its headers.
    pub fn addresses(&self, name: HeaderName) -> Vec<NameAddr<'a>> {
        let mut sink = Vec::new();
        self.headers_named(name)
            .flat_map(|h| parse_name_addr_list(h.value, name.as_str(), &mut sink))
            .collect()
    }

    /// Every Contact value.
    pub fn contacts(&self) -> Vec<Contact<'a>> {
        let mut sink = Vec::new();
        self.headers_named(HeaderName::Contact)
            .flat_map(|h| parse_contact(h.value, &mut sink))
            .collect()
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Option<Text<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::CallId)
            .map(|h| parse_call_id(h.value, &mut sink))
    }

    /// The CSeq.
    pub fn cseq(&self) -> Option<CSeq<'a>> {
        let mut sink = Vec::new();
        self.header(HeaderName::CSeq)
            .and_then(|h| parse_cseq(h.value, &mut sink))
    }

    /// Max-Forwards, when present and in range.
    pub fn max_forwards(&self) -> Option<u8> {
        let mut sink = Vec::new();
        self.header(HeaderName::MaxForwards)
            .and_then(|h| parse_max_forwards(h.value, &mut sink))
    }

    /// A delta-seconds header (Expires, Min-Expires), when valid.
    pub fn seconds(&self, name: HeaderName) -> Option<u32> {
        let mut sink = Vec::new();
        self.header(name)
            .and_then(|h| parse_delta_seconds(h.value, name.as_str(), &mut sink))
    }

    /// The declared Content-Length, when valid.
    pub fn content_length(&self) -> Option<u64> {
        self.header(HeaderName::ContentLength)
            .and_then(|h| h.value.parse_u64())
    }

    /// The Request-URI, parsed.
    pub fn request_uri(&self) -> Option<Uri<'a>> {
        let mut sink = Vec::new();
        self.request_line()
            .and_then(|r| parse_uri(r.uri, &mut sink))
    }
}

#[cfg(test)]
mod tests {
    use crate::parse_message;

    #[test]
    fn typed_accessors() {
        let m = parse_message(
            b"SIP/2.0 401 Unauthorized\r\nv: SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/TCP b\r\nVia: SIP/2.0/UDP c;branch=z9hG4bK3\r\n\
f: <sip:u@ims.example>;tag=x\r\nt: <sip:u@ims.example>;tag=y\r\ni: id1\r\nCSeq: 7 REGISTER\r\nm: <sip:u@10.0.0.1>;expires=600\r\n\
Expires: 600\r\nl: 0\r\n\r\n",
        );
        assert_eq!(m.via().len(), 3);
        assert_eq!(m.top_via().unwrap().host.bytes(), b"a");
        assert_eq!(m.from().unwrap().tag().unwrap().bytes(), b"x");
        assert_eq!(m.to().unwrap().tag().unwrap().bytes(), b"y");
        assert_eq!(m.call_id().unwrap().bytes(), b"id1");
        assert_eq!(m.cseq().unwrap().seq, Some(7));
        assert_eq!(m.contacts().len(), 1);
        assert_eq!(m.seconds(crate::HeaderName::Expires), Some(600));
        assert_eq!(m.content_length(), Some(0));
        assert_eq!(m.max_forwards(), None);
    }
}
