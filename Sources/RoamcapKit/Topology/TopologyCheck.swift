import CaptureFile
import PacketWire

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
    /// Next hops of EVPN routes in the traces' BGP/BMP sessions that no site's `evpn` entry
    /// claims (by next hop or RD), in order of first appearance (SPEC §8).
    public var unclaimedNextHops: [IPAddress] = []
    /// EVPN routes seen in the traces.
    public var evpnRoutes = 0

    /// Reads every trace's interfaces (all of the file: pcapng may declare one late), then
    /// their BGP/BMP sessions on the ports of `controlPlane`.
    public init(file: String, topology: Topology, traces: [String],
                controlPlane: ControlPlaneSettings = ControlPlaneSettings()) throws(CaptureError) {
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
        guard !traces.isEmpty else { return }
        var hops: [IPAddress] = []
        var seen: Set<IPAddress> = []
        var routes = 0
        do throws(ConversionError) {
            _ = try readControlPlane(inputs: traces, settings: controlPlane, onRoute: { route in
                guard route.family == .evpn else { return }
                routes += 1
                for hop in topology.evpn.unclaimedNextHops(in: [route]) where seen.insert(hop).inserted { hops.append(hop) }
            })
        } catch {
            if case .capture(let failure) = error { throw failure }
        }
        unclaimedNextHops = hops
        evpnRoutes = routes
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
