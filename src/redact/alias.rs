//! Pseudonyms: the alias each family of identifier gets, and how an alias
//! is recognised again (so redacting twice changes nothing more).
//!
//! Every alias keeps its value's shape — a phone number stays digits of the
//! same count with its `+` and separators, an IP stays an IP of the same
//! family, an opaque token keeps its length and punctuation — and comes from
//! a range nobody uses for real:
//!
//! | family | alias | recognised by |
//! |---|---|---|
//! | digits (phone) | `999` + zero-padded counter, same digit count (`99` + counter under 6 digits); one counter per digit count | `99` up to 7 digits, `99900` from 8 |
//! | IMSI | MCC+MNC (first 5 digits) + `9999` + counter | digits 6–9 are `9999` |
//! | IMEI | TAC kept, serial = counter, check digit made wrong | fails the Luhn check (every real IMEI passes it) |
//! | UUID | `00000000-0000-4000-8000-` + counter | that prefix |
//! | IPv4 | 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737), then 198.18.0.0/15, then 240.0.0.0/4 | those ranges |
//! | IPv6 | `2001:db8::` + counter (RFC 3849) | 2001:db8::/32 |
//! | word (user, display name) | `user7`, `Person7` | that form |
//! | host | `host7.invalid` (RFC 2606) | `.invalid`, `.example`, `.test`, `example.com/net/org` |
//! | opaque (nonce, tag, Call-ID…) | fill character (`0`, or `A` for base64) + counter, same length and punctuation | starts with 4+ fill characters then digits |
//! | SPI | `9999` + 4-digit counter | 8 digits starting `9999` |
//! | MAC | `02:00:00:00:` + counter (locally administered) | that prefix |

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Zero-padded decimal `n` in at least `width` digits.
fn pad(n: u64, width: usize) -> String {
    format!("{n:0width$}")
}

/// The digits of `s`, in order.
pub(crate) fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// Writes `alias_digits` over the digits of `original`, keeping `+` and
/// visual separators in place; when the counts differ (a counter outgrew
/// its width) the alias digits follow the original's prefix plainly.
pub(crate) fn overlay_digits(original: &str, alias_digits: &str) -> String {
    let n = original.chars().filter(char::is_ascii_digit).count();
    if n != alias_digits.len() {
        let plus = if original.starts_with('+') { "+" } else { "" };
        return format!("{plus}{alias_digits}");
    }
    let mut it = alias_digits.chars();
    original
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                it.next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

/// Phone-number alias digits for a number of `len` digits.
pub(crate) fn phone(n: u64, len: usize) -> String {
    if len >= 6 {
        format!("999{}", pad(n, len - 3))
    } else {
        format!("99{}", pad(n, len.saturating_sub(2)))
    }
}

/// True for digits that are a phone alias: `99` up to 7 digits, `99900`
/// from 8 (real numbers under +999 do exist; counters run per digit count,
/// so the zeros last for 10^(n-5) numbers of n digits).
pub(crate) fn is_phone_alias(d: &str) -> bool {
    match d.len() {
        0..=3 => false,
        4..=7 => d.starts_with("99"),
        _ => d.starts_with("99900"),
    }
}

/// IMSI alias: the MCC and a 2-digit MNC are kept (they name the operator,
/// not the subscriber).
pub(crate) fn imsi(original: &str, n: u64) -> String {
    let keep = original.get(..5).unwrap_or(original);
    format!("{keep}9999{}", pad(n, original.len().saturating_sub(9)))
}

/// True for an IMSI alias.
pub(crate) fn is_imsi_alias(d: &str) -> bool {
    d.len() >= 14 && d.get(5..9) == Some("9999")
}

/// Luhn check digit of `d` (the digits before the check digit).
fn luhn_digit(d: &str) -> u32 {
    let sum: u32 = d
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, v)| {
            if i % 2 == 0 {
                let x = v * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                v
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// IMEI alias digits (14 to 16 digits): the type allocation code (TAC,
/// the device model) is kept, the serial number becomes the counter and a
/// 15-digit IMEI gets a deliberately wrong check digit.
pub(crate) fn imei(d: &str, n: u64) -> String {
    let tac = d.get(..8).unwrap_or(d);
    let serial = pad(n, 6);
    match d.len() {
        15 => {
            let body = format!("{tac}{serial}");
            let wrong = (luhn_digit(&body) + 1) % 10;
            format!("{body}{wrong}")
        }
        16 => format!("{tac}{serial}00"),
        len => {
            let s = format!("{tac}{serial}");
            s.chars().take(len.max(s.len())).collect()
        }
    }
}

/// True for an IMEI alias: a 15-digit IMEI failing its Luhn check, or a
/// 14/16-digit one whose serial starts `0000`.
pub(crate) fn is_imei_alias(d: &str) -> bool {
    match d.len() {
        15 => luhn_digit(&d[..14]) != d.as_bytes()[14].wrapping_sub(b'0') as u32,
        14 | 16 => d.get(8..12) == Some("0000"),
        _ => false,
    }
}

/// UUID alias.
pub(crate) fn uuid(n: u64) -> String {
    format!("00000000-0000-4000-8000-{n:012x}")
}

/// True for a UUID alias.
pub(crate) fn is_uuid_alias(s: &str) -> bool {
    s.len() == 36 && s.starts_with("00000000-0000-4000-8000-")
}

/// IPv4 alias number `n` (1-based): the three documentation networks, then
/// the benchmarking range, then the reserved 240.0.0.0/4.
pub(crate) fn ipv4(n: u64) -> Ipv4Addr {
    match n {
        0..=254 => Ipv4Addr::new(192, 0, 2, n.max(1) as u8),
        255..=508 => Ipv4Addr::new(198, 51, 100, (n - 254) as u8),
        509..=762 => Ipv4Addr::new(203, 0, 113, (n - 508) as u8),
        763..=131_833 => {
            let k = n - 762;
            Ipv4Addr::new(198, 18 + (k >> 16) as u8, (k >> 8) as u8, k as u8)
        }
        _ => {
            // 240.0.0.0/4 (reserved, RFC 1112 §4): 2^28 more.
            let k = (n - 131_833) & 0x0fff_ffff;
            Ipv4Addr::from(0xf000_0000 | k as u32)
        }
    }
}

/// True for addresses that are an alias or carry no identity (unspecified,
/// loopback, broadcast, multicast): these are never replaced.
pub(crate) fn keep_ipv4(a: Ipv4Addr) -> bool {
    let o = a.octets();
    a.is_unspecified()
        || a.is_loopback()
        || a.is_broadcast()
        || a.is_multicast()
        || (o[0], o[1], o[2]) == (192, 0, 2)
        || (o[0], o[1], o[2]) == (198, 51, 100)
        || (o[0], o[1], o[2]) == (203, 0, 113)
        || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
        || o[0] >= 240
}

/// IPv6 alias number `n`.
pub(crate) fn ipv6(n: u64) -> Ipv6Addr {
    Ipv6Addr::new(
        0x2001,
        0xdb8,
        0,
        0,
        0,
        (n >> 32) as u16,
        (n >> 16) as u16,
        n as u16,
    )
}

/// True for IPv6 addresses that are an alias or carry no identity.
pub(crate) fn keep_ipv6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    a.is_unspecified() || a.is_loopback() || a.is_multicast() || (s[0], s[1]) == (0x2001, 0xdb8)
}

/// True when the address is kept as it is.
pub(crate) fn keep_ip(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => keep_ipv4(a),
        IpAddr::V6(a) => keep_ipv6(a),
    }
}

/// Word alias (`user7`, `Person7`).
pub(crate) fn word(prefix: &str, n: u64) -> String {
    format!("{prefix}{n}")
}

/// True for a word alias with `prefix`.
pub(crate) fn is_word_alias(s: &str, prefix: &str) -> bool {
    let b = s.as_bytes();
    b.len() > prefix.len()
        && b[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
        && b[prefix.len()..].iter().all(u8::is_ascii_digit)
}

/// Host alias.
pub(crate) fn host(n: u64) -> String {
    format!("host{n}.invalid")
}

/// True for reserved example names (RFC 2606, RFC 6761) — aliases included.
pub(crate) fn is_host_alias(s: &str) -> bool {
    let s = s.trim_end_matches('.').to_ascii_lowercase();
    ["invalid", "example", "test", "localhost"]
        .iter()
        .any(|tld| s == *tld || s.ends_with(&format!(".{tld}")))
        || ["example.com", "example.net", "example.org"]
            .iter()
            .any(|d| s == *d || s.ends_with(&format!(".{d}")))
}

/// The fill character of an opaque value: `A` (a zero byte in base64) when
/// the value has letters beyond hex, else `0`.
fn fill_of(s: &str) -> char {
    if s.bytes()
        .any(|b| b.is_ascii_alphabetic() && !b.is_ascii_hexdigit())
    {
        'A'
    } else {
        '0'
    }
}

/// Opaque alias: same length and punctuation; the alphanumerics become the
/// fill character with the counter's digits at the end.
pub(crate) fn opaque(original: &str, n: u64) -> String {
    let fill = fill_of(original);
    let counter = n.to_string();
    let alnum = original.chars().filter(char::is_ascii_alphanumeric).count();
    if alnum < counter.len() + 1 {
        // Too short to hold the counter: grow.
        return format!("{fill}{counter}");
    }
    let mut digits = counter.chars().rev();
    let mut out: Vec<char> = original
        .chars()
        .rev()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                digits.next().unwrap_or(fill)
            } else {
                c
            }
        })
        .collect();
    out.reverse();
    out.into_iter().collect()
}

/// True for an opaque alias: its alphanumerics are fill characters (4 or
/// more, or any number in a value of 6 or fewer) followed by digits only.
pub(crate) fn is_opaque_alias(s: &str) -> bool {
    let a: Vec<u8> = s.bytes().filter(u8::is_ascii_alphanumeric).collect();
    let Some(&first) = a.first() else {
        return true;
    };
    if first != b'0' && first != b'A' {
        return false;
    }
    let fills = a.iter().take_while(|&&b| b == first).count();
    let rest_digits = a[fills..].iter().all(u8::is_ascii_digit);
    // Short values hold little more than the counter (`010`, `A42`).
    rest_digits && (fills >= 4 || a.len() <= 6)
}

/// SPI alias (decimal).
pub(crate) fn spi(n: u64) -> String {
    format!("9999{}", pad(n, 4))
}

/// True for an SPI alias.
pub(crate) fn is_spi_alias(s: &str) -> bool {
    s.len() >= 8 && s.starts_with("9999") && s.bytes().all(|b| b.is_ascii_digit())
}

/// Cell-identity alias: the first 5 characters (MCC + MNC) kept, then
/// `0000` and the counter in hex, same length.
pub(crate) fn cell(original: &str, n: u64) -> String {
    if original.len() < 10 || !original.bytes().all(|b| b.is_ascii_hexdigit()) {
        return opaque(original, n);
    }
    let width = original.len() - 9;
    format!("{}0000{n:0width$X}", &original[..5])
}

/// True for a cell-identity alias.
pub(crate) fn is_cell_alias(s: &str) -> bool {
    if s.len() >= 10 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        s.get(5..9) == Some("0000")
    } else {
        is_opaque_alias(s)
    }
}

/// MAC alias (locally administered, unicast).
pub(crate) fn mac(n: u64) -> [u8; 6] {
    [2, 0, 0, 0, (n >> 8) as u8, n as u8]
}

/// True for a MAC alias or a MAC with no identity (broadcast, zero).
pub(crate) fn keep_mac(m: [u8; 6]) -> bool {
    m == [0; 6] || m == [0xff; 6] || (m[0] & 1 == 1) || m[..4] == [2, 0, 0, 0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_aliases_keep_the_format() {
        let a = phone(1, 11);
        assert_eq!(a, "99900000001");
        assert!(is_phone_alias(&a));
        assert_eq!(overlay_digits("+1 (212) 555-1234", &a), "+9 (990) 000-0001");
        assert_eq!(overlay_digits("+1212", "99999999"), "+99999999");
    }

    #[test]
    fn imsi_and_imei_aliases_are_recognised() {
        let a = imsi("001010123456789", 3);
        assert_eq!(a, "001019999000003");
        assert!(is_imsi_alias(&a) && !is_imsi_alias("001010123456789"));
        // A real IMEI passes Luhn; the alias does not.
        assert!(!is_imei_alias("352099001761481"));
        let a = imei("352099001761481", 1);
        assert_eq!(&a[..8], "35209900");
        assert!(is_imei_alias(&a));
    }

    #[test]
    fn ip_aliases_are_documentation_addresses() {
        assert_eq!(ipv4(1).to_string(), "192.0.2.1");
        assert_eq!(ipv4(255).to_string(), "198.51.100.1");
        assert_eq!(ipv4(763).to_string(), "198.18.0.1");
        for n in [1, 300, 600, 5000, 131_834, 131_835, 10_000_000] {
            assert!(keep_ipv4(ipv4(n)), "{n}");
        }
        assert_ne!(ipv4(131_834), ipv4(131_835));
        assert!(!keep_ipv4(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(ipv6(10).to_string(), "2001:db8::a");
        assert!(keep_ipv6(ipv6(10)));
    }

    #[test]
    fn opaque_aliases_keep_length_and_punctuation() {
        let a = opaque("a84b4c76e66710", 12);
        assert_eq!(a, "00000000000012");
        assert!(is_opaque_alias(&a) && !is_opaque_alias("a84b4c76e66710"));
        let b = opaque("dGhpcyBpcyBhIG5vbmNl==", 5);
        assert_eq!(b.len(), 22);
        assert!(b.ends_with("5==") && b.starts_with("AAAA"));
        assert!(is_opaque_alias(&b));
        assert_eq!(opaque("ab-cd", 7), "00-07");
        assert_eq!(opaque("x", 42), "A42");
        assert!(is_opaque_alias(&opaque("x", 42)));
    }

    #[test]
    fn words_hosts_cells() {
        assert!(is_word_alias(&word("user", 3), "user"));
        assert!(!is_word_alias("alice", "user"));
        assert!(is_host_alias(&host(2)) && !is_host_alias("ims.mnc001.mcc001.3gppnetwork.org"));
        let c = cell("001010001000019B", 2);
        assert_eq!(c, "0010100000000002");
        assert!(is_cell_alias(&c) && !is_cell_alias("001010001000019B"));
        assert!(is_spi_alias(&spi(4)));
        assert!(keep_mac(mac(9)));
    }
}
