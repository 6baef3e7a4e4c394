import CaptureFile
import PacketFilter
import PacketWire

/// What `rebuildTables` did.
public struct TableRebuildResult: Sendable {
    /// The timeline, in time order.
    public var events: [TableEvent]
    /// The tables at `--at` (nil without it).
    public var snapshot: TableSnapshot?
    /// The topology used (the default one lists one site per capture interface).
    public var topology: Topology
    /// What the pass counted (packets read, unclaimed interfaces, out of order, skipped records).
    public var pass = PassStatistics()
    /// Packets the tables saw (on a claimed interface, passing the read filter).
    public var packetsProcessed = 0
    /// Packets the read filter dropped before the tables saw them.
    public var packetsDropped = 0
    /// The reference of relative times (the earliest packet of the input when one was given).
    public var firstTime: Timestamp?
    /// BGP messages read from the captured control plane (SPEC §8), EVPN MAC/IP route events,
    /// those no site of the topology claims, and gaps in the sessions.
    public var bgpMessages = 0
    public var evpnRoutes = 0
    public var unattributedRoutes = 0
    public var controlPlaneGaps: [ControlPlaneGap] = []
}

/// `roamcap tables`: reads the inputs merged in time order (ties: input order, then file
/// order), maps each capture interface to a topology port, decodes every frame (and the inner
/// frame of VXLAN) and rebuilds the MAC tables and IP bindings.
///
/// The captured control plane (SPEC §8) is read from every interface, claimed or not: BGP and
/// BMP sessions on the ports of `controlPlane` are reassembled and their EVPN MAC/IP routes
/// become events; at the end each migration gets its advertisement.
///
/// With `at`, stops after the last packet at or before that moment, ages the tables to it and
/// returns their snapshot with the events up to it.
public func rebuildTables(inputs: [String], topology: Topology?, settings: TableSettings = TableSettings(),
                          controlPlane: ControlPlaneSettings = ControlPlaneSettings(),
                          selection: PacketSelection? = nil, at: TimeBound? = nil, reading: ReadOptions = ReadOptions(),
                          progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws(ConversionError) -> TableRebuildResult {
    do {
        let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: reading)
        let portMap = stream.portMap
        let reference = try timeReference(inputs: inputs, needed: (selection?.needsReference ?? false) || (at?.isRelative ?? false),
                                          first: stream.firstTime)
        let pass = TablePass(topology: portMap.topology, settings: settings, controlPlane: controlPlane, selection: selection,
                             reference: reference, at: at, interfaces: stream.interfaceCount)
        var decoded = DecodedPacket()
        while let (packet, file) = try stream.next() {
            if pass.ends(before: packet) { break }
            let port = portMap.port(file: file, interface: packet.interface)
            let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
            guard try pass.reads(packet, number: stream.number, port: port, linkType: linkType,
                                 topology: portMap.topology, interfaces: stream.interfaceCount) else { continue }
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            pass.observe(decoded, packet, number: stream.number, port: port)
            if stream.number & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, stream.number)
            }
        }
        var statistics = PassStatistics()
        stream.record(into: &statistics)
        return pass.finish(topology: portMap.topology, statistics: statistics, lastNumber: stream.number)
    } catch {
        throw ConversionError(error)
    }
}

/// The table engine of one pass over the inputs: what `rebuildTables` does with each packet,
/// so that another pass over the same inputs (the simulation's first, in `verify`) can feed it.
final class TablePass {
    private let tracker: TableTracker
    private let bgp: BGPSessionReader
    private var selection: PacketSelection?
    private let filtering: Bool
    private let end: Timestamp?
    private var result: TableRebuildResult
    private var interfacesSeen: Int
    private var lastTime: Timestamp?
    private var lastNumber = 0

    /// `selection` is resolved against `reference` (the earliest packet, when a time is relative), as `at` is.
    init(topology: Topology, settings: TableSettings, controlPlane: ControlPlaneSettings, selection: PacketSelection?,
         reference: Timestamp?, at: TimeBound?, interfaces: Int) {
        let tracker = TableTracker(topology: topology, settings: settings)
        self.tracker = tracker
        var selection = selection
        if let reference { selection?.resolve(reference: reference) }
        self.selection = selection
        end = reference.flatMap { at?.resolve(reference: $0) }
        filtering = selection.map { !$0.selectsEverything || $0.readFilter != nil } ?? false
        result = TableRebuildResult(events: [], topology: topology)
        result.firstTime = reference
        interfacesSeen = interfaces
        // Routes of a message are reported when the packet completing it is selected.
        bgp = BGPSessionReader(settings: controlPlane) { message in
            for route in BGPUpdateDecoder.routes(of: message).routes {
                tracker.observe(route: route)
            }
        }
    }

    /// Whether the tables want no packet from `packet` on (the count is reached, or it is past `--at`).
    func ends(before packet: Packet) -> Bool {
        if let selection, selection.isExhausted { return true }
        if let end, end < packet.timestamp { return true }
        return false
    }

    /// Counts a packet read and says whether the read filter lets it through; the display
    /// filter decides whether its events are reported. `topology` is the port map's as it
    /// stands after `interfaces` interfaces.
    func reads(_ packet: Packet, number: Int, port: Topology.PortID?, linkType: UInt16, topology: @autoclosure () -> Topology,
               interfaces: Int) throws(FilterError) -> Bool {
        if interfaces != interfacesSeen {
            interfacesSeen = interfaces
            tracker.update(topology: topology())
        }
        result.pass.packetsRead += 1
        lastTime = packet.timestamp
        lastNumber = number
        if port == nil { result.pass.packetsUnclaimed += 1 }
        guard filtering else { return true }
        guard try selection?.reads(packet, linkType: linkType) ?? true else {
            if port != nil { result.packetsDropped += 1 }
            return false
        }
        tracker.reporting = try selection?.admits(packet, linkType: linkType) ?? true
        return true
    }

    /// The events reported so far (before `finish` attaches the advertisements).
    var eventCount: Int { tracker.events.count }

    /// A packet the read filter let through, decoded.
    func observe(_ decoded: DecodedPacket, _ packet: Packet, number: Int, port: Topology.PortID?) {
        // The control plane is read on every interface (a SPAN of the route reflector is no access port).
        bgp.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: number)
        guard let port else { return }
        tracker.observe(decoded, bytes: packet.data, port: port, time: packet.timestamp, packet: number)
        result.packetsProcessed += 1
    }

    /// The tables at the end of the pass (`topology`: the port map's final one; `statistics`:
    /// what the stream counted, out of order, unclaimed, skipped; `lastNumber`: the stream's
    /// number at its end, when it read a packet after the last the tables wanted).
    func finish(topology: Topology, statistics: PassStatistics, lastNumber: Int? = nil) -> TableRebuildResult {
        if let lastTime { bgp.finish(time: lastTime, packet: lastNumber ?? self.lastNumber) }
        result.bgpMessages = bgp.messageCount
        (result.evpnRoutes, result.unattributedRoutes) = tracker.evpnRouteCounts
        result.controlPlaneGaps = bgp.gaps
        if let end {
            tracker.advance(to: end)
            var snapshot = tracker.snapshot()
            snapshot.time = end
            result.snapshot = snapshot
        }
        result.events = tracker.events
        tracker.attachAdvertisements(to: &result.events)
        result.topology = topology
        result.pass.outOfOrder = statistics.outOfOrder
        result.pass.unclaimed = statistics.unclaimed
        result.pass.skippedRecords = statistics.skippedRecords
        result.pass.skippedErrors = statistics.skippedErrors
        return result
    }
}

/// Which events `--mac`, `--ip` and `--vlan` keep: those of one station through time.
public struct StationFilter: Sendable {
    public var mac: MACAddress?
    public var ip: IPAddress?
    public var vlan: UInt32?

    public init(mac: MACAddress? = nil, ip: IPAddress? = nil, vlan: UInt32? = nil) {
        self.mac = mac
        self.ip = ip
        self.vlan = vlan
    }

    public var isEmpty: Bool { mac == nil && ip == nil && vlan == nil }

    /// The events kept: with `ip`, the events of that address and the MAC events of every MAC
    /// that was bound to it.
    public func apply(_ events: [TableEvent]) -> [TableEvent] {
        guard !isEmpty else { return events }
        var macsOfIP: Set<StationKey> = []
        if let ip {
            for event in events where event.ip == ip && (vlan == nil || event.segment.identifier == vlan) {
                macsOfIP.insert(event.station)
            }
        }
        return events.filter { event in
            if let vlan, event.segment.identifier != vlan { return false }
            if let mac, event.mac != mac && event.previousMAC != mac { return false }
            if let ip {
                if event.ip == ip { return true }
                return event.ip == nil && macsOfIP.contains(event.station)
            }
            return true
        }
    }

    /// Keeps the snapshot rows of the station(s).
    public func apply(_ snapshot: TableSnapshot) -> TableSnapshot {
        guard !isEmpty else { return snapshot }
        var out = snapshot
        out.bindings = snapshot.bindings.filter { row in
            (vlan == nil || row.key.segment.identifier == vlan) && (mac == nil || row.mac == mac)
                && (ip == nil || row.key.ip == ip)
        }
        let macs = Set(out.bindings.map(\.mac))
        out.mac = snapshot.mac.filter { row in
            (vlan == nil || row.station.segment.identifier == vlan) && (mac == nil || row.station.mac == mac)
                && (ip == nil || macs.contains(row.station.mac))
        }
        out.evpn = snapshot.evpn.filter { row in
            (vlan == nil || row.station.segment.identifier == vlan) && (mac == nil || row.station.mac == mac)
                && (ip == nil || row.ip == ip || macs.contains(row.station.mac))
        }
        return out
    }
}
