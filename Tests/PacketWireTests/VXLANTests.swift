import Testing

@testable import PacketWire

@Suite struct VXLANTests {
    // VXLAN header, I flag, VNI 300:
    // 0x0000:  0800 0000 0001 2c00                      ......,.
    static let header: [UInt8] = [0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2c, 0x00]

    // The same VNI as captured, with non-zero reserved bytes, then the inner frame's first bytes
    // (pcapplusplus Vxlan2.pcap, packet 1, after UDP):
    // 0x0000:  0808 7f7f 0001 2c00 0030 8801 0002 0016  ......,..0......
    static let captured: [UInt8] = [
        0x08, 0x08, 0x7f, 0x7f, 0x00, 0x01, 0x2c, 0x00, 0x00, 0x30, 0x88, 0x01, 0x00, 0x02, 0x00, 0x16,
    ]

    static let value = VXLANHeader(networkIdentifier: 300)

    @Test func deconstruct() throws {
        try withView(Self.captured) { bytes in
            let packet = try VXLANPacket(bytes)
            #expect(packet.flags == 0x08 && packet.hasNetworkIdentifier)
            #expect(packet.networkIdentifier == 300)
            #expect(Array(packet.payload) == Array(Self.captured[8...]))
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 8) { try Self.value.emit(into: $0) } == Self.header)
    }

    @Test func roundTrip() throws {
        #expect(try withView(Self.header) { VXLANHeader(try VXLANPacket($0)) } == Self.value)
        var random = Xorshift(seed: 100)
        for _ in 0..<propertyCases {
            let value = VXLANHeader(flags: random.value(), networkIdentifier: random.value())
            #expect(value.networkIdentifier <= 0xFF_FFFF)
            #expect(try withView(try emitted(count: 8) { try value.emit(into: $0) }) { VXLANHeader(try VXLANPacket($0)) } == value)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.header[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try VXLANPacket(bytes) }
        }
    }
}
