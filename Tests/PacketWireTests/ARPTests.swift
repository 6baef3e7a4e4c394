import Testing

@testable import PacketWire

@Suite struct ARPTests {
    // Who has 10.0.0.138? Tell 10.0.0.1 (pcapplusplus ArpRequestPacket.pcap, after Ethernet):
    // 0x0000:  0001 0800 0604 0001 6cf0 49b2 de6e 0a00  ........l.I..n..
    // 0x0010:  0001 0000 0000 0000 0a00 008a            ............
    static let request: [UInt8] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e, 0x0a, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x8a,
    ]

    static let header = ARPHeader(
        operation: .request, senderHardwareAddress: MACAddress("6c:f0:49:b2:de:6e")!,
        senderProtocolAddress: IPv4Address(10, 0, 0, 1), targetHardwareAddress: .zero,
        targetProtocolAddress: IPv4Address(10, 0, 0, 138))

    @Test func deconstruct() throws {
        try withView(Self.request) { bytes in
            let packet = try ARPPacket(bytes)
            #expect(packet.hardwareType == .ethernet)
            #expect(packet.protocolType == .ipv4)
            #expect(packet.hardwareAddressLength == 6)
            #expect(packet.protocolAddressLength == 4)
            #expect(packet.operation == .request)
            #expect(packet.packetLength == 28)
            #expect(packet.isEthernetIPv4)
            #expect(Array(packet.senderHardwareAddress) == [0x6c, 0xf0, 0x49, 0xb2, 0xde, 0x6e])
            #expect(Array(packet.senderProtocolAddress) == [10, 0, 0, 1])
            #expect(Array(packet.targetHardwareAddress) == [0, 0, 0, 0, 0, 0])
            #expect(Array(packet.targetProtocolAddress) == [10, 0, 0, 138])
            let header = try ARPHeader(packet)
            #expect(header == Self.header)
            #expect(!header.isGratuitous && !header.isProbe)
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 28) { try Self.header.emit(into: $0) } == Self.request)
    }

    @Test func roundTrip() throws {
        var random = Xorshift(seed: 30)
        for _ in 0..<propertyCases {
            let header = ARPHeader(
                operation: ARPOperation(rawValue: random.value()), senderHardwareAddress: random.mac(),
                senderProtocolAddress: random.ipv4(), targetHardwareAddress: random.mac(),
                targetProtocolAddress: random.ipv4())
            let bytes = try emitted(count: header.headerLength) { try header.emit(into: $0) }
            #expect(try withView(bytes) { try ARPHeader(try ARPPacket($0)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.request[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try ARPPacket(bytes) }
        }
        withView(Array(Self.request[..<27])) { bytes in
            #expect(throws: WireError(.truncated, at: 27)) { try ARPPacket(bytes) }
        }
    }

    @Test func otherAddressSpacesAreUnsupported() throws {
        // Hardware type 6 (IEEE 802), with HLN 0 and PLN 0: well formed but not Ethernet/IPv4.
        let bytes: [UInt8] = [0x00, 0x06, 0x08, 0x00, 0x00, 0x00, 0x00, 0x01]
        try withView(bytes) { view in
            let packet = try ARPPacket(view)
            #expect(!packet.isEthernetIPv4)
            #expect(packet.senderHardwareAddress.isEmpty && packet.targetProtocolAddress.isEmpty)
            #expect(throws: WireError(.unsupported, at: 0)) { try ARPHeader(packet) }
        }
    }

    @Test func recognizesGratuitousAndProbe() {
        var header = Self.header
        header.targetProtocolAddress = header.senderProtocolAddress
        #expect(header.isGratuitous)
        header.senderProtocolAddress = .any
        #expect(header.isProbe)
        #expect(ARPOperation.reverseRequest.rawValue == 3 && ARPOperation(rawValue: 9).description == "9")
    }
}
