import CaptureFile

/// Sites, their access ports mapped to capture points, and control-plane settings (SPEC §3).
///
/// ```yaml
/// sites:
///   A: { ports: { p1: "dcA-eth1", p2: "dcA-eth2" } }   # port: capture interface (if_name) or file name
///   C: { ports: { p1: "dcC-eth1" }, advertise-delay: 3.5s }
/// control-plane: { advertise-delay: 2s, aging: 300s, unknown-unicast: flood }
/// nat: { vm-side: ["dcC-eth1"] }
/// ```
///
/// Without a topology file, `Topology.default` gives each capture interface its own site with one
/// port, so every command works on a plain capture.
public struct Topology: Sendable, Equatable {
    /// An access port of a site's edge device and the capture point that sees its frames.
    public struct Port: Sendable, Equatable {
        public var name: String
        /// A capture interface name (pcapng `if_name`) or an input file name.
        public var capture: String

        public init(name: String, capture: String) {
            self.name = name
            self.capture = capture
        }
    }

    /// A site: one edge device with its access ports.
    public struct Site: Sendable, Equatable {
        public var name: String
        public var ports: [Port]
        /// Control-plane delay for this site's advertisements (nil: the control plane's).
        public var advertiseDelay: Int64?
        /// MAC and ARP snooping aging at this site (nil: the control plane's).
        public var aging: Int64?

        public init(name: String, ports: [Port], advertiseDelay: Int64? = nil, aging: Int64? = nil) {
            self.name = name
            self.ports = ports
            self.advertiseDelay = advertiseDelay
            self.aging = aging
        }
    }

    /// What an edge device does with unicast to an unknown MAC.
    public enum UnknownUnicast: String, Sendable, CaseIterable {
        case flood, drop
    }

    /// Settings shared by every site.
    public struct ControlPlane: Sendable, Equatable {
        /// Delay between learning a local MAC and the other sites installing `remote`, in ns.
        public var advertiseDelay: Int64 = 2_000_000_000
        /// Local and snooping entries age out after this long without a refreshing frame, in ns.
        public var aging: Int64 = 300_000_000_000
        public var unknownUnicast: UnknownUnicast = .flood

        public init(advertiseDelay: Int64 = 2_000_000_000, aging: Int64 = 300_000_000_000,
                    unknownUnicast: UnknownUnicast = .flood) {
            self.advertiseDelay = advertiseDelay
            self.aging = aging
            self.unknownUnicast = unknownUnicast
        }
    }

    /// A port by position: `sites[site].ports[port]`. Small and hashable, for hot paths.
    public struct PortID: Hashable, Comparable, Sendable {
        public var site: Int32
        public var port: Int32

        public init(site: Int, port: Int) {
            self.site = Int32(site)
            self.port = Int32(port)
        }

        public static func < (a: PortID, b: PortID) -> Bool {
            a.site != b.site ? a.site < b.site : a.port < b.port
        }
    }

    /// Sites in file order (the "topology order" of SPEC §2).
    public var sites: [Site]
    public var controlPlane: ControlPlane
    /// Capture points (interface or file names) that face the VMs (`nat.vm-side`).
    public var vmSide: [String]
    /// The file it was read from; nil for a topology built from the captures.
    public var source: String?
    /// Who is who in the captured control plane (`sites.*.evpn`, `evpn-vnis`; SPEC §8).
    public var evpn = EVPNTopology()

    public init(sites: [Site], controlPlane: ControlPlane = ControlPlane(), vmSide: [String] = [],
                source: String? = nil) {
        self.sites = sites
        self.controlPlane = controlPlane
        self.vmSide = vmSide
        self.source = source
    }

    /// Whether this topology was built from the captures (no file).
    public var isDefault: Bool { source == nil }

    // MARK: Lookup

    /// The port whose capture point is `name` (an interface name or a file name).
    public func port(capture name: String) -> PortID? {
        for (s, site) in sites.enumerated() {
            for (p, port) in site.ports.enumerated() where port.capture == name {
                return PortID(site: s, port: p)
            }
        }
        return nil
    }

    /// The port that claims a capture interface: by its name (`if_name`) first, then by the
    /// file it was read from (the path as given, then its last component).
    public func port(interfaceName: String?, file: String) -> PortID? {
        if let interfaceName, let id = port(capture: interfaceName) { return id }
        if let id = port(capture: file) { return id }
        return port(capture: baseName(file))
    }

    /// The index of the site called `name`.
    public func site(named name: String) -> Int? {
        sites.firstIndex { $0.name == name }
    }

    /// The site and port names of a port.
    public func names(of id: PortID) -> (site: String, port: String) {
        let site = sites[Int(id.site)]
        return (site.name, site.ports[Int(id.port)].name)
    }

    /// The advertisement delay of a site, in ns.
    public func advertiseDelay(site: Int) -> Int64 {
        sites[site].advertiseDelay ?? controlPlane.advertiseDelay
    }

    /// The aging time of a site, in ns.
    public func aging(site: Int) -> Int64 {
        sites[site].aging ?? controlPlane.aging
    }

    /// Whether a capture interface faces the VMs (`nat.vm-side` names it or its file).
    public func isVMSide(interfaceName: String?, file: String) -> Bool {
        if let interfaceName, vmSide.contains(interfaceName) { return true }
        return vmSide.contains(file) || vmSide.contains(baseName(file))
    }

    // MARK: Reading

    /// Reads and validates a topology file.
    public static func load(path: String) throws(TopologyError) -> Topology {
        try parse(YAMLValue.load(path: path))
    }

    /// Parses and validates topology text; errors name `file`.
    public static func parse(_ text: String, file: String) throws(TopologyError) -> Topology {
        try parse(YAMLValue.parse(text, file: file))
    }

    /// Validates a parsed topology document.
    public static func parse(_ root: YAMLValue) throws(TopologyError) -> Topology {
        var topology = Topology(sites: [], source: root.file)
        var sawSites = false
        var capturePositions: [[YAMLValue]] = []
        var vmSideValues: [YAMLValue] = []
        for (key, keyValue, value) in try root.mapping("a topology", allowed: ["sites", "control-plane", "nat", "evpn-vnis"]) {
            switch key {
            case "sites":
                sawSites = true
                for (name, nameValue, body) in try value.mapping("sites (site name: { ports: ... })") {
                    let (site, positions) = try parseSite(name: name, nameValue: nameValue, body)
                    topology.sites.append(site)
                    capturePositions.append(positions)
                }
                if topology.sites.isEmpty { throw keyValue.error("expected at least one site under 'sites'") }
            case "control-plane":
                topology.controlPlane = try parseControlPlane(value)
            case "evpn-vnis":
                break  // read with the sites' `evpn` entries by EVPNTopology.parse below
            default:
                for (_, _, list) in try value.mapping("nat settings", allowed: ["vm-side"]) {
                    for item in try list.sequence("capture interface names") {
                        let name = try item.string("a capture interface or file name")
                        if name.isEmpty { throw item.error("expected a capture interface or file name in nat.vm-side") }
                        topology.vmSide.append(name)
                        vmSideValues.append(item)
                    }
                }
            }
        }
        if !sawSites { throw root.error("expected a 'sites' mapping (site name: { ports: { port: capture } })") }
        topology.evpn = try EVPNTopology.parse(root)
        var claimed: [String: (String, String, YAMLValue)] = [:]
        for (s, site) in topology.sites.enumerated() {
            for (p, port) in site.ports.enumerated() {
                let value = capturePositions[s][p]
                if let other = claimed[port.capture] {
                    throw value.error("capture '\(port.capture)' is claimed by both "
                                      + "\(other.0).\(other.1) (line \(other.2.line)) and \(site.name).\(port.name)")
                }
                claimed[port.capture] = (site.name, port.name, value)
            }
        }
        // A nat.vm-side name must be the capture point of a port: one that names nothing
        // silently changed which packets were rewritten.
        for (name, item) in zip(topology.vmSide, vmSideValues) where claimed[name] == nil {
            throw item.error("nat.vm-side '\(name)' is the capture of no port")
        }
        return topology
    }

    private static func parseSite(name: String, nameValue: YAMLValue, _ body: YAMLValue)
        throws(TopologyError) -> (Site, [YAMLValue]) {
        var site = Site(name: name, ports: [])
        var positions: [YAMLValue] = []
        var sawPorts = false
        for (key, keyValue, value) in try body.mapping("site '\(name)'", allowed: ["ports", "advertise-delay", "aging", "evpn"]) {
            switch key {
            case "ports":
                sawPorts = true
                for (port, _, capture) in try value.mapping("ports of site '\(name)' (port name: capture interface)") {
                    site.ports.append(Port(name: port, capture: try capture.string("a capture interface or file name for port '\(port)'")))
                    positions.append(capture)
                }
                if site.ports.isEmpty { throw keyValue.error("expected at least one port in site '\(name)'") }
            case "advertise-delay":
                site.advertiseDelay = try value.duration("advertise-delay")
            case "evpn":
                break  // EVPNTopology.parse (SPEC §8)
            default:
                site.aging = try positiveAging(value)
            }
        }
        if !sawPorts { throw nameValue.error("expected 'ports' in site '\(name)'") }
        return (site, positions)
    }

    /// An aging time, more than 0 (as `--aging`): 0s would age every entry out at once.
    private static func positiveAging(_ value: YAMLValue) throws(TopologyError) -> Int64 {
        let aging = try value.duration("aging")
        if aging == 0 { throw value.error("aging must be more than 0 (0s would age every entry out at once)") }
        return aging
    }

    static func parseControlPlane(_ value: YAMLValue) throws(TopologyError) -> ControlPlane {
        var plane = ControlPlane()
        for (key, _, item) in try value.mapping("control-plane settings",
                                                allowed: ["advertise-delay", "aging", "unknown-unicast"]) {
            switch key {
            case "advertise-delay": plane.advertiseDelay = try item.duration("advertise-delay")
            case "aging": plane.aging = try positiveAging(item)
            default:
                let text = try item.string("unknown-unicast")
                guard let mode = UnknownUnicast(rawValue: text) else {
                    throw item.error("expected unknown-unicast to be flood or drop, found '\(text)'")
                }
                plane.unknownUnicast = mode
            }
        }
        return plane
    }

    // MARK: Writing

    /// The topology as YAML that `parse` reads back.
    public var yaml: String {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var out = "sites:\n"
        for site in sites {
            let ports = site.ports.map { "\(quote($0.name)): \(quote($0.capture))" }.joined(separator: ", ")
            var extra = ""
            if let delay = site.advertiseDelay { extra += ", advertise-delay: \(durationText(delay))" }
            if let aging = site.aging { extra += ", aging: \(durationText(aging))" }
            if let evpnSite = evpn.sites.first(where: { $0.name == site.name }) {
                var parts: [String] = []
                if !evpnSite.nextHops.isEmpty { parts.append("next-hops: [\(evpnSite.nextHops.map { quote($0.description) }.joined(separator: ", "))]") }
                if !evpnSite.routeDistinguishers.isEmpty {
                    parts.append("route-distinguishers: [\(evpnSite.routeDistinguishers.map { quote($0.description) }.joined(separator: ", "))]")
                }
                extra += ", evpn: { \(parts.joined(separator: ", ")) }"
            }
            out += "  \(quote(site.name)): { ports: { \(ports) }\(extra) }\n"
        }
        out += "control-plane: { advertise-delay: \(durationText(controlPlane.advertiseDelay)), "
            + "aging: \(durationText(controlPlane.aging)), unknown-unicast: \(controlPlane.unknownUnicast.rawValue) }\n"
        if !vmSide.isEmpty {
            out += "nat:\n  vm-side: [\(vmSide.map(quote).joined(separator: ", "))]\n"
        }
        if !evpn.vlanOfVNI.isEmpty {
            out += "evpn-vnis: { \(evpn.vlanOfVNI.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")) }\n"
        }
        return out
    }
}

/// Nanoseconds as a duration text that `parseSecondsToNanoseconds` reads back (`2s`, `3.5s`).
public func durationText(_ nanoseconds: Int64) -> String {
    let negative = nanoseconds < 0
    let magnitude = nanoseconds.magnitude
    let whole = magnitude / 1_000_000_000
    var fraction = String(magnitude % 1_000_000_000)
    fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
    while fraction.last == "0" { fraction.removeLast() }
    return (negative ? "-" : "") + String(whole) + (fraction.isEmpty ? "" : "." + fraction) + "s"
}

/// Maps the capture interfaces of a set of input files to topology ports as they appear.
///
/// With a topology file, an interface no port claims maps to nil (and is listed in
/// `unclaimed`); without one, each interface becomes a site of its own with one port `p1`,
/// named after the interface (`if_name`), else after its file (`file#N` for a file's further
/// unnamed interfaces, as `merge` names them).
public final class CapturePortMap {
    public private(set) var topology: Topology
    public let files: [String]
    /// Per file, per interface index: the port, or nil when no port claims it.
    public private(set) var ports: [[Topology.PortID?]]
    /// Capture interfaces no port claims, as `file: interface`.
    public private(set) var unclaimed: [String] = []

    /// The first port of each capture point, and the site names in use: interfaces are mapped
    /// in constant time (a linear search made 100,000 pcapng interfaces take minutes).
    private var portByCapture: [String: Topology.PortID] = [:]
    private var siteNames: Set<String> = []

    public init(topology: Topology?, files: [String]) {
        self.topology = topology ?? Topology(sites: [])
        self.files = files
        self.ports = Array(repeating: [], count: files.count)
        for (s, site) in self.topology.sites.enumerated() {
            siteNames.insert(site.name)
            for (p, port) in site.ports.enumerated() where portByCapture[port.capture] == nil {
                portByCapture[port.capture] = Topology.PortID(site: s, port: p)
            }
        }
    }

    /// `Topology.port(capture:)` through the index.
    private func port(capture name: String) -> Topology.PortID? { portByCapture[name] }

    /// The name an interface is known by: its `if_name`, else its file's name (`#N` after the first).
    public static func captureName(interface: InterfaceDescription?, index: Int, file: String) -> String {
        if let name = interface?.name, !name.isEmpty { return name }
        return index == 0 ? baseName(file) : "\(baseName(file))#\(index)"
    }

    /// Registers interface `index` of file `file` (in order of appearance) and returns its port.
    @discardableResult
    public func register(file: Int, index: Int, interface: InterfaceDescription) -> Topology.PortID? {
        while ports[file].count <= index { ports[file].append(nil) }
        let path = files[file]
        let name = CapturePortMap.captureName(interface: interface, index: index, file: path)
        var id: Topology.PortID?
        if topology.isDefault {
            id = port(capture: name)
            if id == nil {
                var siteName = name
                var n = 2
                while siteNames.contains(siteName) { siteName = "\(name)~\(n)"; n += 1 }
                topology.sites.append(Topology.Site(name: siteName, ports: [Topology.Port(name: "p1", capture: name)]))
                let newID = Topology.PortID(site: topology.sites.count - 1, port: 0)
                siteNames.insert(siteName)
                portByCapture[name] = newID
                id = newID
            }
        } else {
            if let interfaceName = interface.name { id = port(capture: interfaceName) }
            if id == nil { id = port(capture: path) ?? port(capture: baseName(path)) }
            if id == nil && index > 0 { id = port(capture: name) }
            if id == nil { unclaimed.append("\(path): \(name)") }
        }
        ports[file][index] = id
        return id
    }

    /// The port of a registered interface.
    @inline(__always)
    public func port(file: Int, interface: Int) -> Topology.PortID? {
        let list = ports[file]
        return interface < list.count ? list[interface] : nil
    }
}

