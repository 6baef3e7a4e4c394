import Testing

@testable import PacketWire

@Suite struct ICMPv4Tests {
    // Echo request id 55099 seq 0 (pcapplusplus IcmpPackets.pcap, packet 9, after IPv4):
    // 0x0000:  0800 bbb3 d73b 0000 51a7 d67d 0004 51e4  .....;..Q..}..Q.
    // 0x0010:  0809 0a0b 0c0d 0e0f 1011 1213 1415 1617  ................
    // 0x0020:  1819 1a1b 1c1d 1e1f 2021 2223 2425 2627  ........ !"#$%&'
    // 0x0030:  2829 2a2b 2c2d 2e2f 3031 3233 3435 3637  ()*+,-./01234567
    static let echoRequest: [UInt8] = [
        0x08, 0x00, 0xbb, 0xb3, 0xd7, 0x3b, 0x00, 0x00, 0x51, 0xa7, 0xd6, 0x7d, 0x00, 0x04, 0x51, 0xe4,
        0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
        0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27,
        0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
    ]

    // Port unreachable quoting 10.0.1.2.49182 > 172.16.0.2.33446 (IcmpPackets.pcap, packet 6):
    // 0x0000:  0303 b42a 0000 0000 4500 001c 00e6 0000  ...*....E.......
    // 0x0010:  0111 01d8 0a00 0102 ac10 0002 c01e 82a6  ................
    // 0x0020:  0008 0605                                ....
    static let portUnreachable: [UInt8] = [
        0x03, 0x03, 0xb4, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0xe6, 0x00, 0x00,
        0x01, 0x11, 0x01, 0xd8, 0x0a, 0x00, 0x01, 0x02, 0xac, 0x10, 0x00, 0x02, 0xc0, 0x1e, 0x82, 0xa6,
        0x00, 0x08, 0x06, 0x05,
    ]

    static let header = ICMPv4Header(echo: .echoRequest, identifier: 55099, sequenceNumber: 0)

    @Test func deconstruct() throws {
        try withView(Self.echoRequest) { bytes in
            let packet = try ICMPv4Packet(bytes)
            #expect(packet.type == .echoRequest && packet.type.isQuery && !packet.type.isError)
            #expect(packet.code == 0)
            #expect(packet.checksum == 0xBBB3)
            #expect(packet.isChecksumValid)
            #expect(packet.identifier == 55099)
            #expect(packet.sequenceNumber == 0)
            #expect(packet.data.count == 56)
            #expect(packet.embeddedPacket == nil && packet.embeddedPacketOffset == nil)
        }
    }

    @Test func deconstructError() throws {
        try withView(Self.portUnreachable) { bytes in
            let packet = try ICMPv4Packet(bytes)
            #expect(packet.type == .destinationUnreachable && packet.type.isError)
            #expect(packet.code == 3)
            #expect(packet.isChecksumValid)
            #expect(packet.embeddedPacketOffset == 8)
            let quoted = try IPv4Packet(try #require(packet.embeddedPacket))
            #expect(quoted.sourceAddress == IPv4Address(10, 0, 1, 2))
            #expect(quoted.destinationAddress == IPv4Address(172, 16, 0, 2))
            #expect(quoted.protocol == .udp)
            let udp = try UDPPacket(quoted.payload)
            #expect(udp.sourcePort == 49182 && udp.destinationPort == 33446)
        }
    }

    @Test func construct() throws {
        var bytes = try emitted(count: 8) { try Self.header.emit(into: $0) }
        bytes += Self.echoRequest[8...]
        try bytes.withUnsafeMutableBytes { try MutableICMPv4Packet($0).fillChecksum() }
        #expect(bytes == Self.echoRequest)
    }

    @Test func roundTrip() throws {
        #expect(try withView(Self.echoRequest) { ICMPv4Header(try ICMPv4Packet($0)) } == Self.header)
        var random = Xorshift(seed: 70)
        for _ in 0..<propertyCases {
            let header = ICMPv4Header(type: ICMPv4Type(rawValue: random.value()), code: random.value(), restOfHeader: random.value())
            let bytes = try emitted(count: 8) { try header.emit(into: $0) }
            #expect(try withView(bytes) { ICMPv4Header(try ICMPv4Packet($0)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.echoRequest[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try ICMPv4Packet(bytes) }
        }
    }

    @Test func rewritesIdentifierIncrementally() throws {
        var bytes = Self.echoRequest
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableICMPv4Packet(buffer)
            packet.rewriteIdentifier(4242)
            #expect(packet.packet.identifier == 4242)
            #expect(packet.packet.isChecksumValid)
        }
    }
}
