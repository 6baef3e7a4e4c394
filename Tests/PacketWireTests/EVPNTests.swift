import Testing

@testable import PacketWire

/// The EVPN NLRI of the first MP_REACH_NLRI (or MP_UNREACH_NLRI) of a message.
func evpnRoutes(_ message: [UInt8], addPath: Bool = false) throws -> [EVPNRoute] {
    try withView(message) { (bytes) throws in
        let update = try BGPUpdateMessage(try BGPMessage(bytes))
        var nlri: UnsafeRawBufferPointer
        if let reach = try attribute(.multiprotocolReachable, in: update) {
            nlri = try BGPMultiprotocolReachable(reach.value).reachability
        } else {
            nlri = try BGPMultiprotocolUnreachable(try #require(try attribute(.multiprotocolUnreachable, in: update)).value)
                .withdrawnRoutes
        }
        var routes: [EVPNRoute] = []
        var iterator = EVPNRouteIterator(nlri, addPath: addPath)
        while let view = try iterator.next() { routes.append(try EVPNRoute(view)) }
        return routes
    }
}

@Suite struct EVPNTests {
    // tcpdump bgp-evpn-pkt-1.pcap, second message of frame 1 (tshark -V, abridged):
    // Border Gateway Protocol - UPDATE Message
    //     Length: 210
    //     Path Attribute - MP_REACH_NLRI
    //         Address family identifier (AFI): Layer-2 VPN (25)
    //         Subsequent address family identifier (SAFI): EVPN (70)
    //         Next hop: 172.21.64.17
    //         EVPN NLRI: MAC Advertisement Route
    //             Route Type: MAC Advertisement Route (2)
    //             Length: 49
    //             Route Distinguisher: 0001ac1540110002 (172.21.64.17:2)
    //             ESI: 00:00:00:00:00:00:00:00:00:00
    //             Ethernet Tag ID: 0
    //             MAC Address Length: 48
    //             MAC Address: 02:00:00:02:13:03 (02:00:00:02:13:03)
    //             IP Address Length: 128
    //             IPv6 address: 2a02:238:f030:1c2::10df
    //             0000 0000 0000 0000 0000 .... = MPLS Label 1: 0
    //         EVPN NLRI: MAC Advertisement Route
    //             Length: 49
    //             Route Distinguisher: 0001ac1540110002 (172.21.64.17:2)
    //             MAC Address: 02:00:00:02:13:03 (02:00:00:02:13:03)
    //             IPv6 address: fe80::ff:fe02:1303
    //             0000 0000 0000 0000 0000 .... = MPLS Label 1: 0
    //         EVPN NLRI: MAC Advertisement Route
    //             Length: 33
    //             Route Distinguisher: 0001ac1540110002 (172.21.64.17:2)
    //             MAC Address: 02:00:00:02:1b:94 (02:00:00:02:1b:94)
    //             IP Address Length: 0
    //             IP Address: NOT INCLUDED
    //             0000 0000 0000 0000 0000 .... = MPLS Label 1: 0
    //     Path Attribute - ORIGIN: IGP
    //     Path Attribute - AS_PATH: 4200005792 4200004867
    //     Path Attribute - EXTENDED_COMMUNITIES
    //         Route Target: 64771:2 [Transitive 2-Octet AS-Specific]
    //         Encapsulation: VXLAN Encapsulation [Transitive Opaque]
    // The label fields hold 00 00 02: MPLS label 0 in the high 20 bits, VNI 2 in all 24 (the
    // route carries the VXLAN encapsulation community; tshark 4.0 shows these three as MPLS labels
    // and the later routes of the same capture, 2 3 3 3 3 3 4 4 4 4, as VNIs).
    static let macIPUpdate: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0xd2, 0x02, 0x00, 0x00, 0x00, 0xbb, 0x90, 0x0e, 0x00, 0x92, 0x00, 0x19, 0x46, 0x04, 0xac,
        0x15, 0x40, 0x11, 0x00, 0x02, 0x31, 0x00, 0x01, 0xac, 0x15, 0x40, 0x11, 0x00, 0x02, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x02, 0x00, 0x00,
        0x02, 0x13, 0x03, 0x80, 0x2a, 0x02, 0x02, 0x38, 0xf0, 0x30, 0x01, 0xc2, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x10, 0xdf, 0x00, 0x00, 0x02, 0x02, 0x31, 0x00, 0x01, 0xac, 0x15, 0x40, 0x11, 0x00,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x30,
        0x02, 0x00, 0x00, 0x02, 0x13, 0x03, 0x80, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0xff, 0xfe, 0x02, 0x13, 0x03, 0x00, 0x00, 0x02, 0x02, 0x21, 0x00, 0x01, 0xac, 0x15,
        0x40, 0x11, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x30, 0x02, 0x00, 0x00, 0x02, 0x1b, 0x94, 0x00, 0x00, 0x00, 0x02, 0x40, 0x01, 0x01,
        0x00, 0x50, 0x02, 0x00, 0x0a, 0x02, 0x02, 0xfa, 0x57, 0x00, 0xa0, 0xfa, 0x56, 0xfd, 0x03, 0xc0,
        0x10, 0x10, 0x00, 0x02, 0xfd, 0x03, 0x00, 0x00, 0x00, 0x02, 0x03, 0x0c, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x08,
    ]

    @Test func macIPAdvertisements() throws {
        let routes = try evpnRoutes(Self.macIPUpdate)
        #expect(routes.count == 3)
        let rd = try #require(RouteDistinguisher("172.21.64.17:2"))
        #expect(rd.rawValue == 0x0001_ac15_4011_0002)
        #expect(routes[0] == EVPNRoute(
            type: .macIPAdvertisement, routeDistinguisher: rd, esi: .zero, ethernetTag: 0,
            mac: MACAddress("02:00:00:02:13:03"), ip: IPAddress("2a02:238:f030:1c2::10df"), label1: 2))
        #expect(routes[1].ip == IPAddress("fe80::ff:fe02:1303"))
        #expect(routes[2].mac == MACAddress("02:00:00:02:1b:94"))
        #expect(routes[2].ip == nil && routes[2].label2 == nil)
        #expect(routes.allSatisfy { EVPNRoute.mplsLabel($0.label1!) == 0 && $0.label1 == 2 })
        #expect(routes[0].routeDistinguisher.description == "172.21.64.17:2")
        #expect(routes[0].esi?.description == "00:00:00:00:00:00:00:00:00:00")
    }

    @Test func inclusiveMulticast() throws {
        let routes = try evpnRoutes(BGPTests.multicastUpdate)
        #expect(routes == [EVPNRoute(type: .inclusiveMulticast, routeDistinguisher: RouteDistinguisher("172.21.64.17:2")!,
                                     ethernetTag: 0, ip: IPAddress("172.21.64.17"))])
    }

    @Test func craftedTypes() throws {
        // See BGPTests.craftedUpdate for tshark's reading of these three routes.
        let routes = try evpnRoutes(BGPTests.craftedUpdate)
        #expect(routes.count == 3)
        #expect(routes[0] == EVPNRoute(
            type: .macIPAdvertisement, routeDistinguisher: RouteDistinguisher("65000:100")!, esi: .zero, ethernetTag: 10,
            mac: MACAddress("02:00:00:00:00:07"), ip: IPAddress("10.0.0.7"), label1: 10010, label2: 5000))
        #expect(EVPNRoute.mplsLabel(10010) == 625 && EVPNRoute.mplsLabel(5000) == 312)  // tshark's MPLS Label 1 and 2
        #expect(routes[0].routeDistinguisher.type == 0)
        #expect(routes[1] == EVPNRoute(
            type: .ethernetSegment, routeDistinguisher: RouteDistinguisher("192.0.2.1:100")!,
            esi: EthernetSegmentIdentifier(high: 0x0111, low: 0x2233_4455_6677_8899), ip: IPAddress("192.0.2.1")))
        #expect(routes[1].esi?.description == "01:11:22:33:44:55:66:77:88:99")
        #expect(routes[1].esi?.type == 1)
        #expect(routes[2] == EVPNRoute(
            type: .ipPrefix, routeDistinguisher: RouteDistinguisher("4200000001:7")!, esi: .zero, ethernetTag: 0,
            ip: IPAddress("10.1.2.0"), prefixLength: 24, gateway: IPAddress("0.0.0.0"), label1: 20000))
        #expect(routes[2].routeDistinguisher.type == 2)
        #expect(EVPNRoute.mplsLabel(20000) == 1250)  // tshark's "MPLS Label Stack: 1250"
        #expect(try evpnRoutes(BGPTests.craftedWithdrawal) == [routes[0]])
    }

    @Test func construct() throws {
        // Every route of the three UPDATEs, emitted again, gives the NLRI bytes back.
        for message in [Self.macIPUpdate, BGPTests.multicastUpdate, BGPTests.craftedUpdate] {
            let routes = try evpnRoutes(message)
            let length = routes.reduce(0) { $0 + $1.length }
            let bytes = try emitted(count: length) { buffer in
                var at = 0
                for route in routes {
                    try route.emit(into: buffer, at: at)
                    at += route.length
                }
            }
            let original = try withView(message) { (raw) throws in
                let update = try BGPUpdateMessage(try BGPMessage(raw))
                return Array(try BGPMultiprotocolReachable(try #require(try attribute(.multiprotocolReachable, in: update)).value)
                    .reachability)
            }
            #expect(bytes == original)
        }
    }

    @Test func roundTrip() throws {
        var random = Xorshift(seed: 7432)
        for _ in 0..<propertyCases {
            let type = EVPNRouteType(rawValue: UInt8(1 + random.next() % 5))
            let v6 = random.next() & 1 == 0
            let ip: IPAddress = v6 ? .v6(random.ipv6()) : .v4(random.ipv4())
            var route = EVPNRoute(type: type, routeDistinguisher: RouteDistinguisher(rawValue: random.next()),
                                  pathIdentifier: random.next() & 1 == 0 ? nil : random.value())
            switch type {
            case .ethernetAutoDiscovery:
                route.esi = EthernetSegmentIdentifier(high: random.value(), low: random.next())
                route.ethernetTag = random.value()
                route.label1 = random.value(UInt32.self) & 0xFF_FFFF
            case .macIPAdvertisement:
                route.esi = EthernetSegmentIdentifier(high: random.value(), low: random.next())
                route.ethernetTag = random.value()
                route.mac = random.mac()
                route.ip = random.next() % 3 == 0 ? nil : ip
                route.label1 = random.value(UInt32.self) & 0xFF_FFFF
                route.label2 = random.next() & 1 == 0 ? nil : random.value(UInt32.self) & 0xFF_FFFF
            case .inclusiveMulticast:
                route.ethernetTag = random.value()
                route.ip = ip
            case .ethernetSegment:
                route.esi = EthernetSegmentIdentifier(high: random.value(), low: random.next())
                route.ip = ip
            default:
                route.esi = EthernetSegmentIdentifier(high: random.value(), low: random.next())
                route.ethernetTag = random.value()
                route.prefixLength = UInt8(random.next() % (v6 ? 129 : 33))
                route.ip = ip
                route.gateway = v6 ? .v6(random.ipv6()) : .v4(random.ipv4())
                route.label1 = random.value(UInt32.self) & 0xFF_FFFF
            }
            let bytes = try emitted(count: route.length) { try route.emit(into: $0) }
            let read = try withView(bytes) { (raw) throws in
                var iterator = EVPNRouteIterator(raw, addPath: route.pathIdentifier != nil)
                let view = try #require(try iterator.next())
                #expect(try iterator.next() == nil)
                return try EVPNRoute(view)
            }
            #expect(read == route)
        }
    }

    @Test func routeDistinguisherText() {
        #expect(RouteDistinguisher(rawValue: 0x0000_fde8_0000_0064).description == "65000:100")
        #expect(RouteDistinguisher(rawValue: 0x0001_c000_0201_0064).description == "192.0.2.1:100")
        #expect(RouteDistinguisher(rawValue: 0x0002_fa56_ea01_0007).description == "4200000001:7")
        #expect(RouteDistinguisher("65000:100")?.rawValue == 0x0000_fde8_0000_0064)
        #expect(RouteDistinguisher("4200000001:7")?.rawValue == 0x0002_fa56_ea01_0007)
        #expect(RouteDistinguisher("192.0.2.1:70000") == nil)
        #expect(RouteDistinguisher("x:1") == nil)
        #expect(RouteDistinguisher("1:2:3") == nil)
    }

    @Test func impossibleLengths() throws {
        // A type-2 NLRI whose length byte claims more than is there.
        withView([2, 40, 0, 0, 0]) { raw in
            var iterator = EVPNRouteIterator(raw)
            #expect(throws: WireError(.truncated, at: 5)) { try iterator.next() }
        }
        // A type-2 NLRI of 34 bytes fits no form (33, 36, 37, 40, 49, 52).
        var odd = [UInt8](repeating: 0, count: 34)
        odd[22] = 48
        try withView([2, 34] + odd) { (raw) throws in
            var iterator = EVPNRouteIterator(raw)
            let view = try #require(try iterator.next())
            #expect(throws: WireError(.invalidField, at: 1)) { try EVPNRoute(view) }
        }
        // A MAC length other than 48 bits.
        var route = [UInt8](repeating: 0, count: 33)
        route[22] = 47
        try withView([2, 33] + route) { (raw) throws in
            var iterator = EVPNRouteIterator(raw)
            let view = try #require(try iterator.next())
            #expect(throws: WireError(.invalidField, at: 24)) { try EVPNRoute(view) }
        }
        // Route type 9 is kept as a view and not read.
        try withView([9, 1, 0]) { (raw) throws in
            var iterator = EVPNRouteIterator(raw)
            let view = try #require(try iterator.next())
            #expect(view.type.rawValue == 9 && view.value.count == 1)
            #expect(throws: WireError(.invalidField, at: 1)) { try EVPNRoute(view) }
        }
        try withView([9, 8, 0, 0, 0, 0, 0, 0, 0, 0]) { (raw) throws in
            var iterator = EVPNRouteIterator(raw)
            let view = try #require(try iterator.next())
            #expect(throws: WireError(.unsupported, at: 0)) { try EVPNRoute(view) }
        }
    }
}
