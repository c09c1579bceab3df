//! Lane names: how a participant's address or host name is written in a
//! column of a given width. One rule for the participants' labels, the
//! ladder's lanes ([`super::ladder::Lane::short`]), the CLI and the page.

/// The width, in characters, of [`super::ladder::Lane::short`].
pub const SHORT_NAME: usize = 21;

/// True when a lane name is a host name (a text trace's Via hosts), not an
/// address or a role: it has a letter and a dot, and is neither an IPv6
/// reference nor an IPv6 address.
fn is_host_name(p: &str) -> bool {
    p.contains('.')
        && p.bytes().any(|b| b.is_ascii_alphabetic())
        && !p.starts_with('[')
        && p.bytes().filter(|&b| b == b':').count() <= 1
}

/// The domain every host-name lane shares (`.example.com` of
/// `client.atlanta.example.com` and `ss2.biloxi.example.com`), when two
/// names or more are host names and each keeps a label before it; else
/// empty. Ports (`host:5060`) are ignored.
pub fn shared_domain<'a>(names: &[&'a str]) -> &'a str {
    let hosts: Vec<&str> = names
        .iter()
        .map(|p| p.split(':').next().unwrap_or(p))
        .filter(|p| is_host_name(p))
        .collect();
    let [first, rest @ ..] = hosts.as_slice() else {
        return "";
    };
    if rest.is_empty() {
        return "";
    }
    // Dot-led suffixes of the first name, longest first, each kept only
    // when every other name ends with it and has a label before it.
    first
        .match_indices('.')
        .map(|(i, _)| &first[i..])
        .find(|suffix| {
            first.len() > suffix.len()
                && rest
                    .iter()
                    .all(|n| n.len() > suffix.len() && n.ends_with(suffix))
        })
        .unwrap_or("")
}

/// A lane name cut to `max` characters (whole when it fits): an address
/// keeps its end (the port and the last octets tell lanes apart:
/// `…98.101:5060`), a host name its start past `shared`, the domain all
/// lanes share ([`shared_domain`]: `client.atl…` of
/// `client.atlanta.example.com`). An IPv6 address is compressed first
/// (RFC 5952 §4: `[2001:db8::1]:5060`), then keeps its first group and
/// as many whole groups of its end as fit (`fe80:…:a0ff:fe07:32e0`: the
/// prefix tells link-local from global, the end one host from another);
/// only when not even one of each fits is it cut at its start.
pub fn short_name(name: &str, shared: &str, max: usize) -> String {
    let compressed = compress_ipv6(name);
    let p = compressed.as_deref().unwrap_or(name);
    if p.chars().count() <= max {
        return p.to_owned();
    }
    if compressed.is_some() {
        if let Some(s) = elide_ipv6(p, max) {
            return s;
        }
    }
    if !is_host_name(p) {
        return cut_start(p, max);
    }
    let (host, port) = p.split_once(':').unwrap_or((p, ""));
    let host = host
        .strip_suffix(shared)
        .filter(|_| !shared.is_empty())
        .unwrap_or(host);
    let whole = if port.is_empty() {
        host.to_owned()
    } else {
        format!("{host}:{port}")
    };
    cut_end(&whole, max)
}

/// A participant's label for its address: an IPv6 address as
/// [`short_name`] writes it in [`SHORT_NAME`] characters (the ladder's
/// lanes write it the same way), anything else whole (a host name is cut
/// where it is shown, against the domain the lanes share).
pub fn short_address(a: &str) -> String {
    if compress_ipv6(a).is_some() {
        short_name(a, "", SHORT_NAME)
    } else {
        a.to_owned()
    }
}

/// An IPv6 address in RFC 5952 form (bare, or `[v6]:port`) longer than
/// `max`, as its first group, `…` and the most whole groups of its end
/// that fit in `max` characters; `None` when not even one group of the
/// end fits, or the address starts with `::` (no first group to keep).
fn elide_ipv6(p: &str, max: usize) -> Option<String> {
    let (open, ip, close) = match p.strip_prefix('[').and_then(|r| r.split_once(']')) {
        Some((ip, port)) => ("[", ip, format!("]{port}")),
        None => ("", p, String::new()),
    };
    let (first, _) = ip.split_once(':')?;
    if first.is_empty() {
        return None;
    }
    // Characters beside the end groups: brackets and port, the first
    // group and `:…:`.
    let fixed = open.len() + close.len() + first.len() + 3;
    let mut tail = "";
    for (i, _) in ip.rmatch_indices(':') {
        let candidate = &ip[i + 1..];
        // Never into the `::` run (the address would not be shorter).
        if candidate.starts_with(':') || candidate.is_empty() || fixed + candidate.len() > max {
            break;
        }
        tail = candidate;
    }
    (!tail.is_empty()).then(|| format!("{open}{first}:…:{tail}{close}"))
}

/// `[v6]:port` or a bare IPv6 address in its RFC 5952 text form; `None`
/// for anything else.
fn compress_ipv6(a: &str) -> Option<String> {
    if let Ok(sa) = a.parse::<std::net::SocketAddrV6>() {
        return Some(sa.to_string());
    }
    a.parse::<std::net::Ipv6Addr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// `s` cut to its last `max` characters, `…` first.
pub fn cut_start(s: &str, max: usize) -> String {
    let n = s.chars().count();
    if n <= max {
        return s.to_owned();
    }
    let mut t = String::from("…");
    t.extend(s.chars().skip(n + 1 - max.max(1)));
    t
}

/// `s` cut to its first `max` characters, `…` last (empty for 0).
pub fn cut_end(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else if max == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Host-name lanes (a text trace named by its Via hosts) keep their start past
    /// the domain they share; addresses keep their end.
    #[test]
    fn host_name_lanes_keep_what_tells_them_apart() {
        let parts = [
            "client.atlanta.example.com",
            "ss1.atlanta.example.com:5060",
            "ss2.biloxi.example.com",
            "10.0.0.1:5060",
            "P-CSCF",
        ];
        let shared = shared_domain(&parts);
        assert_eq!(shared, ".example.com");
        assert_eq!(short_name(parts[0], shared, 11), "client.atl…");
        assert_eq!(short_name(parts[1], shared, 11), "ss1.atlant…");
        assert_eq!(short_name(parts[2], shared, 11), "ss2.biloxi");
        assert_eq!(short_name(parts[3], shared, 8), "….1:5060");
        assert_eq!(short_name("[2001:db8::1]:5060", shared, 8), "…1]:5060");
        // IPv6 compressed first (RFC 5952 §4), then cut at its start.
        assert_eq!(
            short_name("[2001:0db8:0000:0000:0000:0000:0000:0001]:5060", "", 21),
            "[2001:db8::1]:5060"
        );
        assert_eq!(short_name("2001:db8:0:0:0:0:0:1", "", 21), "2001:db8::1");
        // Too long: the first group, `…`, and whole groups of the end.
        assert_eq!(
            short_name("fe80::21a:a0ff:fe07:32e0", "", 21),
            "fe80:…:a0ff:fe07:32e0"
        );
        assert_eq!(
            short_name("fec0:0:0:0:216:d3ff:fe0d:22c", "", 20),
            "fec0:…:d3ff:fe0d:22c"
        );
        assert_eq!(
            short_name("[2001:db8:85a3::8a2e:370:7334]:5060", "", 21),
            "[2001:…:7334]:5060"
        );
        // Not even one group of each: cut at the start; none starts with `::`.
        assert_eq!(short_name("fe80::21a:a0ff:fe07:32e0", "", 9), "…e07:32e0");
        // A participant's label: the same IPv6 form; host names whole.
        assert_eq!(
            short_address("2001:0db8:85a3:0000:0000:8a2e:0370:7334"),
            "2001:…:8a2e:370:7334"
        );
        assert_eq!(short_address("2001:db8::1"), "2001:db8::1");
        assert_eq!(
            short_address("client.atlanta.example.com"),
            "client.atlanta.example.com"
        );
        assert_eq!(short_name("::ffff:192.168.100.200", "", 12), "…168.100.200");
        assert_eq!(cut_start("172.16.98.101:5060", 8), "…01:5060");
        assert_eq!(
            (cut_end("abcdef", 4), cut_end("ab", 0)),
            ("abc…".into(), "".into())
        );
        // One name, or names with nothing in common: no domain is shared.
        assert_eq!(shared_domain(&["a.example.com", "10.0.0.1"]), "");
        assert_eq!(shared_domain(&["a.example.com", "b.example.org"]), "");
        // A domain that is a whole name is not shared: a label stays.
        assert_eq!(shared_domain(&["example.com", "a.example.com"]), ".com");
        assert_eq!(
            short_name("pcscf.ims.mnc001.mcc001.3gppnetwork.org", "", 11),
            "pcscf.ims.…"
        );
    }
}
