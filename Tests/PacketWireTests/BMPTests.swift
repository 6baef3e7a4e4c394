import Testing

@testable import PacketWire

@Suite struct BMPTests {
    // NetGauze evpn.pcap, frame 1, first BMP message (tshark -V -d tcp.port==1790,bmp, abridged):
    // BGP Monitoring Protocol, Type Peer Up Notification
    //     Version: 3
    //     Length: 250
    //     Type: Peer Up Notification (3)
    //     Per Peer Header
    //         Type: Global Instance Peer (0)
    //         Flags: 0x80 (IPv6)
    //         Address: fcba:be00:3002::2
    //         ASN: 65000
    //         BGP ID: 198.51.100.154
    //     Local Address: fcba:be00:3001::1
    //     Border Gateway Protocol - OPEN Message
    //         Length: 91
    //         Type: OPEN Message (1)
    //         Version: 4, My AS: 65543 (AS_TRANS 23456 on the wire), Hold Time: 180, BGP Identifier: 198.51.100.44
    //         Optional Parameters Length: 62
    //             Multiprotocol extensions capability: AFI IPv4 (1), SAFI Labeled VPN Unicast (128)
    //             Multiprotocol extensions capability: AFI IPv6 (2), SAFI Labeled VPN Unicast (128)
    //             Multiprotocol extensions capability: AFI Layer-2 VPN (25), SAFI EVPN (70)
    //             Route refresh capability (Cisco) (128), Route refresh capability (2)
    //             Support for 4-octet AS number capability (65): 65543
    //             Extended Next Hop Encoding (5)
    //     Border Gateway Protocol - OPEN Message
    //         Length: 91
    static let peerUp: [UInt8] = [
        0x03, 0x00, 0x00, 0x00, 0xfa, 0x03, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xfc, 0xba, 0xbe, 0x00, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0xfd, 0xe8, 0xc6, 0x33, 0x64, 0x9a, 0x61, 0xed, 0x8d, 0xe8, 0x00, 0x0b, 0x50, 0xc9,
        0xfc, 0xba, 0xbe, 0x00, 0x30, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
        0x5c, 0x80, 0x00, 0xb3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0x00, 0x5b, 0x01, 0x04, 0x5b, 0xa0, 0x00, 0xb4, 0xc6, 0x33, 0x64, 0x2c,
        0x3e, 0x02, 0x06, 0x01, 0x04, 0x00, 0x01, 0x00, 0x80, 0x02, 0x06, 0x01, 0x04, 0x00, 0x02, 0x00,
        0x80, 0x02, 0x06, 0x01, 0x04, 0x00, 0x19, 0x00, 0x46, 0x02, 0x02, 0x80, 0x00, 0x02, 0x02, 0x02,
        0x00, 0x02, 0x06, 0x41, 0x04, 0x00, 0x01, 0x00, 0x07, 0x02, 0x14, 0x05, 0x12, 0x00, 0x01, 0x00,
        0x01, 0x00, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x02, 0x00, 0x01, 0x00, 0x80, 0x00, 0x02, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
        0x5b, 0x01, 0x04, 0xfd, 0xe8, 0x00, 0xb4, 0xc6, 0x33, 0x64, 0x9a, 0x3e, 0x02, 0x06, 0x01, 0x04,
        0x00, 0x01, 0x00, 0x80, 0x02, 0x06, 0x01, 0x04, 0x00, 0x02, 0x00, 0x80, 0x02, 0x06, 0x01, 0x04,
        0x00, 0x19, 0x00, 0x46, 0x02, 0x02, 0x80, 0x00, 0x02, 0x02, 0x02, 0x00, 0x02, 0x06, 0x41, 0x04,
        0x00, 0x00, 0xfd, 0xe8, 0x02, 0x14, 0x05, 0x12, 0x00, 0x01, 0x00, 0x01, 0x00, 0x02, 0x00, 0x01,
        0x00, 0x02, 0x00, 0x02, 0x00, 0x01, 0x00, 0x80, 0x00, 0x02,
    ]

    // NetGauze evpn.pcap, frame 16, second BMP message (tshark -V -d tcp.port==1790,bmp, abridged):
    // BGP Monitoring Protocol, Type Route Monitoring
    //     Version: 3
    //     Length: 195
    //     Type: Route Monitoring (0)
    //     Per Peer Header
    //         Type: Global Instance Peer (0)
    //         Peer Distinguisher: 0:0
    //         Address: fcba:be00:3002::2
    //         ASN: 65000
    //         BGP ID: 198.51.100.154
    //         Timestamp (sec): 1642958398
    //         Timestamp (msec): 852469
    //     Border Gateway Protocol - UPDATE Message
    //         Length: 147
    //         Path Attribute - MP_REACH_NLRI
    //             Address family identifier (AFI): Layer-2 VPN (25)
    //             Subsequent address family identifier (SAFI): EVPN (70)
    //             Next hop: fcba:be00:3002::2
    //             EVPN NLRI: Ethernet AD Route
    //                 Route Type: Ethernet AD Route (1)
    //                 Length: 25
    //                 Route Distinguisher: 0001c633649a0201 (198.51.100.154:513)
    //                 ESI: 00:00:00:00:00:00:00:00:00:00
    //                 Ethernet Tag ID: 513
    //         Path Attribute - ORIGIN: IGP
    //         Path Attribute - AS_PATH: 65000
    //         Path Attribute - EXTENDED_COMMUNITIES
    //             Subtype (EVPN): Layer 2 Attributes (0x04)
    //             Route Target: 64497:41
    //         Path Attribute - BGP Prefix-SID
    static let routeMonitoringAD: [UInt8] = [
        0x03, 0x00, 0x00, 0x00, 0xc3, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xfc, 0xba, 0xbe, 0x00, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0xfd, 0xe8, 0xc6, 0x33, 0x64, 0x9a, 0x61, 0xed, 0x8e, 0x3e, 0x00, 0x0d, 0x01, 0xf5,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x93, 0x02, 0x00, 0x00, 0x00, 0x7c, 0x90, 0x0e, 0x00, 0x30, 0x00, 0x19, 0x46, 0x10, 0xfc,
        0xba, 0xbe, 0x00, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00,
        0x01, 0x19, 0x00, 0x01, 0xc6, 0x33, 0x64, 0x9a, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01, 0xe0, 0x00, 0x00, 0x40, 0x01, 0x01, 0x00, 0x40,
        0x02, 0x06, 0x02, 0x01, 0x00, 0x00, 0xfd, 0xe8, 0xc0, 0x10, 0x10, 0x06, 0x04, 0x00, 0x02, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x02, 0xfb, 0xf1, 0x00, 0x00, 0x00, 0x29, 0xc0, 0x28, 0x25, 0x06, 0x00,
        0x22, 0x00, 0x01, 0x00, 0x1e, 0x00, 0xfc, 0xba, 0xbe, 0x00, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x41, 0x00, 0x01, 0x00, 0x06, 0x20, 0x10, 0x10,
        0x00, 0x10, 0x30,
    ]

    // NetGauze evpn.pcap, frame 16, third BMP message: the EVPN End-of-RIB (tshark -V):
    // BGP Monitoring Protocol, Type Route Monitoring
    //     Length: 77
    //     Border Gateway Protocol - UPDATE Message
    //         Length: 29
    //         Path Attribute - MP_UNREACH_NLRI
    //             Length: 3
    //             Address family identifier (AFI): Layer-2 VPN (25)
    //             Subsequent address family identifier (SAFI): EVPN (70)
    //             Withdrawn Routes
    static let routeMonitoringEndOfRIB: [UInt8] = [
        0x03, 0x00, 0x00, 0x00, 0x4d, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0xfc, 0xba, 0xbe, 0x00, 0x30, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
        0x00, 0x00, 0xfd, 0xe8, 0xc6, 0x33, 0x64, 0x9a, 0x61, 0xed, 0x8e, 0x3e, 0x00, 0x0d, 0x01, 0xf8,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x1d, 0x02, 0x00, 0x00, 0x00, 0x06, 0x80, 0x0f, 0x03, 0x00, 0x19, 0x46,
    ]

    @Test func peerUp() throws {
        try withView(Self.peerUp) { (bytes) throws in
            let message = try BMPMessage(bytes)
            #expect(message.length == 250 && message.type == .peerUp)
            let peer = try #require(message.perPeerHeader)
            #expect(peer.peerType == 0 && peer.flags == 0x80)
            #expect(peer.address == IPAddress("fcba:be00:3002::2"))
            #expect(peer.autonomousSystem == 65000)
            #expect(peer.identifier == IPv4Address(198, 51, 100, 154))
            #expect(peer.asNumberSize == 4)
            let up = try message.peerUp
            #expect(up.localAddress == IPAddress("fcba:be00:3001::1"))
            #expect(up.sentOpen.length == 91 && up.receivedOpen.length == 91)
            let sent = try BGPOpenHeader(try BGPOpenMessage(up.sentOpen))
            #expect(sent.version == 4 && sent.holdTime == 180)
            #expect(sent.myAutonomousSystem == 23456 && sent.fourOctetAS == 65543 && sent.autonomousSystem == 65543)
            #expect(sent.identifier == IPv4Address(198, 51, 100, 44))
            #expect(sent.families == [BGPAddressFamily(afi: 1, safi: 128), BGPAddressFamily(afi: 2, safi: 128), .evpn])
            #expect(sent.addPath.isEmpty)
            let received = try BGPOpenHeader(try BGPOpenMessage(up.receivedOpen))
            #expect(received.autonomousSystem == 65000)
        }
    }

    @Test func routeMonitoring() throws {
        try withView(Self.routeMonitoringAD) { (bytes) throws in
            let message = try BMPMessage(bytes)
            #expect(message.length == 195 && message.type == .routeMonitoring)
            let header = try BMPHeader(message)
            #expect(header == BMPHeader(type: .routeMonitoring, peerFlags: 0x80, peerAddress: IPAddress("fcba:be00:3002::2")!,
                                        peerAS: 65000, peerIdentifier: IPv4Address(198, 51, 100, 154),
                                        timestampSeconds: 1_642_958_398, timestampMicroseconds: 852_469))
            let bgp = try message.routeMonitoringUpdate
            #expect(bgp.length == 147)
            let update = try BGPUpdateMessage(bgp)
            let reach = try BGPMultiprotocolReachable(try #require(try attribute(.multiprotocolReachable, in: update)).value)
            #expect(reach.family == .evpn && reach.nextHop == IPAddress("fcba:be00:3002::2"))
            var routes = EVPNRouteIterator(reach.reachability)
            let route = try EVPNRoute(try #require(try routes.next()))
            #expect(route == EVPNRoute(type: .ethernetAutoDiscovery, routeDistinguisher: RouteDistinguisher("198.51.100.154:513")!,
                                       esi: .zero, ethernetTag: 513, label1: 0xE0_0000))
            let path = try #require(try attribute(.asPath, in: update))
            #expect(try BGPASPath(path.value, numberSize: message.perPeerHeader!.asNumberSize).description == "65000")
        }
        try withView(Self.routeMonitoringEndOfRIB) { (bytes) throws in
            let update = try BGPUpdateMessage(try BMPMessage(bytes).routeMonitoringUpdate)
            let unreach = try BGPMultiprotocolUnreachable(try #require(try attribute(.multiprotocolUnreachable, in: update)).value)
            #expect(unreach.family == .evpn && unreach.withdrawnRoutes.count == 0)
        }
    }

    @Test func construct() throws {
        let header = try withView(Self.routeMonitoringAD) { try BMPHeader(try BMPMessage($0)) }
        let bytes = try emitted(count: 48) { try header.emit(length: 195, into: $0) }
        #expect(bytes == Array(Self.routeMonitoringAD[..<48]))
    }

    @Test func roundTrip() throws {
        var random = Xorshift(seed: 7854)
        for _ in 0..<propertyCases {
            let header = BMPHeader(
                type: BMPMessageType(rawValue: [0, 1, 2, 3, 6][Int(random.next() % 5)]), peerType: random.value(),
                peerFlags: random.value(UInt8.self) & 0x7F, peerDistinguisher: random.next(),
                peerAddress: random.next() & 1 == 0 ? .v4(random.ipv4()) : .v6(random.ipv6()), peerAS: random.value(),
                peerIdentifier: random.ipv4(), timestampSeconds: random.value(), timestampMicroseconds: random.value())
            let bytes = try emitted(count: 48) { try header.emit(length: 48, into: $0) }
            var read = try withView(bytes) { try BMPHeader(try BMPMessage($0)) }
            read.peerFlags &= 0x7F
            #expect(read == header)
        }
    }

    @Test func impossibleLength() {
        withView(Array(Self.routeMonitoringAD[..<5])) { bytes in
            #expect(throws: WireError(.truncated, at: 5)) { try BMPMessage(bytes) }
        }
        withView(Array(Self.routeMonitoringAD[..<194])) { bytes in
            #expect(throws: WireError(.truncated, at: 194)) { try BMPMessage(bytes) }
        }
        var version = Self.routeMonitoringAD
        version[0] = 2
        withView(version) { bytes in
            #expect(throws: WireError(.unsupported, at: 0)) { try BMPMessage(bytes) }
        }
        // A route monitoring message shorter than its per-peer header.
        withView([3, 0, 0, 0, 47, 0] + [UInt8](repeating: 0, count: 41)) { bytes in
            #expect(throws: WireError(.invalidField, at: 1)) { try BMPMessage(bytes) }
        }
        // A BGP message that does not fill the route monitoring message.
        var short = Self.routeMonitoringEndOfRIB
        short[4] = 78
        short.append(0)
        withView(short) { bytes in
            #expect(throws: WireError(.invalidField, at: 64)) { try BMPMessage(bytes).routeMonitoringUpdate }
        }
        // A peer up cut before its second OPEN.
        var cut = Self.peerUp
        cut.removeLast(10)
        cut[4] = UInt8(cut.count)
        withView(cut) { bytes in
            #expect(throws: WireError(.truncated, at: 240)) { try BMPMessage(bytes).peerUp }
        }
    }
}
