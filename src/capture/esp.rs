//! IPsec ESP (RFC 4303) as IMS uses it between UE and P-CSCF (3GPP TS
//! 33.203 §7.1): the ESP header and trailer, the security associations
//! (SAs) a capture negotiates or a user gives, integrity check and
//! decryption, and a heuristic for ESP-NULL (RFC 2410) whose negotiation
//! the capture does not hold.
//!
//! - [`esp_header`]: SPI and sequence number (RFC 4303 §2.1, §2.2).
//! - [`Sa`]: one SA: SPI, addresses, the protected port it leads to,
//!   algorithms, keys, where it came from. [`SaTable`] holds them by SPI;
//!   SAs sharing an SPI and an address are told apart by the inner
//!   destination port ([`inner_ports`]) or the ICV.
//! - [`negotiated`]: the four SAs of a sec-agree exchange (RFC 3329 §2.2;
//!   TS 33.203 §7.1): the Security-Client of the UE's REGISTER, the
//!   Security-Server of the P-CSCF's 401 and the CK/IK of the S-CSCF's
//!   401 (TS 24.229 §5.4.1.2.1), keys expanded per TS 33.203 Annex I
//!   ([`integrity_key`], [`encryption_key`]).
//! - [`open`]: ICV checked (HMAC-MD5-96, RFC 2403; HMAC-SHA-1-96, RFC
//!   2404), payload decrypted (AES-CBC, RFC 3602; 3DES-CBC, RFC 2451;
//!   AES-GCM with its own 16-byte ICV, RFC 4106, for SAs given), trailer
//!   read (pad length, next header, RFC 4303 §2.4-2.6).
//! - [`guess_null`]: ESP-NULL without a known SA: ICV lengths 12 and 16
//!   tried, the default padding (1, 2, 3…) and a next header of UDP, TCP
//!   or IP required.
//!
//! The integrity check and the ciphers need the `esp` feature (RustCrypto
//! `hmac`, `md-5`, `sha1`, `aes`, `cbc`, `des`, `aes-gcm`); without it ESP-NULL is read
//! unchecked and encrypted SAs are counted as unreadable.

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;

use super::net::be32;

/// The fixed ESP header: SPI and sequence number (RFC 4303 §2.1, §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EspHeader {
    /// Security Parameters Index.
    pub spi: u32,
    /// Sequence number.
    pub seq: u32,
}

/// The ESP header at the start of `data`; `None` under 8 bytes or for SPI
/// 0 (reserved, RFC 4303 §2.1; a UDP-encapsulated IKE packet's non-ESP
/// marker, RFC 3948 §2.2).
pub fn esp_header(data: &[u8]) -> Option<EspHeader> {
    if data.len() < 8 {
        return None;
    }
    let spi = be32(data, 0);
    (spi != 0).then(|| EspHeader {
        spi,
        seq: be32(data, 4),
    })
}

/// An ESP encryption algorithm as TS 33.203 names them in `ealg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encryption {
    /// `null`: no confidentiality (RFC 2410).
    Null,
    /// `aes-cbc`: AES-128-CBC (RFC 3602).
    AesCbc,
    /// `des-ede3-cbc`: 3DES-CBC (RFC 2451).
    DesEde3Cbc,
    /// `aes-gcm-16`: AES-GCM with a 16-byte ICV (RFC 4106), a combined
    /// mode: no separate integrity algorithm. Key: the AES key (16, 24 or
    /// 32 bytes) then the 4-byte salt (RFC 4106 §8.1); 8-byte IV in each
    /// packet, nonce salt ‖ IV (§4), SPI ‖ sequence number authenticated
    /// (§5). Read with keys given; no key derivation from CK is known here.
    AesGcm16,
}

impl Encryption {
    /// From an `ealg` value (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "null" => Some(Encryption::Null),
            "aes-cbc" => Some(Encryption::AesCbc),
            "des-ede3-cbc" => Some(Encryption::DesEde3Cbc),
            "aes-gcm" | "aes-gcm-16" => Some(Encryption::AesGcm16),
            _ => None,
        }
    }

    /// The `ealg` name.
    pub fn name(self) -> &'static str {
        match self {
            Encryption::Null => "null",
            Encryption::AesCbc => "aes-cbc",
            Encryption::DesEde3Cbc => "des-ede3-cbc",
            Encryption::AesGcm16 => "aes-gcm-16",
        }
    }

    /// IV length in each packet (0 for NULL).
    pub fn iv_len(self) -> usize {
        match self {
            Encryption::Null => 0,
            Encryption::AesCbc => 16,
            Encryption::DesEde3Cbc | Encryption::AesGcm16 => 8,
        }
    }

    /// The cipher block the plaintext is padded to (RFC 4303 §2.4: at
    /// least 4 bytes; counter modes have none of their own).
    pub fn block(self) -> usize {
        match self {
            Encryption::AesCbc => 16,
            Encryption::DesEde3Cbc => 8,
            Encryption::Null | Encryption::AesGcm16 => 4,
        }
    }

    /// Key length in bytes (for AES-GCM the shortest: AES-128 and salt).
    pub fn key_len(self) -> usize {
        match self {
            Encryption::Null => 0,
            Encryption::AesCbc => 16,
            Encryption::DesEde3Cbc => 24,
            Encryption::AesGcm16 => 20,
        }
    }

    /// True when `n` bytes make a key of this algorithm (AES-GCM: 16, 24 or
    /// 32 bytes of AES key, then 4 of salt).
    pub fn key_fits(self, n: usize) -> bool {
        match self {
            Encryption::AesGcm16 => matches!(n, 20 | 28 | 36),
            e => n == e.key_len(),
        }
    }

    /// The ICV of a combined mode (AES-GCM: 16 bytes), which then needs no
    /// integrity algorithm; `None` for the others.
    pub fn combined_icv(self) -> Option<usize> {
        (self == Encryption::AesGcm16).then_some(16)
    }
}

/// An ESP integrity algorithm as TS 33.203 names them in `alg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Integrity {
    /// `hmac-md5-96` (RFC 2403): 128-bit key, 12-byte ICV.
    HmacMd5_96,
    /// `hmac-sha-1-96` (RFC 2404): 160-bit key, 12-byte ICV.
    HmacSha1_96,
}

impl Integrity {
    /// From an `alg` value (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "hmac-md5-96" => Some(Integrity::HmacMd5_96),
            "hmac-sha-1-96" => Some(Integrity::HmacSha1_96),
            _ => None,
        }
    }

    /// The `alg` name.
    pub fn name(self) -> &'static str {
        match self {
            Integrity::HmacMd5_96 => "hmac-md5-96",
            Integrity::HmacSha1_96 => "hmac-sha-1-96",
        }
    }

    /// ICV length in bytes.
    pub fn icv_len(self) -> usize {
        12
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Integrity::HmacMd5_96 => 16,
            Integrity::HmacSha1_96 => 20,
        }
    }
}

/// The integrity key of `alg` from the 128-bit IK (TS 33.203 Annex I):
/// IK itself for HMAC-MD5-96, IK followed by 32 zero bits for
/// HMAC-SHA-1-96.
pub fn integrity_key(alg: Integrity, ik: &[u8; 16]) -> Vec<u8> {
    let mut k = ik.to_vec();
    k.resize(alg.key_len(), 0);
    k
}

/// The encryption key of `ealg` from the 128-bit CK (TS 33.203 Annex I):
/// CK itself for AES-CBC; CK1 ‖ CK2 ‖ CK1 (CK = CK1 ‖ CK2, 64 bits each)
/// for 3DES-CBC; none for NULL, and none for AES-GCM (its key and salt
/// from CK were not read here: give the SA instead).
pub fn encryption_key(ealg: Encryption, ck: &[u8; 16]) -> Vec<u8> {
    match ealg {
        Encryption::Null | Encryption::AesGcm16 => Vec::new(),
        Encryption::AesCbc => ck.to_vec(),
        Encryption::DesEde3Cbc => [&ck[..], &ck[..8]].concat(),
    }
}

/// Where an SA came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaSource {
    /// Given by the user (CLI `--esp-sa`, the page's keys field).
    User,
    /// Negotiated in the capture: the Security-Server of frame `sec_frame`
    /// (with the Security-Client before it), or, when the capture does not
    /// hold that 401, the Security-Verify (and Security-Client) of the
    /// UE's protected REGISTER in frame `sec_frame` (`from_verify`; RFC
    /// 3329 §2.3.1, TS 33.203 Annex H); keys from the `ck`/`ik` of frame
    /// `key_frame`, or from the user (`None`), or none at all.
    Negotiated {
        /// The frame of the 401 holding Security-Server (or of the REGISTER
        /// holding Security-Verify).
        sec_frame: Option<u64>,
        /// The frame of the 401 holding `ck`/`ik`.
        key_frame: Option<u64>,
        /// Learnt from Security-Verify, the Security-Server not captured.
        from_verify: bool,
    },
    /// No negotiation known for the SPI: the CK/IK known (given, or from
    /// the 401 of frame `key_frame`) tried with each algorithm, and the ICV
    /// matched.
    Tried {
        /// The frame of the 401 holding `ck`/`ik` (`None`: given).
        key_frame: Option<u64>,
    },
    /// ESP-NULL recognised by its content, without an SA.
    Heuristic,
}

/// One security association.
#[derive(Clone, PartialEq, Eq)]
pub struct Sa {
    /// Security Parameters Index (chosen by the receiver).
    pub spi: u32,
    /// Source address, when known (packets from elsewhere do not match).
    pub src: Option<IpAddr>,
    /// Destination address, when known.
    pub dst: Option<IpAddr>,
    /// The protected port the SA leads to (the receiver's `port-c` or
    /// `port-s`, TS 33.203 §7.1), when known: an SPI shared by two SAs
    /// towards one address (two UEs behind one NAT) is told apart by it.
    pub dst_port: Option<u16>,
    /// Encryption algorithm.
    pub encryption: Encryption,
    /// Encryption key (empty for NULL, or when unknown).
    pub enc_key: Vec<u8>,
    /// Integrity algorithm (`None`: ICV of `icv_len` bytes not checked).
    pub integrity: Option<Integrity>,
    /// Integrity key (`None`: the ICV is not checked).
    pub auth_key: Option<Vec<u8>>,
    /// ICV length in bytes.
    pub icv_len: usize,
    /// Where it came from.
    pub source: SaSource,
}

// Keys stay out of debug output (logs, panics, test failures).
impl fmt::Debug for Sa {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sa")
            .field("spi", &format_args!("{:#010x}", self.spi))
            .field("src", &self.src)
            .field("dst", &self.dst)
            .field("dst_port", &self.dst_port)
            .field("encryption", &self.encryption)
            .field("integrity", &self.integrity)
            .field("icv_len", &self.icv_len)
            .field("keys", &self.can_open())
            .field("source", &self.source)
            .finish()
    }
}

impl Sa {
    /// True when the payload can be read: ESP-NULL, or the encryption key
    /// is known (and this build has the cipher).
    pub fn can_open(&self) -> bool {
        self.encryption == Encryption::Null
            || (cfg!(feature = "esp") && self.encryption.key_fits(self.enc_key.len()))
    }

    /// `0x1234abcd aes-cbc/hmac-sha-1-96`: what the trace shows of it
    /// (`0x1234abcd aes-gcm-16` for a combined mode).
    pub fn label(&self) -> String {
        let alg = match (self.integrity, self.encryption.combined_icv()) {
            (Some(a), _) => format!("/{}", a.name()),
            (None, Some(_)) => String::new(),
            (None, None) => "/unchecked".into(),
        };
        format!("{:#010x} {}{alg}", self.spi, self.encryption.name())
    }
}

/// Why a user's SA text was refused ([`Sa::from_str`](std::str::FromStr)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaParseError(pub String);

impl fmt::Display for SaParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SaParseError {}

/// The bytes of a hex string (`0x` prefix, `:` and spaces allowed).
pub fn parse_hex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    let s = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .unwrap_or(s);
    let digits: Vec<u8> = s.bytes().filter(|b| !matches!(b, b':' | b' ')).collect();
    if digits.len() % 2 != 0 {
        return None;
    }
    digits
        .chunks(2)
        .map(|p| {
            let hi = (p[0] as char).to_digit(16)?;
            let lo = (p[1] as char).to_digit(16)?;
            Some((hi * 16 + lo) as u8)
        })
        .collect()
}

/// A 128-bit key (CK or IK) from hex.
pub fn parse_key128(s: &str) -> Option<[u8; 16]> {
    parse_hex(s)?.try_into().ok()
}

impl std::str::FromStr for Sa {
    type Err = SaParseError;

    /// `spi=0x1234,enc=aes-cbc:HEX,auth=hmac-sha-1-96:HEX[,src=IP][,dst=IP][,dport=PORT]`:
    /// `enc` is `null`, `aes-cbc:KEY` or `des-ede3-cbc:KEY` (the ESP keys
    /// themselves, 16 and 24 bytes), or `aes-gcm-16:KEY` (AES key then
    /// 4-byte salt: 20, 28 or 36 bytes; RFC 4106, no `auth`); `auth` is
    /// `hmac-md5-96:KEY` (16 bytes) or `hmac-sha-1-96:KEY` (20 bytes), or
    /// `none` (ICV not checked, 12 bytes assumed). `dport` is the
    /// protected port the SA leads to.
    fn from_str(s: &str) -> Result<Sa, SaParseError> {
        let err = |m: String| SaParseError(m);
        let (mut spi, mut enc, mut auth, mut src, mut dst) = (None, None, None, None, None);
        let mut dst_port = None;
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| err(format!("`{part}`: expected key=value")))?;
            match k.trim() {
                "spi" => {
                    let v = v.trim();
                    let n = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                        Some(h) => u32::from_str_radix(h, 16),
                        None => v.parse(),
                    };
                    spi = Some(n.map_err(|_| err(format!("spi `{v}` is not a 32-bit number")))?);
                }
                "enc" => {
                    let (name, key) = v.split_once(':').unwrap_or((v, ""));
                    let e = Encryption::from_name(name.trim()).ok_or_else(|| {
                        err(format!(
                            "enc `{name}`: expected null, aes-cbc, des-ede3-cbc or aes-gcm-16"
                        ))
                    })?;
                    let key = parse_hex(key).ok_or_else(|| err("enc key is not hex".into()))?;
                    if !e.key_fits(key.len()) {
                        return Err(err(format!(
                            "enc {} needs a {}-byte key, got {}",
                            e.name(),
                            if e == Encryption::AesGcm16 {
                                "20, 28 or 36".to_string()
                            } else {
                                e.key_len().to_string()
                            },
                            key.len()
                        )));
                    }
                    enc = Some((e, key));
                }
                "auth" => {
                    let (name, key) = v.split_once(':').unwrap_or((v, ""));
                    if name.trim().eq_ignore_ascii_case("none") {
                        auth = Some(None);
                        continue;
                    }
                    let a = Integrity::from_name(name.trim()).ok_or_else(|| {
                        err(format!(
                            "auth `{name}`: expected hmac-md5-96, hmac-sha-1-96 or none"
                        ))
                    })?;
                    let key = parse_hex(key).ok_or_else(|| err("auth key is not hex".into()))?;
                    if key.len() != a.key_len() {
                        return Err(err(format!(
                            "auth {} needs a {}-byte key, got {}",
                            a.name(),
                            a.key_len(),
                            key.len()
                        )));
                    }
                    auth = Some(Some((a, key)));
                }
                "src" | "dst" => {
                    let ip: IpAddr = v
                        .trim()
                        .parse()
                        .map_err(|_| err(format!("{k} `{v}` is not an IP address")))?;
                    if k == "src" {
                        src = Some(ip);
                    } else {
                        dst = Some(ip);
                    }
                }
                "dport" => {
                    let v = v.trim();
                    dst_port = Some(
                        v.parse()
                            .map_err(|_| err(format!("dport `{v}` is not a port number")))?,
                    );
                }
                other => return Err(err(format!("unknown field `{other}`"))),
            }
        }
        let spi = spi.ok_or_else(|| err("spi= is missing".into()))?;
        let (encryption, enc_key) = enc.unwrap_or((Encryption::Null, Vec::new()));
        let (integrity, auth_key) = match auth.flatten() {
            Some(_) if encryption.combined_icv().is_some() => {
                return Err(err(format!(
                    "enc {} carries its own ICV: no auth",
                    encryption.name()
                )))
            }
            Some((a, k)) => (Some(a), Some(k)),
            None => (None, None),
        };
        let icv_len = encryption.combined_icv().unwrap_or(12);
        Ok(Sa {
            spi,
            src,
            dst,
            dst_port,
            encryption,
            enc_key,
            integrity,
            auth_key,
            icv_len,
            source: SaSource::User,
        })
    }
}

/// Keys a user gives for reading ESP: whole SAs, and the AKA CK/IK to
/// apply to the SAs the capture negotiates when it does not hold the
/// S-CSCF's 401 with `ck`/`ik`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EspKeys {
    /// SAs given whole (CLI `--esp-sa`).
    pub sas: Vec<Sa>,
    /// CK and IK (CLI `--ck`, `--ik`).
    pub ck_ik: Option<([u8; 16], [u8; 16])>,
}

impl fmt::Debug for EspKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EspKeys")
            .field("sas", &self.sas)
            .field("ck_ik", &self.ck_ik.map(|_| "…"))
            .finish()
    }
}

/// [`EspKeys`] as text, the way the wasm trace API (`decodeCaptureKeys`)
/// takes them: SAs in the CLI's `--esp-sa` form, CK and IK in hex.
#[derive(Clone, Default, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EspKeyTexts {
    /// SAs: `spi=0x1000,enc=aes-cbc:HEX,auth=hmac-sha-1-96:HEX` each (the
    /// CLI's `--esp-sa` form: `enc` also `null`, `des-ede3-cbc` or
    /// `aes-gcm-16`; optional `src`, `dst`, `dport`).
    #[serde(default)]
    pub esp_sa: Vec<String>,
    /// CK, 32 hex digits (with `ik`).
    #[serde(default)]
    pub ck: Option<String>,
    /// IK, 32 hex digits (with `ck`).
    #[serde(default)]
    pub ik: Option<String>,
}

// Keys stay out of debug output.
impl fmt::Debug for EspKeyTexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EspKeyTexts")
            .field("esp_sa", &self.esp_sa.len())
            .field("ck_ik", &self.ck.is_some())
            .finish()
    }
}

impl EspKeyTexts {
    /// The keys, or why they do not read.
    pub fn keys(&self) -> Result<EspKeys, SaParseError> {
        let sas = self
            .esp_sa
            .iter()
            .map(|s| s.parse())
            .collect::<Result<Vec<Sa>, _>>()?;
        let key = |name: &str, v: &str| {
            parse_key128(v).ok_or_else(|| SaParseError(format!("{name}: expected 32 hex digits")))
        };
        let ck_ik = match (&self.ck, &self.ik) {
            (None, None) => None,
            (Some(ck), Some(ik)) => Some((key("ck", ck)?, key("ik", ik)?)),
            _ => return Err(SaParseError("ck and ik go together".into())),
        };
        Ok(EspKeys { sas, ck_ik })
    }
}

/// One side's `ipsec-3gpp` parameters (RFC 3329 §2.2; TS 33.203 Annex H).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecAgree {
    /// `spi-c`: the SPI of this side's inbound SA at its protected client port.
    pub spi_c: u32,
    /// `spi-s`: the SPI of this side's inbound SA at its protected server port.
    pub spi_s: u32,
    /// `port-c`: the protected client port.
    pub port_c: u16,
    /// `port-s`: the protected server port.
    pub port_s: u16,
}

/// The four SAs of one sec-agree exchange (TS 33.203 §7.1: two pairs of
/// unidirectional SAs, each SPI chosen by its receiver): the UE's
/// `spi-c`/`spi-s` for packets to the UE's client/server port, the
/// P-CSCF's for packets to the P-CSCF's. `ue` and `pcscf` are the
/// addresses; `ck`/`ik` the AKA keys when known.
#[allow(clippy::too_many_arguments)]
pub fn negotiated(
    ue: IpAddr,
    client: &SecAgree,
    pcscf: IpAddr,
    server: &SecAgree,
    alg: Option<Integrity>,
    ealg: Encryption,
    keys: Option<(&[u8; 16], &[u8; 16])>,
    source: SaSource,
) -> Vec<Sa> {
    let sa = |spi: u32, src: IpAddr, dst: IpAddr, port: u16| Sa {
        spi,
        src: Some(src),
        dst: Some(dst),
        dst_port: Some(port),
        encryption: ealg,
        enc_key: keys.map_or(Vec::new(), |(ck, _)| encryption_key(ealg, ck)),
        integrity: alg,
        auth_key: match (alg, keys) {
            (Some(a), Some((_, ik))) => Some(integrity_key(a, ik)),
            _ => None,
        },
        icv_len: ealg.combined_icv().unwrap_or(12),
        source: source.clone(),
    };
    vec![
        sa(client.spi_c, pcscf, ue, client.port_c),
        sa(client.spi_s, pcscf, ue, client.port_s),
        sa(server.spi_c, ue, pcscf, server.port_c),
        sa(server.spi_s, ue, pcscf, server.port_s),
    ]
}

/// The SAs known, by SPI (an SPI may exist towards several destinations).
#[derive(Debug, Default, Clone)]
pub struct SaTable {
    by_spi: HashMap<u32, Vec<Sa>>,
}

impl SaTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `sa`, replacing one of the same SPI, addresses and port.
    pub fn insert(&mut self, sa: Sa) {
        let v = self.by_spi.entry(sa.spi).or_default();
        v.retain(|x| x.dst != sa.dst || x.src != sa.src || x.dst_port != sa.dst_port);
        if v.len() >= 16 {
            v.remove(0); // a flood of renegotiations: keep the latest
        }
        v.push(sa);
    }

    /// The SA of `spi` for a packet `src` → `dst`: the latest one whose
    /// addresses match (an address not given matches any).
    pub fn find(&self, spi: u32, src: IpAddr, dst: IpAddr) -> Option<&Sa> {
        self.candidates(spi, src, dst).next()
    }

    /// Every SA of `spi` whose addresses match a packet `src` → `dst`,
    /// latest first: the caller tells them apart by the inner port
    /// ([`Sa::dst_port`], [`inner_ports`]) or the ICV.
    pub fn candidates(&self, spi: u32, src: IpAddr, dst: IpAddr) -> impl Iterator<Item = &Sa> {
        self.by_spi
            .get(&spi)
            .into_iter()
            .flat_map(|v| v.iter().rev())
            .filter(move |s| s.dst.is_none_or(|d| d == dst) && s.src.is_none_or(|x| x == src))
    }

    /// Number of SAs.
    pub fn len(&self) -> usize {
        self.by_spi.values().map(Vec::len).sum()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.by_spi.is_empty()
    }
}

/// What an opened ESP packet holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    /// The ESP header.
    pub header: EspHeader,
    /// Next header: 17 UDP, 6 TCP (transport mode), 4/41 an IP packet
    /// (tunnel mode), 59 a dummy packet.
    pub next_header: u8,
    /// The payload, without IV, padding and trailer.
    pub payload: Vec<u8>,
    /// The ICV was checked with the integrity key (else not checked).
    pub verified: bool,
}

/// Why an ESP packet could not be read with its SA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EspError {
    /// Too short for header, IV, trailer and ICV.
    Short,
    /// The ICV does not match: wrong key, or the packet was altered.
    IcvMismatch,
    /// The ciphertext is not a whole number of blocks.
    NotBlocks,
    /// The trailer does not read (pad length past the payload, padding not
    /// 1, 2, 3…): most likely a wrong encryption key.
    BadTrailer,
    /// The encryption key is unknown, or this build has no cipher.
    NoKey,
}

impl fmt::Display for EspError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EspError::Short => "too short for ESP",
            EspError::IcvMismatch => "ICV mismatch",
            EspError::NotBlocks => "ciphertext not a whole number of cipher blocks",
            EspError::BadTrailer => "padding and trailer do not read after decryption",
            EspError::NoKey => "no encryption key",
        })
    }
}

/// Opens ESP packet `esp` (from its SPI on) with `sa`: checks the ICV when
/// the integrity key is known, decrypts, reads the trailer (RFC 4303 §3.4).
pub fn open(sa: &Sa, esp: &[u8]) -> Result<Opened, EspError> {
    let header = esp_header(esp).ok_or(EspError::Short)?;
    let iv = sa.encryption.iv_len();
    if esp.len() < 8 + iv + 2 + sa.icv_len {
        return Err(EspError::Short);
    }
    let (body, icv) = esp.split_at(esp.len() - sa.icv_len);
    if sa.encryption.combined_icv().is_some() {
        if !sa.can_open() {
            return Err(EspError::NoKey);
        }
        let (ivb, ct) = body[8..].split_at(iv);
        let plain = open_gcm(&sa.enc_key, &body[..8], ivb, ct, icv).ok_or(EspError::IcvMismatch)?;
        let (next_header, payload) = trailer(&plain).ok_or(EspError::BadTrailer)?;
        return Ok(Opened {
            header,
            next_header,
            payload: payload.to_vec(),
            verified: true,
        });
    }
    let verified = match (sa.integrity, &sa.auth_key) {
        (Some(alg), Some(key)) => match check_icv(alg, key, body, icv) {
            Some(true) => true,
            Some(false) => return Err(EspError::IcvMismatch),
            None => false,
        },
        _ => false,
    };
    if !sa.can_open() {
        return Err(EspError::NoKey);
    }
    let plain = match sa.encryption {
        Encryption::Null => body[8..].to_vec(),
        e => {
            let (ivb, ct) = body[8..].split_at(iv);
            if ct.is_empty() || ct.len() % iv != 0 {
                return Err(EspError::NotBlocks);
            }
            decrypt(e, &sa.enc_key, ivb, ct).ok_or(EspError::NoKey)?
        }
    };
    let (next_header, payload) = trailer(&plain).ok_or(EspError::BadTrailer)?;
    Ok(Opened {
        header,
        next_header,
        payload: payload.to_vec(),
        verified,
    })
}

/// Pad length and next header at the end of `plain`, the padding checked
/// against the default 1, 2, 3… (RFC 4303 §2.4): the next header and the
/// payload before the padding.
fn trailer(plain: &[u8]) -> Option<(u8, &[u8])> {
    let n = plain.len();
    if n < 2 {
        return None;
    }
    let (pad, nh) = (usize::from(plain[n - 2]), plain[n - 1]);
    let end = (n - 2).checked_sub(pad)?;
    let ok = plain[end..n - 2]
        .iter()
        .enumerate()
        .all(|(i, &b)| usize::from(b) == i + 1);
    ok.then(|| (nh, &plain[..end]))
}

/// Source and destination ports of an opened payload: the UDP or TCP
/// header (transport mode, next header 17 or 6), or the one inside the IP
/// packet (tunnel mode, 4 or 41); `None` for anything else.
pub fn inner_ports(next_header: u8, payload: &[u8]) -> Option<(u16, u16)> {
    let (proto, l4) = match next_header {
        6 | 17 => (next_header, payload),
        4 | 41 => {
            let h = super::net::ip(payload)?;
            (h.proto, payload.get(h.header_len..)?)
        }
        _ => return None,
    };
    (matches!(proto, 6 | 17) && l4.len() >= 4).then(|| {
        (
            u16::from_be_bytes([l4[0], l4[1]]),
            u16::from_be_bytes([l4[2], l4[3]]),
        )
    })
}

/// An ESP-NULL reading found by [`guess_null`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NullGuess {
    /// ICV length that made the trailer read.
    pub icv_len: usize,
    /// Next header (17, 6, 4 or 41).
    pub next_header: u8,
    /// The payload.
    pub payload: Vec<u8>,
}

/// ESP-NULL without an SA: for ICV lengths 12 then 16, the trailer must
/// read with the default padding and a next header of UDP (17), TCP (6),
/// IPv4 (4) or IPv6 (41); every reading that does is returned, for the
/// caller to check the payload (a UDP header followed by SIP…).
pub fn guess_null(esp: &[u8]) -> Vec<NullGuess> {
    let mut out = Vec::new();
    if esp_header(esp).is_none() {
        return out;
    }
    for icv_len in [12, 16] {
        let Some(body) = esp.get(8..esp.len().saturating_sub(icv_len)) else {
            continue;
        };
        if let Some((nh, payload)) = trailer(body) {
            if matches!(nh, 4 | 6 | 17 | 41) && !payload.is_empty() {
                out.push(NullGuess {
                    icv_len,
                    next_header: nh,
                    payload: payload.to_vec(),
                });
            }
        }
    }
    out
}

/// `Some(matches)` when this build can check `alg`, else `None`.
#[cfg(feature = "esp")]
fn check_icv(alg: Integrity, key: &[u8], body: &[u8], icv: &[u8]) -> Option<bool> {
    use hmac::{Hmac, Mac};
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], body: &[u8], icv: &[u8]) -> bool {
        let Ok(mut m) = <M as Mac>::new_from_slice(key) else {
            return false;
        };
        m.update(body);
        m.verify_truncated_left(icv).is_ok()
    }
    Some(match alg {
        Integrity::HmacMd5_96 => mac::<Hmac<md5::Md5>>(key, body, icv),
        Integrity::HmacSha1_96 => mac::<Hmac<sha1::Sha1>>(key, body, icv),
    })
}

#[cfg(not(feature = "esp"))]
fn check_icv(_: Integrity, _: &[u8], _: &[u8], _: &[u8]) -> Option<bool> {
    None
}

/// The ICV of `body` under `alg` and `key` (12 bytes), for writers of test
/// captures; `None` without the `esp` feature.
#[cfg(feature = "esp")]
pub fn compute_icv(alg: Integrity, key: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    use hmac::{Hmac, Mac};
    fn mac<M: Mac + hmac::digest::KeyInit>(key: &[u8], body: &[u8]) -> Option<Vec<u8>> {
        let mut m = <M as Mac>::new_from_slice(key).ok()?;
        m.update(body);
        Some(m.finalize().into_bytes()[..12].to_vec())
    }
    match alg {
        Integrity::HmacMd5_96 => mac::<Hmac<md5::Md5>>(key, body),
        Integrity::HmacSha1_96 => mac::<Hmac<sha1::Sha1>>(key, body),
    }
}

#[cfg(feature = "esp")]
fn decrypt(e: Encryption, key: &[u8], iv: &[u8], ct: &[u8]) -> Option<Vec<u8>> {
    use cbc::cipher::{block_padding::NoPadding, BlockDecryptMut, KeyIvInit};
    match e {
        Encryption::Null => Some(ct.to_vec()),
        Encryption::AesGcm16 => None, // combined mode: `open_gcm`
        Encryption::AesCbc => {
            let mut buf = ct.to_vec();
            cbc::Decryptor::<aes::Aes128>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_mut::<NoPadding>(&mut buf)
                .ok()?;
            Some(buf)
        }
        Encryption::DesEde3Cbc => {
            let mut buf = ct.to_vec();
            cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
                .ok()?
                .decrypt_padded_mut::<NoPadding>(&mut buf)
                .ok()?;
            Some(buf)
        }
    }
}

/// AES-GCM with a 16-byte ICV (RFC 4106): `key` is the AES key then the
/// 4-byte salt; nonce salt ‖ `iv`; the SPI and sequence number (`aad`, no
/// extended sequence numbers) authenticated. `encrypt`: seals `data` and
/// returns ciphertext ‖ ICV; else opens `data` against `icv`.
#[cfg(feature = "esp")]
fn gcm(key: &[u8], aad: &[u8], iv: &[u8], data: &[u8], icv: Option<&[u8]>) -> Option<Vec<u8>> {
    use aes_gcm::aead::{AeadInPlace, KeyInit};
    use aes_gcm::{Aes128Gcm, Aes256Gcm, AesGcm, Nonce, Tag};
    type Aes192Gcm = AesGcm<aes::Aes192, aes_gcm::aead::consts::U12>;
    fn run<C: AeadInPlace + KeyInit>(
        k: &[u8],
        nonce: &[u8; 12],
        aad: &[u8],
        data: &[u8],
        icv: Option<&[u8]>,
    ) -> Option<Vec<u8>> {
        let c = C::new_from_slice(k).ok()?;
        let mut buf = data.to_vec();
        let nonce = Nonce::<C::NonceSize>::from_slice(nonce);
        match icv {
            Some(icv) if icv.len() == 16 => {
                let tag = Tag::<C::TagSize>::from_slice(icv);
                c.decrypt_in_place_detached(nonce, aad, &mut buf, tag)
                    .ok()?;
            }
            Some(_) => return None,
            None => {
                let tag = c.encrypt_in_place_detached(nonce, aad, &mut buf).ok()?;
                buf.extend_from_slice(&tag);
            }
        }
        Some(buf)
    }
    if key.len() < 4 || iv.len() != 8 {
        return None;
    }
    let (k, salt) = key.split_at(key.len() - 4);
    let mut nonce = [0u8; 12];
    nonce[..4].copy_from_slice(salt);
    nonce[4..].copy_from_slice(iv);
    match k.len() {
        16 => run::<Aes128Gcm>(k, &nonce, aad, data, icv),
        24 => run::<Aes192Gcm>(k, &nonce, aad, data, icv),
        32 => run::<Aes256Gcm>(k, &nonce, aad, data, icv),
        _ => None,
    }
}

#[cfg(feature = "esp")]
fn open_gcm(key: &[u8], aad: &[u8], iv: &[u8], ct: &[u8], icv: &[u8]) -> Option<Vec<u8>> {
    gcm(key, aad, iv, ct, Some(icv))
}

#[cfg(not(feature = "esp"))]
fn open_gcm(_: &[u8], _: &[u8], _: &[u8], _: &[u8], _: &[u8]) -> Option<Vec<u8>> {
    None
}

#[cfg(not(feature = "esp"))]
fn decrypt(_: Encryption, _: &[u8], _: &[u8], _: &[u8]) -> Option<Vec<u8>> {
    None
}

/// Encrypts `plain` (a whole number of blocks) with `e`, for writers of
/// test captures; `None` without the `esp` feature or for a bad key/IV.
#[cfg(feature = "esp")]
pub fn encrypt(e: Encryption, key: &[u8], iv: &[u8], plain: &[u8]) -> Option<Vec<u8>> {
    use cbc::cipher::{block_padding::NoPadding, BlockEncryptMut, KeyIvInit};
    match e {
        Encryption::Null => Some(plain.to_vec()),
        Encryption::AesGcm16 => None, // combined mode: `seal`
        Encryption::AesCbc => {
            let mut buf = plain.to_vec();
            let n = buf.len();
            cbc::Encryptor::<aes::Aes128>::new_from_slices(key, iv)
                .ok()?
                .encrypt_padded_mut::<NoPadding>(&mut buf, n)
                .ok()?;
            Some(buf)
        }
        Encryption::DesEde3Cbc => {
            let mut buf = plain.to_vec();
            let n = buf.len();
            cbc::Encryptor::<des::TdesEde3>::new_from_slices(key, iv)
                .ok()?
                .encrypt_padded_mut::<NoPadding>(&mut buf, n)
                .ok()?;
            Some(buf)
        }
    }
}

/// Builds an ESP packet (SPI on) carrying `payload` (next header `nh`)
/// under `sa` with sequence number `seq` and IV `iv` (its length is the
/// SA's): padding 1, 2, 3… to the block (4 bytes for NULL), then the ICV
/// (zeros when the SA has no integrity key). For writers of test captures.
#[cfg(feature = "esp")]
pub fn seal(sa: &Sa, seq: u32, iv: &[u8], nh: u8, payload: &[u8]) -> Option<Vec<u8>> {
    let block = sa.encryption.block();
    let mut plain = payload.to_vec();
    let pad = (block - (plain.len() + 2) % block) % block;
    plain.extend((1..=pad).map(|i| i as u8));
    plain.push(pad as u8);
    plain.push(nh);
    let mut out = sa.spi.to_be_bytes().to_vec();
    out.extend_from_slice(&seq.to_be_bytes());
    out.extend_from_slice(iv);
    if sa.encryption.combined_icv().is_some() {
        let sealed = gcm(&sa.enc_key, &out[..8], iv, &plain, None)?;
        out.extend(sealed);
        return Some(out);
    }
    out.extend(encrypt(sa.encryption, &sa.enc_key, iv, &plain)?);
    let icv = match (sa.integrity, &sa.auth_key) {
        (Some(a), Some(k)) => compute_icv(a, k, &out)?,
        _ => vec![0; sa.icv_len],
    };
    out.extend(icv);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CK: [u8; 16] = *b"0123456789abcdef";
    const IK: [u8; 16] = *b"fedcba9876543210";

    #[test]
    fn key_expansion() {
        assert_eq!(integrity_key(Integrity::HmacMd5_96, &IK), IK.to_vec());
        let k = integrity_key(Integrity::HmacSha1_96, &IK);
        assert_eq!((&k[..16], &k[16..]), (&IK[..], &[0u8; 4][..]));
        assert_eq!(encryption_key(Encryption::AesCbc, &CK), CK.to_vec());
        let k = encryption_key(Encryption::DesEde3Cbc, &CK);
        assert_eq!(k, b"0123456789abcdef01234567".to_vec());
        assert!(encryption_key(Encryption::Null, &CK).is_empty());
    }

    #[test]
    fn user_sa_text() {
        let sa: Sa = "spi=0x1000, enc=aes-cbc:000102030405060708090a0b0c0d0e0f, auth=hmac-sha-1-96:0x0001020304050607080910111213141516171819"
            .parse()
            .unwrap();
        assert_eq!(sa.spi, 0x1000);
        assert_eq!(sa.encryption, Encryption::AesCbc);
        assert_eq!(sa.integrity, Some(Integrity::HmacSha1_96));
        assert_eq!(sa.auth_key.as_ref().map(Vec::len), Some(20));
        let null: Sa = "spi=77,auth=none,dst=10.0.0.1,dport=5064".parse().unwrap();
        assert_eq!(
            (null.spi, null.encryption, null.integrity, null.dst_port),
            (77, Encryption::Null, None, Some(5064))
        );
        for bad in [
            "enc=null",
            "spi=x",
            "spi=1,enc=aes-cbc:00",
            "spi=1,auth=hmac-md5-96:zz",
            "spi=1,foo=2",
            "spi=1,dport=70000",
        ] {
            assert!(bad.parse::<Sa>().is_err(), "{bad}");
        }
        // Keys never show in debug output.
        assert!(!format!("{sa:?}").contains("0001020304"));
    }

    #[test]
    fn trailer_and_null_guess() {
        let mut esp = vec![0, 0, 0, 9, 0, 0, 0, 1];
        esp.extend_from_slice(b"payload");
        esp.extend_from_slice(&[1, 2, 3, 3, 17]);
        esp.extend_from_slice(&[0xaa; 12]);
        let g = guess_null(&esp);
        assert_eq!(g.len(), 1);
        assert_eq!((g[0].icv_len, g[0].next_header), (12, 17));
        assert_eq!(g[0].payload, b"payload");
        // Bad padding: nothing.
        esp[15] = 9;
        assert!(guess_null(&esp).is_empty());
        assert!(guess_null(&[0; 4]).is_empty());
        assert!(esp_header(&[0; 8]).is_none());
    }

    /// AES-GCM-16 (RFC 4106) with each AES key size: the salt is the last
    /// 4 key bytes, the ICV covers SPI and sequence number, a flipped bit
    /// anywhere fails it.
    #[cfg(feature = "esp")]
    #[test]
    fn aes_gcm_seals_and_opens_with_every_key_size() {
        for n in [16, 24, 32] {
            let key: Vec<u8> = (0..n as u8 + 4).collect();
            let text = format!(
                "spi=0x42,enc=aes-gcm-16:{}",
                key.iter().map(|b| format!("{b:02x}")).collect::<String>()
            );
            let sa: Sa = text.parse().unwrap();
            assert_eq!(
                (sa.encryption, sa.icv_len, sa.integrity),
                (Encryption::AesGcm16, 16, None)
            );
            assert_eq!(sa.label(), "0x00000042 aes-gcm-16");
            let esp = seal(&sa, 9, &[3u8; 8], 17, b"hello SIP").unwrap();
            // 8 header + 8 IV + 12 (9 + 1 pad + 2) + 16 ICV.
            assert_eq!(esp.len(), 44);
            let o = open(&sa, &esp).unwrap();
            assert_eq!(
                (o.next_header, o.verified, o.payload.as_slice()),
                (17, true, &b"hello SIP"[..])
            );
            for at in [0, 5, 12, 20, esp.len() - 1] {
                let mut bad = esp.clone();
                bad[at] ^= 1;
                // The SPI byte changes which SA it is, not the result here.
                assert_eq!(open(&sa, &bad), Err(EspError::IcvMismatch), "byte {at}");
            }
            for k in 0..esp.len() {
                let _ = open(&sa, &esp[..k]);
            }
        }
        for bad in [
            "spi=1,enc=aes-gcm-16:00112233",
            "spi=1,enc=aes-gcm-16:000102030405060708090a0b0c0d0e0f10111213,auth=hmac-md5-96:000102030405060708090a0b0c0d0e0f",
        ] {
            assert!(bad.parse::<Sa>().is_err(), "{bad}");
        }
        // No key derivation from CK for it: an SA negotiated without keys.
        assert!(encryption_key(Encryption::AesGcm16, &CK).is_empty());
    }

    #[cfg(feature = "esp")]
    #[test]
    fn seal_then_open_every_algorithm() {
        for (e, iv) in [
            (Encryption::Null, &[][..]),
            (Encryption::AesCbc, &[7u8; 16][..]),
            (Encryption::DesEde3Cbc, &[9u8; 8][..]),
        ] {
            for a in [Integrity::HmacMd5_96, Integrity::HmacSha1_96] {
                let sa = Sa {
                    spi: 0x42,
                    src: None,
                    dst: None,
                    dst_port: None,
                    encryption: e,
                    enc_key: encryption_key(e, &CK),
                    integrity: Some(a),
                    auth_key: Some(integrity_key(a, &IK)),
                    icv_len: 12,
                    source: SaSource::User,
                };
                let esp = seal(&sa, 5, iv, 17, b"hello SIP").unwrap();
                let o = open(&sa, &esp).unwrap();
                assert_eq!((o.next_header, o.verified), (17, true));
                assert_eq!(o.payload, b"hello SIP");
                assert_eq!(o.header.seq, 5);
                // One bit flipped: the ICV fails.
                let mut bad = esp.clone();
                bad[10] ^= 1;
                assert_eq!(open(&sa, &bad), Err(EspError::IcvMismatch));
                // No integrity key: read unchecked.
                let unchecked = Sa {
                    auth_key: None,
                    ..sa.clone()
                };
                assert!(!open(&unchecked, &esp).unwrap().verified);
                // Truncated: no panic.
                for n in 0..esp.len() {
                    let _ = open(&sa, &esp[..n]);
                }
            }
        }
    }
}
