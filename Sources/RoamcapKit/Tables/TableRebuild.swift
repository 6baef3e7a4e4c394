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
    /// Packets read from the inputs, and those the tables saw (on a claimed interface, passing
    /// the read filter).
    public var packetsRead = 0
    public var packetsProcessed = 0
    /// Packets the read filter dropped before the tables saw them.
    public var packetsDropped = 0
    /// Packets on interfaces no port claims (ignored).
    public var packetsUnclaimed = 0
    /// Capture interfaces no port claims, as `file: interface`.
    public var unclaimed: [String] = []
    /// Packets whose timestamp is earlier than one before them in the same file.
    public var outOfOrder = 0
    /// The reference of relative times (the earliest packet of the input when one was given).
    public var firstTime: Timestamp?
    public var skippedRecords = 0
    public var skippedErrors: [CaptureError] = []
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
        let tracker = TableTracker(topology: portMap.topology, settings: settings)
        var interfacesSeen = stream.interfaceCount
        var decoded = DecodedPacket()
        var result = TableRebuildResult(events: [], topology: portMap.topology)
        var selection = selection
        let reference = try timeReference(inputs: inputs, needed: (selection?.needsReference ?? false) || (at?.isRelative ?? false),
                                          first: stream.firstTime)
        if let reference { selection?.resolve(reference: reference) }
        result.firstTime = reference
        let end = reference.flatMap { at?.resolve(reference: $0) }
        let filtering = selection.map { !$0.selectsEverything || $0.readFilter != nil } ?? false
        // Routes of a message are reported when the packet completing it is selected.
        let bgp = BGPSessionReader(settings: controlPlane) { message in
            for route in BGPUpdateDecoder.routes(of: message).routes {
                tracker.observe(route: route)
            }
        }
        var lastTime: Timestamp?
        while let (packet, file) = try stream.next() {
            if let selection, selection.isExhausted { break }
            if let end, end < packet.timestamp { break }
            if stream.interfaceCount != interfacesSeen {
                interfacesSeen = stream.interfaceCount
                tracker.update(topology: portMap.topology)
            }
            result.packetsRead += 1
            lastTime = packet.timestamp
            let port = portMap.port(file: file, interface: packet.interface)
            if port == nil { result.packetsUnclaimed += 1 }
            if filtering {
                // The read filter drops frames before the tables see them; the display filter
                // only decides whether this frame's events are reported.
                let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
                guard try selection?.reads(packet, linkType: linkType) ?? true else {
                    if port != nil { result.packetsDropped += 1 }
                    continue
                }
                tracker.reporting = try selection?.admits(packet, linkType: linkType) ?? true
            }
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            // The control plane is read on every interface (a SPAN of the route reflector is no access port).
            bgp.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: stream.number)
            guard let port else { continue }
            tracker.observe(decoded, bytes: packet.data, port: port, time: packet.timestamp, packet: stream.number)
            result.packetsProcessed += 1
            if stream.number & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, stream.number)
            }
        }
        if let lastTime { bgp.finish(time: lastTime, packet: stream.number) }
        result.bgpMessages = bgp.messageCount
        (result.evpnRoutes, result.unattributedRoutes) = tracker.evpnRouteCounts
        result.controlPlaneGaps = bgp.gaps
        result.outOfOrder = stream.outOfOrder
        if let end {
            tracker.advance(to: end)
            var snapshot = tracker.snapshot()
            snapshot.time = end
            result.snapshot = snapshot
        }
        result.events = tracker.events
        tracker.attachAdvertisements(to: &result.events)
        result.topology = portMap.topology
        result.unclaimed = portMap.unclaimed
        result.skippedRecords = stream.skippedRecords
        result.skippedErrors = stream.skippedErrors
        return result
    } catch let error as CaptureError {
        throw .capture(error)
    } catch let error as FilterError {
        throw .filter(error)
    } catch {
        fatalError("unexpected error \(error)")
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
