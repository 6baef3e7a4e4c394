import Testing

@testable import PacketWire

@Suite struct ICMPv6Tests {
    // Neighbor solicitation :: > ff02::1:fff5:0, who has fe80::c000:54ff:fef5:0 (DAD), with its
    // IPv6 header (pcapplusplus IcmpV6_NeighAdvSoli.pcap, packet 1, after Ethernet):
    // 0x0000:  6e00 0000 0018 3aff 0000 0000 0000 0000  n.....:.........
    // 0x0010:  0000 0000 0000 0000 ff02 0000 0000 0000  ................
    // 0x0020:  0000 0001 fff5 0000 8700 673c 0000 0000  ..........g<....
    // 0x0030:  fe80 0000 0000 0000 c000 54ff fef5 0000  ..........T.....
    static let solicitation: [UInt8] = [
        0x6e, 0x00, 0x00, 0x00, 0x00, 0x18, 0x3a, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x01, 0xff, 0xf5, 0x00, 0x00, 0x87, 0x00, 0x67, 0x3c, 0x00, 0x00, 0x00, 0x00,
        0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00,
    ]

    // Neighbor advertisement fe80::c000:54ff:fef5:0 > ff02::1, flags [router, override], target
    // link-layer address c2:00:54:f5:00:00 (same file, packet 2, after IPv6):
    // 0x0000:  8800 9abb a000 0000 fe80 0000 0000 0000  ................
    // 0x0010:  c000 54ff fef5 0000 0201 c200 54f5 0000  ..T.........T...
    static let advertisement: [UInt8] = [
        0x88, 0x00, 0x9a, 0xbb, 0xa0, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xc0, 0x00, 0x54, 0xff, 0xfe, 0xf5, 0x00, 0x00, 0x02, 0x01, 0xc2, 0x00, 0x54, 0xf5, 0x00, 0x00,
    ]

    static let target = IPv6Address("fe80::c000:54ff:fef5:0")!
    static let advertisementPseudoHeaderSum = Checksum.pseudoHeaderSum(
        source: target, destination: .linkLocalAllNodes, protocol: .icmpv6, length: 32)

    static let advertisementValue = NeighborAdvertisement(
        flags: [.router, .override], targetAddress: target, targetLinkLayerAddress: MACAddress("c2:00:54:f5:00:00"))

    @Test func deconstructSolicitation() throws {
        try withView(Self.solicitation) { bytes in
            let ip = try IPv6Packet(bytes)
            let packet = try ICMPv6Packet(ip.payload)
            #expect(packet.type == .neighborSolicitation && packet.type.isNeighborDiscovery)
            #expect(packet.code == 0)
            #expect(packet.checksum == 0x673C)
            let pseudo = Checksum.pseudoHeaderSum(
                source: ip.sourceAddress, destination: ip.destinationAddress, protocol: .icmpv6, length: 24)
            #expect(packet.isChecksumValid(pseudoHeaderSum: pseudo))
            #expect(packet.targetAddress == Self.target)
            #expect(packet.neighborAdvertisementFlags == nil)
            #expect(packet.sourceLinkLayerAddress == nil)
            let value = try NeighborSolicitation(packet)
            #expect(value == NeighborSolicitation(targetAddress: Self.target))
        }
    }

    @Test func deconstructAdvertisement() throws {
        try withView(Self.advertisement) { bytes in
            let packet = try ICMPv6Packet(bytes)
            #expect(packet.type == .neighborAdvertisement)
            #expect(packet.isChecksumValid(pseudoHeaderSum: Self.advertisementPseudoHeaderSum))
            #expect(packet.targetAddress == Self.target)
            #expect(packet.neighborAdvertisementFlags == [.router, .override])
            #expect(packet.targetLinkLayerAddress == MACAddress("c2:00:54:f5:00:00"))
            #expect(packet.sourceLinkLayerAddress == nil)
            var count = 0
            for option in packet.options {
                count += 1
                #expect(option.type == .targetLinkLayerAddress && option.length == 8)
            }
            #expect(count == 1)
            let value = try NeighborAdvertisement(packet)
            #expect(value == Self.advertisementValue)
            #expect(value.isUnsolicited)
        }
    }

    @Test func construct() throws {
        let bytes = try emitted(count: Self.advertisementValue.length) { buffer in
            try Self.advertisementValue.emit(into: buffer)
            try MutableICMPv6Packet(buffer).fillChecksum(pseudoHeaderSum: Self.advertisementPseudoHeaderSum)
        }
        #expect(bytes == Self.advertisement)
        let solicitation = try emitted(count: 24) { buffer in
            try NeighborSolicitation(targetAddress: Self.target).emit(into: buffer)
            let pseudo = Checksum.pseudoHeaderSum(
                source: .any, destination: Self.target.solicitedNodeMulticast, protocol: .icmpv6, length: 24)
            try MutableICMPv6Packet(buffer).fillChecksum(pseudoHeaderSum: pseudo)
        }
        #expect(solicitation == Array(Self.solicitation[40...]))
    }

    @Test func roundTrip() throws {
        var random = Xorshift(seed: 80)
        for _ in 0..<propertyCases / 4 {
            let mac: MACAddress? = random.next() & 1 == 0 ? nil : random.mac()
            let na = NeighborAdvertisement(
                flags: NeighborAdvertisementFlags(rawValue: random.value()), targetAddress: random.ipv6(),
                targetLinkLayerAddress: mac)
            #expect(try withView(try emitted(count: na.length) { try na.emit(into: $0) }) {
                try NeighborAdvertisement(try ICMPv6Packet($0))
            } == na)
            let ns = NeighborSolicitation(targetAddress: random.ipv6(), sourceLinkLayerAddress: mac)
            #expect(try withView(try emitted(count: ns.length) { try ns.emit(into: $0) }) {
                try NeighborSolicitation(try ICMPv6Packet($0))
            } == ns)
            let rs = RouterSolicitation(sourceLinkLayerAddress: mac)
            #expect(try withView(try emitted(count: rs.length) { try rs.emit(into: $0) }) {
                try RouterSolicitation(try ICMPv6Packet($0))
            } == rs)
            let ra = RouterAdvertisement(
                currentHopLimit: random.value(), managedAddressConfiguration: random.next() & 1 == 0,
                otherConfiguration: random.next() & 1 == 0, routerLifetime: random.value(),
                reachableTime: random.value(), retransmitTimer: random.value(), sourceLinkLayerAddress: mac,
                mtu: random.next() & 1 == 0 ? nil : random.value())
            #expect(try withView(try emitted(count: ra.length) { try ra.emit(into: $0) }) {
                try RouterAdvertisement(try ICMPv6Packet($0))
            } == ra)
            let header = ICMPv6Header(type: ICMPv6Type(rawValue: UInt8.random(in: 0...127, using: &random)),
                code: random.value(), messageBody: random.value())
            #expect(try withView(try emitted(count: 8) { try header.emit(into: $0) }) {
                ICMPv6Header(try ICMPv6Packet($0))
            } == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.advertisement[..<7])) { bytes in
            #expect(throws: WireError(.truncated, at: 7)) { try ICMPv6Packet(bytes) }
        }
        // A neighbor advertisement must hold its target address.
        withView(Array(Self.advertisement[..<23])) { bytes in
            #expect(throws: WireError(.truncated, at: 23)) { try ICMPv6Packet(bytes) }
        }
        // An echo request of 8 bytes is fine, and has no target.
        withView([0x80, 0, 0, 0, 0, 1, 0, 2]) { bytes in
            let packet = try? ICMPv6Packet(bytes)
            #expect(packet?.targetAddress == nil && packet?.identifier == 1 && packet?.sequenceNumber == 2)
        }
    }

    @Test func wrongTypeOrMalformedOptions() throws {
        withView(Self.advertisement) { bytes in
            #expect(throws: WireError(.invalidField, at: 0)) { try NeighborSolicitation(try ICMPv6Packet(bytes)) }
        }
        var zeroLengthOption = Self.advertisement
        zeroLengthOption[25] = 0
        try withView(zeroLengthOption) { bytes in
            let packet = try ICMPv6Packet(bytes)
            #expect(packet.targetLinkLayerAddress == nil)
            var iterator = packet.options
            #expect(iterator.next() == nil)
        }
    }

    @Test func updatesChecksumForAddressRewrite() throws {
        var bytes = Self.advertisement
        let newSource = IPv6Address("2001:db8::7")!
        try bytes.withUnsafeMutableBytes { buffer in
            let packet = try MutableICMPv6Packet(buffer)
            packet.updateChecksum(replacing: Self.target, with: newSource)
            let pseudo = Checksum.pseudoHeaderSum(
                source: newSource, destination: .linkLocalAllNodes, protocol: .icmpv6, length: 32)
            #expect(packet.packet.isChecksumValid(pseudoHeaderSum: pseudo))
        }
    }
}
