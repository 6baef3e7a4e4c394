import Testing

@testable import PacketWire

@Suite struct EthernetTests {
    // Broadcast ARP request from 6c:f0:49:b2:de:6e (pcapplusplus ArpRequestPacket.pcap):
    // 0x0000:  ffff ffff ffff 6cf0 49b2 de6e 0806 0001  ......l.I..n....
    // 0x0010:  0800 0604 0001 6cf0 49b2 de6e 0a00 0001  ......l.I..n....
    // 0x0020:  0000 0000 0000 0a00 008a                 ..........
    static let frame: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e, 0x08, 0x06, 0x00, 0x01,
        0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e, 0x0a, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x8a,
    ]

    static let header = EthernetHeader(
        destinationAddress: .broadcast, sourceAddress: MACAddress("6c:f0:49:b2:de:6e")!, etherType: .arp)

    @Test func deconstruct() throws {
        try withView(Self.frame) { bytes in
            let frame = try EthernetFrame(bytes)
            #expect(frame.destinationAddress == .broadcast)
            #expect(frame.sourceAddress == MACAddress("6c:f0:49:b2:de:6e"))
            #expect(frame.etherType == .arp)
            #expect(Array(frame.payload) == Array(Self.frame[14...]))
        }
    }

    @Test func construct() throws {
        var bytes = try emitted(count: 14) { try Self.header.emit(into: $0) }
        bytes += Self.frame[14...]
        #expect(bytes == Self.frame)
    }

    @Test func roundTrip() throws {
        let parsed = try withView(Self.frame) { EthernetHeader(try EthernetFrame($0)) }
        #expect(parsed == Self.header)
        let bytes = try emitted(count: parsed.headerLength) { try parsed.emit(into: $0) }
        #expect(bytes == Array(Self.frame[..<14]))
    }

    @Test func impossibleLength() {
        withView(Array(Self.frame[..<13])) { bytes in
            #expect(throws: WireError(.truncated, at: 13)) { try EthernetFrame(bytes) }
        }
        #expect(throws: WireError(.truncated, at: 10)) {
            _ = try emitted(count: 10) { try Self.header.emit(into: $0) }
        }
    }
}
