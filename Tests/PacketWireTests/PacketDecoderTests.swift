import Testing

@testable import PacketWire

/// Builders for test frames, from the library's own emitters.
enum Build {
    static func ethernet(_ type: EtherType, source: String = "02:00:00:00:00:01", destination: String = "02:00:00:00:00:02")
        -> [UInt8]
    {
        let header = EthernetHeader(
            destinationAddress: MACAddress(destination)!, sourceAddress: MACAddress(source)!, etherType: type)
        return try! emitted(count: 14) { try header.emit(into: $0) }
    }

    static func tag(_ identifier: UInt16, _ type: EtherType, priority: UInt8 = 0) -> [UInt8] {
        try! emitted(count: 4) { try VLANHeader(priority: priority, identifier: identifier, etherType: type).emit(into: $0) }
    }

    static func ipv4(_ header: IPv4Header) -> [UInt8] {
        try! emitted(count: 20) { try header.emit(into: $0) }
    }

    static func ipv6(_ header: IPv6Header) -> [UInt8] {
        try! emitted(count: 40) { try header.emit(into: $0) }
    }

    static func udp(_ source: UInt16, _ destination: UInt16, payload: [UInt8]) -> [UInt8] {
        let header = UDPHeader(sourcePort: source, destinationPort: destination, payloadLength: payload.count)
        return try! emitted(count: 8) { try header.emit(into: $0) } + payload
    }

    static func tcp(_ header: TCPHeader, payload: [UInt8] = []) -> [UInt8] {
        try! emitted(count: header.headerLength) { try header.emit(into: $0) } + payload
    }
}

@Suite struct PacketDecoderTests {
    /// Decodes `bytes` with a fresh decoder for `linkType`.
    func decode(_ bytes: [UInt8], as linkType: LinkType = .ethernet) -> DecodedPacket {
        var packet = DecodedPacket()
        withView(bytes) { PacketDecoder(linkType: linkType).decode($0, into: &packet) }
        return packet
    }

    static let hostA = IPv4Address(10, 0, 0, 1)
    static let hostB = IPv4Address(10, 0, 0, 2)

    @Test func ethernetARP() {
        let packet = decode(EthernetTests.frame + [UInt8](repeating: 0, count: 18))  // padded to 60
        #expect(packet.layers == [.ethernet, .arp])
        #expect(!packet.isTruncated && packet.error == nil)
        #expect(packet.destinationMACAddress == .broadcast)
        #expect(packet.sourceMACAddress == MACAddress("6c:f0:49:b2:de:6e"))
        #expect(packet.etherType == .arp && packet.networkOffset == 14)
        #expect(packet.arp == ARPTests.header)
        #expect(packet.vlanCount == 0 && packet.outerVLANIdentifier == 0)
    }

    @Test func singleVLANTag() {
        let frame = Build.ethernet(.vlan) + Build.tag(42, .ipv4, priority: 3) + IPv4Tests.packet
        let packet = decode(frame)
        #expect(packet.layers == [.ethernet, .vlan, .ipv4, .udp])
        #expect(packet.vlanCount == 1 && packet.outerVLANIdentifier == 42 && packet.innerVLANIdentifier == 42)
        #expect(packet.etherType == .ipv4 && packet.networkOffset == 18)
        #expect(packet.sourceAddress == .v4(IPv4Address(10, 0, 0, 8)))
        #expect(packet.destinationAddress == .v4(IPv4Address(10, 0, 0, 138)))
        #expect(packet.ipProtocol == .udp && packet.transportOffset == 38)
        #expect(packet.sourcePort == 50860 && packet.destinationPort == 53)
        #expect(packet.payloadOffset == 46 && packet.payloadLength == 34)
        #expect(packet.hopLimit == 64 && packet.ipLength == 62 && packet.networkEndOffset == 80)
    }

    @Test func qinqFromACaptureCutAtSixtyBytes() {
        // pcapplusplus QinQ_802.1_AD.pcapng, packet 1, first 60 of 1500 bytes.
        var frame = VLANTests.frame
        frame += [UInt8](repeating: 0, count: 60 - frame.count)
        frame.replaceSubrange(34..<42, with: [0xc0, 0x55, 0x01, 0x16, 0xc0, 0x55, 0x01, 0x0e])
        let packet = decode(frame)
        #expect(packet.layers == [.ethernet, .vlan, .ipv4])
        #expect(packet.vlanCount == 2 && packet.outerVLANIdentifier == 30 && packet.innerVLANIdentifier == 100)
        #expect(packet.networkOffset == 22)
        #expect(packet.sourceAddress == .v4(IPv4Address(192, 85, 1, 22)))
        #expect(packet.destinationAddress == .v4(IPv4Address(192, 85, 1, 14)))
        #expect(packet.ipProtocol == IPProtocol(rawValue: 253))
        #expect(packet.ipLength == 1474 && packet.networkEndOffset == 60)
        #expect(packet.isTruncated)
        #expect(packet.error == WireError(.truncated, at: 60))
    }

    @Test func threeStackedTags() {
        let frame = Build.ethernet(.vlanDoubleTag) + Build.tag(7, .qinq) + Build.tag(8, .vlan) + Build.tag(9, .arp)
            + Array(ARPTests.request)
        let packet = decode(frame)
        #expect(packet.vlanCount == 3 && packet.outerVLANIdentifier == 7 && packet.innerVLANIdentifier == 9)
        #expect(packet.layers.contains(.arp) && packet.networkOffset == 26)
    }

    @Test func linuxSLL() {
        let packet = decode(LinuxSLLTests.packet, as: .linuxSLL)
        #expect(packet.layers == [.linuxSLL, .ipv4, .udp])
        #expect(packet.linuxPacketType == .outgoing)
        #expect(packet.sourceMACAddress == MACAddress("08:00:27:19:1c:78") && packet.destinationMACAddress == nil)
        #expect(packet.networkOffset == 16 && packet.transportOffset == 36)
        #expect(packet.destinationPort == 53 && packet.payloadLength == 34)
        #expect(!packet.isTruncated && packet.error == nil)
    }

    @Test func linuxSLLWithVLANTag() {
        let header = LinuxSLLHeader(packetType: .host, source: MACAddress("02:00:00:00:00:09")!, protocolType: .vlan)
        let frame = try! emitted(count: 16) { try header.emit(into: $0) } + Build.tag(5, .ipv4) + IPv4Tests.packet
        let packet = decode(frame, as: .linuxSLL)
        #expect(packet.layers == [.linuxSLL, .vlan, .ipv4, .udp])
        #expect(packet.outerVLANIdentifier == 5 && packet.networkOffset == 20)
    }

    @Test func linuxSLL2() {
        let packet = decode(LinuxSLL2Tests.packet, as: .linuxSLL2)
        #expect(packet.layers == [.linuxSLL2, .ipv4, .tcp])
        #expect(packet.interfaceIndex == 20 && packet.linuxPacketType == .host)
        #expect(packet.sourceMACAddress == MACAddress("f0:3f:95:8f:82:63"))
        #expect(packet.sourceAddress == .v4(IPv4Address(116, 63, 66, 108)))
        #expect(packet.sourcePort == 443 && packet.destinationPort == 57292)
        #expect(packet.tcpFlags == [.fin, .ack])
        #expect(packet.sequenceNumber == 2_865_673_705)
        #expect(packet.payloadOffset == 60 && packet.payloadLength == 0)
    }

    @Test(arguments: [LinkType.raw, LinkType.ipv4])
    func rawIPv4(_ linkType: LinkType) {
        let packet = decode(IPv4Tests.packet, as: linkType)
        #expect(packet.layers == [.ipv4, .udp])
        #expect(packet.networkOffset == 0 && packet.transportOffset == 20 && packet.destinationPort == 53)
    }

    @Test(arguments: [LinkType.raw, LinkType.ipv6])
    func rawIPv6(_ linkType: LinkType) {
        let packet = decode(ICMPv6Tests.solicitation, as: linkType)
        #expect(packet.layers == [.ipv6, .icmpv6])
        #expect(packet.sourceAddress == .v6(.any))
        #expect(packet.icmpv6Type == .neighborSolicitation && packet.icmpCode == 0)
        #expect(packet.ndpTargetAddress == ICMPv6Tests.target)
        #expect(packet.ndpSourceLinkLayerAddress == nil)
        #expect(packet.hopLimit == 255 && packet.transportOffset == 40)
    }

    @Test func rawWithAnotherVersionIsUnsupported() {
        let packet = decode([0x50] + [UInt8](repeating: 0, count: 30), as: .raw)
        #expect(packet.layers == [] && packet.error == WireError(.unsupported, at: 0) && !packet.isTruncated)
    }

    @Test(arguments: [
        ([2, 0, 0, 0] as [UInt8], LinkType.null, true),  // AF_INET, little-endian writer
        ([0, 0, 0, 2], LinkType.loop, true),  // AF_INET, network order
        ([30, 0, 0, 0], LinkType.null, false),  // AF_INET6 on Darwin
        ([0, 0, 0, 24], LinkType.null, false),  // AF_INET6 on OpenBSD, big-endian writer
    ])
    func loopback(_ family: [UInt8], _ linkType: LinkType, _ isIPv4: Bool) {
        let packet = decode(family + (isIPv4 ? IPv4Tests.packet : ICMPv6Tests.solicitation), as: linkType)
        #expect(packet.layers.contains(.loopback))
        #expect(packet.layers.contains(isIPv4 ? .ipv4 : .ipv6))
        #expect(packet.networkOffset == 4)
    }

    @Test func neighborAdvertisementWithTargetLinkLayerAddress() {
        let ip = IPv6Header(
            sourceAddress: ICMPv6Tests.target, destinationAddress: .linkLocalAllNodes, nextHeader: .icmpv6,
            payloadLength: 32, hopLimit: 255)
        let packet = decode(Build.ethernet(.ipv6) + Build.ipv6(ip) + ICMPv6Tests.advertisement)
        #expect(packet.layers == [.ethernet, .ipv6, .icmpv6])
        #expect(packet.icmpv6Type == .neighborAdvertisement)
        #expect(packet.neighborAdvertisementFlags == [.router, .override])
        #expect(packet.ndpTargetAddress == ICMPv6Tests.target)
        #expect(packet.ndpTargetLinkLayerAddress == MACAddress("c2:00:54:f5:00:00"))
    }

    @Test func ipv6WithSeveralExtensionHeaders() {
        let frame = Build.ethernet(.ipv6) + IPv6ExtensionHeaderTests.packet
        let packet = decode(frame)
        #expect(packet.layers == [.ethernet, .ipv6, .ipExtensions])
        #expect(packet.ipProtocol == IPProtocol(rawValue: 89))
        #expect(packet.transportOffset == 14 + 40 + 64)
        #expect(packet.destinationAddress == .v6(IPv6Address("ff02::5")!))
        #expect(!packet.isTruncated && packet.error == nil)
    }

    @Test func ipv6ExtensionHeadersBeforeTCP() {
        // Hop-by-hop (8 bytes of padding), destination options (8 bytes), then TCP.
        let tcp = Build.tcp(TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, flags: .syn, window: 4))
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]
        let destination: [UInt8] = [6, 0, 1, 4, 0, 0, 0, 0]
        let ip = IPv6Header(
            sourceAddress: IPv6Address("2001:db8::1")!, destinationAddress: IPv6Address("2001:db8::2")!,
            nextHeader: .hopByHop, payloadLength: 16 + tcp.count)
        let packet = decode(Build.ipv6(ip) + hopByHop + destination + tcp, as: .ipv6)
        #expect(packet.layers == [.ipv6, .ipExtensions, .tcp])
        #expect(packet.transportOffset == 56 && packet.sourcePort == 1 && packet.tcpFlags == .syn)
    }

    @Test func ipv4Fragments() {
        let udp = Build.udp(5000, 6000, payload: [UInt8](repeating: 7, count: 24))
        var header = IPv4Header(
            sourceAddress: Self.hostA, destinationAddress: Self.hostB, protocol: .udp, payloadLength: udp.count,
            identification: 0xBEEF, moreFragments: true)
        let first = decode(Build.ipv4(header) + udp, as: .ipv4)
        #expect(first.layers == [.ipv4, .udp])
        #expect(first.isFragment && first.moreFragments && first.fragmentOffset == 0)
        #expect(first.fragmentIdentification == 0xBEEF && first.destinationPort == 6000)
        header.moreFragments = false
        header.fragmentOffset = 1480
        header.payloadLength = 16
        let later = decode(Build.ipv4(header) + [UInt8](repeating: 9, count: 16), as: .ipv4)
        #expect(later.layers == [.ipv4])
        #expect(later.isFragment && !later.moreFragments && later.fragmentOffset == 1480)
        #expect(later.ipProtocol == .udp && later.transportOffset == 20 && later.sourcePort == 0)
        #expect(!later.isTruncated && later.error == nil)
    }

    @Test func ipv6Fragments() {
        let udp = Build.udp(5000, 6000, payload: [1, 2, 3, 4])
        let ip = IPv6Header(
            sourceAddress: IPv6Address("2607:f010:3f9::1001")!, destinationAddress: IPv6Address("2607:f010:3f9::11:0")!,
            nextHeader: .fragment, payloadLength: 8 + udp.count)
        let firstFragment = try! emitted(count: 8) {
            try IPv6FragmentHeader(nextHeader: .udp, fragmentOffset: 0, moreFragments: true, identification: 0xF88E_B466)
                .emit(into: $0)
        }
        let first = decode(Build.ipv6(ip) + firstFragment + udp, as: .ipv6)
        #expect(first.layers == [.ipv6, .ipExtensions, .udp])
        #expect(first.isFragment && first.moreFragments && first.fragmentIdentification == 0xF88E_B466)
        #expect(first.transportOffset == 48 && first.sourcePort == 5000)
        let later = decode(Build.ipv6(ip) + IPv6ExtensionHeaderTests.fragment + udp, as: .ipv6)
        #expect(later.layers == [.ipv6, .ipExtensions])
        #expect(later.fragmentOffset == 1448 && later.ipProtocol == .udp && later.transportOffset == 48)
    }

    @Test func ipv4AuthenticationHeader() {
        let udp = Build.udp(500, 500, payload: [0, 0, 0, 0])
        // AH: next header UDP, payload length 4 (24 bytes), SPI, sequence, 12 bytes of ICV.
        let ah: [UInt8] = [17, 4, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] + [UInt8](repeating: 0xAA, count: 12)
        let ip = IPv4Header(sourceAddress: Self.hostA, destinationAddress: Self.hostB, protocol: .authentication,
            payloadLength: ah.count + udp.count)
        let packet = decode(Build.ipv4(ip) + ah + udp, as: .ipv4)
        #expect(packet.layers == [.ipv4, .ipExtensions, .udp])
        #expect(packet.ipProtocol == .udp && packet.transportOffset == 44 && packet.destinationPort == 500)
    }

    @Test func icmpErrorWithEmbeddedHeader() {
        // pcapplusplus IcmpPackets.pcap, packet 6: Ethernet, IPv4, port unreachable.
        let ip = IPv4Header(sourceAddress: IPv4Address(10, 0, 2, 2), destinationAddress: IPv4Address(10, 0, 1, 2),
            protocol: .icmp, payloadLength: 36, timeToLive: 251)
        let packet = decode(Build.ethernet(.ipv4) + Build.ipv4(ip) + ICMPv4Tests.portUnreachable)
        #expect(packet.layers == [.ethernet, .ipv4, .icmpv4, .embeddedIP, .embeddedTransport])
        #expect(packet.icmpv4Type == .destinationUnreachable && packet.icmpCode == 3)
        #expect(packet.embeddedOffset == 42)
        #expect(packet.embeddedSourceAddress == .v4(IPv4Address(10, 0, 1, 2)))
        #expect(packet.embeddedDestinationAddress == .v4(IPv4Address(172, 16, 0, 2)))
        #expect(packet.embeddedProtocol == .udp && packet.embeddedTransportOffset == 62)
        #expect(packet.embeddedSourcePort == 49182 && packet.embeddedDestinationPort == 33446)
        #expect(!packet.isTruncated && packet.error == nil)
    }

    @Test func icmpv6ErrorWithEmbeddedHeader() {
        let inner = Build.ipv6(IPv6Header(
            sourceAddress: IPv6Address("2001:db8::1")!, destinationAddress: IPv6Address("2001:db8::99")!,
            nextHeader: .tcp, payloadLength: 1200)) + Build.tcp(TCPHeader(sourcePort: 33000, destinationPort: 443,
            sequenceNumber: 1, flags: .ack, window: 1))
        let icmp = try! emitted(count: 8) { try ICMPv6Header(type: .packetTooBig, messageBody: 1280).emit(into: $0) } + inner
        let outer = Build.ipv6(IPv6Header(
            sourceAddress: IPv6Address("2001:db8::fe")!, destinationAddress: IPv6Address("2001:db8::1")!,
            nextHeader: .icmpv6, payloadLength: icmp.count))
        let packet = decode(outer + icmp, as: .ipv6)
        #expect(packet.layers == [.ipv6, .icmpv6, .embeddedIP, .embeddedTransport])
        #expect(packet.icmpv6Type == .packetTooBig && packet.embeddedOffset == 48)
        #expect(packet.embeddedDestinationAddress == .v6(IPv6Address("2001:db8::99")!))
        #expect(packet.embeddedProtocol == .tcp && packet.embeddedTransportOffset == 88)
        #expect(packet.embeddedSourcePort == 33000 && packet.embeddedDestinationPort == 443)
        #expect(!packet.isTruncated)
    }

    @Test func vxlanLocatesTheInnerFrame() {
        // pcapplusplus Vxlan2.pcap, packet 1: ICMP echo inside VXLAN VNI 300.
        let inner = Build.ethernet(.ipv4, source: "00:16:3e:37:f6:04", destination: "00:30:88:01:00:02")
            + Build.ipv4(IPv4Header(sourceAddress: IPv4Address(192, 168, 203, 3),
                destinationAddress: IPv4Address(192, 168, 203, 5), protocol: .icmp, payloadLength: 64))
            + ICMPv4Tests.echoRequest
        let udp = Build.udp(45149, 4789, payload: VXLANTests.header + inner)
        let outer = Build.ethernet(.ipv4) + Build.ipv4(IPv4Header(sourceAddress: IPv4Address(192, 168, 203, 1),
            destinationAddress: IPv4Address(192, 168, 202, 1), protocol: .udp, payloadLength: udp.count)) + udp
        let packet = decode(outer)
        #expect(packet.layers == [.ethernet, .ipv4, .udp, .vxlan])
        #expect(packet.vxlanNetworkIdentifier == 300 && packet.vxlanOffset == 42 && packet.innerFrameOffset == 50)
        let innerPacket = decode(Array(outer[packet.innerFrameOffset...]))
        #expect(innerPacket.layers == [.ethernet, .ipv4, .icmpv4])
        #expect(innerPacket.icmpv4Type == .echoRequest)
        #expect(innerPacket.sourceMACAddress == MACAddress("00:16:3e:37:f6:04"))
    }

    @Test func truncatedPacketsAreFlaggedNotFailed() {
        let frame = LinuxSLL2Tests.packet
        // Cut inside the TCP header: link and IP decoded, TCP flagged.
        let cutTCP = decode(Array(frame[..<50]), as: .linuxSLL2)
        #expect(cutTCP.layers == [.linuxSLL2, .ipv4])
        #expect(cutTCP.isTruncated && cutTCP.error == WireError(.truncated, at: 50))
        #expect(cutTCP.sourceAddress == .v4(IPv4Address(116, 63, 66, 108)) && cutTCP.ipProtocol == .tcp)
        // Cut inside the IPv4 header.
        let cutIP = decode(Array(frame[..<30]), as: .linuxSLL2)
        #expect(cutIP.layers == [.linuxSLL2] && cutIP.isTruncated && cutIP.error == WireError(.truncated, at: 30))
        // Cut inside the link header, and nothing at all.
        let cutLink = decode(Array(EthernetTests.frame[..<10]))
        #expect(cutLink.layers == [] && cutLink.isTruncated && cutLink.error == WireError(.truncated, at: 10))
        let empty = decode([])
        #expect(empty.layers == [] && empty.isTruncated)
        // Cut inside a VLAN tag.
        let cutTag = decode(Build.ethernet(.vlan) + [0x00])
        #expect(cutTag.layers == [.ethernet] && cutTag.error == WireError(.truncated, at: 15))
        // Snap length inside the UDP payload: everything decoded, truncation flagged at the end.
        let snapped = decode(Array(LinuxSLLTests.packet[..<60]), as: .linuxSLL)
        #expect(snapped.layers == [.linuxSLL, .ipv4, .udp] && snapped.isTruncated)
        #expect(snapped.payloadLength == 16 && snapped.error == WireError(.truncated, at: 60))
        // Cut inside an ICMPv6 neighbor advertisement's target address.
        let ip = Build.ipv6(IPv6Header(sourceAddress: ICMPv6Tests.target, destinationAddress: .linkLocalAllNodes,
            nextHeader: .icmpv6, payloadLength: 32))
        let cutNA = decode(ip + Array(ICMPv6Tests.advertisement[..<20]), as: .ipv6)
        #expect(cutNA.layers == [.ipv6] && cutNA.isTruncated && cutNA.error == WireError(.truncated, at: 60))
    }

    @Test func malformedHeaderStopsWithError() {
        var ip = IPv4Tests.packet
        ip[0] = 0x44
        let packet = decode(Build.ethernet(.ipv4) + ip)
        #expect(packet.layers == [.ethernet])
        #expect(!packet.isTruncated && packet.error == WireError(.invalidField, at: 14))
    }

    @Test func unknownProtocolsEndQuietly() {
        let lldp = decode(Build.ethernet(.lldp) + [UInt8](repeating: 0, count: 46))
        #expect(lldp.layers == [.ethernet] && lldp.error == nil && lldp.etherType == .lldp)
        let llc = decode(Build.ethernet(EtherType(rawValue: 46)) + [UInt8](repeating: 0, count: 46))
        #expect(llc.layers == [.ethernet] && llc.error == nil)
        let unknownLink = decode([1, 2, 3], as: LinkType(rawValue: 147))
        #expect(unknownLink.error == WireError(.unsupported, at: 0))
    }

    @Test func reusingTheResultClearsEarlierLayers() {
        var packet = DecodedPacket()
        let decoder = PacketDecoder(linkType: .ethernet)
        withView(Build.ethernet(.vlan) + Build.tag(42, .ipv4) + IPv4Tests.packet) { decoder.decode($0, into: &packet) }
        #expect(packet.vlanCount == 1 && packet.layers.contains(.udp))
        withView(EthernetTests.frame) { decoder.decode($0, into: &packet) }
        #expect(packet.layers == [.ethernet, .arp] && packet.vlanCount == 0 && packet.sourceAddress == nil)
        #expect(packet.sourcePort == 0 && packet.capturedLength == 42)
    }

    /// Random bytes, and random cuts of valid frames, never trap and keep every offset in bounds.
    @Test func neverTrapsOnRandomInput() {
        var random = Xorshift(seed: 110)
        let frames = [
            (EthernetTests.frame, LinkType.ethernet), (LinuxSLLTests.packet, .linuxSLL), (LinuxSLL2Tests.packet, .linuxSLL2),
            (IPv6ExtensionHeaderTests.packet, .raw), (ICMPv6Tests.solicitation, .ipv6),
            (Build.ethernet(.ipv4) + IPv4Tests.packet, .ethernet),
        ]
        var packet = DecodedPacket()
        for index in 0..<propertyCases * 5 {
            let (frame, linkType) = frames[index % frames.count]
            var bytes = Array(frame[..<Int(random.next() % UInt64(frame.count + 1))])
            // Corrupt a few bytes.
            for _ in 0..<Int(random.next() % 4) where !bytes.isEmpty {
                bytes[Int(random.next() % UInt64(bytes.count))] = random.value()
            }
            if index % 7 == 0 { bytes = random.bytes(Int(random.next() % 120)) }
            withView(bytes) { PacketDecoder(linkType: linkType).decode($0, into: &packet) }
            #expect(packet.networkOffset <= bytes.count)
            #expect(packet.transportOffset <= bytes.count && packet.payloadOffset <= bytes.count)
            #expect(packet.networkEndOffset <= bytes.count && packet.payloadLength >= 0)
            #expect(packet.payloadOffset + packet.payloadLength <= bytes.count)
            if let error = packet.error { #expect(error.offset <= bytes.count) }
        }
    }
}

/// Each layer stops at its length field; VXLAN only where it is certain (issue 13, SPEC §4).
@Suite struct DecoderStrictnessTests {
    func decode(_ bytes: [UInt8], as linkType: LinkType = .ethernet, decoder: PacketDecoder? = nil) -> DecodedPacket {
        var packet = DecodedPacket()
        withView(bytes) { (decoder ?? PacketDecoder(linkType: linkType)).decode($0, into: &packet) }
        return packet
    }

    /// A real capture: IPv6 Payload Length 0, ICMPv6 next, and an Ethernet trailer that reads as
    /// a Neighbor Advertisement (tshark: malformed; tcpdump: "length 0 (invalid)").
    @Test func ipv6PayloadLengthZeroIsNotReadIntoTheTrailer() {
        let ip = IPv6Header(
            sourceAddress: ICMPv6Tests.target, destinationAddress: .linkLocalAllNodes, nextHeader: .icmpv6,
            payloadLength: 0, hopLimit: 255)
        let packet = decode(Build.ethernet(.ipv6) + Build.ipv6(ip) + ICMPv6Tests.advertisement)
        #expect(packet.layers == [.ethernet, .ipv6])
        #expect(packet.ndpTargetAddress == nil && packet.ndpTargetLinkLayerAddress == nil)
        #expect(packet.error == WireError(.invalidField, at: 14 + 4))
        #expect(packet.networkEndOffset == 14 + 40)
    }

    /// BIG TCP / TSO captures: Payload Length 0 before TCP still runs to the end of the bytes.
    @Test func ipv6PayloadLengthZeroBeforeTCPRunsToTheEnd() {
        let tcp = Build.tcp(TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, flags: .ack, window: 4),
                            payload: [UInt8](repeating: 9, count: 100))
        let ip = IPv6Header(sourceAddress: IPv6Address("2001:db8::1")!, destinationAddress: IPv6Address("2001:db8::2")!,
                            nextHeader: .tcp, payloadLength: 0)
        let packet = decode(Build.ipv6(ip) + tcp, as: .ipv6)
        #expect(packet.layers == [.ipv6, .tcp])
        #expect(packet.error == nil && packet.payloadLength == 100 && packet.ipLength == 40 + tcp.count)
    }

    /// IPv4 Total Length 0 (TSO) is unchanged: to the end of the bytes.
    @Test func ipv4TotalLengthZeroRunsToTheEnd() {
        let tcp = Build.tcp(TCPHeader(sourcePort: 1, destinationPort: 2, sequenceNumber: 3, flags: .ack, window: 4),
                            payload: [UInt8](repeating: 9, count: 100))
        var ip = Build.ipv4(IPv4Header(sourceAddress: PacketDecoderTests.hostA, destinationAddress: PacketDecoderTests.hostB,
                                       protocol: .tcp, payloadLength: tcp.count))
        ip[2] = 0; ip[3] = 0
        let packet = decode(Build.ethernet(.ipv4) + ip + tcp)
        #expect(packet.layers == [.ethernet, .ipv4, .tcp])
        #expect(packet.payloadLength == 100)
    }

    /// An IPv4 Total Length shorter than the captured bytes: the trailer is not payload.
    @Test func ipv4TrailerIsNotPayload() {
        let udp = Build.udp(1, 2, payload: [1, 2, 3, 4])
        let ip = Build.ipv4(IPv4Header(sourceAddress: PacketDecoderTests.hostA, destinationAddress: PacketDecoderTests.hostB,
                                       protocol: .udp, payloadLength: udp.count))
        let packet = decode(Build.ethernet(.ipv4) + ip + udp + [UInt8](repeating: 0xEE, count: 14))
        #expect(packet.payloadLength == 4 && packet.networkEndOffset == 14 + 20 + 12)
    }

    static func udpTo4789(_ payload: [UInt8], flagsAndOffset: UInt16 = 0) -> [UInt8] {
        let udp = Build.udp(40000, 4789, payload: payload)
        var ip = Build.ipv4(IPv4Header(sourceAddress: PacketDecoderTests.hostA, destinationAddress: PacketDecoderTests.hostB,
                                       protocol: .udp, payloadLength: udp.count))
        ip[6] = UInt8(flagsAndOffset >> 8); ip[7] = UInt8(flagsAndOffset & 0xFF)
        return Build.ethernet(.ipv4) + ip + udp
    }

    static let inner = Build.ethernet(.ipv4, source: "00:16:3e:37:f6:04", destination: "00:30:88:01:00:02")
        + Build.ipv4(IPv4Header(sourceAddress: IPv4Address(192, 168, 203, 3),
                                destinationAddress: IPv4Address(192, 168, 203, 5), protocol: .icmp, payloadLength: 64))
        + ICMPv4Tests.echoRequest

    /// ASCII text in the first fragment of a UDP datagram to 4789 was decapsulated into garbage stations.
    @Test func asciiInAFragmentedDatagramTo4789IsNotVXLAN() {
        let text = Array("GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n".utf8)
        let first = decode(Self.udpTo4789(text, flagsAndOffset: 0x2000))  // MF, offset 0
        #expect(first.layers == [.ethernet, .ipv4, .udp])
        #expect(first.innerFrameOffset == 0)
        let whole = decode(Self.udpTo4789(text))
        #expect(whole.layers == [.ethernet, .ipv4, .udp], "flags 0x47 ('G') is not 0x08")
    }

    @Test(arguments: [
        [UInt8]([0x0C, 0, 0, 0, 0, 1, 0x2C, 0]),   // another flag bit set
        [0x08, 0, 0, 1, 0, 1, 0x2C, 0],           // reserved after the flags
        [0x08, 0, 0, 0, 0, 1, 0x2C, 7],           // reserved after the VNI
        [0x00, 0, 0, 0, 0, 1, 0x2C, 0],           // I flag clear
    ])
    func vxlanHeaderMustBeExact(header: [UInt8]) {
        let packet = decode(Self.udpTo4789(header + Self.inner))
        #expect(packet.layers == [.ethernet, .ipv4, .udp] && packet.error == nil)
        let strict = decode(Self.udpTo4789(VXLANTests.header + Self.inner))
        #expect(strict.layers == [.ethernet, .ipv4, .udp, .vxlan] && strict.vxlanNetworkIdentifier == 300)
    }

    @Test func vxlanPortsAreConfiguration() {
        let frame = Self.udpTo4789(VXLANTests.header + Self.inner)
        #expect(decode(frame, decoder: PacketDecoder(linkType: .ethernet, vxlanPorts: [8472])).layers == [.ethernet, .ipv4, .udp])
        #expect(decode(frame, decoder: PacketDecoder(linkType: .ethernet, vxlanPorts: [8472, 4789])).layers.contains(.vxlan))
    }
}

@Suite struct SNAPTests {
    /// An ARP request in an IEEE 802.3 frame with LLC/SNAP (RFC 1042): length 0x002e, then
    /// AA AA 03 00 00 00 08 06 and the ARP packet.
    @Test func arpInLLCSNAPIsDecoded() {
        let arp = Array(EthernetTests.frame.suffix(from: 14))
        let frame: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x6C, 0xF0, 0x49, 0xB2, 0xDE, 0x6E,
                              0x00, UInt8(8 + arp.count), 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x06] + arp
        var packet = DecodedPacket()
        withView(frame) { PacketDecoder(linkType: .ethernet).decode($0, into: &packet) }
        #expect(packet.layers == [.ethernet, .arp])
        #expect(packet.etherType == .arp && packet.networkOffset == 22)
        #expect(packet.arp == ARPTests.header)
        // Other LLC (spanning tree, 42 42 03): nothing past Ethernet, no error.
        let stp: [UInt8] = Array(frame[0..<12]) + [0x00, 0x26, 0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 35)
        withView(stp) { PacketDecoder(linkType: .ethernet).decode($0, into: &packet) }
        #expect(packet.layers == [.ethernet] && packet.error == nil)
    }
}

/// The VXLAN inner frame is decoded once, by the decoder, into `DecodedPacket.inner` (issue 8).
@Suite struct InnerFrameTests {
    static func innerFrame(source: String) -> [UInt8] {
        Build.ethernet(.ipv4, source: source, destination: "00:30:88:01:00:02")
            + Build.ipv4(IPv4Header(sourceAddress: IPv4Address(192, 168, 203, 3),
                                    destinationAddress: IPv4Address(192, 168, 203, 5), protocol: .icmp, payloadLength: 64))
            + ICMPv4Tests.echoRequest
    }

    static func vxlan(_ inner: [UInt8], port: UInt16 = 4789) -> [UInt8] {
        let udp = Build.udp(45149, port, payload: VXLANTests.header + inner)
        return Build.ethernet(.ipv4) + Build.ipv4(IPv4Header(sourceAddress: IPv4Address(192, 168, 203, 1),
            destinationAddress: IPv4Address(192, 168, 202, 1), protocol: .udp, payloadLength: udp.count)) + udp
    }

    static func decode(_ bytes: [UInt8], into packet: inout DecodedPacket, ports: [UInt16] = [4789]) {
        withView(bytes) { PacketDecoder(linkType: .ethernet, vxlanPorts: ports).decode($0, into: &packet) }
    }

    @Test func innerIsTheInnerBytesDecodedAsEthernet() throws {
        let innerBytes = Self.innerFrame(source: "00:16:3e:37:f6:04")
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(innerBytes), into: &packet)
        var direct = DecodedPacket()
        Self.decode(innerBytes, into: &direct)
        let inner = try #require(packet.inner)
        #expect(packet.layers == [.ethernet, .ipv4, .udp, .vxlan] && packet.innerFrameOffset == 50)
        #expect(inner.layers == [.ethernet, .ipv4, .icmpv4] && inner.layers == direct.layers)
        #expect(inner.sourceMACAddress == MACAddress("00:16:3e:37:f6:04") && inner.destinationMACAddress == direct.destinationMACAddress)
        #expect(inner.sourceAddress == direct.sourceAddress && inner.destinationAddress == direct.destinationAddress)
        #expect(inner.icmpv4Type == .echoRequest)
        // Offsets count from the inner frame's first byte.
        #expect(inner.networkOffset == 14 && inner.payloadOffset == direct.payloadOffset
                && inner.payloadLength == direct.payloadLength && inner.capturedLength == innerBytes.count)
    }

    @Test func aPacketReusedForPlainFramesHasNoInner() throws {
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0a")), into: &packet)
        let box = try #require(packet.innerStorage.map(ObjectIdentifier.init))
        Self.decode(Build.ethernet(.ipv4) + IPv4Tests.packet, into: &packet)
        #expect(packet.inner == nil && !packet.layers.contains(.vxlan))
        Self.decode(Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0b")), into: &packet)
        #expect(packet.inner?.sourceMACAddress == MACAddress("02:00:00:00:00:0b"))
        // The box of the inner frame is reused: decoding allocates nothing.
        #expect(packet.innerStorage.map(ObjectIdentifier.init) == box)
    }

    @Test func aCopyKeepsItsOwnInner() {
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0a")), into: &packet)
        let kept = packet
        Self.decode(Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0b")), into: &packet)
        #expect(kept.inner?.sourceMACAddress == MACAddress("02:00:00:00:00:0a"))
        #expect(packet.inner?.sourceMACAddress == MACAddress("02:00:00:00:00:0b"))
    }

    @Test func oneLevelOnly() throws {
        let nested = Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0c"))
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(nested), into: &packet)
        let inner = try #require(packet.inner)
        #expect(inner.layers.contains(.vxlan) && inner.innerFrameOffset == 50)
        #expect(inner.inner == nil)
    }

    @Test func noInnerWithoutItsEthernetHeader() {
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(Array(Self.innerFrame(source: "02:00:00:00:00:0a").prefix(13))), into: &packet)
        #expect(packet.layers.contains(.vxlan) && packet.inner == nil)
        Self.decode(Self.vxlan([]), into: &packet)
        #expect(packet.layers.contains(.vxlan) && packet.inner == nil)
    }

    @Test func theInnerFrameUsesTheSamePorts() throws {
        let nested = Self.vxlan(Self.innerFrame(source: "02:00:00:00:00:0c"), port: 8472)
        var packet = DecodedPacket()
        Self.decode(Self.vxlan(nested, port: 8472), into: &packet, ports: [8472])
        #expect(try #require(packet.inner).layers.contains(.vxlan))
        Self.decode(Self.vxlan(nested, port: 8472), into: &packet)
        #expect(packet.inner == nil)
    }
}
