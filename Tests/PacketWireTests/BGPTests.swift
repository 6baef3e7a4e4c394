import Testing

@testable import PacketWire

/// The first attribute of a type in an UPDATE.
func attribute(_ type: BGPAttributeType, in update: BGPUpdateMessage) throws -> BGPPathAttribute? {
    var attributes = update.pathAttributes
    while let attribute = try attributes.next() {
        if attribute.type == type { return attribute }
    }
    return nil
}

/// Every attribute type of an UPDATE, in order.
func attributeTypes(_ update: BGPUpdateMessage) throws -> [UInt8] {
    var types: [UInt8] = []
    var attributes = update.pathAttributes
    while let attribute = try attributes.next() { types.append(attribute.type.rawValue) }
    return types
}

@Suite struct BGPTests {
    // tcpdump bgp-evpn-pkt-1.pcap, first message of frame 1 (tshark -V):
    // Border Gateway Protocol - UPDATE Message
    //     Marker: ffffffffffffffffffffffffffffffff
    //     Length: 87
    //     Type: UPDATE Message (2)
    //     Withdrawn Routes Length: 0
    //     Total Path Attribute Length: 64
    //     Path Attribute - MP_REACH_NLRI
    //         Flags: 0x90, Optional, Extended-Length, Non-transitive, Complete
    //         Length: 42
    //         Address family identifier (AFI): IPv4 (1)
    //         Subsequent address family identifier (SAFI): Unicast (1)
    //         Next hop: IPv6=fe80::1eea:bff:fe6a:39de Link-local=fe80::1eea:bff:fe6a:39de
    //         Number of Subnetwork points of attachment (SNPA): 0
    //         Network Layer Reachability Information (NLRI)
    //             172.21.64.17/32
    //     Path Attribute - ORIGIN: INCOMPLETE
    //         Flags: 0x40, Transitive, Well-known, Complete
    //     Path Attribute - AS_PATH: 4200005792 4200004867
    //         Flags: 0x50, Transitive, Extended-Length, Well-known, Complete
    //         Length: 10
    //         AS Path segment: 4200005792 4200004867
    //             Segment type: AS_SEQUENCE (2)
    static let unicastUpdate: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x57, 0x02, 0x00, 0x00, 0x00, 0x40, 0x90, 0x0e, 0x00, 0x2a, 0x00, 0x01, 0x01, 0x20, 0xfe,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0xea, 0x0b, 0xff, 0xfe, 0x6a, 0x39, 0xde, 0xfe,
        0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1e, 0xea, 0x0b, 0xff, 0xfe, 0x6a, 0x39, 0xde, 0x00,
        0x20, 0xac, 0x15, 0x40, 0x11, 0x40, 0x01, 0x01, 0x02, 0x50, 0x02, 0x00, 0x0a, 0x02, 0x02, 0xfa,
        0x57, 0x00, 0xa0, 0xfa, 0x56, 0xfd, 0x03,
    ]

    // tcpdump bgp-evpn-pkt-1.pcap, third message of frame 1 (tshark -V):
    // Border Gateway Protocol - UPDATE Message
    //     Length: 104
    //     Type: UPDATE Message (2)
    //     Withdrawn Routes Length: 0
    //     Total Path Attribute Length: 81
    //     Path Attribute - MP_REACH_NLRI
    //         Flags: 0x90, Optional, Extended-Length, Non-transitive, Complete
    //         Length: 28
    //         Address family identifier (AFI): Layer-2 VPN (25)
    //         Subsequent address family identifier (SAFI): EVPN (70)
    //         Next hop: 172.21.64.17
    //         EVPN NLRI: Inclusive Multicast Route
    //             Route Type: Inclusive Multicast Route (3)
    //             Length: 17
    //             Route Distinguisher: 0001ac1540110002 (172.21.64.17:2)
    //             Ethernet Tag ID: 0
    //             IP Address Length: 32
    //             IPv4 address: 172.21.64.17
    //     Path Attribute - ORIGIN: IGP
    //     Path Attribute - AS_PATH: 4200005792 4200004867
    //     Path Attribute - EXTENDED_COMMUNITIES
    //         Flags: 0xc0, Optional, Transitive, Complete
    //         Length: 16
    //         Route Target: 64771:2 [Transitive 2-Octet AS-Specific]
    //         Encapsulation: VXLAN Encapsulation [Transitive Opaque]
    //             Tunnel type: VXLAN Encapsulation (8)
    //     Path Attribute - PMSI_TUNNEL_ATTRIBUTE
    //         Flags: 0xc0, Optional, Transitive, Complete
    //         Length: 9
    static let multicastUpdate: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x68, 0x02, 0x00, 0x00, 0x00, 0x51, 0x90, 0x0e, 0x00, 0x1c, 0x00, 0x19, 0x46, 0x04, 0xac,
        0x15, 0x40, 0x11, 0x00, 0x03, 0x11, 0x00, 0x01, 0xac, 0x15, 0x40, 0x11, 0x00, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x20, 0xac, 0x15, 0x40, 0x11, 0x40, 0x01, 0x01, 0x00, 0x50, 0x02, 0x00, 0x0a, 0x02,
        0x02, 0xfa, 0x57, 0x00, 0xa0, 0xfa, 0x56, 0xfd, 0x03, 0xc0, 0x10, 0x10, 0x00, 0x02, 0xfd, 0x03,
        0x00, 0x00, 0x00, 0x02, 0x03, 0x0c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0xc0, 0x16, 0x09, 0x00,
        0x06, 0x00, 0x00, 0x02, 0xac, 0x15, 0x40, 0x11,
    ]

    // Written for this test from RFC 7432/9136/4360 (text2pcap, then tshark 4.0 -V):
    // Border Gateway Protocol - UPDATE Message
    //     Length: 211
    //     Path Attribute - MP_REACH_NLRI
    //         Address family identifier (AFI): Layer-2 VPN (25)
    //         Subsequent address family identifier (SAFI): EVPN (70)
    //         Next hop: 192.0.2.1
    //         EVPN NLRI: MAC Advertisement Route
    //             Length: 40
    //             Route Distinguisher: 0000fde800000064 (65000:100)
    //             ESI: 00:00:00:00:00:00:00:00:00:00
    //             Ethernet Tag ID: 10
    //             MAC Address: 02:00:00:00:00:07 (02:00:00:00:00:07)
    //             IPv4 address: 10.0.0.7
    //             0000 0000 0010 0111 0001 .... = MPLS Label 1: 625
    //             0000 0000 0001 0011 1000 .... = MPLS Label 2: 312
    //         EVPN NLRI: Ethernet Segment Route
    //             Length: 23
    //             Route Distinguisher: 0001c00002010064 (192.0.2.1:100)
    //             ESI: 01:11:22:33:44:55:66:77:88:99
    //             IPv4 address: 192.0.2.1
    //         EVPN NLRI: IP Prefix route
    //             Length: 34
    //             Route Distinguisher: 0002fa56ea010007 (4200000001:7)
    //             Ethernet Tag ID: 0
    //             IP prefix length: 24
    //             IPv4 address: 10.1.2.0
    //             IPv4 Gateway address: 0.0.0.0
    //             MPLS Label Stack: 1250, (BOGUS: Bottom of Stack NOT set!)
    //     Path Attribute - ORIGIN: IGP
    //     Path Attribute - AS_PATH: 65000 4200000001
    //     Path Attribute - MULTI_EXIT_DISC: 50
    //     Path Attribute - LOCAL_PREF: 200
    //     Path Attribute - EXTENDED_COMMUNITIES
    //         MAC Mobility: Sticky MAC [Transitive EVPN]
    //             Sequence number: 7
    //         Route Target: 64086.59905(4200000001):7 [Transitive 4-Octet AS-Specific]
    //         Encapsulation: VXLAN Encapsulation [Transitive Opaque]
    //         Route Target: 192.0.2.1:5 [Transitive IPv4-Address-Specific]
    //     Path Attribute - Unknown (240)
    //         Length: 3
    static let craftedUpdate: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0xd3, 0x02, 0x00, 0x00, 0x00, 0xbc, 0x90, 0x0e, 0x00, 0x70, 0x00, 0x19, 0x46, 0x04, 0xc0,
        0x00, 0x02, 0x01, 0x00, 0x02, 0x28, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x30, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x07, 0x20, 0x0a, 0x00, 0x00, 0x07, 0x00, 0x27, 0x1a, 0x00, 0x13, 0x88, 0x04, 0x17,
        0x00, 0x01, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x64, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x88, 0x99, 0x20, 0xc0, 0x00, 0x02, 0x01, 0x05, 0x22, 0x00, 0x02, 0xfa, 0x56, 0xea, 0x01, 0x00,
        0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18,
        0x0a, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4e, 0x20, 0x40, 0x01, 0x01, 0x00, 0x40,
        0x02, 0x0a, 0x02, 0x02, 0x00, 0x00, 0xfd, 0xe8, 0xfa, 0x56, 0xea, 0x01, 0x80, 0x04, 0x04, 0x00,
        0x00, 0x00, 0x32, 0x40, 0x05, 0x04, 0x00, 0x00, 0x00, 0xc8, 0xc0, 0x10, 0x20, 0x06, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x07, 0x02, 0x02, 0xfa, 0x56, 0xea, 0x01, 0x00, 0x07, 0x03, 0x0c, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x08, 0x01, 0x02, 0xc0, 0x00, 0x02, 0x01, 0x00, 0x05, 0xc0, 0xf0, 0x03,
        0x01, 0x02, 0x03,
    ]

    // Written for this test (text2pcap, then tshark 4.0 -V):
    // Border Gateway Protocol - UPDATE Message
    //     Length: 74
    //     Withdrawn Routes Length: 3
    //     Withdrawn Routes
    //         10.9.0.0/16
    //     Total Path Attribute Length: 48
    //     Path Attribute - MP_UNREACH_NLRI
    //         Flags: 0x80, Optional, Non-transitive, Complete
    //         Length: 45
    //         Address family identifier (AFI): Layer-2 VPN (25)
    //         Subsequent address family identifier (SAFI): EVPN (70)
    //         Withdrawn Routes
    //             EVPN NLRI: MAC Advertisement Route
    //                 Route Distinguisher: 0000fde800000064 (65000:100)
    //                 MAC Address: 02:00:00:00:00:07 (02:00:00:00:00:07)
    //                 IPv4 address: 10.0.0.7
    static let craftedWithdrawal: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x4a, 0x02, 0x00, 0x03, 0x10, 0x0a, 0x09, 0x00, 0x30, 0x80, 0x0f, 0x2d, 0x00, 0x19, 0x46,
        0x02, 0x28, 0x00, 0x00, 0xfd, 0xe8, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00, 0x07, 0x20,
        0x0a, 0x00, 0x00, 0x07, 0x00, 0x27, 0x1a, 0x00, 0x13, 0x88,
    ]

    @Test func messageHeader() throws {
        try withView(Self.multicastUpdate) { (bytes) throws in
            #expect(try BGPMessage.announcedLength(bytes) == 104)
            let message = try BGPMessage(bytes)
            #expect(message.length == 104)
            #expect(message.type == .update)
            #expect(message.bytes.count == 104)
            #expect(message.body.count == 85)
        }
        // A view of a stream holding two messages covers the first only.
        try withView(Self.unicastUpdate + Self.multicastUpdate) { (bytes) throws in
            let first = try BGPMessage(bytes)
            #expect(first.length == 87 && first.bytes.count == 87)
            let second = try BGPMessage(bytes.slice(from: 87))
            #expect(second.length == 104)
            #expect(BGPMessage.firstMarker(in: bytes, from: 1) == 87)
            #expect(BGPMessage.firstMarker(in: bytes, from: 88) == nil)
        }
    }

    @Test func headerConstruct() throws {
        let keepalive = try emitted(count: 19) { try BGPMessageHeader.emit(length: 19, type: .keepalive, into: $0) }
        #expect(keepalive == [UInt8](repeating: 0xFF, count: 16) + [0x00, 0x13, 0x04])
        #expect(try withView(keepalive) { try BGPMessage($0).type } == .keepalive)
        #expect(throws: WireError(.invalidField, at: 16)) {
            _ = try emitted(count: 19) { try BGPMessageHeader.emit(length: 18, type: .keepalive, into: $0) }
        }
    }

    @Test func impossibleHeader() {
        withView(Array(Self.multicastUpdate[..<18])) { bytes in
            #expect(throws: WireError(.truncated, at: 18)) { try BGPMessage(bytes) }
        }
        withView(Array(Self.multicastUpdate[..<103])) { bytes in
            #expect(throws: WireError(.truncated, at: 103)) { try BGPMessage(bytes) }
        }
        var badMarker = Self.multicastUpdate
        badMarker[5] = 0xFE
        withView(badMarker) { bytes in
            #expect(throws: WireError(.invalidField, at: 0)) { try BGPMessage(bytes) }
        }
        var shortLength = Self.multicastUpdate
        shortLength[16] = 0
        shortLength[17] = 18
        withView(shortLength) { bytes in
            #expect(throws: WireError(.invalidField, at: 16)) { try BGPMessage(bytes) }
        }
    }

    @Test func unicastUpdateWithLinkLocalNextHop() throws {
        try withView(Self.unicastUpdate) { (bytes) throws in
            let update = try BGPUpdateMessage(try BGPMessage(bytes))
            #expect(update.withdrawnRoutes.count == 0)
            #expect(update.pathAttributeBytes.count == 64)
            #expect(update.reachability.count == 0)
            #expect(try attributeTypes(update) == [14, 1, 2])
            let reach = try #require(try attribute(.multiprotocolReachable, in: update))
            #expect(reach.flags == 0x90 && reach.isExtendedLength && reach.value.count == 42)
            let mp = try BGPMultiprotocolReachable(reach.value)
            #expect(mp.family == .ipv4Unicast)
            #expect(mp.nextHopBytes.count == 32)
            #expect(mp.nextHop == IPAddress("fe80::1eea:bff:fe6a:39de"))
            var prefixes = BGPPrefixIterator(mp.reachability)
            #expect(try prefixes.next()?.description == "172.21.64.17/32")
            #expect(try prefixes.next() == nil)
            let origin = try #require(try attribute(.origin, in: update))
            #expect(try BGPOrigin(origin.value) == .incomplete)
            let path = try #require(try attribute(.asPath, in: update))
            #expect(path.flags == 0x50 && path.value.count == 10)
            #expect(BGPASPath.likelyNumberSize(path.value) == 4)
            let asPath = try BGPASPath(path.value, numberSize: 4)
            #expect(asPath.segments == [BGPASPathSegment(type: 2, numbers: [4_200_005_792, 4_200_004_867])])
            #expect(asPath.description == "4200005792 4200004867")
            #expect(asPath.hopCount == 2)
        }
    }

    @Test func evpnUpdateAttributes() throws {
        try withView(Self.multicastUpdate) { (bytes) throws in
            let update = try BGPUpdateMessage(try BGPMessage(bytes))
            #expect(try attributeTypes(update) == [14, 1, 2, 16, 22])  // PMSI (22) is skipped by length
            let reach = try BGPMultiprotocolReachable(try #require(try attribute(.multiprotocolReachable, in: update)).value)
            #expect(reach.family == .evpn)
            #expect(reach.nextHop == IPAddress("172.21.64.17"))
            #expect(reach.reachability.count == 19)
            let communities = try BGPExtendedCommunities(try #require(try attribute(.extendedCommunities, in: update)).value)
            #expect(communities.count == 2)
            #expect(communities[0].routeTarget == "64771:2")
            #expect(communities[0].tunnelType == nil && communities[0].macMobility == nil)
            #expect(communities[1].tunnelType == BGPExtendedCommunity.vxlanTunnelType)
            #expect(communities[1].routeTarget == nil)
        }
    }

    @Test func craftedUpdateAttributes() throws {
        try withView(Self.craftedUpdate) { (bytes) throws in
            let update = try BGPUpdateMessage(try BGPMessage(bytes))
            #expect(try attributeTypes(update) == [14, 1, 2, 4, 5, 16, 240])
            let med = try #require(try attribute(.multiExitDiscriminator, in: update))
            #expect(try readBGPUInt32Attribute(med.value) == 50)
            let localPreference = try #require(try attribute(.localPreference, in: update))
            #expect(try readBGPUInt32Attribute(localPreference.value) == 200)
            let path = try #require(try attribute(.asPath, in: update))
            #expect(try BGPASPath(path.value, numberSize: 4).description == "65000 4200000001")
            let communities = try BGPExtendedCommunities(try #require(try attribute(.extendedCommunities, in: update)).value)
            #expect(communities.count == 4)
            let mobility = try #require(communities[0].macMobility)
            #expect(mobility.sequence == 7 && mobility.sticky)
            // tshark writes a 4-byte-AS route target in asdot with the plain number in parentheses
            // (64086.59905(4200000001):7); roamcap writes it as RDs are written: plain.
            #expect(communities[1].routeTarget == "4200000001:7")
            #expect(communities[2].tunnelType == 8)
            #expect(communities[3].routeTarget == "192.0.2.1:5")
            let unknown = try #require(try attribute(BGPAttributeType(rawValue: 240), in: update))
            #expect(Array(unknown.value) == [1, 2, 3])
        }
    }

    @Test func withdrawals() throws {
        try withView(Self.craftedWithdrawal) { (bytes) throws in
            let update = try BGPUpdateMessage(try BGPMessage(bytes))
            var withdrawn = BGPPrefixIterator(update.withdrawnRoutes)
            #expect(try withdrawn.next() == BGPPrefix(address: .v4(IPv4Address(10, 9, 0, 0)), length: 16))
            #expect(try withdrawn.next() == nil)
            let unreach = try BGPMultiprotocolUnreachable(try #require(try attribute(.multiprotocolUnreachable, in: update)).value)
            #expect(unreach.family == .evpn)
            #expect(unreach.withdrawnRoutes.count == 42)
        }
    }

    @Test func updateConstruct() throws {
        // ORIGIN IGP and a 4-byte AS_PATH, written with the attribute writer, read back.
        let path = BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [65000, 4_200_000_001])])
        let valueLength = path.valueLength(numberSize: 4)
        let attributesLength = 4 + BGPPathAttributeWriter.length(valueLength: valueLength)
        let length = 23 + attributesLength
        let bytes = try emitted(count: length) { buffer in
            try BGPMessageHeader.emit(length: length, type: .update, into: buffer)
            buffer.writeUInt16(0, at: 19)
            buffer.writeUInt16(UInt16(attributesLength), at: 21)
            var at = try BGPPathAttributeWriter.emitHeader(flags: 0x40, type: .origin, valueLength: 1, into: buffer, at: 23)
            buffer.writeUInt8(0, at: at)
            at = try BGPPathAttributeWriter.emitHeader(flags: 0x40, type: .asPath, valueLength: valueLength, into: buffer, at: at + 1)
            try path.emit(numberSize: 4, into: buffer, at: at)
        }
        // The same bytes as the ORIGIN and AS_PATH of craftedUpdate (offsets 139 to 155 there).
        #expect(Array(bytes[23...]) == Array(Self.craftedUpdate[139..<156]))
        try withView(bytes) { (raw) throws in
            let update = try BGPUpdateMessage(try BGPMessage(raw))
            #expect(try BGPASPath(try #require(try attribute(.asPath, in: update)).value, numberSize: 4) == path)
        }
    }

    @Test func asPathRoundTrip() throws {
        var random = Xorshift(seed: 179)
        for _ in 0..<propertyCases {
            let size = random.next() & 1 == 0 ? 2 : 4
            let segments = (0..<Int(random.next() % 3)).map { _ in
                BGPASPathSegment(type: UInt8(1 + random.next() % 4), numbers: (0..<Int(1 + random.next() % 5)).map { _ in
                    size == 2 ? UInt32(random.value(UInt16.self)) : random.value(UInt32.self)
                })
            }
            let path = BGPASPath(segments: segments)
            let bytes = try emitted(count: path.valueLength(numberSize: size)) { try path.emit(numberSize: size, into: $0, at: 0) }
            #expect(try withView(bytes) { try BGPASPath($0, numberSize: size) } == path)
        }
    }

    @Test func impossibleUpdate() throws {
        // Withdrawn Routes Length past the end.
        var bad = Self.multicastUpdate
        bad[20] = 200
        try withView(bad) { (bytes) throws in
            #expect(throws: WireError(.invalidField, at: 19)) { try BGPUpdateMessage(try BGPMessage(bytes)) }
        }
        // Total Path Attribute Length past the end.
        bad = Self.multicastUpdate
        bad[22] = 200
        try withView(bad) { (bytes) throws in
            #expect(throws: WireError(.invalidField, at: 21)) { try BGPUpdateMessage(try BGPMessage(bytes)) }
        }
        // An attribute whose length runs past the attributes: the walk stops with truncated.
        bad = Self.multicastUpdate
        bad[26] = 0xFF  // MP_REACH_NLRI extended length, low byte
        try withView(bad) { (bytes) throws in
            let update = try BGPUpdateMessage(try BGPMessage(bytes))
            var attributes = update.pathAttributes
            #expect(throws: WireError(.truncated, at: 104)) { try attributes.next() }
        }
        // A next hop length past the end of MP_REACH_NLRI.
        withView([0x00, 0x19, 0x46, 0x04, 1, 2, 3, 4]) { value in
            #expect(throws: WireError(.truncated, at: 8)) { try BGPMultiprotocolReachable(value) }
        }
        withView([0x00, 0x19, 0x46, 0x04, 1, 2, 3, 4, 0]) { value in
            #expect((try? BGPMultiprotocolReachable(value))?.reachability.count == 0)
        }
        // A prefix longer than 32 bits, and one cut short.
        withView([33, 1, 2, 3, 4, 5]) { raw in
            var prefixes = BGPPrefixIterator(raw)
            #expect(throws: WireError(.invalidField, at: 0)) { try prefixes.next() }
        }
        withView([24, 10, 1]) { raw in
            var prefixes = BGPPrefixIterator(raw)
            #expect(throws: WireError(.truncated, at: 3)) { try prefixes.next() }
        }
        withView([0, 1, 2, 3]) { value in
            #expect(throws: WireError(.invalidField, at: 0)) { try BGPExtendedCommunities(value) }
        }
        withView([2, 3, 0, 1]) { value in
            #expect(throws: WireError(.truncated, at: 4)) { try BGPASPath(value, numberSize: 2) }
        }
    }

    @Test func addPathPrefixes() throws {
        // RFC 7911: path identifier 7, then 10.1.0.0/16; path identifier 8, then 0.0.0.0/0.
        try withView([0, 0, 0, 7, 16, 10, 1, 0, 0, 0, 8, 0]) { (raw) throws in
            var prefixes = BGPPrefixIterator(raw, addPath: true)
            #expect(try prefixes.next() == BGPPrefix(address: .v4(IPv4Address(10, 1, 0, 0)), length: 16, pathIdentifier: 7))
            #expect(try prefixes.next() == BGPPrefix(address: .v4(.any), length: 0, pathIdentifier: 8))
            #expect(try prefixes.next() == nil)
        }
    }

    @Test func openRoundTrip() throws {
        let header = BGPOpenHeader(
            myAutonomousSystem: 23456, holdTime: 90, identifier: IPv4Address(192, 0, 2, 1), fourOctetAS: 4_200_000_001,
            families: [.evpn, .ipv4Unicast],
            addPath: [BGPAddPathFamily(family: .evpn, sendReceive: 3), BGPAddPathFamily(family: .ipv4Unicast, sendReceive: 1)])
        let bytes = try emitted(count: header.length) { try header.emit(into: $0) }
        // 29 fixed bytes, parameter type 2 and length, 2 multiprotocol (6 each), 4-octet AS (6), ADD-PATH (2 + 8).
        #expect(bytes.count == 29 + 2 + 12 + 6 + 10)
        #expect(Array(bytes[29..<33]) == [2, 28, 1, 4])
        #expect(Array(bytes[43...]) == [65, 4, 0xFA, 0x56, 0xEA, 0x01, 69, 8, 0, 25, 70, 3, 0, 1, 1, 1])
        try withView(bytes) { (raw) throws in
            let open = try BGPOpenMessage(try BGPMessage(raw))
            let read = try BGPOpenHeader(open)
            #expect(read == header)
            #expect(read.autonomousSystem == 4_200_000_001)
            #expect(read.addPath[0].sends && read.addPath[0].receives)
            #expect(!read.addPath[1].sends && read.addPath[1].receives)
        }
        // A capability that runs past its parameter.
        var bad = bytes
        bad[32] = 40
        try withView(bad) { (raw) throws in
            let open = try BGPOpenMessage(try BGPMessage(raw))
            #expect(throws: WireError(.truncated, at: 31)) { try open.capabilities() }
        }
        // Optional parameters longer than the message.
        bad = bytes
        bad[28] = 200
        withView(bad) { raw in
            #expect(throws: WireError(.invalidField, at: 28)) { try BGPOpenMessage(try BGPMessage(raw)) }
        }
    }

    @Test func as4PathMerge() {
        // RFC 6793 section 4.2.3, on the AS_PATH and AS4_PATH of frame 13 of tcpdump's
        // bgp-4byte-asn.pcap (tshark -V):
        //     Path Attribute - AS_PATH: 200 1 23456 23456 23456
        //     Path Attribute - AS4_PATH: 1 222222 333333 4294967290
        let asPath = BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [200, 1, 23456, 23456, 23456])])
        let as4Path = BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [1, 222_222, 333_333, 4_294_967_290])])
        #expect(asPath.merging(as4Path: as4Path).description == "200 1 222222 333333 4294967290")
        // An AS4_PATH longer than the AS_PATH is ignored.
        let short = BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [23456])])
        #expect(short.merging(as4Path: as4Path) == short)
        // A set counts as one hop.
        let withSet = BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [100]), BGPASPathSegment(type: 1, numbers: [1, 2]),
                                           BGPASPathSegment(type: 2, numbers: [23456])])
        #expect(withSet.merging(as4Path: BGPASPath(segments: [BGPASPathSegment(type: 2, numbers: [70000])])).description
                == "100 {1 2} 70000")
    }

    @Test func extendedOptionalParameters() throws {
        // RFC 9072: Non-Ext OP Len 255, Non-Ext OP Type 255, a 2-byte Extended Opt. Parm. Length,
        // then parameters with 2-byte lengths: one capabilities parameter holding the 4-octet AS
        // capability (65, length 4, AS 4200000001) and ADD-PATH (69, length 4, EVPN, send/receive).
        let capabilities: [UInt8] = [65, 4, 0xFA, 0x56, 0xEA, 0x01, 69, 4, 0, 25, 70, 3]
        let parameters: [UInt8] = [2, 0, UInt8(capabilities.count)] + capabilities
        var bytes = [UInt8](repeating: 0xFF, count: 16) + [0, 0, 1, 4, 0x5B, 0xA0, 0, 90, 192, 0, 2, 1, 255, 255, 0,
                                                          UInt8(parameters.count)] + parameters
        bytes[17] = UInt8(bytes.count)
        try withView(bytes) { (raw) throws in
            let open = try BGPOpenHeader(try BGPOpenMessage(try BGPMessage(raw)))
            #expect(open.myAutonomousSystem == 23456 && open.fourOctetAS == 4_200_000_001)
            #expect(open.addPath == [BGPAddPathFamily(family: .evpn, sendReceive: 3)])
        }
        // The extended length running past the message.
        bytes[31] = UInt8(parameters.count + 1)
        withView(bytes) { raw in
            #expect(throws: WireError(.invalidField, at: 28)) { try BGPOpenMessage(try BGPMessage(raw)) }
        }
    }
}
