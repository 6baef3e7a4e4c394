import Testing

@testable import PacketWire

@Suite struct IPv6Tests {
    // :: > ff02::1:fff5:0, traffic class 0xe0, hop limit 255, ICMPv6 neighbor solicitation
    // (pcapplusplus IcmpV6_NeighAdvSoli.pcap, packet 1, after Ethernet):
    // 0x0000:  6e00 0000 0018 3aff 0000 0000 0000 0000  n.....:.........
    // 0x0010:  0000 0000 0000 0000 ff02 0000 0000 0000  ................
    // 0x0020:  0000 0001 fff5 0000 8700 673c 0000 0000  ..........g<....
    // 0x0030:  fe80 0000 0000 0000 c000 54ff fef5 0000  ..........T.....
    static let packet: [UInt8] = [
        0x6e, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x01, 0xff, 0xf5, 0x00, 0x00, 0x87, 0x00, 0x67, 0x3c, 0x00, 0x00, 0x00, 0x00,
        0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
    ]

    static let header = IPv6Header(
        sourceAddress: .any, destinationAddress: IPv6Address("ff02::1:fff5:0")!, nextHeader: .icmpv6,
        payloadLength: 24, hopLimit: 255, trafficClass: 0xE0, flowLabel: 0)

    @Test func deconstruct() throws {
        try withView(Self.packet) { bytes in
            let packet = try IPv6Packet(bytes)
            #expect(packet.version == 6)
            #expect(packet.trafficClass == 0xE0)
            #expect(packet.flowLabel == 0)
            #expect(packet.payloadLength == 24)
            #expect(packet.nextHeader == .icmpv6)
            #expect(packet.hopLimit == 255)
            #expect(packet.sourceAddress == .any)
            #expect(packet.destinationAddress == IPv6Address("ff02::1:fff5:0"))
            #expect(packet.payload.count == 24 && packet.payload.first == 0x87)
            #expect(!packet.isTruncated)
            let chain = try packet.headerChain()
            #expect(chain.upperLayerProtocol == .icmpv6 && chain.upperLayerOffset == 0)
            #expect(chain.extensionHeaderCount == 0 && !chain.isFragment && chain.hasUpperLayerHeader)
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 40) { try Self.header.emit(into: $0) } == Array(Self.packet[..<40]))
    }

    @Test func roundTrip() throws {
        #expect(try withView(Self.packet) { IPv6Header(try IPv6Packet($0)) } == Self.header)
        var random = Xorshift(seed: 90)
        for _ in 0..<propertyCases {
            let header = IPv6Header(
                sourceAddress: random.ipv6(), destinationAddress: random.ipv6(),
                nextHeader: IPProtocol(rawValue: random.value()), payloadLength: Int(random.value(UInt16.self)),
                hopLimit: random.value(), trafficClass: random.value(), flowLabel: random.value())
            let bytes = try emitted(count: 40) { try header.emit(into: $0) }
            #expect(try withView(bytes) { IPv6Header(try IPv6Packet($0)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.packet[..<39])) { bytes in
            #expect(throws: WireError(.truncated, at: 39)) { try IPv6Packet(bytes) }
        }
        var version4 = Self.packet
        version4[0] = 0x4E
        withView(version4) { bytes in
            #expect(throws: WireError(.invalidField, at: 0)) { try IPv6Packet(bytes) }
        }
        var header = Self.header
        header.payloadLength = 70_000
        #expect(throws: WireError(.invalidField, at: 4)) { _ = try emitted(count: 40) { try header.emit(into: $0) } }
    }

    @Test func truncatedCaptureBoundsThePayload() throws {
        try withView(Array(Self.packet[..<50])) { bytes in
            let packet = try IPv6Packet(bytes)
            #expect(packet.isTruncated && packet.payload.count == 10)
        }
    }

    @Test func rewritesAddresses() throws {
        var bytes = Self.packet
        let newSource = IPv6Address("2001:db8::1")!
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableIPv6Packet(buffer)
            let icmp = try MutableICMPv6Packet(UnsafeMutableRawBufferPointer(rebasing: buffer[40...]))
            icmp.updateChecksum(replacing: packet.packet.sourceAddress, with: newSource)
            packet.setSourceAddress(newSource)
            packet.setHopLimit(1)
            let ip = packet.packet
            let pseudo = Checksum.pseudoHeaderSum(
                source: ip.sourceAddress, destination: ip.destinationAddress, protocol: .icmpv6, length: 24)
            #expect(icmp.packet.isChecksumValid(pseudoHeaderSum: pseudo))
            #expect(ip.hopLimit == 1)
        }
    }
}

@Suite struct IPv6ExtensionHeaderTests {
    // fe80::2 > ff02::5 with Hop-by-Hop, Destination Options, Routing (type 0, one address) and AH
    // before OSPF (pcapplusplus ipv6_options.pcap, packet 1, after Ethernet):
    // 0x0000:  6e00 0000 0068 0001 fe80 0000 0000 0000  n....h..........
    // 0x0010:  0000 0000 0000 0002 ff02 0000 0000 0000  ................
    // 0x0020:  0000 0000 0000 0005 3c00 0502 0000 0100  ........<.......
    // 0x0030:  2b00 0b01 0901 0100 3302 0001 0000 0000  +.......3.......
    // 0x0040:  2200 0000 0000 0000 0210 0002 0000 0004  "...............
    // 0x0050:  5904 0000 0000 0100 0000 0020 3548 2148  Y.......... 5H!H
    // 0x0060:  b243 5a23 dcdd 5536 0301 0028 0202 0202  .CZ#..U6...(....
    // 0x0070:  0000 0001 f173 0000 0000 0005 0100 0013  .....s..........
    // 0x0080:  000a 0028 0202 0202 0101 0101 0101 0101  ...(............
    static let packet: [UInt8] = [
        0x6e, 0x00, 0x00, 0x00, 0x00, 0x68, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x3c, 0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00,
        0x2b, 0x00, 0x0b, 0x01, 0x09, 0x01, 0x01, 0x00, 0x33, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x22, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04,
        0x59, 0x04, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x20, 0x35, 0x48, 0x21, 0x48,
        0xb2, 0x43, 0x5a, 0x23, 0xdc, 0xdd, 0x55, 0x36, 0x03, 0x01, 0x00, 0x28, 0x02, 0x02, 0x02, 0x02,
        0x00, 0x00, 0x00, 0x01, 0xf1, 0x73, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x13,
        0x00, 0x0a, 0x00, 0x28, 0x02, 0x02, 0x02, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    ]

    // Fragment header: next header UDP, offset 1448, more fragments, identification 0xf88eb466:
    // 0x0000:  1100 05a9 f88e b466                      .......f
    static let fragment: [UInt8] = [0x11, 0x00, 0x05, 0xa9, 0xf8, 0x8e, 0xb4, 0x66]

    static let fragmentHeader = IPv6FragmentHeader(
        nextHeader: .udp, fragmentOffset: 1448, moreFragments: true, identification: 0xF88E_B466)

    @Test func walksFourExtensionHeaders() throws {
        try withView(Self.packet) { bytes in
            let packet = try IPv6Packet(bytes)
            #expect(packet.nextHeader == .hopByHop)
            let chain = try packet.headerChain()
            #expect(chain.extensionHeaderCount == 4)
            #expect(chain.upperLayerProtocol == IPProtocol(rawValue: 89))
            #expect(chain.upperLayerOffset == 64)
            #expect(chain.finalDestination == IPv6Address("2200::210:2:0:4"))
            #expect(!chain.isFragment && chain.hasUpperLayerHeader)
            let routing = try IPv6ExtensionHeader(UnsafeRawBufferPointer(rebasing: bytes[56...]), kind: .routing)
            #expect(routing.nextHeader == .authentication && routing.headerLength == 24)
            #expect(routing.routingType == 0 && routing.segmentsLeft == 1)
            let ah = try IPv6ExtensionHeader(routing.payload, kind: .authentication)
            #expect(ah.headerLength == 24 && ah.nextHeader.rawValue == 89)
            #expect(ah.fragmentOffset == 0 && ah.routingType == 0 && ah.finalDestination == nil)
        }
    }

    @Test func deconstructFragment() throws {
        try withView(Self.fragment) { bytes in
            let header = try IPv6ExtensionHeader(bytes, kind: .fragment)
            #expect(header.headerLength == 8)
            #expect(header.nextHeader == .udp)
            #expect(header.fragmentOffset == 1448 && header.moreFragments)
            #expect(header.fragmentIdentification == 0xF88E_B466)
            #expect(try IPv6FragmentHeader(header) == Self.fragmentHeader)
        }
    }

    @Test func constructFragment() throws {
        #expect(try emitted(count: 8) { try Self.fragmentHeader.emit(into: $0) } == Self.fragment)
    }

    @Test func roundTripFragment() throws {
        var random = Xorshift(seed: 91)
        for _ in 0..<propertyCases {
            let header = IPv6FragmentHeader(
                nextHeader: IPProtocol(rawValue: random.value()), fragmentOffset: Int(random.next() % 8192) * 8,
                moreFragments: random.next() & 1 == 0, identification: random.value())
            let bytes = try emitted(count: 8) { try header.emit(into: $0) }
            #expect(try withView(bytes) { try IPv6FragmentHeader(try IPv6ExtensionHeader($0, kind: .fragment)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.fragment[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try IPv6ExtensionHeader(bytes, kind: .fragment) }
        }
        // Cut inside the routing header: the walk reports the cut relative to the IPv6 payload.
        withView(Array(Self.packet[..<70])) { bytes in
            #expect(throws: WireError(.truncated, at: 30)) {
                try IPv6HeaderChain(walking: UnsafeRawBufferPointer(rebasing: bytes[40...]), firstHeader: .hopByHop)
            }
            #expect(throws: WireError(.truncated, at: 70)) { try IPv6Packet(bytes).headerChain() }
        }
        #expect(throws: WireError(.invalidField, at: 2)) {
            _ = try emitted(count: 8) {
                try IPv6FragmentHeader(nextHeader: .udp, fragmentOffset: 3, moreFragments: false, identification: 1)
                    .emit(into: $0)
            }
        }
    }

    @Test func stopsAfterALaterFragment() throws {
        // Fragment header at offset 1448, then data that must not be read as headers.
        let later: [UInt8] = [0x11, 0x00, 0x05, 0xA9, 1, 2, 3, 4, 0x3C, 0x00, 0x00, 0x00]
        let chain = try withView(later) { try IPv6HeaderChain(walking: $0, firstHeader: .fragment) }
        #expect(chain.isFragment && chain.fragmentOffset == 1448 && chain.moreFragments)
        #expect(chain.upperLayerProtocol == .udp && chain.upperLayerOffset == 8)
        #expect(!chain.hasUpperLayerHeader)
        // The first fragment (offset 0) is walked through to its UDP header.
        let first: [UInt8] = [0x11, 0x00, 0x00, 0x01, 1, 2, 3, 4] + [UInt8](repeating: 0, count: 8)
        let firstChain = try withView(first) { try IPv6HeaderChain(walking: $0, firstHeader: .fragment) }
        #expect(firstChain.isFragment && firstChain.fragmentOffset == 0 && firstChain.moreFragments)
        #expect(firstChain.fragmentIdentification == 0x0102_0304 && firstChain.hasUpperLayerHeader)
    }
}
