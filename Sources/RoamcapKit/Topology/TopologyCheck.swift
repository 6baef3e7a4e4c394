import CaptureFile

/// `roamcap topology check`: a topology file against the capture interfaces of traces — which
/// port claims each interface, which interfaces no port claims, which ports match nothing.
public struct TopologyCheck: Sendable {
    public struct CaptureInterface: Sendable {
        public var file: String
        public var name: String
        /// The port that claims it; nil when none does (its packets would be ignored).
        public var port: Topology.PortID?
    }

    /// The topology file's path, as given.
    public var file: String
    public var topology: Topology
    public var traces: [String]
    /// Every capture interface of the traces, in file order.
    public var interfaces: [CaptureInterface] = []
    /// Per port, how many capture interfaces it claims.
    public var matches: [Topology.PortID: Int] = [:]
    /// Capture interfaces no port claims, as `file: interface`.
    public var unclaimed: [String] = []

    /// Reads every trace's interfaces (all of the file: pcapng may declare one late).
    public init(file: String, topology: Topology, traces: [String]) throws(CaptureError) {
        self.file = file
        self.topology = topology
        self.traces = traces
        let map = CapturePortMap(topology: topology, files: traces)
        for (i, trace) in traces.enumerated() {
            let reader = try CaptureReader(path: trace)
            var seen = 0
            func register() {
                while seen < reader.interfaces.count {
                    let id = map.register(file: i, index: seen, interface: reader.interfaces[seen])
                    interfaces.append(CaptureInterface(
                        file: trace, name: CapturePortMap.captureName(interface: reader.interfaces[seen], index: seen, file: trace),
                        port: id))
                    seen += 1
                }
            }
            while try reader.next() != nil { register() }
            register()
        }
        for item in interfaces { if let port = item.port { matches[port, default: 0] += 1 } }
        unclaimed = map.unclaimed
    }

    /// Ports that claim no capture interface of the traces (none without traces).
    public var unmatchedPorts: [Topology.PortID] {
        guard !traces.isEmpty else { return [] }
        var out: [Topology.PortID] = []
        for (s, site) in topology.sites.enumerated() {
            for p in site.ports.indices where matches[Topology.PortID(site: s, port: p)] == nil {
                out.append(Topology.PortID(site: s, port: p))
            }
        }
        return out
    }
}
