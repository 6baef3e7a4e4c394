import PacketWire

extension DecodedPacket {
    /// How many leading bytes of the frame the flow table reads: every header it decodes (link,
    /// VLAN, IP with its options or extension headers, TCP with its options, UDP, the first 8
    /// bytes of ICMP, an ICMP error's quoted headers, a VXLAN frame's inner headers), at least 64
    /// bytes, at most what was captured. A frame cut to it counts in the same flow, with the same
    /// inferences, as the whole frame: lengths come from the IP header and the original length,
    /// never from what was captured (`flows --shard` keeps only these bytes).
    public var flowHeadersLength: Int {
        var end = max(64, payloadOffset, transportOffset + 8)
        if layers.contains(.arp) { end = max(end, networkOffset + 28) }
        if layers.contains(.embeddedIP) { end = max(end, embeddedOffset + 40, embeddedTransportOffset + 8) }
        if let inner { end = max(end, innerFrameOffset + inner.flowHeadersLength) }
        return min(end, capturedLength)
    }
}
