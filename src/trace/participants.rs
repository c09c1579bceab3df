//! Participants: the nodes of a trace (the ladder's lanes), each message's
//! sender and receiver, and the IMS role a node plays when the messages
//! say so.
//!
//! - Captures and logs with addresses: a node is an IP address (every port
//!   of it: ephemeral TCP ports are not new nodes), unless that IP sends to
//!   itself (several elements on one host): its nodes are then `ip:port`.
//! - Pasted text without addresses: the sender of a request is its topmost
//!   Via (RFC 3261 §18.2.1: the `received` parameter and the sent-by name
//!   the same node and are merged, as are the Via and Contact hosts of one
//!   dialog tag, §12); its receiver is the node that
//!   forwarded it next (the next copy of the same request whose Via stack
//!   adds one value on top of this one's, §16.6 step 8), else the topmost
//!   Route (§16.12, loose routing), else the Contact of a response the
//!   receiver answered with, else the next hop this sender used for other
//!   requests, and only as a last resort the Request-URI host (which names
//!   the target, rarely the next hop). A response goes from its request's
//!   receiver to its topmost Via (§18.2.2).
//! - IMS roles (3GPP TS 24.229) from evidence in the messages: Path in a
//!   REGISTER names the P-CSCF (§5.2.2.1, RFC 3327), Service-Route in a 2xx
//!   to REGISTER the S-CSCF (§5.4.1.2.2, RFC 3608), a Route with `orig`
//!   the originating S-CSCF (§5.4.3.1), Security-Client/-Verify the UE and
//!   its P-CSCF (§5.1.1.2, RFC 3329), P-Visited-Network-ID the P-CSCF that
//!   inserted it (§5.2.2.1) and the next node relaying the REGISTER the
//!   I-CSCF (§5.3.1.2), P-Preferred-Service/-Identity the UE
//!   (§5.1.2A.1), an ISUP body the MGCF (TS 29.163), and an S-CSCF's Route
//!   to a server followed by its own address the AS (the S-CSCF's
//!   originating procedures, §5.4.3.2).

use std::collections::HashMap;

use serde::Serialize;

use super::correlate::{Correlation, Info};
use super::model::MessageSummary;
use super::names::short_address;
use super::roles::{host_key, HintTarget, ViaHop};

/// A node of the trace: one lane of the ladder.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// Position in [`crate::trace::Trace::participants`].
    pub id: usize,
    /// Short name for a lane: the IMS role when known (with the address
    /// when two nodes share a role), else the address (long IPv6 addresses
    /// shortened, see `address`).
    pub label: String,
    /// The full address: IP address (captures, logs) or host name / IP of
    /// the Via and Route values (pasted text).
    pub address: String,
    /// `UE`, `P-CSCF`, `I-CSCF`, `S-CSCF`, `AS` or `MGCF` when messages say
    /// so (see `roleEvidence`).
    #[cfg_attr(
        target_arch = "wasm32",
        tsify(type = r#""UE" | "P-CSCF" | "I-CSCF" | "S-CSCF" | "AS" | "MGCF" | null"#)
    )]
    pub role: Option<&'static str>,
    /// What in the messages names the role (e.g. `Service-Route in 200 OK
    /// (REGISTER) #4`).
    pub role_evidence: Option<String>,
    /// Every address and name this node was seen with (`ip:port` of each
    /// port, Via sent-by and `received` names), in order of appearance.
    pub addresses: Vec<String>,
    /// Messages sent by this node.
    pub sent: usize,
    /// Messages received by this node.
    pub received: usize,
}

/// The lane of a sender nothing in the message names.
pub const UNKNOWN_SENDER: &str = "unknown sender";
/// The lane of a receiver nothing in the message names.
pub const UNKNOWN_RECEIVER: &str = "unknown receiver";

/// Participants and each message's (sender, receiver).
pub(crate) struct Lanes {
    pub participants: Vec<Participant>,
    pub ends: Vec<(usize, usize)>,
}

/// Union-find over node keys.
#[derive(Default)]
struct Nodes {
    keys: Vec<String>,
    index: HashMap<String, usize>,
    parent: Vec<usize>,
}

impl Nodes {
    fn id(&mut self, k: &str) -> usize {
        if let Some(&i) = self.index.get(k) {
            return i;
        }
        let i = self.keys.len();
        self.keys.push(k.to_owned());
        self.index.insert(k.to_owned(), i);
        self.parent.push(i);
        i
    }
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.parent[r] != r {
            r = self.parent[r];
        }
        let mut y = x;
        while self.parent[y] != r {
            let n = self.parent[y];
            self.parent[y] = r;
            y = n;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The earlier-seen key stays the root (stable names).
            self.parent[a.max(b)] = a.min(b);
        }
    }
}

/// The IP of `ip:port`, `[v6]:port` or a bare address, as a node key.
fn ip_of(addr: &str) -> String {
    let a = addr.trim();
    if let Some(rest) = a.strip_prefix('[') {
        return host_key(rest.split(']').next().unwrap_or(rest));
    }
    if a.matches(':').count() == 1 {
        return host_key(a.split(':').next().unwrap_or(a));
    }
    host_key(a)
}

/// The Request-URI host (the last resort for a receiver).
fn ruri_host(info: &Info) -> Option<String> {
    let u = info.ruri.as_deref()?;
    let rest = u.split_once(':').map_or(u, |x| x.1);
    let rest = rest.rsplit_once('@').map_or(rest, |x| x.1);
    let host = if let Some(v6) = rest.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        rest.split([';', '?', '>', ':']).next().unwrap_or(rest)
    };
    (!host.is_empty()).then(|| host_key(host))
}

fn via_node(v: &ViaHop) -> String {
    v.received.clone().unwrap_or_else(|| v.host.clone())
}

/// Works out the participants of a trace (see the module docs).
pub(crate) fn compute(raws: &[MessageSummary], infos: &[Info], cor: &Correlation) -> Lanes {
    let n = infos.len();
    let mut nodes = Nodes::default();
    // Aliases: a Via's sent-by and its `received` are one node. With
    // addresses (captures), only a host name joins the sender's IP: private
    // Via addresses behind NATs repeat across nodes.
    let addressed = raws.iter().any(|r| r.src.is_some() && r.dst.is_some());
    for m in infos.iter().filter(|_| !addressed) {
        for v in &m.vias {
            let a = nodes.id(&v.host);
            if let Some(r) = &v.received {
                let b = nodes.id(r);
                nodes.union(a, b);
            }
        }
    }
    // A dialog tag names one UA (RFC 3261 §12): the Via of the requests it
    // sends itself (one Via) and the Contact it gives in requests and
    // responses are one node.
    if !addressed {
        let mut by_tag: HashMap<(&str, &str), usize> = HashMap::new();
        for m in infos {
            // A proxy sends CANCEL and the ACK of a non-2xx hop by hop,
            // with its own single Via and the caller's From tag.
            let (tag, own_via) = if m.is_request {
                let hop_by_hop = matches!(m.method.as_str(), "CANCEL" | "ACK");
                (m.from_tag.as_deref(), m.vias.len() == 1 && !hop_by_hop)
            } else if m.method == "REGISTER" {
                // A 2xx to REGISTER lists the bindings, not the registrar.
                (None, false)
            } else {
                (m.to_tag.as_deref(), false)
            };
            let Some(tag) = tag else { continue };
            let hosts = m
                .contact_host
                .iter()
                .chain(m.vias.first().filter(|_| own_via).map(|v| &v.host));
            for h in hosts {
                let k = nodes.id(h);
                match by_tag.get(&(m.call_id.as_str(), tag)) {
                    Some(&first) => nodes.union(first, k),
                    None => {
                        by_tag.insert((m.call_id.as_str(), tag), k);
                    }
                }
            }
        }
    }
    // Hosts known as nodes: Via names and Contact hosts. A Request-URI
    // naming one of them (an in-dialog request to the remote target after
    // the route set is used up, RFC 3261 §16.12) is the next hop.
    let known: std::collections::HashSet<String> = infos
        .iter()
        .flat_map(|m| {
            m.vias
                .iter()
                .flat_map(|v| std::iter::once(v.host.clone()).chain(v.received.clone()))
                .chain(m.contact_host.clone())
        })
        .collect();
    // Index of request copies: (Call-ID, CSeq, method) → messages.
    let mut copies: HashMap<(&str, Option<u32>, &str), Vec<usize>> = HashMap::new();
    for (i, m) in infos.iter().enumerate() {
        if m.is_request {
            copies
                .entry((m.call_id.as_str(), m.cseq, m.method.as_str()))
                .or_default()
                .push(i);
        }
    }
    let mut ends: Vec<(Option<String>, Option<String>)> = vec![(None, None); n];
    // An IP that talks to itself (several elements on one host, e.g. a lab
    // on 127.0.0.1) is split by port: else every arrow would loop back.
    let split: std::collections::HashSet<String> = raws
        .iter()
        .filter_map(|r| {
            let (s, d) = (ip_of(r.src.as_deref()?), ip_of(r.dst.as_deref()?));
            (s == d).then_some(s)
        })
        .collect();
    let node_of = |a: &str| {
        let ip = ip_of(a);
        if split.contains(&ip) {
            a.trim().to_ascii_lowercase()
        } else {
            ip
        }
    };
    // The receiver of each INVITE by (Call-ID, top Via host, branch).
    let mut invites: HashMap<(String, String, Option<String>), String> = HashMap::new();
    // Pass 1: addresses, Via, forwarded copies, Route, Contact.
    for i in 0..n {
        let m = &infos[i];
        let r = &raws[i];
        let src = r.src.as_deref().map(node_of);
        let dst = r.dst.as_deref().map(node_of);
        if let (Some(s), Some(top)) = (&src, m.vias.first()) {
            if m.is_request && top.host.parse::<std::net::IpAddr>().is_err() {
                // The sender's Via names it: FQDN and IP are one node.
                let (a, b) = (nodes.id(s), nodes.id(&top.host));
                nodes.union(a, b);
            }
        }
        if let (Some(s), Some(d)) = (&src, &dst) {
            ends[i] = (Some(s.clone()), Some(d.clone()));
            continue;
        }
        if m.is_request {
            let from = src.or_else(|| m.vias.first().map(via_node));
            let to = dst.or_else(|| {
                forwarded_by(i, infos, &copies)
                    .or_else(|| m.routes.first().map(|r| r.0.clone()))
                    .or_else(|| same_branch_invite(m, &invites))
                    .or_else(|| ruri_host(m).filter(|h| known.contains(h)))
            });
            if m.method == "INVITE" {
                if let (Some(top), Some(t)) = (m.vias.first(), &to) {
                    invites.insert(
                        (m.call_id.clone(), top.host.clone(), top.branch.clone()),
                        t.clone(),
                    );
                }
            }
            ends[i] = (from, to);
        } else {
            let to = dst.or_else(|| m.vias.first().map(via_node));
            ends[i] = (src, to);
        }
    }
    // Pass 2: responses come from their request's receiver; a request
    // without a known receiver goes where its sender sent other requests.
    let mut next_hop: HashMap<(String, String), String> = HashMap::new();
    let mut any_hop: HashMap<String, String> = HashMap::new();
    for i in 0..n {
        if let (true, (Some(f), Some(t))) = (infos[i].is_request, &ends[i]) {
            next_hop
                .entry((f.clone(), infos[i].call_id.clone()))
                .or_insert_with(|| t.clone());
            any_hop.entry(f.clone()).or_insert_with(|| t.clone());
        }
    }
    for i in 0..n {
        let m = &infos[i];
        if m.is_request && ends[i].1.is_none() {
            let f = ends[i].0.clone().unwrap_or_default();
            ends[i].1 = next_hop
                .get(&(f.clone(), m.call_id.clone()))
                .or_else(|| any_hop.get(&f))
                .cloned()
                .or_else(|| answered_contact(i, infos, cor))
                .or_else(|| ruri_host(m));
        }
    }
    for i in 0..n {
        let m = &infos[i];
        if m.is_request || ends[i].0.is_some() {
            continue;
        }
        let tx = &cor.transactions[cor.msg_tx[i]];
        // The request copy with the same top Via (this hop's request).
        let req = tx
            .requests
            .iter()
            .copied()
            .find(|&q| infos[q].vias.first() == m.vias.first())
            .or_else(|| tx.requests.first().copied());
        ends[i].0 = req
            .and_then(|q| ends[q].1.clone())
            .or_else(|| m.contact_host.clone())
            .or_else(|| m.to_host.clone());
    }
    // Nodes, merged by alias, numbered in order of appearance.
    // A message that names neither end (no address, no Via, no Route):
    // two distinct placeholder lanes, never one lane looping on itself.
    let (nobody_from, nobody_to) = (UNKNOWN_SENDER.to_owned(), UNKNOWN_RECEIVER.to_owned());
    let mut ids: Vec<(usize, usize)> = Vec::with_capacity(n);
    for e in &ends {
        let a = nodes.id(e.0.as_ref().unwrap_or(&nobody_from));
        let b = nodes.id(e.1.as_ref().unwrap_or(&nobody_to));
        ids.push((a, b));
    }
    let mut lane_of: HashMap<usize, usize> = HashMap::new();
    let mut parts: Vec<Participant> = Vec::new();
    let mut out = Vec::with_capacity(n);
    for (i, &(a, b)) in ids.iter().enumerate() {
        let mut lane = |x: usize, nodes: &mut Nodes| {
            let root = nodes.find(x);
            *lane_of.entry(root).or_insert_with(|| {
                parts.push(Participant {
                    id: parts.len(),
                    label: String::new(),
                    address: nodes.keys[x].clone(),
                    role: None,
                    role_evidence: None,
                    addresses: Vec::new(),
                    sent: 0,
                    received: 0,
                });
                parts.len() - 1
            })
        };
        let (la, lb) = (lane(a, &mut nodes), lane(b, &mut nodes));
        parts[la].sent += 1;
        parts[lb].received += 1;
        let r = &raws[i];
        for (l, addr) in [(la, &r.src), (lb, &r.dst)] {
            if let Some(x) = addr {
                if !parts[l].addresses.contains(x) {
                    parts[l].addresses.push(x.clone());
                }
            }
        }
        out.push((la, lb));
    }
    // Text: the names each node was seen with.
    for (k, key) in nodes.keys.clone().iter().enumerate() {
        let root = nodes.find(k);
        if let Some(&l) = lane_of.get(&root) {
            if key != UNKNOWN_SENDER
                && key != UNKNOWN_RECEIVER
                && !parts[l].addresses.contains(key)
                && raws.iter().all(|r| r.src.is_none())
            {
                parts[l].addresses.push(key.clone());
            }
        }
    }
    // Roles.
    let mut votes: HashMap<usize, Vec<(&'static str, String)>> = HashMap::new();
    for (i, m) in infos.iter().enumerate() {
        for h in &m.roles {
            let lane = match &h.target {
                HintTarget::Sender => Some(out[i].0),
                HintTarget::Receiver => Some(out[i].1),
                HintTarget::Origin => {
                    // The copy of this response with the most Vias.
                    let deepest = cor.transactions[cor.msg_tx[i]]
                        .responses
                        .iter()
                        .copied()
                        .chain(cor.by_call_id[&m.call_id].iter().copied().filter(|&j| {
                            !infos[j].is_request
                                && infos[j].cseq == m.cseq
                                && infos[j].code == m.code
                        }))
                        .max_by_key(|&j| (infos[j].vias.len(), usize::MAX - j))
                        .unwrap_or(i);
                    Some(out[deepest].0)
                }
                HintTarget::Host(host) => nodes
                    .index
                    .get(host)
                    .copied()
                    .map(|k| nodes.find(k))
                    .and_then(|r| lane_of.get(&r).copied()),
            };
            if let Some(l) = lane {
                votes
                    .entry(l)
                    .or_default()
                    .push((h.role, format!("{} (#{})", h.evidence, i + 1)));
            }
        }
    }
    for (l, v) in votes {
        // The role with most evidence; ties go to the first seen.
        let mut best: Option<(&str, usize, &String)> = None;
        for (role, ev) in &v {
            let c = v.iter().filter(|x| x.0 == *role).count();
            if best.is_none_or(|b| c > b.1) {
                best = Some((role, c, ev));
            }
        }
        if let Some((role, _, ev)) = best {
            parts[l].role = Some(role);
            parts[l].role_evidence = Some(ev.clone());
        }
    }
    let roles: Vec<Option<&str>> = parts.iter().map(|p| p.role).collect();
    for p in &mut parts {
        let short = short_address(&p.address);
        p.label = match p.role {
            Some(r) if roles.iter().filter(|x| **x == Some(r)).count() == 1 => r.to_owned(),
            Some(r) => format!("{r} {short}"),
            None => short,
        };
    }
    Lanes {
        participants: parts,
        ends: out,
    }
}

/// The copy of request `i` forwarded by its receiver: a later request with
/// the same Call-ID, CSeq and method whose Via stack is `i`'s with one more
/// value on top.
fn forwarded_by(
    i: usize,
    infos: &[Info],
    copies: &HashMap<(&str, Option<u32>, &str), Vec<usize>>,
) -> Option<String> {
    let m = &infos[i];
    let top = m.vias.first()?;
    copies
        .get(&(m.call_id.as_str(), m.cseq, m.method.as_str()))?
        .iter()
        .copied()
        .filter(|&j| j > i)
        .find(|&j| {
            let v = &infos[j].vias;
            v.len() == m.vias.len() + 1 && v[1].host == top.host && v[1].branch == top.branch
        })
        .map(|j| via_node(&infos[j].vias[0]))
}

/// The receiver of the INVITE that an ACK (to a non-2xx final) or a CANCEL
/// shares its hop and branch with (RFC 3261 §9.1, §17.1.1.3).
fn same_branch_invite(
    m: &Info,
    invites: &HashMap<(String, String, Option<String>), String>,
) -> Option<String> {
    if !matches!(m.method.as_str(), "ACK" | "CANCEL") {
        return None;
    }
    let top = m.vias.first()?;
    invites
        .get(&(m.call_id.clone(), top.host.clone(), top.branch.clone()))
        .cloned()
}

/// The Contact host of a provisional (101-199) or 2xx response to request
/// `i`'s transaction sent back over the same hop: the node that answered.
fn answered_contact(i: usize, infos: &[Info], cor: &Correlation) -> Option<String> {
    // A 2xx to REGISTER lists the registered bindings, not the registrar.
    if infos[i].method == "REGISTER" {
        return None;
    }
    let top = infos[i].vias.first();
    cor.transactions[cor.msg_tx[i]]
        .responses
        .iter()
        .copied()
        .filter(|&r| infos[r].vias.first() == top && infos[r].vias.len() == infos[i].vias.len())
        .filter(|&r| infos[r].code.is_some_and(|c| (101..300).contains(&c)))
        .find_map(|r| infos[r].contact_host.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_either_family() {
        assert_eq!(ip_of("[2001:db8::1]:5060"), "2001:db8::1");
        assert_eq!(ip_of("192.0.2.1:5060"), "192.0.2.1");
        assert_eq!(ip_of("2001:db8::1"), "2001:db8::1");
    }
}
