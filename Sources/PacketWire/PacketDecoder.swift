/// Decodes packets of one link type into a preallocated `DecodedPacket`, without allocating.
///
/// The idea of gopacket's DecodingLayerParser: each layer is read in place through its view
/// and only offsets and small values are kept. Decoding never fails: a packet cut short is
/// flagged `isTruncated` with everything before the cut decoded, and a malformed header
/// stops decoding with `error` set.
///
/// Link types: Ethernet, Linux cooked v1 and v2, raw IP (101, 228, 229), BSD NULL and LOOP.
/// VLAN tags (802.1Q, 802.1ad, 0x9100), ARP/RARP, IPv4 (with AH), IPv6 (with extension
/// headers), TCP, UDP, ICMPv4, ICMPv6 with Neighbor Discovery and the header quoted by ICMP
/// errors, and VXLAN (its inner frame decoded once, as Ethernet, into `DecodedPacket.inner`).
///
/// VXLAN is recognised strictly (SPEC §4): in a UDP datagram to one of `vxlanPorts` that is not
/// an IP fragment, whose flags byte is exactly 0x08 and reserved fields zero. Anything else is
/// plain UDP payload. Decoding allocates nothing (the inner frame's box is kept in the
/// `DecodedPacket` reused for the next packet, unless a copy of the packet still holds it).
public struct PacketDecoder: Sendable {
    /// The link type of the packets to decode.
    public var linkType: LinkType
    /// The UDP destination ports recognised as VXLAN (default: 4789; `--vxlan-port`).
    public var vxlanPorts: [UInt16]

    /// Creates a decoder for a link type.
    public init(linkType: LinkType, vxlanPorts: [UInt16] = [VXLANPacket.udpPort]) {
        self.linkType = linkType
        self.vxlanPorts = vxlanPorts
    }

    /// Creates a decoder recognising VXLAN on one port.
    public init(linkType: LinkType, vxlanPort: UInt16) {
        self.init(linkType: linkType, vxlanPorts: [vxlanPort])
    }

    /// The first VXLAN port.
    public var vxlanPort: UInt16 { vxlanPorts.first ?? VXLANPacket.udpPort }

    /// Decodes `bytes` into `packet`, replacing everything it held.
    public func decode(_ bytes: UnsafeRawBufferPointer, into packet: inout DecodedPacket) {
        packet.reset()
        decode(bytes, as: linkType, into: &packet)
    }

    /// Decodes `bytes` as a frame of `linkType` into an empty `packet`.
    private func decode(_ bytes: UnsafeRawBufferPointer, as linkType: LinkType, into packet: inout DecodedPacket) {
        packet.linkType = linkType
        packet.capturedLength = bytes.count
        guard bytes.count > 0 else {
            packet.record(WireError(.truncated, at: 0), at: 0)
            return
        }
        switch linkType {
        case .ethernet:
            decodeEthernet(bytes, into: &packet)
        case .linuxSLL:
            decodeLinuxSLL(bytes, into: &packet)
        case .linuxSLL2:
            decodeLinuxSLL2(bytes, into: &packet)
        case .raw:
            switch bytes.readUInt8(at: 0) >> 4 {
            case 4: decodeIPv4(bytes, at: 0, into: &packet)
            case 6: decodeIPv6(bytes, at: 0, into: &packet)
            default: packet.record(WireError(.unsupported, at: 0), at: 0)
            }
        case .ipv4:
            decodeIPv4(bytes, at: 0, into: &packet)
        case .ipv6:
            decodeIPv6(bytes, at: 0, into: &packet)
        case .null, .loop:
            decodeLoopback(bytes, into: &packet)
        default:
            packet.record(WireError(.unsupported, at: 0), at: 0)
        }
    }

    // MARK: Link layer

    /// Decodes an Ethernet II header, its VLAN tags and what follows.
    private func decodeEthernet(_ bytes: UnsafeRawBufferPointer, into packet: inout DecodedPacket) {
        let frame: EthernetFrame
        do { frame = try EthernetFrame(bytes) } catch {
            packet.record(error, at: 0)
            return
        }
        packet.layers.insert(.ethernet)
        packet.destinationMACAddress = frame.destinationAddress
        packet.sourceMACAddress = frame.sourceAddress
        // IEEE 802.3 with LLC/SNAP (RFC 1042): a length instead of a type, then
        // AA AA 03 (SNAP), OUI 00 00 00 (an EtherType follows) and the EtherType.
        if frame.etherType.rawValue <= 1500 {
            let snap = EthernetFrame.headerLength
            guard bytes.count >= snap + 8, bytes.readUInt16(at: snap) == 0xAAAA, bytes.readUInt8(at: snap + 2) == 0x03,
                  bytes.readUInt8(at: snap + 3) == 0, bytes.readUInt16(at: snap + 4) == 0
            else { return }
            decodeTags(bytes, at: snap + 8, etherType: EtherType(rawValue: bytes.readUInt16(at: snap + 6)), into: &packet)
            return
        }
        decodeTags(bytes, at: EthernetFrame.headerLength, etherType: frame.etherType, into: &packet)
    }

    /// Whether packets of a link type are decoded (others are counted, not analyzed).
    public static func decodes(_ linkType: LinkType) -> Bool {
        switch linkType {
        case .ethernet, .linuxSLL, .linuxSLL2, .raw, .ipv4, .ipv6, .null, .loop: return true
        default: return false
        }
    }

    /// Decodes a Linux cooked v1 header and what follows.
    private func decodeLinuxSLL(_ bytes: UnsafeRawBufferPointer, into packet: inout DecodedPacket) {
        let header: LinuxSLLPacket
        do { header = try LinuxSLLPacket(bytes) } catch {
            packet.record(error, at: 0)
            return
        }
        packet.layers.insert(.linuxSLL)
        packet.linuxPacketType = header.packetType
        packet.sourceMACAddress = header.sourceMACAddress
        guard header.hardwareType != .netlink else { return }
        decodeTags(bytes, at: LinuxSLLPacket.headerLength, etherType: header.protocolType, into: &packet)
    }

    /// Decodes a Linux cooked v2 header and what follows.
    private func decodeLinuxSLL2(_ bytes: UnsafeRawBufferPointer, into packet: inout DecodedPacket) {
        let header: LinuxSLL2Packet
        do { header = try LinuxSLL2Packet(bytes) } catch {
            packet.record(error, at: 0)
            return
        }
        packet.layers.insert(.linuxSLL2)
        packet.linuxPacketType = header.packetType
        packet.interfaceIndex = header.interfaceIndex
        packet.sourceMACAddress = header.sourceMACAddress
        guard header.hardwareType != .netlink else { return }
        decodeTags(bytes, at: LinuxSLL2Packet.headerLength, etherType: header.protocolType, into: &packet)
    }

    /// Decodes a BSD loopback header: a 4-byte address family, in either byte order.
    private func decodeLoopback(_ bytes: UnsafeRawBufferPointer, into packet: inout DecodedPacket) {
        guard bytes.count >= 4 else {
            packet.record(WireError(.truncated, at: bytes.count), at: 0)
            return
        }
        packet.layers.insert(.loopback)
        // NULL is in the writer's byte order, LOOP in network order: a family is small, so
        // whichever reading fits in 16 bits is the right one.
        let bigEndian = bytes.readUInt32(at: 0)
        let family = bigEndian <= 0xFFFF ? bigEndian : bigEndian.byteSwapped
        packet.networkOffset = 4
        switch family {
        case 2:
            packet.etherType = .ipv4
            decodeIPv4(bytes, at: 4, into: &packet)
        case 10, 24, 28, 30:  // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, Darwin
            packet.etherType = .ipv6
            decodeIPv6(bytes, at: 4, into: &packet)
        default:
            break
        }
    }

    /// Walks the VLAN tags after a type field at `offset` and decodes the network layer.
    private func decodeTags(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, etherType: EtherType, into packet: inout DecodedPacket
    ) {
        var networkOffset = offset
        var networkType = etherType
        if etherType.isVLANTag {
            let stack: VLANTagStack
            do { stack = try VLANTagStack(walking: bytes.slice(from: offset), etherType: etherType) } catch {
                packet.record(error, at: offset)
                return
            }
            packet.layers.insert(.vlan)
            packet.vlanCount = stack.count
            packet.outerVLANIdentifier = stack.outerIdentifier
            packet.innerVLANIdentifier = stack.innerIdentifier
            networkOffset += stack.payloadOffset
            networkType = stack.innerEtherType
        }
        packet.etherType = networkType
        packet.networkOffset = networkOffset
        switch networkType {
        case .ipv4: decodeIPv4(bytes, at: networkOffset, into: &packet)
        case .ipv6: decodeIPv6(bytes, at: networkOffset, into: &packet)
        case .arp, .rarp: decodeARP(bytes, at: networkOffset, into: &packet)
        default: break
        }
    }

    // MARK: Network layer

    /// Decodes an ARP or RARP packet at `offset`.
    private func decodeARP(_ bytes: UnsafeRawBufferPointer, at offset: Int, into packet: inout DecodedPacket) {
        do {
            let view = try ARPPacket(bytes.slice(from: offset))
            packet.arp = try ARPHeader(view)
            packet.layers.insert(.arp)
        } catch {
            packet.record(error, at: offset)
        }
    }

    /// Decodes an IPv4 header at `offset`, an AH after it, and the transport layer.
    private func decodeIPv4(_ bytes: UnsafeRawBufferPointer, at offset: Int, into packet: inout DecodedPacket) {
        let ip: IPv4Packet
        do { ip = try IPv4Packet(bytes.slice(from: offset)) } catch {
            packet.record(error, at: offset)
            return
        }
        packet.layers.insert(.ipv4)
        packet.networkOffset = offset
        packet.sourceAddress = .v4(ip.sourceAddress)
        packet.destinationAddress = .v4(ip.destinationAddress)
        packet.hopLimit = ip.timeToLive
        packet.ipLength = ip.totalLength == 0 ? ip.bytes.count : ip.totalLength
        packet.networkEndOffset = offset + ip.endOffset
        if ip.isTruncated { packet.record(WireError(.truncated, at: ip.bytes.count), at: offset) }
        if ip.isFragment {
            packet.isFragment = true
            packet.fragmentOffset = ip.fragmentOffset
            packet.moreFragments = ip.moreFragments
            packet.fragmentIdentification = UInt32(ip.identification)
        }
        var transportOffset = offset + ip.headerLength
        var upperLayer = ip.protocol
        packet.ipProtocol = upperLayer
        packet.transportOffset = transportOffset
        guard ip.fragmentOffset == 0 else { return }
        let end = packet.networkEndOffset
        if upperLayer == .authentication {
            let header: IPv6ExtensionHeader
            do {
                header = try IPv6ExtensionHeader(bytes.slice(from: transportOffset, to: end), kind: .authentication)
            } catch {
                packet.record(error, at: transportOffset)
                return
            }
            packet.layers.insert(.ipExtensions)
            transportOffset += header.headerLength
            upperLayer = header.nextHeader
            packet.ipProtocol = upperLayer
            packet.transportOffset = transportOffset
        }
        decodeTransport(bytes, protocol: upperLayer, from: transportOffset, to: end, into: &packet)
    }

    /// Decodes an IPv6 header at `offset`, its extension headers, and the transport layer.
    private func decodeIPv6(_ bytes: UnsafeRawBufferPointer, at offset: Int, into packet: inout DecodedPacket) {
        let ip: IPv6Packet
        do { ip = try IPv6Packet(bytes.slice(from: offset)) } catch {
            packet.record(error, at: offset)
            return
        }
        packet.layers.insert(.ipv6)
        packet.networkOffset = offset
        packet.sourceAddress = .v6(ip.sourceAddress)
        packet.destinationAddress = .v6(ip.destinationAddress)
        packet.hopLimit = ip.hopLimit
        packet.ipLength = ip.extendsToEndOfBytes ? ip.bytes.count : IPv6Packet.headerLength + ip.payloadLength
        packet.networkEndOffset = offset + ip.endOffset
        if ip.isTruncated { packet.record(WireError(.truncated, at: ip.bytes.count), at: offset) }
        if ip.hasInvalidZeroLength {
            // The bytes after the header are a link-layer trailer, not a payload.
            packet.record(WireError(.invalidField, at: 4), at: offset)
            return
        }
        let payloadOffset = offset + IPv6Packet.headerLength
        packet.ipProtocol = ip.nextHeader
        packet.transportOffset = payloadOffset
        let chain: IPv6HeaderChain
        do { chain = try IPv6HeaderChain(walking: ip.payload, firstHeader: ip.nextHeader) } catch {
            packet.record(error, at: payloadOffset)
            return
        }
        if chain.extensionHeaderCount > 0 { packet.layers.insert(.ipExtensions) }
        if chain.isFragment {
            packet.isFragment = true
            packet.fragmentOffset = chain.fragmentOffset
            packet.moreFragments = chain.moreFragments
            packet.fragmentIdentification = chain.fragmentIdentification
        }
        let transportOffset = payloadOffset + chain.upperLayerOffset
        packet.ipProtocol = chain.upperLayerProtocol
        packet.transportOffset = transportOffset
        guard chain.hasUpperLayerHeader else { return }
        decodeTransport(
            bytes, protocol: chain.upperLayerProtocol, from: transportOffset, to: packet.networkEndOffset,
            into: &packet)
    }

    // MARK: Transport layer

    /// Decodes the upper-layer header in `start..<end`.
    private func decodeTransport(
        _ bytes: UnsafeRawBufferPointer, protocol upperLayer: IPProtocol, from start: Int, to end: Int,
        into packet: inout DecodedPacket
    ) {
        let segment = bytes.slice(from: start, to: end)
        packet.payloadOffset = start
        packet.payloadLength = end - start
        do {
            switch upperLayer {
            case .tcp:
                let tcp = try TCPPacket(segment)
                packet.layers.insert(.tcp)
                packet.sourcePort = tcp.sourcePort
                packet.destinationPort = tcp.destinationPort
                packet.tcpFlags = tcp.flags
                packet.sequenceNumber = tcp.sequenceNumber
                packet.acknowledgmentNumber = tcp.acknowledgmentNumber
                packet.payloadOffset = start + tcp.headerLength
                packet.payloadLength = end - packet.payloadOffset
            case .udp:
                let udp = try UDPPacket(segment)
                packet.layers.insert(.udp)
                packet.sourcePort = udp.sourcePort
                packet.destinationPort = udp.destinationPort
                packet.payloadOffset = start + UDPPacket.headerLength
                packet.payloadLength = udp.endOffset - UDPPacket.headerLength
                if udp.isTruncated { packet.record(WireError(.truncated, at: segment.count), at: start) }
                if !packet.isFragment && vxlanPorts.contains(udp.destinationPort) {
                    decodeVXLAN(udp.payload, at: packet.payloadOffset, of: bytes, into: &packet)
                }
            case .icmp:
                let icmp = try ICMPv4Packet(segment)
                packet.layers.insert(.icmpv4)
                packet.icmpType = icmp.type.rawValue
                packet.icmpCode = icmp.code
                packet.payloadOffset = start + ICMPv4Packet.headerLength
                packet.payloadLength = end - packet.payloadOffset
                if let quoted = icmp.embeddedPacketOffset {
                    decodeEmbedded(bytes, from: start + quoted, to: end, into: &packet)
                }
            case .icmpv6:
                let icmp = try ICMPv6Packet(segment)
                packet.layers.insert(.icmpv6)
                packet.icmpType = icmp.type.rawValue
                packet.icmpCode = icmp.code
                packet.payloadOffset = start + 8
                packet.payloadLength = end - packet.payloadOffset
                if icmp.type.isNeighborDiscovery {
                    packet.ndpTargetAddress = icmp.targetAddress
                    packet.neighborAdvertisementFlags = icmp.neighborAdvertisementFlags ?? []
                    for option in icmp.options {
                        if option.type == .sourceLinkLayerAddress, packet.ndpSourceLinkLayerAddress == nil {
                            packet.ndpSourceLinkLayerAddress = option.linkLayerAddress
                        } else if option.type == .targetLinkLayerAddress, packet.ndpTargetLinkLayerAddress == nil {
                            packet.ndpTargetLinkLayerAddress = option.linkLayerAddress
                        }
                    }
                } else if let quoted = icmp.embeddedPacketOffset {
                    decodeEmbedded(bytes, from: start + quoted, to: end, into: &packet)
                }
            default:
                break
            }
        } catch {
            packet.record(error, at: start)
        }
    }

    /// Decodes the VXLAN header that starts at `offset` of `bytes` (the UDP payload) and the
    /// inner frame after it, into `packet.inner` (one level: an inner frame's own is located only).
    private func decodeVXLAN(_ payload: UnsafeRawBufferPointer, at offset: Int, of bytes: UnsafeRawBufferPointer,
                             into packet: inout DecodedPacket) {
        // Too short or not exactly a VXLAN header: plain UDP payload, not an error.
        guard let vxlan = try? VXLANPacket(payload), vxlan.isStrictHeader else { return }
        packet.layers.insert(.vxlan)
        packet.vxlanOffset = offset
        packet.vxlanNetworkIdentifier = vxlan.networkIdentifier
        packet.innerFrameOffset = offset + VXLANPacket.headerLength
        guard !packet.isInnerFrame, packet.innerFrameOffset < bytes.count else { return }
        let storage = packet.uniqueInnerStorage()
        storage.packet = DecodedPacket()
        storage.packet.isInnerFrame = true
        decode(bytes.slice(from: packet.innerFrameOffset), as: .ethernet, into: &storage.packet)
        packet.hasInnerFrame = storage.packet.layers.contains(.ethernet)
    }

    /// Decodes, as far as it goes, the packet quoted by an ICMP error in `start..<end`.
    ///
    /// A quoted packet is short by design, so nothing here marks the packet truncated.
    private func decodeEmbedded(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, into packet: inout DecodedPacket
    ) {
        let quoted = bytes.slice(from: start, to: end)
        guard quoted.count > 0 else { return }
        var transportOffset: Int
        var upperLayer: IPProtocol
        switch quoted.readUInt8(at: 0) >> 4 {
        case 4:
            guard let ip = try? IPv4Packet(quoted) else { return }
            packet.layers.insert(.embeddedIP)
            packet.embeddedOffset = start
            packet.embeddedSourceAddress = .v4(ip.sourceAddress)
            packet.embeddedDestinationAddress = .v4(ip.destinationAddress)
            upperLayer = ip.protocol
            transportOffset = ip.headerLength
            packet.embeddedProtocol = upperLayer
            packet.embeddedTransportOffset = start + transportOffset
            guard ip.fragmentOffset == 0 else { return }
        case 6:
            guard let ip = try? IPv6Packet(quoted) else { return }
            packet.layers.insert(.embeddedIP)
            packet.embeddedOffset = start
            packet.embeddedSourceAddress = .v6(ip.sourceAddress)
            packet.embeddedDestinationAddress = .v6(ip.destinationAddress)
            upperLayer = ip.nextHeader
            transportOffset = IPv6Packet.headerLength
            packet.embeddedProtocol = upperLayer
            packet.embeddedTransportOffset = start + transportOffset
            let rest = quoted.slice(from: IPv6Packet.headerLength)
            guard let chain = try? IPv6HeaderChain(walking: rest, firstHeader: upperLayer),
                chain.hasUpperLayerHeader
            else { return }
            upperLayer = chain.upperLayerProtocol
            transportOffset += chain.upperLayerOffset
            packet.embeddedProtocol = upperLayer
            packet.embeddedTransportOffset = start + transportOffset
        default:
            return
        }
        switch upperLayer {
        case .tcp, .udp, .sctp:
            guard quoted.count - transportOffset >= 4 else { return }
            packet.layers.insert(.embeddedTransport)
            packet.embeddedSourcePort = quoted.readUInt16(at: transportOffset)
            packet.embeddedDestinationPort = quoted.readUInt16(at: transportOffset + 2)
        default:
            break
        }
    }
}
