import CaptureFile
import PacketWire

/// The migration-NAT fixture: one packet per case of SPEC §1, with correct checksums (but for
/// the one deliberately wrong), written as pcapng with an Ethernet and a Linux SLL interface.
///
/// Addresses: VM primary P = 10.1.0.7 / 2001:db8:1::7, post-migration N = 10.9.0.7 /
/// 2001:db8:9::7, client C = 10.1.0.100 / 2001:db8::100, other host O = 10.1.0.200.
enum NATFixture {
    static let p4 = "10.1.0.7", n4 = "10.9.0.7", c4 = "10.1.0.100", o4 = "10.1.0.200"
    static let p6 = "2001:db8:1::7", n6 = "2001:db8:9::7", c6 = "2001:db8::100"

    /// One case: a name, the interface (0 Ethernet, 1 SLL, 2 raw IP, 3 SLL2), the frame and its
    /// original length.
    struct Case {
        var name: String
        var interface: Int
        var frame: [UInt8]
        var originalLength: Int
        /// Expected (source, destination) after the rewrite, nil when the packet must stay identical.
        var expected: (String, String)?
    }

    static func v4(_ s: String) -> [UInt8] {
        let a = IPv4Address(s)!.rawValue
        return [UInt8(a >> 24), UInt8((a >> 16) & 0xFF), UInt8((a >> 8) & 0xFF), UInt8(a & 0xFF)]
    }

    static func v6(_ s: String) -> [UInt8] {
        let a = IPv6Address(s)!
        return (0..<8).map { UInt8((a.high >> (56 - 8 * UInt64($0))) & 0xFF) } + (0..<8).map { UInt8((a.low >> (56 - 8 * UInt64($0))) & 0xFF) }
    }

    static func be16(_ v: Int) -> [UInt8] { [UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    static func checksum(_ bytes: [UInt8], pseudo: UInt16 = 0) -> UInt16 {
        bytes.withUnsafeBytes { Checksum.compute($0, pseudoHeaderSum: pseudo) }
    }

    static func pseudo4(_ s: String, _ d: String, _ proto: UInt8, _ length: Int) -> UInt16 {
        Checksum.pseudoHeaderSum(source: IPv4Address(s)!, destination: IPv4Address(d)!, protocol: IPProtocol(rawValue: proto), length: length)
    }

    static func pseudo6(_ s: String, _ d: String, _ proto: UInt8, _ length: Int) -> UInt16 {
        Checksum.pseudoHeaderSum(source: IPv6Address(s)!, destination: IPv6Address(d)!, protocol: IPProtocol(rawValue: proto), length: length)
    }

    /// TCP segment with a correct checksum for the given IPv4/IPv6 pseudo-header sum.
    static func tcp(_ pseudo: (Int) -> UInt16, sport: Int = 40000, dport: Int = 80, payload: [UInt8] = Array("hello".utf8)) -> [UInt8] {
        var t = be16(sport) + be16(dport) + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xFF, 0xFF, 0, 0, 0, 0] + payload
        let c = checksum(t, pseudo: pseudo(t.count))
        t[16] = UInt8(c >> 8); t[17] = UInt8(c & 0xFF)
        return t
    }

    static func udp(_ pseudo: (Int) -> UInt16, sport: Int = 5353, dport: Int = 53, payload: [UInt8] = [1, 2, 3, 4], zeroChecksum: Bool = false) -> [UInt8] {
        var u = be16(sport) + be16(dport) + be16(8 + payload.count) + [0, 0] + payload
        if !zeroChecksum {
            var c = checksum(u, pseudo: pseudo(u.count))
            if c == 0 { c = 0xFFFF }
            u[6] = UInt8(c >> 8); u[7] = UInt8(c & 0xFF)
        }
        return u
    }

    static func ipv4(_ s: String, _ d: String, proto: UInt8, payload: [UInt8], id: Int = 1, flagsFragment: Int = 0, totalPayload: Int? = nil) -> [UInt8] {
        var h: [UInt8] = [0x45, 0] + be16(20 + (totalPayload ?? payload.count)) + be16(id) + be16(flagsFragment) + [64, proto, 0, 0] + v4(s) + v4(d)
        let c = checksum(h)
        h[10] = UInt8(c >> 8); h[11] = UInt8(c & 0xFF)
        return h + payload
    }

    static func ipv6(_ s: String, _ d: String, next: UInt8, payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(payload.count) + [next, 64] + v6(s) + v6(d) + payload
    }

    static func ether(_ payload: [UInt8], type: Int, tags: [(Int, Int)] = []) -> [UInt8] {
        var f: [UInt8] = [0x02, 0, 0, 0, 0, 0x07, 0x02, 0, 0, 0, 0x01, 0x00]
        for (tpid, vid) in tags { f += be16(tpid) + be16(vid) }
        return f + be16(type) + payload
    }

    /// Linux cooked capture v1 header (incoming, Ethernet, 6-byte address).
    static func sll(_ payload: [UInt8], type: Int) -> [UInt8] {
        [0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 1, 0, 0, 0] + be16(type) + payload
    }

    static func cases() -> [Case] {
        let tcpCP = tcp { pseudo4(c4, p4, 6, $0) }
        let tcpNC = tcp({ pseudo4(n4, c4, 6, $0) }, sport: 80, dport: 40000)
        var cases: [Case] = []
        func add(_ name: String, _ frame: [UInt8], interface: Int = 0, original: Int? = nil, _ expected: (String, String)?) {
            cases.append(Case(name: name, interface: interface, frame: frame, originalLength: original ?? frame.count, expected: expected))
        }
        add("ipv4 tcp to primary", ether(ipv4(c4, p4, proto: 6, payload: tcpCP), type: 0x0800), (c4, n4))
        add("ipv4 tcp from post", ether(ipv4(n4, c4, proto: 6, payload: tcpNC), type: 0x0800), (p4, c4))
        add("802.1Q udp to primary", ether(ipv4(c4, p4, proto: 17, payload: udp { pseudo4(c4, p4, 17, $0) }), type: 0x0800, tags: [(0x8100, 10)]), (c4, n4))
        add("QinQ udp zero checksum from post", ether(ipv4(n4, c4, proto: 17, payload: udp({ pseudo4(n4, c4, 17, $0) }, zeroChecksum: true)), type: 0x0800, tags: [(0x88A8, 100), (0x8100, 10)]), (p4, c4))
        // UDP whose checksum becomes 0 after the rewrite must be written 0xFFFF: search a payload.
        var zeroCase: [UInt8]?
        for x in 0..<65536 where zeroCase == nil {
            let payload: [UInt8] = [UInt8(x >> 8), UInt8(x & 0xFF)]
            let after = udp { pseudo4(c4, n4, 17, $0) }.count  // length only
            _ = after
            let u = udp({ pseudo4(c4, n4, 17, $0) }, payload: payload)
            if u[6] == 0xFF && u[7] == 0xFF {  // computes to 0 after the rewrite (written 0xFFFF)
                zeroCase = udp({ pseudo4(c4, p4, 17, $0) }, payload: payload)
            }
        }
        add("udp checksum becoming 0", ether(ipv4(c4, p4, proto: 17, payload: zeroCase!), type: 0x0800), (c4, n4))
        // IPv6 with hop-by-hop and destination options before TCP.
        let tcp6 = tcp { pseudo6(c6, p6, 6, $0) }
        let hopByHop: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]        // next: destination options
        let destinationOptions: [UInt8] = [6, 0, 1, 4, 0, 0, 0, 0]  // next: TCP
        add("ipv6 ext headers tcp to primary", ether(ipv6(c6, p6, next: 0, payload: hopByHop + destinationOptions + tcp6), type: 0x86DD), (c6, n6))
        add("ipv6 udp from post", ether(ipv6(n6, c6, next: 17, payload: udp({ pseudo6(n6, c6, 17, $0) }, sport: 53, dport: 5353)), type: 0x86DD), (p6, c6))
        // IPv4 fragments of one UDP datagram: transport checksum in the first only.
        let whole = udp({ pseudo4(c4, p4, 17, $0) }, payload: Array(repeating: 0x33, count: 24))
        add("ipv4 first fragment", ether(ipv4(c4, p4, proto: 17, payload: Array(whole[0..<16]), id: 77, flagsFragment: 0x2000), type: 0x0800), (c4, n4))
        add("ipv4 second fragment", ether(ipv4(c4, p4, proto: 17, payload: Array(whole[16...]), id: 77, flagsFragment: 2), type: 0x0800), (c4, n4))
        // ICMP port unreachable from C to P about P's UDP packet to C: outer dst P→N, quoted src P→N.
        let quotedPC = ipv4(p4, c4, proto: 17, payload: udp({ pseudo4(p4, c4, 17, $0) }, sport: 53, dport: 5353))
        var icmpToP = [UInt8(3), 3, 0, 0, 0, 0, 0, 0] + quotedPC
        var c = checksum(icmpToP); icmpToP[2] = UInt8(c >> 8); icmpToP[3] = UInt8(c & 0xFF)
        add("icmp error to primary", ether(ipv4(c4, p4, proto: 1, payload: icmpToP), type: 0x0800), (c4, n4))
        // ICMP port unreachable from N (the VM) about C's TCP segment to N: outer src N→P, quoted dst N→P.
        let quotedCN = ipv4(c4, n4, proto: 6, payload: tcp { pseudo4(c4, n4, 6, $0) })
        var icmpFromN = [UInt8(3), 3, 0, 0, 0, 0, 0, 0] + quotedCN
        c = checksum(icmpFromN); icmpFromN[2] = UInt8(c >> 8); icmpFromN[3] = UInt8(c & 0xFF)
        add("icmp error from post", ether(ipv4(n4, c4, proto: 1, payload: icmpFromN), type: 0x0800), (p4, c4))
        // ICMPv6 destination unreachable from N6 about C6's UDP to N6.
        let quoted6 = ipv6(c6, n6, next: 17, payload: udp { pseudo6(c6, n6, 17, $0) })
        var icmp6 = [UInt8(1), 4, 0, 0, 0, 0, 0, 0] + quoted6
        c = checksum(icmp6, pseudo: pseudo6(n6, c6, 58, icmp6.count)); icmp6[2] = UInt8(c >> 8); icmp6[3] = UInt8(c & 0xFF)
        add("icmpv6 error from post", ether(ipv6(n6, c6, next: 58, payload: icmp6), type: 0x86DD), (p6, c6))
        // Truncated: captured up to and including the TCP ports (the checksum field is not captured).
        let full = ether(ipv4(c4, p4, proto: 6, payload: tcpCP), type: 0x0800)
        add("truncated tcp to primary", Array(full[0..<(14 + 20 + 8)]), original: full.count, (c4, n4))
        // A wrong TCP checksum stays wrong by the same amount.
        var badTCP = tcpCP
        badTCP[17] ^= 0x5A
        add("bad tcp checksum to primary", ether(ipv4(c4, p4, proto: 6, payload: badTCP), type: 0x0800), (c4, n4))
        add("untouched tcp", ether(ipv4(c4, o4, proto: 6, payload: tcp { pseudo4(c4, o4, 6, $0) }), type: 0x0800), nil)
        add("arp untouched", ether([0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 1, 0] + v4(c4) + [0, 0, 0, 0, 0, 0] + v4(p4), type: 0x0806), nil)
        add("linux sll udp to primary", sll(ipv4(c4, p4, proto: 17, payload: udp { pseudo4(c4, p4, 17, $0) }), type: 0x0800), interface: 1, (c4, n4))
        add("raw ip tcp from post", ipv4(n4, c4, proto: 6, payload: tcpNC), interface: 2, (p4, c4))
        // Linux cooked v2: protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) | type (1) | addr len (1) | addr (8)
        let sll2Header: [UInt8] = [0x86, 0xDD, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 1, 0, 0, 0]
        add("linux sll2 ipv6 tcp to primary", sll2Header + ipv6(c6, p6, next: 6, payload: tcp { pseudo6(c6, p6, 6, $0) }), interface: 3, (c6, n6))
        // IPv6 fragments of one UDP datagram: addresses in both, the UDP checksum in the first only.
        let whole6 = udp({ pseudo6(c6, p6, 17, $0) }, payload: Array(repeating: 0x66, count: 24))
        let firstFragment: [UInt8] = [17, 0, 0x00, 0x01, 0, 0, 0, 9]       // offset 0, M=1, id 9
        let secondFragment: [UInt8] = [17, 0, 0x00, 0x10, 0, 0, 0, 9]      // offset 16 bytes (2 units), M=0
        add("ipv6 first fragment", ether(ipv6(c6, p6, next: 44, payload: firstFragment + Array(whole6[0..<16])), type: 0x86DD), (c6, n6))
        add("ipv6 second fragment", ether(ipv6(c6, p6, next: 44, payload: secondFragment + Array(whole6[16...])), type: 0x86DD), (c6, n6))
        return cases
    }

    /// Link type of each fixture interface.
    static let linkTypes: [UInt16] = [1, 113, 101, 276]

    /// Writes the fixture: pcapng with interfaces "eth0" (Ethernet), "sll0" (Linux SLL), "raw0"
    /// (raw IP) and "sll2" (Linux SLL2), one
    /// packet every 10 ms from 2026-11-20T10:00:00Z; or pcap with the Ethernet cases only.
    static func write(_ path: String, format: CaptureFormat = .pcapng) throws {
        let output = try OutputFile(path: path, force: true)
        let all = cases()
        if format == .pcap {
            let writer = try PcapWriter(output: output, linkType: 1, snapLength: 65535, nanosecond: false)
            for (i, k) in all.enumerated() where k.interface == 0 {
                try k.frame.withUnsafeBytes { try writer.write(timestamp: time(i), originalLength: k.originalLength, data: $0) }
            }
        } else {
            let writer = PcapngWriter(output: output)
            try writer.beginSection(SectionHeader(options: [BlockOption(code: 1, string: "roamcap NAT fixture")]))
            try writer.addInterface(InterfaceDescription(linkType: 1, snapLength: 65535, options: [BlockOption(code: 2, string: "eth0")]))
            try writer.addInterface(InterfaceDescription(linkType: 113, snapLength: 65535, options: [BlockOption(code: 2, string: "sll0")]))
            try writer.addInterface(InterfaceDescription(linkType: 101, snapLength: 65535, options: [BlockOption(code: 2, string: "raw0")]))
            try writer.addInterface(InterfaceDescription(linkType: 276, snapLength: 65535, options: [BlockOption(code: 2, string: "sll2")]))
            for (i, k) in all.enumerated() {
                let t = time(i)
                try k.frame.withUnsafeBytes { bytes in
                    let packet = Packet(timestamp: t, interface: k.interface, originalLength: k.originalLength, data: bytes,
                                        ticks: UInt64(t.seconds) * 1_000_000 + UInt64(t.nanoseconds / 1000))
                    try writer.write(packet, interfaceID: k.interface, keepTicks: true,
                                     extraOptions: [BlockOption(code: 1, string: k.name)])
                }
            }
        }
        try output.commit()
    }

    static func time(_ i: Int) -> Timestamp {
        Timestamp(seconds: SampleTraces.base, carryingNanoseconds: Int64(i) * 10_000_000)
    }
}
