//! `into_owned`: a [`Decoded<'a>`](Decoded) (text borrowed from the input)
//! → a `Decoded<'static>` that outlives it (the trace keeps every message's
//! decoding). Each borrowed string is copied once; owned ones move. The
//! JSON of both is the same.

use std::borrow::Cow;

use super::dto::*;

/// `Cow<'a, str>` → `Cow<'static, str>` (a copy only when borrowed).
fn own(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

fn own_opt(c: Option<Cow<'_, str>>) -> Option<Cow<'static, str>> {
    c.map(own)
}

impl Decoded<'_> {
    /// The same decoding, owning all its text (no borrow of the input).
    pub fn into_owned(self) -> Decoded<'static> {
        Decoded {
            schema_version: self.schema_version,
            kind: self.kind,
            status: self.status.map(StatusDto::into_owned),
            request: self.request.map(RequestDto::into_owned),
            cseq: self.cseq.map(CSeqDto::into_owned),
            call_id: own_opt(self.call_id),
            from: self.from.map(AddressDto::into_owned),
            to: self.to.map(AddressDto::into_owned),
            via: self.via.into_iter().map(ViaDto::into_owned).collect(),
            headers: self
                .headers
                .into_iter()
                .map(HeaderDto::into_owned)
                .collect(),
            body: self.body.into_owned(),
            media: self.media.map(MediaDto::into_owned),
            diagnosis: self.diagnosis.into_owned(),
            findings: self.findings,
        }
    }
}

impl StatusDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> StatusDto<'static> {
        StatusDto {
            code: self.code,
            reason_phrase: own(self.reason_phrase),
            standard_reason_phrase: self.standard_reason_phrase,
            class: self.class,
            is_final: self.is_final,
        }
    }
}

impl RequestDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> RequestDto<'static> {
        RequestDto {
            method: own(self.method),
            uri: own(self.uri),
        }
    }
}

impl CSeqDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> CSeqDto<'static> {
        CSeqDto {
            seq: self.seq,
            method: own(self.method),
        }
    }
}

impl AddressDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> AddressDto<'static> {
        AddressDto {
            display_name: own_opt(self.display_name),
            uri: own(self.uri),
            user: own_opt(self.user),
            host: own_opt(self.host),
            tag: own_opt(self.tag),
            span: self.span,
        }
    }
}

impl ViaDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> ViaDto<'static> {
        ViaDto {
            transport: own(self.transport),
            host: own(self.host),
            port: self.port,
            branch: own_opt(self.branch),
            received: own_opt(self.received),
            rport: own_opt(self.rport),
            span: self.span,
        }
    }
}

impl FieldDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> FieldDto<'static> {
        FieldDto {
            name: self.name,
            value: own(self.value),
            span: self.span,
        }
    }
}

impl HeaderDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> HeaderDto<'static> {
        HeaderDto {
            name: own(self.name),
            canonical_name: self.canonical_name,
            value: own(self.value),
            span: self.span,
            value_span: self.value_span,
            fields: self.fields.into_iter().map(FieldDto::into_owned).collect(),
            meaning: self.meaning,
            spec: self.spec,
        }
    }
}

impl BodyDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> BodyDto<'static> {
        BodyDto {
            kind: self.kind,
            content_type: own_opt(self.content_type),
            length: self.length,
            span: self.span,
        }
    }
}

impl ReasonDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> ReasonDto<'static> {
        ReasonDto {
            protocol: own(self.protocol),
            cause: self.cause,
            text: own_opt(self.text),
            meaning: self.meaning,
            consistent_with_status: self.consistent_with_status,
            span: self.span,
        }
    }
}

impl WarningDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> WarningDto<'static> {
        WarningDto {
            code: self.code,
            agent: own(self.agent),
            text: own(self.text),
            meaning: self.meaning,
            span: self.span,
        }
    }
}

impl ChallengeDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> ChallengeDto<'static> {
        ChallengeDto {
            header: self.header,
            scheme: own(self.scheme),
            algorithm: own_opt(self.algorithm),
            realm: own_opt(self.realm),
            nonce: own_opt(self.nonce),
            qop: own_opt(self.qop),
            opaque: own_opt(self.opaque),
            stale: self.stale,
            aka: self.aka,
            aka_nonce: self.aka_nonce,
            span: self.span,
        }
    }
}

impl DiagnosisDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> DiagnosisDto<'static> {
        DiagnosisDto {
            headline: self.headline,
            summary: self.summary,
            context: self.context,
            likely_causes: self.likely_causes,
            inspect: self.inspect,
            next_steps: self.next_steps,
            retry: self.retry,
            reasons: self
                .reasons
                .into_iter()
                .map(ReasonDto::into_owned)
                .collect(),
            warnings: self
                .warnings
                .into_iter()
                .map(WarningDto::into_owned)
                .collect(),
            sender: self.sender,
            challenge: self.challenge.map(ChallengeDto::into_owned),
            ims: self.ims,
            spec_refs: self.spec_refs,
        }
    }
}

impl MediaDto<'_> {
    /// Owning its text.
    pub fn into_owned(self) -> MediaDto<'static> {
        MediaDto {
            origin: self.origin.map(|o| OriginDto {
                username: own(o.username),
                session_id: own(o.session_id),
                session_version: own(o.session_version),
                address: own(o.address),
            }),
            connection: own_opt(self.connection),
            bandwidths: own_bandwidths(self.bandwidths),
            direction: self.direction,
            streams: self
                .streams
                .into_iter()
                .map(|st| StreamDto {
                    media: own(st.media),
                    port: st.port,
                    rejected: st.rejected,
                    proto: own(st.proto),
                    connection: own_opt(st.connection),
                    direction: st.direction,
                    ptime: st.ptime,
                    maxptime: st.maxptime,
                    rtcp_mux: st.rtcp_mux,
                    bandwidths: own_bandwidths(st.bandwidths),
                    codecs: st
                        .codecs
                        .into_iter()
                        .map(|c| CodecDto {
                            format: own(c.format),
                            payload_type: c.payload_type,
                            name: own(c.name),
                            clock_rate: c.clock_rate,
                            channels: c.channels,
                            static_payload: c.static_payload,
                            fmtp: own_opt(c.fmtp),
                            params: c.params,
                            rtpmap_span: c.rtpmap_span,
                            fmtp_span: c.fmtp_span,
                        })
                        .collect(),
                    preconditions: st.preconditions,
                    security: st.security,
                    line: st.line,
                    span: st.span,
                })
                .collect(),
            span: self.span,
        }
    }
}

fn own_bandwidths(b: Vec<BandwidthDto<'_>>) -> Vec<BandwidthDto<'static>> {
    b.into_iter()
        .map(|b| BandwidthDto {
            bwtype: own(b.bwtype),
            value: b.value,
        })
        .collect()
}
