import Testing

@testable import PacketWire

@Suite struct IPv4Tests {
    // DNS query 10.0.0.8 > 10.0.0.138, DF, TTL 64 (pcapplusplus sll.pcap, packet 3, after SLL):
    // 0x0000:  4500 003e 91ed 4000 4011 9430 0a00 0008  E..>..@.@..0....
    // 0x0010:  0a00 008a c6ac 0035 002a 14cd 0e26 0100  .......5.*...&..
    // 0x0020:  0001 0000 0000 0000 0564 6169 7379 0675  .........daisy.u
    // 0x0030:  6275 6e74 7503 636f 6d00 0001 0001       buntu.com.....
    static let packet: [UInt8] = [
        0x45, 0x00, 0x00, 0x3e, 0x91, 0xed, 0x40, 0x00, 0x40, 0x11, 0x94, 0x30, 0x0a, 0x00, 0x00, 0x08,
        0x0a, 0x00, 0x00, 0x8a, 0xc6, 0xac, 0x00, 0x35, 0x00, 0x2a, 0x14, 0xcd, 0x0e, 0x26, 0x01, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x64, 0x61, 0x69, 0x73, 0x79, 0x06, 0x75,
        0x62, 0x75, 0x6e, 0x74, 0x75, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
    ]

    // A header with 4 bytes of options (router alert), fragment at offset 1480 with MF set:
    // 0x0000:  4600 0020 1234 20b9 0102 0000 c000 0201  F.. .4..........
    // 0x0010:  c633 6402 9404 0000 dead beef            .3d.........
    static let withOptions: [UInt8] = [
        0x46, 0x00, 0x00, 0x20, 0x12, 0x34, 0x20, 0xb9, 0x01, 0x02, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x01,
        0xc6, 0x33, 0x64, 0x02, 0x94, 0x04, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef,
    ]

    static let header = IPv4Header(
        sourceAddress: IPv4Address(10, 0, 0, 8), destinationAddress: IPv4Address(10, 0, 0, 138), protocol: .udp,
        payloadLength: 42, timeToLive: 64, differentiatedServices: 0, identification: 0x91ED, dontFragment: true)

    @Test func deconstruct() throws {
        try withView(Self.packet) { bytes in
            let packet = try IPv4Packet(bytes)
            #expect(packet.version == 4)
            #expect(packet.headerLength == 20)
            #expect(packet.differentiatedServices == 0 && packet.dscp == 0 && packet.ecn == 0)
            #expect(packet.totalLength == 62)
            #expect(packet.identification == 0x91ED)
            #expect(packet.dontFragment && !packet.moreFragments && !packet.isFragment)
            #expect(packet.fragmentOffset == 0)
            #expect(packet.timeToLive == 64)
            #expect(packet.protocol == .udp)
            #expect(packet.headerChecksum == 0x9430)
            #expect(packet.isHeaderChecksumValid)
            #expect(packet.computedHeaderChecksum == 0x9430)
            #expect(packet.sourceAddress == IPv4Address(10, 0, 0, 8))
            #expect(packet.destinationAddress == IPv4Address(10, 0, 0, 138))
            #expect(packet.options.isEmpty)
            #expect(packet.payload.count == 42 && packet.payloadLength == 42)
            #expect(!packet.isTruncated)
        }
    }

    @Test func deconstructOptionsAndFragment() throws {
        try withView(Self.withOptions) { bytes in
            let packet = try IPv4Packet(bytes)
            #expect(packet.headerLength == 24)
            #expect(Array(packet.options) == [0x94, 0x04, 0x00, 0x00])
            #expect(packet.moreFragments && !packet.dontFragment && packet.isFragment)
            #expect(packet.fragmentOffset == 1480)
            #expect(packet.protocol == .igmp)
            #expect(Array(packet.payload) == [0xDE, 0xAD, 0xBE, 0xEF])
            #expect(packet.isHeaderChecksumValid == (packet.computedHeaderChecksum == packet.headerChecksum))
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 20) { try Self.header.emit(into: $0) } == Array(Self.packet[..<20]))
    }

    @Test func roundTrip() throws {
        let parsed = try withView(Self.packet) { IPv4Header(try IPv4Packet($0)) }
        #expect(parsed == Self.header)
        var random = Xorshift(seed: 40)
        for _ in 0..<propertyCases {
            let header = IPv4Header(
                sourceAddress: random.ipv4(), destinationAddress: random.ipv4(),
                protocol: IPProtocol(rawValue: random.value()), payloadLength: Int(random.next() % 65_000),
                timeToLive: random.value(), differentiatedServices: random.value(), identification: random.value(),
                dontFragment: random.next() & 1 == 1, moreFragments: random.next() & 1 == 1,
                fragmentOffset: Int(random.next() % 8192) * 8)
            let bytes = try emitted(count: 20) { try header.emit(into: $0) }
            try withView(bytes) { view in
                let packet = try IPv4Packet(view)
                #expect(packet.isHeaderChecksumValid)
                #expect(IPv4Header(packet) == header)
            }
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.packet[..<19])) { bytes in
            #expect(throws: WireError(.truncated, at: 19)) { try IPv4Packet(bytes) }
        }
        withView(Array(Self.withOptions[..<22])) { bytes in
            #expect(throws: WireError(.truncated, at: 22)) { try IPv4Packet(bytes) }
        }
        var shortIHL = Self.packet
        shortIHL[0] = 0x44
        withView(shortIHL) { bytes in
            #expect(throws: WireError(.invalidField, at: 0)) { try IPv4Packet(bytes) }
        }
        var shortTotal = Self.packet
        shortTotal[3] = 19
        withView(shortTotal) { bytes in
            #expect(throws: WireError(.invalidField, at: 2)) { try IPv4Packet(bytes) }
        }
        var version6 = Self.packet
        version6[0] = 0x65
        withView(version6) { bytes in
            #expect(throws: WireError(.invalidField, at: 0)) { try IPv4Packet(bytes) }
        }
        var header = Self.header
        header.payloadLength = 65_516
        #expect(throws: WireError(.invalidField, at: 2)) { _ = try emitted(count: 20) { try header.emit(into: $0) } }
    }

    @Test func truncatedCaptureAndPaddingBoundThePayload() throws {
        try withView(Array(Self.packet[..<30])) { bytes in
            let packet = try IPv4Packet(bytes)
            #expect(packet.isTruncated)
            #expect(packet.payload.count == 10 && packet.payloadLength == 42)
        }
        try withView(Self.packet + [0, 0, 0, 0]) { bytes in
            let packet = try IPv4Packet(bytes)
            #expect(!packet.isTruncated && packet.payload.count == 42)
        }
        var tso = Self.packet
        tso[2] = 0
        tso[3] = 0
        try withView(tso) { bytes in
            let packet = try IPv4Packet(bytes)
            #expect(!packet.isTruncated && packet.payload.count == 42 && packet.payloadLength == 42)
        }
    }

    @Test func rewritesAddressesIncrementally() throws {
        var bytes = Self.packet
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableIPv4Packet(buffer)
            packet.rewriteSourceAddress(IPv4Address(192, 168, 7, 9))
            packet.rewriteDestinationAddress(IPv4Address(172, 16, 0, 1))
            #expect(packet.packet.isHeaderChecksumValid)
            let incremental = packet.packet.headerChecksum
            packet.fillHeaderChecksum()
            #expect(packet.packet.headerChecksum == incremental)
            packet.setTimeToLive(1)
            #expect(!packet.packet.isHeaderChecksumValid)
            #expect(packet.packet.sourceAddress == IPv4Address(192, 168, 7, 9))
        }
    }

    @Test func rewriteKeepsAWrongChecksumWrongBySameAmount() throws {
        var random = Xorshift(seed: 41)
        for _ in 0..<propertyCases {
            var bytes = Self.packet
            setWord(&bytes, at: 10, random.value())
            let residual = referenceSum(Array(bytes[..<20]))
            let newAddress = random.ipv4()
            try bytes.withUnsafeMutableBytes { buffer in
                try MutableIPv4Packet(buffer).rewriteDestinationAddress(newAddress)
            }
            #expect(referenceSum(Array(bytes[..<20])) % 0xFFFF == residual % 0xFFFF)
        }
    }
}
