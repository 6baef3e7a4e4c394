import PacketWire

/// The control plane a scenario can put in its trace (`bgp-evpn: true`): one BGP session from
/// each site's edge device (198.18.0.N, N = site index + 1, port 40000 + N) to a route
/// reflector (198.18.0.254:179), seen on a capture interface `rr-span` that no port claims.
///
/// Each *learning* of SPEC §2 step 2 — a station's first frame at a site, or its first frame
/// there after it was at another site (a move between ports of one site is not one) — is an
/// UPDATE from that site's edge device with the MAC/IP route (type 2), `advertise-delay` of
/// the site after the frame, plus the migration's `advertise-extra` when the learning is a
/// migration's arrival. The route carries the station's outermost MAC and segment, as the
/// fabric sees it (a VXLAN host's frames are its VTEP's), VNI 10000 + VLAN (the topology's
/// `evpn-vnis` maps it back), RD 198.18.0.N:VLAN, VXLAN encapsulation, and MAC Mobility with
/// the number of site changes so far (none on the first advertisement, RFC 7432 §7.7).
enum SynthControlPlane {
    static let interfaceName = "rr-span"
    static let reflector = IPv4Address(198, 18, 0, 254)
    static let vniBase: UInt32 = 10_000

    static func edgeDevice(site: Int) -> IPv4Address { IPv4Address(198, 18, 0, UInt8(truncatingIfNeeded: site + 1)) }
    static func edgePort(site: Int) -> UInt16 { UInt16(40_000 + site + 1) }

    /// The topology's `evpn` entries for the scenario's sites and VLANs.
    static func topology(_ scenario: Scenario) -> EVPNTopology {
        var vlans: Set<UInt16> = [0]
        for host in scenario.hosts where host.vni == nil { vlans.insert(host.vlan) }
        return EVPNTopology(
            sites: scenario.topology.sites.enumerated().map { s, site in
                EVPNTopology.Site(name: site.name, nextHops: [.v4(edgeDevice(site: s))], routeDistinguishers: [])
            },
            vlanOfVNI: Dictionary(uniqueKeysWithValues: vlans.map { (vniBase + UInt32($0), $0) }))
    }

    /// One learning to advertise.
    struct Learning {
        var time: Int64
        var site: Int
        var segment: UInt16
        var mac: MACAddress
        var ip: IPv4Address?
        var sequence: UInt32
    }

    /// The learnings of the data frames (in time order), each at the time its UPDATE is sent.
    static func learnings(_ scenario: Scenario, frames: [SynthFrame], builder: FrameBuilder) -> [Learning] {
        struct Key: Hashable { var vlan: UInt16; var mac: MACAddress }
        var site: [Key: Int] = [:]
        var moves: [Key: UInt32] = [:]
        var out: [Learning] = []
        for frame in frames {
            let host = scenario.hosts[frame.sender]
            let s = Int(frame.port.site)
            // The outermost source: the host, or for a VXLAN host the VTEP of its port.
            let key = host.vni == nil ? Key(vlan: host.vlan, mac: host.mac) : Key(vlan: 0, mac: builder.vtepMAC(frame.port))
            guard site[key] != s else { continue }
            let sequence: UInt32
            if site[key] == nil {
                sequence = 0
            } else {
                sequence = moves[key, default: 0] + 1
                moves[key] = sequence
            }
            site[key] = s
            var delay = scenario.topology.advertiseDelay(site: s)
            if host.vni == nil, let migration = scenario.migrations.last(where: {
                $0.host == frame.sender && $0.site == s && $0.at + $0.gap <= frame.time
            }) {
                delay += migration.advertiseExtra
            }
            out.append(Learning(time: frame.time + delay, site: s, segment: key.vlan, mac: key.mac,
                                ip: host.vni == nil ? host.ipv4 : nil, sequence: sequence))
        }
        return out
    }

    /// An UPDATE advertising one MAC/IP route.
    static func update(_ learning: Learning) -> [UInt8] {
        let route = EVPNRoute(type: .macIPAdvertisement,
                              routeDistinguisher: RouteDistinguisher(rawValue: 1 << 48 | UInt64(edgeDevice(site: learning.site).rawValue) << 16
                                                                        | UInt64(learning.segment)),
                              esi: .zero, ethernetTag: 0, mac: learning.mac, ip: learning.ip.map { .v4($0) },
                              label1: vniBase + UInt32(learning.segment))
        var nlri = [UInt8](repeating: 0, count: route.length)
        nlri.withUnsafeMutableBytes { try! route.emit(into: $0) }
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * $0)) } }
        func attribute(_ flags: UInt8, _ type: UInt8, _ value: [UInt8]) -> [UInt8] {
            value.count > 255 ? [flags | 0x10, type] + be16(value.count) + value : [flags, type, UInt8(value.count)] + value
        }
        let hop = edgeDevice(site: learning.site)
        var communities: [BGPExtendedCommunity] = [.encapsulation(tunnelType: BGPExtendedCommunity.vxlanTunnelType)]
        if learning.sequence > 0 { communities.append(.macMobility(sequence: learning.sequence, sticky: false)) }
        let attributes = attribute(0x40, 1, [0]) + attribute(0x40, 2, [])
            + attribute(0x80, 14, be16(25) + [70, 4, hop.octet(0), hop.octet(1), hop.octet(2), hop.octet(3), 0] + nlri)
            + attribute(0xC0, 16, communities.flatMap { be64($0.rawValue) })
        let length = 23 + attributes.count
        var header = [UInt8](repeating: 0, count: 19)
        header.withUnsafeMutableBytes { try! BGPMessageHeader.emit(length: length, type: .update, into: $0) }
        return header + be16(0) + be16(attributes.count) + attributes
    }

    /// An Ethernet/IPv4/TCP segment from site `site`'s edge device to the route reflector.
    static func segment(site: Int, sequence: UInt32, flags: TCPFlags, payload: [UInt8], builder: inout FrameBuilder) -> [UInt8] {
        let tcp = TCPHeader(sourcePort: edgePort(site: site), destinationPort: 179, sequenceNumber: sequence, flags: flags,
                            window: 65_535)
        let transport = builder.emit(tcp.headerLength) { try tcp.emit(into: $0) } + payload
        let ip = builder.ipv4(edgeDevice(site: site), reflector, .tcp, transport, checksumAt: 16)
        let ethernet = builder.emit(14) {
            try EthernetHeader(destinationAddress: MACAddress(0x02, 0xFD, 0, 0, 0, 0xFE),
                               sourceAddress: MACAddress(0x02, 0xFD, 0, 0, 0, UInt8(truncatingIfNeeded: site + 1)),
                               etherType: .ipv4).emit(into: $0)
        }
        return ethernet + ip
    }
}
