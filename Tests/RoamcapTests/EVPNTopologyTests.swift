import PacketWire
import Testing

@testable import RoamcapKit

@Suite struct EVPNTopologyTests {
    static let text = """
    sites:
      A:
        ports: { p1: dcA-eth1 }
        evpn: { next-hops: [172.21.64.17], route-distinguishers: ["172.21.64.17:*"] }
      B:
        ports: { p1: dcB-eth1 }
        evpn:
          next-hops: ["2001:db8::2", 192.0.2.2]
          route-distinguishers: ["65000:100", "*:7"]
      C:
        ports: { p1: dcC-eth1 }
    control-plane: { advertise-delay: 2s }
    evpn-vnis: { 10010: 10, 2: 20 }
    """

    static func parse(_ text: String) throws(TopologyError) -> EVPNTopology {
        try EVPNTopology.parse(YAMLValue.parse(text, file: "t.yaml"))
    }

    @Test func parsesSitesAndVNIs() throws {
        let topology = try Self.parse(Self.text)
        #expect(topology.sites.map(\.name) == ["A", "B"])
        #expect(topology.sites[0].nextHops == [IPAddress("172.21.64.17")!])
        #expect(topology.sites[1].nextHops == [IPAddress("2001:db8::2")!, IPAddress("192.0.2.2")!])
        #expect(topology.sites[1].routeDistinguishers.map(\.description) == ["65000:100", "*:7"])
        #expect(topology.vlanOfVNI == [10010: 10, 2: 20])
        #expect(topology.segment(ofVNI: 10010) == 10 && topology.segment(ofVNI: 3) == 3)
        // The whole document is still a valid topology for the parser of everything else
        // once it accepts these keys; without them it is unchanged.
        #expect(try EVPNTopology.parse(YAMLValue.parse("sites: { A: { ports: { p1: x } } }", file: "t.yaml")) == EVPNTopology())
    }

    @Test func attributesRoutesByNextHopThenRD() throws {
        let topology = try Self.parse(Self.text)
        let rd = { (text: String) in RouteDistinguisher(text)! }
        #expect(topology.site(nextHop: IPAddress("192.0.2.2"), routeDistinguisher: rd("172.21.64.17:2")) == "B")
        #expect(topology.site(nextHop: IPAddress("10.9.9.9"), routeDistinguisher: rd("172.21.64.17:2")) == "A")
        #expect(topology.site(nextHop: nil, routeDistinguisher: rd("65000:100")) == "B")
        #expect(topology.site(nextHop: nil, routeDistinguisher: rd("65000:101")) == nil)
        #expect(topology.site(nextHop: nil, routeDistinguisher: rd("4200000001:7")) == "B")
        #expect(topology.site(nextHop: IPAddress("10.9.9.9"), routeDistinguisher: rd("10.0.0.1:1")) == nil)
    }

    @Test(.enabled(if: TestSupport.fileExists(BGPCommandTests.evpnCapture)))
    func attributesTheRealCapture() throws {
        // Every EVPN route of the tcpdump capture has next hop 172.21.64.17 and an RD
        // 172.21.64.17:N: site A by next hop; with only an RD pattern, still A.
        let read = try readControlPlane(inputs: [BGPCommandTests.evpnCapture])
        let evpn = read.routes.filter { $0.family == .evpn }
        #expect(evpn.count == 13)
        let topology = try Self.parse(Self.text)
        #expect(evpn.allSatisfy { topology.site(nextHop: $0.attributes.nextHop, routeDistinguisher: $0.evpn?.routeDistinguisher) == "A" })
        #expect(topology.unclaimedNextHops(in: read.routes).isEmpty)
        let byRD = try Self.parse("sites: { A: { ports: { p1: x }, evpn: { route-distinguishers: [\"172.21.64.17:*\"] } } }")
        #expect(evpn.allSatisfy { byRD.site(nextHop: $0.attributes.nextHop, routeDistinguisher: $0.evpn?.routeDistinguisher) == "A" })
        let nobody = try Self.parse("sites: { A: { ports: { p1: x }, evpn: { next-hops: [192.0.2.9] } } }")
        #expect(nobody.unclaimedNextHops(in: read.routes) == [IPAddress("172.21.64.17")!])
    }

    @Test(arguments: [
        ("sites: { A: { evpn: { next-hops: [192.0.2.300] } } }", "t.yaml:1:35: expected a next hop (an IPv4 or IPv6 address), found '192.0.2.300'"),
        ("sites: { A: { evpn: { route-distinguishers: [\"1.2.3.4:70000\"] } } }",
         "t.yaml:1:46: expected a route distinguisher such as 192.0.2.1:100, 65000:100 or 192.0.2.1:*, found '1.2.3.4:70000'"),
        ("sites: { A: { evpn: { rds: [] } } }",
         "t.yaml:1:23: unknown key 'rds' in evpn of site 'A', expected one of: next-hops, route-distinguishers"),
        ("sites: { A: { evpn: [1] } }", "t.yaml:1:21: expected evpn of site 'A' (a mapping), found a list"),
        ("sites:\n  A: { evpn: { next-hops: [192.0.2.1] } }\n  B: { evpn: { next-hops: [10.0.0.1, 192.0.2.1] } }",
         "t.yaml:3:38: next hop 192.0.2.1 is claimed by both sites 'A' and 'B'"),
        ("evpn-vnis: { 16777216: 10 }", "t.yaml:1:14: expected a VNI (a whole number from 0 to 16777215), found '16777216'"),
        ("evpn-vnis: { 10010: 4096 }",
         "t.yaml:1:21: expected the VLAN of VNI 10010 (a whole number from 0 to 4095), found '4096'"),
    ])
    func errorsNameFileLineAndColumn(_ text: String, _ message: String) {
        #expect(throws: (any Error).self) { try Self.parse(text) }
        do {
            _ = try Self.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func routeDistinguisherPatterns() {
        #expect(RouteDistinguisherPattern("192.0.2.1:*")?.matches(RouteDistinguisher("192.0.2.1:100")!) == true)
        #expect(RouteDistinguisherPattern("192.0.2.1:*")?.matches(RouteDistinguisher("192.0.2.2:100")!) == false)
        #expect(RouteDistinguisherPattern("*:*")?.matches(RouteDistinguisher("65000:1")!) == true)
        #expect(RouteDistinguisherPattern("65000:1")?.matches(RouteDistinguisher("65000:1")!) == true)
        #expect(RouteDistinguisherPattern("65000:1")?.matches(RouteDistinguisher("65000:2")!) == false)
        #expect(RouteDistinguisherPattern("nope") == nil)
        #expect(RouteDistinguisherPattern("x:1") == nil)
        #expect(RouteDistinguisherPattern("65000:") == nil)
    }
}

@Suite struct TopologyWithEVPNTests {
    /// A topology file with SPEC §8's keys is a valid topology (sites, ports) with its EVPN part.
    @Test func topologyAcceptsTheEVPNKeys() throws {
        let topology = try Topology.parse("""
            sites:
              A: { ports: { p1: "A-p1" }, evpn: { next-hops: [192.0.2.1], route-distinguishers: ["192.0.2.1:*"] } }
              B: { ports: { p1: "B-p1" }, evpn: { next-hops: [192.0.2.2] } }
            evpn-vnis: { 10010: 10 }

            """, file: "t.yaml")
        #expect(topology.sites.map(\.name) == ["A", "B"])
        #expect(topology.evpn.sites.map(\.name) == ["A", "B"])
        #expect(topology.evpn.vlanOfVNI == [10010: 10])
        // A key neither part knows is still refused, with its place.
        #expect(throws: TopologyError.self) { try Topology.parse("sites: { A: { ports: { p1: x } } }\nevpn-vni: {}\n", file: "t.yaml") }
    }
}
