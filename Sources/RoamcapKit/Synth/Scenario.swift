import CaptureFile
import PacketWire

/// A synth scenario: sites, hosts, flows and migrations, from which `synthesize` writes a
/// deterministic trace and the topology that goes with it.
public struct Scenario: Sendable {
    public struct Host: Sendable {
        public var name: String
        public var mac: MACAddress
        public var ipv4: IPv4Address?
        public var ipv6: IPv6Address?
        /// 802.1Q tag (0: untagged).
        public var vlan: UInt16
        /// VXLAN VNI: frames are encapsulated between the sites' VTEPs.
        public var vni: UInt32?
        public var site: Int
        public var port: Int

        public var segment: Segment { vni.map { Segment(vni: $0) } ?? Segment(vlan: vlan) }
    }

    public enum FlowProtocol: String, Sendable, CaseIterable { case tcp, udp }

    public struct Flow: Sendable {
        public var from: Int
        public var to: Int
        public var proto: FlowProtocol
        public var ipv6: Bool
        public var sourcePort: UInt16
        public var destinationPort: UInt16
        /// Packets per second from `from` to `to`.
        public var rate: Double
        /// Start and end, in ns after the scenario start.
        public var start: Int64
        public var end: Int64
        /// Payload bytes per packet.
        public var size: Int
        /// Whether `to` answers each packet.
        public var reply: Bool
    }

    public enum Announcement: String, Sendable, CaseIterable {
        case garp, rarp
        case unsolicitedNA = "unsolicited-na"
        case dhcp, none
    }

    public struct Migration: Sendable {
        public var host: Int
        /// When the host leaves its place, in ns after the start.
        public var at: Int64
        public var site: Int
        public var port: Int
        /// How long the host is silent in transit, in ns.
        public var gap: Int64
        public var announce: Announcement
        /// With `bgp-evpn`: added to the advertisement delay of this migration's arrival, in ns.
        public var advertiseExtra: Int64 = 0
    }

    public var file: String
    public var start: Timestamp
    public var duration: Int64
    public var seed: UInt64
    /// Random delay added to each flow packet, up to this many ns.
    public var jitter: Int64
    public var topology: Topology
    public var hosts: [Host]
    public var flows: [Flow]
    public var migrations: [Migration]
    /// Whether the trace carries the BGP EVPN control plane (`bgp-evpn: true`, SPEC §8): see `SynthControlPlane`.
    public var bgpEVPN = false

    /// The capture interface name of a port: `SITE-PORT`.
    public static func interfaceName(site: String, port: String) -> String { "\(site)-\(port)" }

    /// Reads and validates a scenario file.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        try parse(YAMLValue.load(path: path))
    }

    /// Parses scenario text; errors name `file`.
    public static func parse(_ text: String, file: String) throws(ScenarioError) -> Scenario {
        try parse(YAMLValue.parse(text, file: file))
    }

    static let topKeys = ["start", "duration", "seed", "jitter", "sites", "control-plane", "nat", "hosts", "flows", "migrations",
                          "bgp-evpn"]

    public static func parse(_ root: YAMLValue) throws(ScenarioError) -> Scenario {
        var scenario = Scenario(file: root.file, start: Timestamp(rfc3339: "2026-11-20T10:00:00Z")!, duration: 0, seed: 1,
                                jitter: 0, topology: Topology(sites: [], source: root.file), hosts: [], flows: [],
                                migrations: [])
        let entries = try root.mapping("a scenario", allowed: topKeys)
        func entry(_ key: String) -> YAMLValue? { entries.first { $0.key == key }?.value }
        if let value = entry("start") {
            let text = try value.string("start")
            guard let time = Timestamp(rfc3339: text) else {
                throw value.error("expected start as an RFC 3339 time (2026-11-20T10:00:00Z), found '\(text)'")
            }
            scenario.start = time
        }
        guard let durationValue = entry("duration") else { throw root.error("expected 'duration' (e.g. duration: 30s)") }
        scenario.duration = try durationValue.duration("duration")
        if scenario.duration <= 0 || scenario.duration > 86_400_000_000_000 {
            throw durationValue.error("expected a duration between 0 and 24h")
        }
        if let value = entry("seed") { scenario.seed = UInt64(try value.integer("seed", in: 0...Int64.max)) }
        if let value = entry("jitter") { scenario.jitter = try value.duration("jitter") }
        if let value = entry("bgp-evpn") { scenario.bgpEVPN = try value.boolean("bgp-evpn") }

        // Sites: a list of port names each; the capture interfaces are SITE-PORT.
        guard let sitesValue = entry("sites") else { throw root.error("expected 'sites' (e.g. sites: { A: { ports: [p1] } })") }
        for (name, _, body) in try sitesValue.mapping("sites") {
            var site = Topology.Site(name: name, ports: [])
            for (key, keyValue, value) in try body.mapping("site '\(name)'", allowed: ["ports", "advertise-delay", "aging"]) {
                switch key {
                case "ports":
                    for item in try value.sequence("ports of site '\(name)'") {
                        let port = try item.string("a port name")
                        if site.ports.contains(where: { $0.name == port }) { throw item.error("duplicate port '\(port)'") }
                        site.ports.append(Topology.Port(name: port, capture: interfaceName(site: name, port: port)))
                    }
                    if site.ports.isEmpty { throw keyValue.error("expected at least one port") }
                case "advertise-delay": site.advertiseDelay = try value.duration("advertise-delay")
                default: site.aging = try value.duration("aging")
                }
            }
            if site.ports.isEmpty { site.ports.append(Topology.Port(name: "p1", capture: interfaceName(site: name, port: "p1"))) }
            scenario.topology.sites.append(site)
        }
        if scenario.topology.sites.isEmpty { throw sitesValue.error("expected at least one site") }
        if let value = entry("control-plane") { scenario.topology.controlPlane = try Topology.parseControlPlane(value) }
        if let value = entry("nat") {
            for (_, _, list) in try value.mapping("nat settings", allowed: ["vm-side"]) {
                for item in try list.sequence("capture interface names") {
                    scenario.topology.vmSide.append(try item.string("a capture interface name"))
                }
            }
        }

        // Hosts.
        guard let hostsValue = entry("hosts") else { throw root.error("expected 'hosts'") }
        for (name, nameValue, body) in try hostsValue.mapping("hosts (name: { mac, ip, site, ... })") {
            let fields = try body.mapping("host '\(name)'", allowed: ["mac", "ip", "ipv6", "vlan", "vni", "site", "port"])
            func field(_ key: String) -> YAMLValue? { fields.first { $0.key == key }?.value }
            guard let macValue = field("mac") else { throw nameValue.error("expected 'mac' for host '\(name)'") }
            let macText = try macValue.string("a MAC address")
            guard let mac = MACAddress(macText), mac.isUnicast, !mac.isZero else {
                throw macValue.error("expected a unicast MAC address (02:00:00:00:00:07), found '\(macText)'")
            }
            var host = Host(name: name, mac: mac, ipv4: nil, ipv6: nil, vlan: 0, vni: nil, site: 0, port: 0)
            if let value = field("ip") {
                let text = try value.string("an IPv4 address")
                guard let ip = IPv4Address(text) else { throw value.error("expected an IPv4 address, found '\(text)'") }
                host.ipv4 = ip
            }
            if let value = field("ipv6") {
                let text = try value.string("an IPv6 address")
                guard let ip = IPv6Address(text) else { throw value.error("expected an IPv6 address, found '\(text)'") }
                host.ipv6 = ip
            }
            if let value = field("vlan") { host.vlan = UInt16(try value.integer("a VLAN id", in: 0...4094)) }
            if let value = field("vni") { host.vni = UInt32(try value.integer("a VNI", in: 0...0xFF_FFFF)) }
            if host.vni != nil && host.vlan != 0 {
                throw nameValue.error("host '\(name)' has both a VLAN and a VNI; give one")
            }
            guard let siteValue = field("site") else { throw nameValue.error("expected 'site' for host '\(name)'") }
            (host.site, host.port) = try scenario.place(site: siteValue, port: field("port"))
            if scenario.hosts.contains(where: { $0.mac == mac && $0.segment == host.segment }) {
                throw macValue.error("MAC \(mac) is used by another host of the same segment")
            }
            scenario.hosts.append(host)
        }
        if scenario.hosts.isEmpty { throw hostsValue.error("expected at least one host") }

        // Flows.
        if let flowsValue = entry("flows") {
            for item in try flowsValue.sequence("flows") {
                scenario.flows.append(try scenario.parseFlow(item))
            }
        }

        // Migrations.
        if let migrationsValue = entry("migrations") {
            for item in try migrationsValue.sequence("migrations") {
                let fields = try item.mapping("a migration", allowed: ["host", "at", "to", "port", "gap", "announce",
                                                                                "advertise-extra"])
                func field(_ key: String) -> YAMLValue? { fields.first { $0.key == key }?.value }
                guard let hostValue = field("host"), let atValue = field("at"), let toValue = field("to") else {
                    throw item.error("expected a migration with host, at and to (and optionally port, gap, announce)")
                }
                let host = try scenario.host(hostValue)
                var migration = Migration(host: host, at: try atValue.duration("at"), site: 0, port: 0, gap: 0,
                                          announce: .garp)
                (migration.site, migration.port) = try scenario.place(site: toValue, port: field("port"))
                if let value = field("gap") { migration.gap = try value.duration("gap") }
                if let value = field("advertise-extra") { migration.advertiseExtra = try value.duration("advertise-extra") }
                if let value = field("announce") {
                    let text = try value.string("announce")
                    guard let announce = Announcement(rawValue: text) else {
                        throw value.error("expected announce to be one of \(Announcement.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
                    }
                    migration.announce = announce
                }
                let h = scenario.hosts[host]
                if (migration.announce == .garp || migration.announce == .dhcp) && h.ipv4 == nil {
                    throw item.error("announce \(migration.announce.rawValue) needs host '\(h.name)' to have an ip")
                }
                if migration.announce == .unsolicitedNA && h.ipv6 == nil {
                    throw item.error("announce unsolicited-na needs host '\(h.name)' to have an ipv6 address")
                }
                if migration.at + migration.gap >= scenario.duration {
                    throw atValue.error("migration ends at or after the end of the scenario")
                }
                if let previous = scenario.migrations.last(where: { $0.host == host }),
                   migration.at <= previous.at + previous.gap {
                    throw atValue.error("migration of '\(h.name)' starts before its previous one ended")
                }
                scenario.migrations.append(migration)
            }
        }
        if scenario.bgpEVPN { scenario.topology.evpn = SynthControlPlane.topology(scenario) }
        return scenario
    }

    /// A site name and an optional port name, resolved.
    func place(site siteValue: YAMLValue, port portValue: YAMLValue?) throws(ScenarioError) -> (Int, Int) {
        let siteName = try siteValue.string("a site name")
        guard let site = topology.site(named: siteName) else {
            throw siteValue.error("unknown site '\(siteName)', expected one of: \(topology.sites.map(\.name).joined(separator: ", "))")
        }
        guard let portValue else { return (site, 0) }
        let portName = try portValue.string("a port name")
        guard let port = topology.sites[site].ports.firstIndex(where: { $0.name == portName }) else {
            throw portValue.error("site '\(siteName)' has no port '\(portName)'")
        }
        return (site, port)
    }

    func host(_ value: YAMLValue) throws(ScenarioError) -> Int {
        let name = try value.string("a host name")
        guard let index = hosts.firstIndex(where: { $0.name == name }) else {
            throw value.error("unknown host '\(name)', expected one of: \(hosts.map(\.name).joined(separator: ", "))")
        }
        return index
    }

    func parseFlow(_ item: YAMLValue) throws(ScenarioError) -> Flow {
        let fields = try item.mapping("a flow", allowed: ["from", "to", "proto", "ipv6", "sport", "dport", "rate",
                                                          "start", "end", "size", "reply"])
        func field(_ key: String) -> YAMLValue? { fields.first { $0.key == key }?.value }
        guard let fromValue = field("from"), let toValue = field("to") else {
            throw item.error("expected a flow with from and to (host names)")
        }
        var flow = Flow(from: try host(fromValue), to: try host(toValue), proto: .tcp, ipv6: false, sourcePort: 0,
                        destinationPort: 80, rate: 10, start: 0, end: duration, size: 64, reply: true)
        if flow.from == flow.to { throw toValue.error("a flow needs two different hosts") }
        if let value = field("proto") {
            let text = try value.string("proto")
            guard let proto = FlowProtocol(rawValue: text) else { throw value.error("expected proto tcp or udp, found '\(text)'") }
            flow.proto = proto
        }
        if let value = field("ipv6") { flow.ipv6 = try value.boolean("ipv6") }
        if let value = field("dport") { flow.destinationPort = UInt16(try value.integer("a port", in: 1...65535)) }
        flow.sourcePort = UInt16(40000 + (flow.from * 131 + flow.to * 17 + Int(flow.destinationPort)) % 20000)
        if let value = field("sport") { flow.sourcePort = UInt16(try value.integer("a port", in: 1...65535)) }
        if let value = field("rate") {
            let text = try value.string("rate")
            guard let rate = Double(text.hasSuffix("/s") ? String(text.dropLast(2)) : text), rate > 0, rate <= 100_000 else {
                throw value.error("expected rate in packets per second (e.g. 10 or 10/s, at most 100000), found '\(text)'")
            }
            flow.rate = rate
        }
        if let value = field("start") { flow.start = try value.duration("start") }
        if let value = field("end") { flow.end = min(try value.duration("end"), duration) }
        if flow.end <= flow.start { throw item.error("the flow ends before it starts") }
        if let value = field("size") { flow.size = Int(try value.integer("size", in: 0...1400)) }
        if let value = field("reply") { flow.reply = try value.boolean("reply") }
        let a = hosts[flow.from], b = hosts[flow.to]
        if a.segment != b.segment { throw item.error("hosts '\(a.name)' and '\(b.name)' are not in the same VLAN/VNI") }
        if flow.ipv6 ? (a.ipv6 == nil || b.ipv6 == nil) : (a.ipv4 == nil || b.ipv4 == nil) {
            throw item.error("both hosts of the flow need an \(flow.ipv6 ? "ipv6" : "ip") address")
        }
        return flow
    }
}

