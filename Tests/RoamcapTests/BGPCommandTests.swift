import CaptureFile
import Foundation
import PacketWire
import Testing

@testable import RoamcapKit

/// `roamcap bgp` end to end on the two real control-plane captures, against tshark where it is
/// installed, and the BGP/BMP decoders fed every TCP payload of the corpus.
@Suite struct BGPCommandTests {
    static let real = TestSupport.root + "/../shared/real"
    static let evpnCapture = real + "/tcpdump_bgp-evpn-pkt-1.pcap"
    static let bmpCapture = real + "/netgauze_bmp_evpn.pcap"

    /// Runs `roamcap bgp ARGS --format ndjson` and parses its records.
    static func records(_ arguments: [String]) throws -> [[String: Any]] {
        let result = TestSupport.run(TestSupport.binary, ["bgp"] + arguments + ["--format", "ndjson"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.stdout.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test(.enabled(if: TestSupport.fileExists(evpnCapture)))
    func tcpdumpEVPNCapture() throws {
        // What the real capture holds (shared/real/README.md, checked with tshark 4.0 -V): one
        // UPDATE with IPv4 unicast 172.21.64.17/32, then 10 EVPN type-2 and 3 type-3 routes,
        // RDs 172.21.64.17:2/3/4, VNIs 2, 3, 4 (label bytes 00 00 0N with VXLAN encapsulation),
        // next hop 172.21.64.17, route targets 64771:N, AS path 4200005792 4200004867.
        let routes = try Self.records([Self.evpnCapture])
        #expect(routes.count == 14)
        let first = try #require(routes.first)
        #expect(first["afi"] as? Int == 1 && first["safi"] as? Int == 1)
        #expect(first["prefix"] as? String == "172.21.64.17/32")
        #expect(first["nextHop"] as? String == "fe80::1eea:bff:fe6a:39de")
        #expect(first["origin"] as? String == "INCOMPLETE")
        for route in routes {
            #expect(route["time"] as? String == "2024-10-24T07:48:41.592009000Z")
            #expect(route["packet"] as? Int == 1)
            #expect(route["via"] as? String == "bgp" && route["action"] as? String == "advertise")
            #expect(route["session"] as? String == "[fe80::1eea:bff:fe6a:39de]:179 -> [fe80::a236:9fff:fe27:c97c]:44398")
            #expect(route["asPath"] as? String == "4200005792 4200004867")
        }
        let evpn = routes.dropFirst()
        #expect(evpn.filter { $0["routeType"] as? Int == 2 }.count == 10)
        #expect(evpn.filter { $0["routeType"] as? Int == 3 }.count == 3)
        for route in evpn {
            let rd = try #require(route["rd"] as? String)
            let n = try #require(Int(rd.split(separator: ":").last!))
            #expect(rd.hasPrefix("172.21.64.17:") && (2...4).contains(n))
            #expect(route["nextHop"] as? String == "172.21.64.17")
            #expect(route["routeTargets"] as? [String] == ["64771:\(n)"])
            #expect(route["encapsulation"] as? String == "vxlan")
            #expect(route["origin"] as? String == "IGP")
            if route["routeType"] as? Int == 2 {
                #expect(route["vni"] as? Int == n)
                #expect(route["labels"] as? [Int] == [])
                #expect((route["mac"] as? String)?.hasPrefix("02:00:00:0\(n):") == true)
            } else {
                #expect(route["ip"] as? String == "172.21.64.17")
            }
        }
    }

    @Test(.enabled(if: TestSupport.fileExists(bmpCapture)))
    func bmpCaptureOnPort1790() throws {
        // The BMP feed is on port 1790: nothing without --bmp-port.
        #expect(try Self.records([Self.bmpCapture]).isEmpty)
        // With it: the two EVPN type-1 routes of frames 16 and 31 (tshark 4.0 -V -d tcp.port==1790,bmp):
        // RD 198.51.100.154:513 from peer fcba:be00:3002::2 (AS 65000) and RD 198.51.100.44:513
        // from fcba:be00:3001::1 (AS 65543), Ethernet tag 513, label bytes e0 00 00 (MPLS 917504).
        // The capture's other routes are VPNv4/VPNv6 (SAFI 128), not listed.
        let routes = try Self.records([Self.bmpCapture, "--bmp-port", "1790"])
        #expect(routes.count == 2)
        #expect(routes.map { $0["packet"] as? Int } == [16, 31])
        #expect(routes.map { $0["rd"] as? String } == ["198.51.100.154:513", "198.51.100.44:513"])
        #expect(routes.map { $0["peer"] as? String } == ["fcba:be00:3002::2", "fcba:be00:3001::1"])
        #expect(routes.map { $0["peerAs"] as? Int } == [65000, 65543])
        #expect(routes.map { $0["asPath"] as? String } == ["65000", "65543"])
        for route in routes {
            #expect(route["via"] as? String == "bmp" && route["routeType"] as? Int == 1)
            #expect(route["ethernetTag"] as? Int == 513 && route["labels"] as? [Int] == [917_504])
            #expect(route["routeTargets"] as? [String] == ["64497:41"])
        }
        // Standard input works too, and --bgp-port and --bmp-port may not name the same port.
        let clash = TestSupport.run(TestSupport.binary, ["bgp", Self.bmpCapture, "--bgp-port", "1790", "--bmp-port", "1790"])
        #expect(clash.status == 2 && clash.stderr.contains("roamcap: error:"))
    }

    @Test(.enabled(if: TestSupport.fileExists(evpnCapture)))
    func sitesFromTheTopology() throws {
        // RDs 172.21.64.17:2 and :3 belong to leaf1, VNI 2 is VLAN 20; the :4 routes are unattributed.
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let topology = dir + "/sites.yaml"
        TestSupport.writeFile(topology, Array("""
        sites:
          leaf1:
            ports: { p1: eth0 }
            evpn: { route-distinguishers: ["172.21.64.17:2", "172.21.64.17:3"] }
        evpn-vnis: { 2: 20 }
        """.utf8))
        let result = TestSupport.run(TestSupport.binary, ["bgp", Self.evpnCapture, "--topology", topology, "--format", "ndjson"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("4 of 13 EVPN routes match no site of the topology (next hops: 172.21.64.17)"))
        let routes = try result.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        for route in routes where route["afi"] as? Int == 25 {
            let rd = route["rd"] as! String
            let site = route["site"] as? String
            #expect(site == (rd.hasSuffix(":4") ? nil : "leaf1"), "\(rd)")
            if let vni = route["vni"] as? Int { #expect(route["vlan"] as? Int == (vni == 2 ? 20 : vni)) }
        }
        // A bad topology names file, line and column.
        TestSupport.writeFile(topology, Array("sites: { A: { evpn: { next-hops: [nope] } } }".utf8))
        let bad = TestSupport.run(TestSupport.binary, ["bgp", Self.evpnCapture, "--topology", topology])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("sites.yaml:1:35: expected a next hop (an IPv4 or IPv6 address), found 'nope'"))
    }

    /// tshark's EVPN fields of a capture, per frame, each list in NLRI order.
    static func tsharkFields(_ path: String, _ extra: [String]) -> [Int: [String: [String]]] {
        let fields = ["bgp.evpn.nlri.rt", "bgp.evpn.nlri.rd", "bgp.evpn.nlri.esi", "bgp.evpn.nlri.etag",
                      "bgp.evpn.nlri.mac_addr", "bgp.evpn.nlri.ip.addr", "bgp.evpn.nlri.ipv6.addr",
                      "bgp.evpn.nlri.mpls_ls1", "bgp.evpn.nlri.vni",
                      "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4",
                      "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6"]
        let result = TestSupport.run(TestSupport.which("tshark")!, ["-r", path] + extra + [
            "-Y", "bgp.evpn.nlri", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|", "-e", "frame.number",
        ] + fields.flatMap { ["-e", $0] })
        var frames: [Int: [String: [String]]] = [:]
        for line in result.stdout.split(separator: "\n") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == fields.count + 1, let frame = Int(columns[0]) else { continue }
            var values: [String: [String]] = [:]
            for (index, field) in fields.enumerated() {
                let text = columns[index + 1]
                values[field] = text.isEmpty ? [] : text.split(separator: "|").map(String.init)
            }
            frames[frame] = values
        }
        return frames
    }

    @Test(.enabled(if: TestSupport.which("tshark") != nil && TestSupport.fileExists(evpnCapture)),
          arguments: [(evpnCapture, [String](), [String]()),
                      (bmpCapture, ["-d", "tcp.port==1790,bmp"], ["--bmp-port", "1790"])])
    func agreesWithTshark(_ path: String, _ tsharkArguments: [String], _ ourArguments: [String]) throws {
        let theirs = Self.tsharkFields(path, tsharkArguments)
        let ours = Dictionary(grouping: try Self.records([path] + ourArguments).filter { $0["afi"] as? Int == 25 }) {
            $0["packet"] as! Int
        }
        #expect(Set(theirs.keys) == Set(ours.keys))
        #expect(!theirs.isEmpty)
        for (frame, routes) in ours {
            let t = try #require(theirs[frame])
            func strings(_ key: String) -> [String] { routes.compactMap { $0[key] as? String } }
            #expect(t["bgp.evpn.nlri.rt"]! == routes.map { String($0["routeType"] as! Int) }, "frame \(frame): route types")
            // tshark writes the RD as its 8 bytes in hex; compare them with ours parsed back.
            #expect(t["bgp.evpn.nlri.rd"]! == strings("rd").map {
                let raw = RouteDistinguisher($0)!.rawValue
                let hex = String(raw, radix: 16)
                return String(repeating: "0", count: 16 - hex.count) + hex
            }, "frame \(frame): RDs")
            #expect(t["bgp.evpn.nlri.esi"]! == strings("esi"), "frame \(frame): ESIs")
            #expect(t["bgp.evpn.nlri.etag"]! == routes.compactMap { ($0["ethernetTag"] as? Int).map(String.init) })
            #expect(t["bgp.evpn.nlri.mac_addr"]! == strings("mac"), "frame \(frame): MACs")
            #expect(t["bgp.evpn.nlri.ip.addr"]! == strings("ip").filter { !$0.contains(":") }, "frame \(frame): IPv4")
            #expect(t["bgp.evpn.nlri.ipv6.addr"]! == strings("ip").filter { $0.contains(":") }, "frame \(frame): IPv6")
            // Labels: tshark 4.0 shows a type-1/2 label field as a 20-bit MPLS label until it has
            // seen a VXLAN encapsulation earlier in the capture, then as a 24-bit VNI (and it
            // lists the PMSI tunnel attribute's label as a VNI too). So: its MPLS labels are the
            // high 20 bits of our first label fields, and our VNIs of the rest appear, in order,
            // among its VNIs.
            let fields = routes.filter { [1, 2].contains($0["routeType"] as! Int) }.map { route -> (mpls: Int, full: Int) in
                if let vni = route["vni"] as? Int { return (vni >> 4, vni) }
                let mpls = (route["labels"] as! [Int])[0]
                return (mpls, mpls << 4)
            }
            let mpls = t["bgp.evpn.nlri.mpls_ls1"]!.compactMap { Int($0) }
            #expect(mpls == fields.prefix(mpls.count).map(\.mpls), "frame \(frame): MPLS labels")
            var vnis = t["bgp.evpn.nlri.vni"]!.compactMap { Int($0) }[...]
            for field in fields.dropFirst(mpls.count) {
                let found = vnis.firstIndex(of: field.full)
                #expect(found != nil, "frame \(frame): VNI \(field.full) not shown by tshark")
                if let found { vnis = vnis[(found + 1)...] }
            }
            let hops = Set(t["bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4"]!
                           + t["bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv6"]!)
            #expect(Set(strings("nextHop")).isSubset(of: hops), "frame \(frame): next hops")
        }
    }

    /// A pcap (Ethernet) of raw IPv4 packets, one second apart.
    static func pcap(_ packets: [[UInt8]]) -> [UInt8] {
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        var bytes = le32(0xA1B2_C3D4) + [2, 0, 4, 0] + le32(0) + le32(0) + le32(65535) + le32(1)
        for (index, packet) in packets.enumerated() {
            let frame: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + packet
            bytes += le32(1_700_000_000 + UInt32(index)) + le32(0) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
        }
        return bytes
    }

    /// MAC Mobility, RD types 0 and 2, ESI type 1, route types 4 and 5 and a withdrawal, end to end
    /// against tshark: a session written for this test (no real capture has them).
    @Test(.enabled(if: TestSupport.which("tshark") != nil))
    func craftedSessionAgreesWithTshark() throws {
        let mobile = EVPNRoute(type: .macIPAdvertisement, routeDistinguisher: RouteDistinguisher("65000:100")!, esi: .zero,
                               ethernetTag: 10, mac: MACAddress("02:00:00:00:00:07"), ip: IPAddress("10.0.0.7"),
                               label1: 10010, label2: 5000)
        let segment = EVPNRoute(type: .ethernetSegment, routeDistinguisher: RouteDistinguisher("192.0.2.1:100")!,
                                esi: EthernetSegmentIdentifier(high: 0x0111, low: 0x2233_4455_6677_8899), ip: IPAddress("192.0.2.1"))
        let prefix = EVPNRoute(type: .ipPrefix, routeDistinguisher: RouteDistinguisher("4200000001:7")!, esi: .zero,
                               ethernetTag: 0, ip: IPAddress("10.1.2.0"), prefixLength: 24, gateway: IPAddress("0.0.0.0"),
                               label1: 20000)
        func communities(_ list: [BGPExtendedCommunity]) -> [UInt8] {
            BGPWire.attribute(0xC0, 16, list.flatMap { BGPWire.be64($0.rawValue) })
        }
        let first = BGPWire.update([
            BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 1), BGPWire.nlri([mobile, segment, prefix])),
            BGPWire.attribute(0x40, 1, [0]), BGPWire.attribute(0x40, 2, [2, 1, 0, 0, 0xFD, 0xE8]),
            communities([.macMobility(sequence: 7, sticky: true), .encapsulation(tunnelType: 8)]),
        ])
        var moved = mobile
        moved.routeDistinguisher = RouteDistinguisher("65000:200")!
        let second = BGPWire.update([
            BGPWire.reach(nextHop: IPv4Address(192, 0, 2, 2), BGPWire.nlri([moved])),
            BGPWire.attribute(0x40, 1, [0]), BGPWire.attribute(0x40, 2, [2, 1, 0, 0, 0xFD, 0xE9]),
            communities([.macMobility(sequence: 8, sticky: false), .encapsulation(tunnelType: 8)]),
        ])
        let withdrawal = BGPWire.update([BGPWire.attribute(0x80, 15, BGPWire.be16(25) + [70] + BGPWire.nlri([mobile]))])
        let (a, b) = (BGPSessionReaderTests.a, BGPSessionReaderTests.b)
        var sequence: UInt32 = 1
        var packets: [[UInt8]] = []
        for message in [first, second, withdrawal] {
            packets.append(BGPWire.frame(from: a, to: b, sequence: sequence, payload: message))
            sequence += UInt32(message.count)
        }
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let path = dir + "/crafted.pcap"
        TestSupport.writeFile(path, Self.pcap(packets))

        let fields = ["frame.number", "bgp.evpn.nlri.rt", "bgp.evpn.nlri.rd", "bgp.evpn.nlri.esi", "bgp.evpn.nlri.etag",
                      "bgp.evpn.nlri.mac_addr", "bgp.evpn.nlri.ip.addr", "bgp.evpn.nlri.prefix_len",
                      "bgp.evpn.nlri.ipv4.gtw_addr", "bgp.ext_com_evpn.mmac.seq", "bgp.ext_com_evpn.mmac.flags.sticky",
                      "bgp.update.path_attribute.mp_reach_nlri.next_hop.ipv4"]
        let result = TestSupport.run(TestSupport.which("tshark")!, ["-r", path, "-T", "fields", "-E", "occurrence=a",
                                                                   "-E", "aggregator=|"] + fields.flatMap { ["-e", $0] })
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.count == 3, "\(result.stderr)")
        #expect(rows.allSatisfy { $0.count == fields.count })
        let routes = try Self.records([path])
        #expect(routes.count == 5)
        for row in rows where row.count == fields.count {
            let frame = Int(row[0])!
            let ours = routes.filter { $0["packet"] as? Int == frame }
            func list(_ index: Int) -> [String] { row[index].isEmpty ? [] : row[index].split(separator: "|").map(String.init) }
            func hex(_ rd: String) -> String {
                let text = String(RouteDistinguisher(rd)!.rawValue, radix: 16)
                return String(repeating: "0", count: 16 - text.count) + text
            }
            #expect(list(1) == ours.map { String($0["routeType"] as! Int) }, "frame \(frame)")
            #expect(list(2) == ours.map { hex($0["rd"] as! String) }, "frame \(frame)")
            #expect(list(3) == ours.compactMap { $0["esi"] as? String }, "frame \(frame)")
            #expect(list(4) == ours.compactMap { ($0["ethernetTag"] as? Int).map(String.init) }, "frame \(frame)")
            #expect(list(5) == ours.compactMap { $0["mac"] as? String }, "frame \(frame)")
            // tshark's IPv4 address field holds type 2's IP, type 4's originator and type 5's prefix.
            #expect(list(6) == ours.compactMap { ($0["ip"] as? String) ?? ($0["prefix"] as? String).map { String($0.split(separator: "/")[0]) } },
                    "frame \(frame)")
            #expect(list(7) == ours.compactMap { ($0["prefix"] as? String).map { String($0.split(separator: "/")[1]) } })
            #expect(list(8) == ours.compactMap { $0["gateway"] as? String })
            let advertised = ours.filter { $0["action"] as? String == "advertise" }
            #expect(list(9) == Array(Set(advertised.compactMap { ($0["seq"] as? Int).map(String.init) })), "frame \(frame)")
            #expect(list(10).map { $0 == "1" || $0 == "True" } == Array(Set(advertised.compactMap { $0["seq"] is Int ? $0["sticky"] as? Bool : nil })),
                    "frame \(frame): sticky")
            #expect(list(11) == Array(Set(advertised.compactMap { $0["nextHop"] as? String })), "frame \(frame)")
        }
        #expect(routes.map { $0["action"] as? String } == ["advertise", "advertise", "advertise", "advertise", "withdraw"])
    }

    /// IPv4/IPv6 unicast routes of the corpus's BGP captures against tshark: the same prefixes,
    /// advertised and withdrawn. (Left out: labeled unicast and VPN families, which roamcap does
    /// not list, and the fuzzed `*-oobr`/`bgp-ub` captures, where tshark shows what it can of
    /// UPDATEs whose lengths are impossible and roamcap drops them.)
    @Test(.enabled(if: TestSupport.which("tshark") != nil && TestSupport.corpus != nil),
          arguments: ["pcapplusplus__BgpPackets.pcap", "scapy__bgp_fragmented.pcap.gz", "tcpdump__bgp-4byte-asn.pcap",
                      "tcpdump__bgp-addpath.pcap", "tcpdump__bgp-bgpsec.pcap",
                      "tcpdump__bgp-enhanced-route-refresh-subtype.pcapng", "tcpdump__bgp-large-community.pcap",
                      "tcpdump__bgp-link-bw-extcommunity.pcapng", "tcpdump__bgp-ovs.pcapng",
                      "tcpdump__bgpsec_invalid_signature_block_length.pcap", "tcpdump__mpbgp-linklocal-nexthop.pcap"])
    func unicastPrefixesAgreeWithTshark(_ name: String) throws {
        let path = try #require(TestSupport.corpus) + "/" + name
        func tshark(_ fields: [String]) -> [String] {
            let result = TestSupport.run(TestSupport.which("tshark")!, ["-r", path, "-Y", "bgp", "-T", "fields", "-E",
                                                                       "occurrence=a", "-E", "aggregator=,"]
                                         + fields.flatMap { ["-e", $0] })
            return result.stdout.split(whereSeparator: { $0 == "\n" || $0 == "\t" || $0 == "," }).map(String.init).sorted()
        }
        let withdrawn = tshark(["bgp.withdrawn_prefix", "bgp.mp_unreach_nlri_ipv4_prefix", "bgp.mp_unreach_nlri_ipv6_prefix"])
        let advertised = tshark(["bgp.nlri_prefix", "bgp.mp_reach_nlri_ipv4_prefix", "bgp.mp_reach_nlri_ipv6_prefix"])
        let routes = try readControlPlane(inputs: [path]).routes.filter { $0.prefix != nil }
        func ours(_ action: RouteAction) -> [String] {
            routes.filter { $0.action == action }.map { $0.prefix!.address.description }.sorted()
        }
        #expect(!(withdrawn + advertised).isEmpty)
        #expect(ours(.withdraw) == withdrawn, "\(name): withdrawn")
        #expect(ours(.advertise) == advertised, "\(name): advertised")
    }

    @Test(.enabled(if: TestSupport.corpus != nil))
    func as4PathIsMergedInto2ByteSessions() throws {
        // tcpdump's bgp-4byte-asn.pcap, frame 13 (tshark -V): AS_PATH 200 1 23456 23456 23456
        // (2-byte numbers), AS4_PATH 1 222222 333333 4294967290: RFC 6793 gives the path below.
        let read = try readControlPlane(inputs: [try #require(TestSupport.corpus) + "/tcpdump__bgp-4byte-asn.pcap"])
        let routes = read.routes.filter { $0.packet == 13 }
        #expect(!routes.isEmpty)
        #expect(routes.allSatisfy { $0.attributes.asPath?.description == "200 1 222222 333333 4294967290" })
    }

    /// Every TCP payload of every corpus capture, on any port, fed to the BGP and BMP decoders
    /// as a message at every offset where a marker starts, and as a stream through a reader
    /// that takes every port: garbage must be garbage, never a crash.
    @Test(.enabled(if: TestSupport.corpus != nil))
    func everyCorpusPayloadIsSafe() throws {
        let corpus = try #require(TestSupport.corpus)
        var payloads = 0, messages = 0, routes = 0
        let everyPort = ControlPlaneSettings(bgpPorts: Array(0...UInt16.max), bmpPorts: [])
        let everyPortBMP = ControlPlaneSettings(bgpPorts: [], bmpPorts: Array(0...UInt16.max))
        for row in TestSupport.manifest() {
            guard let reader = try? CaptureReader(path: corpus + "/" + row.file) else { continue }
            reader.keepGoing = true
            let bgp = BGPSessionReader(settings: everyPort) { message in
                routes += BGPUpdateDecoder.routes(of: message).routes.count
            }
            let bmp = BGPSessionReader(settings: everyPortBMP) { message in
                routes += BGPUpdateDecoder.routes(of: message).routes.count
            }
            var decoded = DecodedPacket()
            var number = 0
            var last = Timestamp(seconds: 0, nanoseconds: 0)
            while let packet = try? reader.nextPacket() {
                number += 1
                last = packet.timestamp
                let linkType = LinkType(rawValue: reader.linkType(ofInterface: packet.interface))
                PacketDecoder(linkType: linkType).decode(packet.data, into: &decoded)
                guard decoded.layers.contains(.tcp), decoded.payloadLength > 0,
                      decoded.payloadOffset + decoded.payloadLength <= packet.data.count else { continue }
                payloads += 1
                let payload = UnsafeRawBufferPointer(rebasing: packet.data[decoded.payloadOffset..<(decoded.payloadOffset + decoded.payloadLength)])
                messages += Self.decodeEverything(payload, packet: number)
                bgp.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: number)
                bmp.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: number)
            }
            bgp.finish(time: last, packet: number)
            bmp.finish(time: last, packet: number)
        }
        print("corpus: \(payloads) TCP payloads, \(messages) BGP/BMP messages decoded, \(routes) routes")
        #expect(payloads > 1000)
        #expect(messages > 0)
    }

    /// The TCP payloads of both real captures, mutated at random (bytes changed, lengths cut,
    /// bytes inserted): every decoder and the stream framers take each mutant without trapping.
    @Test(.enabled(if: TestSupport.fileExists(evpnCapture) && TestSupport.fileExists(bmpCapture)))
    func mutatedRealMessagesAreSafe() throws {
        var payloads: [[UInt8]] = []
        for path in [Self.evpnCapture, Self.bmpCapture] {
            for (_, _, bytes) in try TestSupport.packets(path) {
                var decoded = DecodedPacket()
                bytes.withUnsafeBytes { PacketDecoder(linkType: .ethernet).decode($0, into: &decoded) }
                guard decoded.layers.contains(.tcp), decoded.payloadLength > 0 else { continue }
                payloads.append(Array(bytes[decoded.payloadOffset..<(decoded.payloadOffset + decoded.payloadLength)]))
            }
        }
        #expect(payloads.count == 32)
        var random = SplitMix(state: 4271)
        var decodedMessages = 0
        for round in 0..<6000 {
            var bytes = payloads[round % payloads.count]
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch random.next() % 4 {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] = [0x00, 0xFF, 0x01, 0x80][Int(random.next() % 4)]
                case 2: bytes.removeLast(min(bytes.count - 1, Int.random(in: 0...40, using: &random)))
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                }
            }
            bytes.withUnsafeBytes { raw in
                decodedMessages += Self.decodeEverything(raw, packet: round)
                for kind in [ControlPlaneProtocol.bgp, .bmp] {
                    var framer = BGPMessageFramer(kind: kind) { message, _, packet in
                        _ = BGPUpdateDecoder.routes(of: Self.message(message, packet: packet, asNumberSize: nil))
                    }
                    framer.deliver(raw, time: Timestamp(seconds: 0, nanoseconds: 0), packet: round)
                }
            }
        }
        #expect(decodedMessages > 0)
    }

    /// Runs every decoder on `payload`: BMP at offset 0, BGP at 0 and at every marker. Returns
    /// how many messages read as BGP or BMP.
    static func decodeEverything(_ payload: UnsafeRawBufferPointer, packet: Int) -> Int {
        var count = 0
        if let bmp = try? BMPMessage(payload) {
            count += 1
            _ = try? bmp.peerUp
            if let update = try? bmp.routeMonitoringUpdate {
                _ = BGPUpdateDecoder.routes(of: message(update.bytes, packet: packet, asNumberSize: 4))
            }
        }
        var offsets = [0]
        var from = 0
        while let marker = BGPMessage.firstMarker(in: payload, from: from) {
            offsets.append(marker)
            from = marker + 1
        }
        for offset in offsets where offset < payload.count {
            let rest = UnsafeRawBufferPointer(rebasing: payload[offset...])
            guard let bgp = try? BGPMessage(rest) else { continue }
            count += 1
            if bgp.type == .open, let open = try? BGPOpenMessage(bgp) { _ = try? BGPOpenHeader(open) }
            for size in [2, 4] {
                _ = BGPUpdateDecoder.routes(of: message(bgp.bytes, packet: packet, asNumberSize: size))
            }
            _ = BGPUpdateDecoder.routes(of: message(bgp.bytes, packet: packet, asNumberSize: nil, addPath: true))
        }
        return count
    }

    static func message(_ bytes: UnsafeRawBufferPointer, packet: Int, asNumberSize: Int?, addPath: Bool = false)
        -> CapturedBGPMessage
    {
        let any = IPAddress.v4(.any)
        return CapturedBGPMessage(
            time: Timestamp(seconds: 0, nanoseconds: 0), packet: packet,
            session: TCPDirectionKey(source: any, sourcePort: 1, destination: any, destinationPort: 179), via: .bgp,
            bytes: Array(bytes), bmpPeer: nil, asNumberSize: asNumberSize,
            addPathFamilies: addPath ? [.evpn, .ipv4Unicast, .ipv6Unicast] : [], addPathKnown: addPath)
    }
}
