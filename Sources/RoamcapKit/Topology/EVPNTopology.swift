import PacketWire

/// Who is who in the captured control plane (SPEC §8): per site, the next hops its edge device
/// advertises with and the route distinguishers it uses; at the top level, which VLAN (of SPEC
/// §2) each VNI stands for.
///
/// ```yaml
/// sites:
///   A:
///     ports: { p1: dcA-eth1 }
///     evpn: { next-hops: [192.0.2.1, "2001:db8::1"], route-distinguishers: ["192.0.2.1:*", "65000:100"] }
/// evpn-vnis: { 10010: 10, 10020: 20 }
/// ```
///
/// RDs are written as tshark shows them (`192.0.2.1:100`, `65000:100`, `4200000001:7`); `*`
/// stands for any administrator or any number. This reads only those keys of a topology
/// document; `Topology.parse` validates the rest.
public struct EVPNTopology: Sendable, Equatable {
    /// One site's EVPN identity.
    public struct Site: Sendable, Equatable {
        /// The site's name, as in `sites`.
        public var name: String
        /// The next hops its routes carry.
        public var nextHops: [IPAddress]
        /// The RD patterns of its routes.
        public var routeDistinguishers: [RouteDistinguisherPattern]
    }

    /// The sites that have an `evpn` entry, in file order.
    public var sites: [Site] = []
    /// VNI → VLAN (`evpn-vnis`).
    public var vlanOfVNI: [UInt32: UInt16] = [:]

    public init(sites: [Site] = [], vlanOfVNI: [UInt32: UInt16] = [:]) {
        self.sites = sites
        self.vlanOfVNI = vlanOfVNI
    }

    /// Reads `sites.*.evpn` and `evpn-vnis` of a topology document; errors name file, line and column.
    public static func parse(_ root: YAMLValue) throws(TopologyError) -> EVPNTopology {
        var topology = EVPNTopology()
        var claimedBy: [IPAddress: String] = [:]
        for (key, _, value) in try root.mapping("a topology") {
            switch key {
            case "sites":
                for (name, _, body) in try value.mapping("sites (site name: { ports: ... })") {
                    for (siteKey, _, evpn) in try body.mapping("site '\(name)'") where siteKey == "evpn" {
                        let (site, hopNodes) = try parseSite(name: name, evpn)
                        for (hop, node) in zip(site.nextHops, hopNodes) {
                            if let other = claimedBy[hop] {
                                throw node.error("next hop \(hop) is claimed by both sites '\(other)' and '\(name)'")
                            }
                            claimedBy[hop] = name
                        }
                        topology.sites.append(site)
                    }
                }
            case "evpn-vnis":
                for (vniText, vniValue, vlanValue) in try value.mapping("evpn-vnis (VNI: VLAN)") {
                    guard let vni = UInt32(vniText), vni <= 0xFF_FFFF else {
                        throw vniValue.error("expected a VNI (a whole number from 0 to 16777215), found '\(vniText)'")
                    }
                    topology.vlanOfVNI[vni] = UInt16(try vlanValue.integer("the VLAN of VNI \(vni)", in: 0...4095))
                }
            default:
                break
            }
        }
        return topology
    }

    /// A site's `evpn` entry, and the node of each next hop (for errors found later).
    private static func parseSite(name: String, _ evpn: YAMLValue) throws(TopologyError) -> (Site, [YAMLValue]) {
        var site = Site(name: name, nextHops: [], routeDistinguishers: [])
        var hopNodes: [YAMLValue] = []
        for (key, _, value) in try evpn.mapping("evpn of site '\(name)'", allowed: ["next-hops", "route-distinguishers"]) {
            for item in try value.sequence(key) {
                let text = try item.string(key == "next-hops" ? "a next hop address" : "a route distinguisher")
                if key == "next-hops" {
                    guard let address = IPAddress(text) else {
                        throw item.error("expected a next hop (an IPv4 or IPv6 address), found '\(text)'")
                    }
                    site.nextHops.append(address)
                    hopNodes.append(item)
                } else {
                    guard let pattern = RouteDistinguisherPattern(text) else {
                        throw item.error("expected a route distinguisher such as 192.0.2.1:100, 65000:100 or "
                                         + "192.0.2.1:*, found '\(text)'")
                    }
                    site.routeDistinguishers.append(pattern)
                }
            }
        }
        return (site, hopNodes)
    }

    /// The site a route belongs to: the one claiming its next hop, else the first whose RD
    /// patterns match its RD; nil when none (the route is unattributed).
    public func site(nextHop: IPAddress?, routeDistinguisher: RouteDistinguisher?) -> String? {
        if let nextHop, let site = sites.first(where: { $0.nextHops.contains(nextHop) }) { return site.name }
        if let routeDistinguisher,
           let site = sites.first(where: { $0.routeDistinguishers.contains { $0.matches(routeDistinguisher) } }) {
            return site.name
        }
        return nil
    }

    /// The segment of a route's VNI: the VLAN `evpn-vnis` gives it, else the VNI itself (SPEC §8).
    public func segment(ofRouteVNI vni: UInt32?) -> Segment {
        guard let vni else { return Segment(vlan: 0) }
        if let vlan = vlanOfVNI[vni] { return Segment(vlan: vlan) }
        return Segment(vni: vni)
    }

    /// The VLAN a VNI stands for (the VNI itself when `evpn-vnis` does not name it).
    public func segment(ofVNI vni: UInt32) -> UInt32 { vlanOfVNI[vni].map(UInt32.init) ?? vni }

    /// The next hops of EVPN routes that no site claims and whose RD no site matches, in order of first appearance.
    public func unclaimedNextHops(in routes: [BGPRouteRecord]) -> [IPAddress] {
        var seen: Set<IPAddress> = []
        var out: [IPAddress] = []
        for route in routes where route.family == .evpn {
            guard let hop = route.attributes.nextHop,
                  site(nextHop: hop, routeDistinguisher: route.evpn?.routeDistinguisher) == nil,
                  seen.insert(hop).inserted
            else { continue }
            out.append(hop)
        }
        return out
    }
}

/// A route distinguisher written as tshark shows it, with `*` for any administrator or number.
public struct RouteDistinguisherPattern: Sendable, Equatable, CustomStringConvertible {
    /// The administrator (`192.0.2.1`, `65000`), nil for `*`.
    public var administrator: String?
    /// The assigned number, nil for `*`.
    public var number: UInt32?

    /// Parses `ADMIN:NUMBER` where either may be `*`; ADMIN is an IPv4 address or an AS number.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let left = String(text[..<colon]), right = String(text[text.index(after: colon)...])
        if left == "*" {
            administrator = nil
        } else if let address = IPv4Address(left) {
            administrator = address.description
        } else if let asNumber = UInt32(left) {
            administrator = String(asNumber)
        } else {
            return nil
        }
        if right == "*" {
            number = nil
        } else if let value = UInt32(right) {
            number = value
            // The number must fit the RD type the administrator implies.
            if let administrator, administrator.contains(".") || (UInt32(administrator) ?? 0) > 0xFFFF {
                guard value <= 0xFFFF else { return nil }
            }
        } else {
            return nil
        }
    }

    /// Whether `rd` (as tshark writes it) matches.
    public func matches(_ rd: RouteDistinguisher) -> Bool {
        let text = rd.description
        guard let colon = text.lastIndex(of: ":") else { return false }
        if let administrator, String(text[..<colon]) != administrator { return false }
        if let number, UInt32(text[text.index(after: colon)...]) != number { return false }
        return true
    }

    public var description: String { (administrator ?? "*") + ":" + (number.map(String.init) ?? "*") }
}
