import Testing

@testable import PacketWire

@Suite struct LinuxSLLTests {
    // Outgoing DNS query captured on "any" (pcapplusplus sll.pcap, packet 3):
    // 0x0000:  0004 0001 0006 0800 2719 1c78 0000 0800  ........'..x....
    // 0x0010:  4500 003e 91ed 4000 4011 9430 0a00 0008  E..>..@.@..0....
    // 0x0020:  0a00 008a c6ac 0035 002a 14cd 0e26 0100  .......5.*...&..
    // 0x0030:  0001 0000 0000 0000 0564 6169 7379 0675  .........daisy.u
    // 0x0040:  6275 6e74 7503 636f 6d00 0001 0001       buntu.com.....
    static let packet: [UInt8] = [
        0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x08, 0x00, 0x27, 0x19, 0x1c, 0x78, 0x00, 0x00, 0x08, 0x00,
        0x45, 0x00, 0x00, 0x3e, 0x91, 0xed, 0x40, 0x00, 0x40, 0x11, 0x94, 0x30, 0x0a, 0x00, 0x00, 0x08,
        0x0a, 0x00, 0x00, 0x8a, 0xc6, 0xac, 0x00, 0x35, 0x00, 0x2a, 0x14, 0xcd, 0x0e, 0x26, 0x01, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x64, 0x61, 0x69, 0x73, 0x79, 0x06, 0x75,
        0x62, 0x75, 0x6e, 0x74, 0x75, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
    ]

    static let header = LinuxSLLHeader(
        packetType: .outgoing, source: MACAddress("08:00:27:19:1c:78")!, protocolType: .ipv4)

    @Test func deconstruct() throws {
        try withView(Self.packet) { bytes in
            let packet = try LinuxSLLPacket(bytes)
            #expect(packet.packetType == .outgoing)
            #expect(packet.hardwareType == .ethernet)
            #expect(packet.addressLength == 6)
            #expect(packet.addressField == 0x0800_2719_1C78_0000)
            #expect(packet.sourceMACAddress == MACAddress("08:00:27:19:1c:78"))
            #expect(packet.protocolType == .ipv4)
            #expect(packet.payload.count == Self.packet.count - 16)
            #expect(packet.payload.first == 0x45)
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 16) { try Self.header.emit(into: $0) } == Array(Self.packet[..<16]))
    }

    @Test func roundTrip() throws {
        let parsed = try withView(Self.packet) { LinuxSLLHeader(try LinuxSLLPacket($0)) }
        #expect(parsed == Self.header)
        #expect(try emitted(count: parsed.headerLength) { try parsed.emit(into: $0) } == Array(Self.packet[..<16]))
    }

    @Test func impossibleLength() {
        withView(Array(Self.packet[..<15])) { bytes in
            #expect(throws: WireError(.truncated, at: 15)) { try LinuxSLLPacket(bytes) }
        }
    }

    @Test func otherAddressLengthsHaveNoMAC() throws {
        var bytes = Self.packet
        bytes[5] = 8
        try withView(bytes) { view in
            let packet = try LinuxSLLPacket(view)
            #expect(packet.sourceMACAddress == nil)
        }
    }
}

@Suite struct LinuxSLL2Tests {
    // Incoming TCP FIN on interface 20 (pcapplusplus sll2.pcap, packet 2):
    // 0x0000:  0800 0000 0000 0014 0001 0006 f03f 958f  .............?..
    // 0x0010:  8263 0000 4500 0028 872d 4000 2c06 718c  .c..E..(.-@.,.q.
    // 0x0020:  743f 426c 07f9 9772 01bb dfcc aace b5e9  t?Bl...r........
    // 0x0030:  a7ab 9fbf 5011 003f cfd2 0000            ....P..?....
    static let packet: [UInt8] = [
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x01, 0x00, 0x06, 0xf0, 0x3f, 0x95, 0x8f,
        0x82, 0x63, 0x00, 0x00, 0x45, 0x00, 0x00, 0x28, 0x87, 0x2d, 0x40, 0x00, 0x2c, 0x06, 0x71, 0x8c,
        0x74, 0x3f, 0x42, 0x6c, 0x07, 0xf9, 0x97, 0x72, 0x01, 0xbb, 0xdf, 0xcc, 0xaa, 0xce, 0xb5, 0xe9,
        0xa7, 0xab, 0x9f, 0xbf, 0x50, 0x11, 0x00, 0x3f, 0xcf, 0xd2, 0x00, 0x00,
    ]

    static let header = LinuxSLL2Header(
        protocolType: .ipv4, interfaceIndex: 20, hardwareType: .ethernet, packetType: .host, addressLength: 6,
        addressField: 0xF03F_958F_8263_0000)

    @Test func deconstruct() throws {
        try withView(Self.packet) { bytes in
            let packet = try LinuxSLL2Packet(bytes)
            #expect(packet.protocolType == .ipv4)
            #expect(packet.reserved == 0)
            #expect(packet.interfaceIndex == 20)
            #expect(packet.hardwareType == .ethernet)
            #expect(packet.packetType == .host)
            #expect(packet.addressLength == 6)
            #expect(packet.sourceMACAddress == MACAddress("f0:3f:95:8f:82:63"))
            #expect(packet.payload.count == 40)
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 20) { try Self.header.emit(into: $0) } == Array(Self.packet[..<20]))
    }

    @Test func roundTrip() throws {
        let parsed = try withView(Self.packet) { LinuxSLL2Header(try LinuxSLL2Packet($0)) }
        #expect(parsed == Self.header)
        #expect(try emitted(count: parsed.headerLength) { try parsed.emit(into: $0) } == Array(Self.packet[..<20]))
    }

    @Test func impossibleLength() {
        withView(Array(Self.packet[..<19])) { bytes in
            #expect(throws: WireError(.truncated, at: 19)) { try LinuxSLL2Packet(bytes) }
        }
    }
}
