import Testing

@testable import PacketWire

@Suite struct VLANTests {
    // QinQ frame: 802.1ad tag VLAN 30, then 802.1Q tag VLAN 100, then IPv4
    // (pcapplusplus QinQ_802.1_AD.pcapng, first 34 bytes):
    // 0x0000:  0010 9400 000c 0010 9400 0014 88a8 001e  ................
    // 0x0010:  8100 0064 0800 4500 05c2 54b0 0000 fffd  ...d..E...T.....
    // 0x0020:  ddbf                                     ..
    static let frame: [UInt8] = [
        0x00, 0x10, 0x94, 0x00, 0x00, 0x0c, 0x00, 0x10, 0x94, 0x00, 0x00, 0x14, 0x88, 0xa8, 0x00, 0x1e,
        0x81, 0x00, 0x00, 0x64, 0x08, 0x00, 0x45, 0x00, 0x05, 0xc2, 0x54, 0xb0, 0x00, 0x00, 0xff, 0xfd,
        0xdd, 0xbf,
    ]

    // One tag with priority 5, DEI set and VLAN 0xabc, followed by IPv6:
    // 0x0000:  babc 86dd                                ....
    static let tag: [UInt8] = [0xba, 0xbc, 0x86, 0xdd]

    static let header = VLANHeader(priority: 5, dropEligible: true, identifier: 0xABC, etherType: .ipv6)

    @Test func deconstruct() throws {
        try withView(Self.tag) { bytes in
            let tag = try VLANPacket(bytes)
            #expect(tag.tagControl == 0xBABC)
            #expect(tag.priority == 5)
            #expect(tag.dropEligible)
            #expect(tag.identifier == 0xABC)
            #expect(tag.etherType == .ipv6)
            #expect(tag.payload.isEmpty)
        }
    }

    @Test func construct() throws {
        #expect(try emitted(count: 4) { try Self.header.emit(into: $0) } == Self.tag)
    }

    @Test func roundTrip() throws {
        let parsed = try withView(Self.tag) { VLANHeader(try VLANPacket($0)) }
        #expect(parsed == Self.header)
        #expect(try emitted(count: 4) { try parsed.emit(into: $0) } == Self.tag)
        var random = Xorshift(seed: 20)
        for _ in 0..<propertyCases {
            let header = VLANHeader(
                priority: random.value(), dropEligible: random.next() & 1 == 1, identifier: random.value(),
                etherType: EtherType(rawValue: random.value()))
            let bytes = try emitted(count: 4) { try header.emit(into: $0) }
            #expect(try withView(bytes) { VLANHeader(try VLANPacket($0)) } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.tag[..<3])) { bytes in
            #expect(throws: WireError(.truncated, at: 3)) { try VLANPacket(bytes) }
        }
    }

    @Test func walksAStackOfTags() throws {
        let stack = try withView(Self.frame) { bytes in
            try VLANTagStack(walking: UnsafeRawBufferPointer(rebasing: bytes[14...]), etherType: .qinq)
        }
        #expect(stack.count == 2)
        #expect(stack.outerIdentifier == 30)
        #expect(stack.innerIdentifier == 100)
        #expect(stack.innerEtherType == .ipv4)
        #expect(stack.payloadOffset == 8)
    }

    @Test func walksNothingForAnUntaggedType() throws {
        let stack = try withView(Self.frame) { try VLANTagStack(walking: $0, etherType: .ipv4) }
        #expect(stack.count == 0 && stack.outerIdentifier == 0 && stack.innerIdentifier == 0)
        #expect(stack.innerEtherType == .ipv4 && stack.payloadOffset == 0)
    }

    @Test func walksManyTagsAndReportsWhereTheyAreCut() throws {
        // Five stacked tags (VLANs 1...5), the last one cut after two bytes.
        var bytes: [UInt8] = []
        for vlan in 1...5 { bytes += [0x00, UInt8(vlan), 0x81, 0x00] }
        bytes[bytes.count - 2] = 0x08
        bytes[bytes.count - 1] = 0x06
        let stack = try withView(bytes) { try VLANTagStack(walking: $0, etherType: .vlan) }
        #expect(stack.count == 5 && stack.outerIdentifier == 1 && stack.innerIdentifier == 5)
        #expect(stack.innerEtherType == .arp && stack.payloadOffset == 20)
        withView(Array(bytes[..<18])) { cut in
            #expect(throws: WireError(.truncated, at: 18)) { try VLANTagStack(walking: cut, etherType: .vlanDoubleTag) }
        }
    }
}
