import CaptureFile
import Dispatch
import PacketFilter
import PacketWire
import Synchronization

/// One flow as reported: its record, its outages tied to migrations.
public struct FlowRecord: Sendable {
    public var flow: FlowState
    /// Whether outcomes come from a policy (then `lost` counts dropped frames).
    public var hasPolicy: Bool

    public init(flow: FlowState, hasPolicy: Bool = false) {
        self.flow = flow
        self.hasPolicy = hasPolicy
    }

    /// The migration tied to the worst outage that has one (computed when asked: a table event
    /// in every record would double the records' size).
    public var migration: TableEvent? {
        flow.outages.contains { $0.migration != nil } ? outagesWorstFirst.first { $0.migration != nil }?.migration : nil
    }

    /// Frames lost: inferred without a policy, dropped by the policy with one.
    public var lost: Int { hasPolicy ? flow.dropped : flow.inferredLost }
    /// Frames misdelivered (0 without a policy).
    public var misdelivered: Int { hasPolicy ? flow.misdelivered : 0 }
    /// Frames in all outages.
    public var outageFrames: Int { flow.outages.reduce(0) { $0 + $1.frames } }
    /// The total duration of the outages, in ns.
    public var outageDuration: Int64 { flow.outages.reduce(0) { $0 + $1.duration } }

    /// The outages, worst first: most frames, then longest, then earliest.
    public var outagesWorstFirst: [FlowOutage] {
        flow.outages.sorted {
            if $0.frames != $1.frames { return $0.frames > $1.frames }
            if $0.duration != $1.duration { return $0.duration > $1.duration }
            return $0.start < $1.start
        }
    }

    /// Worst first: most lost (and misdelivered) frames, then most frames in outages, then the
    /// longest outages; flows without an outage in order of their first packet.
    public static func worseFirst(_ x: FlowRecord, _ y: FlowRecord) -> Bool {
        let lx = x.lost + x.misdelivered, ly = y.lost + y.misdelivered
        if lx != ly { return lx > ly }
        let fx = x.outageFrames, fy = y.outageFrames
        if fx != fy { return fx > fy }
        let dx = x.outageDuration, dy = y.outageDuration
        if dx != dy { return dx > dy }
        if x.flow.first != y.flow.first { return x.flow.first < y.flow.first }
        return x.flow.packets > y.flow.packets
    }

    // MARK: Fields

    public var protocolName: String { flow.key.protocolName }
    public var source: IPAddress { flow.initiatorIsB ? flow.key.addressB : flow.key.addressA }
    public var destination: IPAddress { flow.initiatorIsB ? flow.key.addressA : flow.key.addressB }
    public var sourcePort: UInt16? { flow.key.hasPorts ? (flow.initiatorIsB ? flow.key.bPort : flow.key.aPort) : nil }
    public var destinationPort: UInt16? { flow.key.hasPorts ? (flow.initiatorIsB ? flow.key.aPort : flow.key.bPort) : nil }
    public var segment: Segment { flow.key.segmentValue }

    /// `forward` when the traffic lost was the initiator's (src → dst), else `reverse`.
    public func direction(_ outage: FlowOutage) -> String {
        outage.fromB == flow.initiatorIsB ? "forward" : "reverse"
    }


}

/// `1.25` for 1.25 s (ns precision, trailing zeros dropped).
func secondsText(_ ns: Int64) -> String {
    let text = durationText(ns)
    return String(text.dropLast())
}

/// What `analyzeFlows` found.
public struct FlowAnalysis: Sendable {
    /// Every flow, worst first.
    public var flows: [FlowRecord]
    /// The migrations and moves found by the table engine on the same input.
    public var migrations: [TableEvent]
    /// Every event of the table engine on the same input: what `tables` reports on it (with
    /// no selection), found on the way.
    public var events: [TableEvent] = []
    public var topology: Topology
    /// What the pass counted (its unclaimed packets count in flows, but not in the tables).
    public var pass = PassStatistics()
    public var packetsProcessed = 0
    public var firstTime: Timestamp?
}

/// A fabric policy to replay for `roamcap flows --policy`: its per-frame outcomes replace the
/// outages inferred from the trace.
public struct FlowPolicyReplay: Sendable {
    public var policy: FabricPolicy
    public var settings: FabricSettings

    public init(policy: FabricPolicy, settings: FabricSettings) {
        self.policy = policy
        self.settings = settings
    }
}

/// The migration NAT's table for flows that understand the move (SPEC §1): entries from
/// notifications or static tables, and whether to learn more from the trace.
public struct FlowMigrationNAT: Sendable {
    public var entries: [MigrationEntry]
    public var learn: Bool

    public init(entries: [MigrationEntry] = [], learn: Bool = false) {
        self.entries = entries
        self.learn = learn
    }

    /// Whether it maps anything at all.
    public var isEmpty: Bool { entries.isEmpty && !learn }

    /// The mapping the flow table keys by, times resolved against `reference`.
    func mapping(reference: Timestamp?) -> MigrationMapping {
        MigrationMapping(table: MigrationTable(entries: entries, reference: reference ?? Timestamp(seconds: 0, nanoseconds: 0)),
                         learner: learn ? MigrationLearner() : nil)
    }
}

/// `roamcap flows`: reads the inputs merged in time order (ties: input order) like `tables`,
/// builds the bidirectional flows of every selected frame, infers outages from the trace, and
/// ties each to the nearest migration of an endpoint found by the table engine.
///
/// `selection` selects what is reported (SPEC §5): the flows are those of the frames it admits,
/// while the table engine (and the fabric, with `policy`) see every frame its read filter
/// passes. With `policy`, the fabric's second pass feeds the flows directly: two passes over
/// the input, memory proportional to stations and flows, never to packets.
public func analyzeFlows(inputs: [String], topology: Topology?, settings: FlowSettings = FlowSettings(),
                         tableSettings: TableSettings = TableSettings(), selection: PacketSelection? = nil,
                         reading: ReadOptions = ReadOptions(), policy: FlowPolicyReplay? = nil, nat: FlowMigrationNAT? = nil,
                         progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws(ConversionError) -> FlowAnalysis {
    do {
        let table = FlowTable(settings: settings)
        if let policy {
            return try analyzeFlowsUnderPolicy(inputs: inputs, topology: topology, table: table, tableSettings: tableSettings,
                                               selection: selection, reading: reading, policy: policy, nat: nat,
                                               progress: progress)
        }
        // The table engine (for the migrations outages are tied to) runs on a second core,
        // reading the inputs itself, when they can be read twice and no read filter would be
        // shared between threads (its compiled program is one thread's at a time).
        let background = inputs.contains("-") || selection?.readFilter != nil
            ? nil : BackgroundTables(inputs: inputs, topology: topology, settings: tableSettings, reading: reading)
        defer { _ = background?.wait() }
        let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: reading)
        let portMap = stream.portMap
        // The tables in this loop only when they do not run on the second core.
        let tracker = background == nil ? TableTracker(topology: portMap.topology, settings: tableSettings) : nil
        var interfacesSeen = stream.interfaceCount
        var decoded = DecodedPacket()
        var result = FlowAnalysis(flows: [], migrations: [], topology: portMap.topology)
        var selection = selection
        let natNeedsReference = nat.map { MigrationTable.needsReference($0.entries) } ?? false
        let reference = try timeReference(inputs: inputs, needed: (selection?.needsReference ?? false) || natNeedsReference,
                                          first: stream.firstTime)
        if let reference { selection?.resolve(reference: reference) }
        result.firstTime = reference
        let mapping = nat.flatMap { $0.isEmpty ? nil : $0.mapping(reference: reference) }
        table.addressMapping = mapping
        let filtering = selection.map { !$0.selectsEverything || $0.readFilter != nil } ?? false
        while let (packet, file) = try stream.next() {
            if let selection, selection.isExhausted { break }
            if stream.interfaceCount != interfacesSeen {
                interfacesSeen = stream.interfaceCount
                tracker?.update(topology: portMap.topology)
            }
            result.pass.packetsRead += 1
            var displayed = true
            if filtering {
                let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
                guard try selection?.reads(packet, linkType: linkType) ?? true else { continue }
                displayed = try selection?.admits(packet, linkType: linkType) ?? true
            }
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            mapping?.learner?.observe(decoded: decoded, packet: packet)
            if displayed {
                table.observe(decoded, bytes: packet.data, originalLength: packet.originalLength,
                              time: packet.timestamp, packet: stream.number)
                result.packetsProcessed += 1
            }
            if let port = portMap.port(file: file, interface: packet.interface) {
                tracker?.observe(decoded, bytes: packet.data, port: port, time: packet.timestamp, packet: stream.number)
            } else if displayed {
                result.pass.packetsUnclaimed += 1
            }
            if stream.number & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, stream.number)
            }
        }
        result.topology = portMap.topology
        result.events = try background?.wait().get().events ?? tracker?.events ?? []
        result.migrations = result.events.filter(\.isMove)
        result.flows = table.records(migrations: result.migrations, hasPolicy: false)
        stream.record(into: &result.pass)
        return result
    } catch {
        throw ConversionError(error)
    }
}

/// `flows --policy`: the fabric's two passes, its second feeding the table engine (every frame)
/// and the flows (the selected frames, each judged frame's outcome recorded on the flow of its
/// outer headers, as the fabric judged it).
private func analyzeFlowsUnderPolicy(inputs: [String], topology: Topology?, table: FlowTable, tableSettings: TableSettings,
                                     selection: PacketSelection?, reading: ReadOptions, policy: FlowPolicyReplay,
                                     nat: FlowMigrationNAT?, progress: ((UInt64, UInt64?, Int) -> Void)?) throws(ConversionError) -> FlowAnalysis {
    // Without a topology file every site has the control plane's defaults, so an empty topology
    // ages the tables alike; events name sites by index, rendered with the fabric's topology.
    let tracker = TableTracker(topology: topology ?? Topology(sites: []), settings: tableSettings)
    var packetsProcessed = 0, packetsUnclaimed = 0
    var mapping: MigrationMapping?
    if let nat, !nat.isEmpty {
        let needed = MigrationTable.needsReference(nat.entries)
        var reference: Timestamp?
        if needed {
            do throws(CaptureError) { reference = try timeReference(inputs: inputs, needed: true, first: nil) } catch {
                throw .capture(error)
            }
        }
        mapping = nat.mapping(reference: reference)
        table.addressMapping = mapping
    }
    let report = try simulateFabric(inputs: inputs, topology: topology,
                                    options: FabricOptions(policies: [policy.policy], settings: policy.settings,
                                                           reading: reading),
                                    selection: selection, progress: progress, onFrame: { frame in
        if let port = frame.port {
            tracker.observe(frame.decoded, bytes: frame.packet.data, port: port, time: frame.packet.timestamp,
                             packet: frame.number)
        }
        mapping?.learner?.observe(decoded: frame.decoded, packet: frame.packet)
        guard frame.displayed else { return }
        if frame.port == nil { packetsUnclaimed += 1 }
        packetsProcessed += 1
        table.observe(frame.decoded, bytes: frame.packet.data, originalLength: frame.packet.originalLength,
                      time: frame.packet.timestamp, packet: frame.number)
        if let judgment = frame.judgment, let (flow, fromB) = table.lastObserved {
            table.record(outcome: FlowFrameOutcome(judgment), forFlow: flow, fromB: fromB, at: judgment.time)
        }
    })
    var result = FlowAnalysis(flows: [], migrations: [], topology: report.topology)
    result.pass = report.pass
    result.pass.packetsUnclaimed = packetsUnclaimed
    result.pass.notEthernet = 0  // flows count every frame
    result.packetsProcessed = packetsProcessed
    result.firstTime = report.firstTime
    result.migrations = tracker.events.filter(\.isMove)
    result.flows = table.records(migrations: result.migrations, hasPolicy: true)
    return result
}

extension FlowTable {
    /// Ends the table (`finish`) and gives its flows as records (`flowRecords`, its migration
    /// window); with a policy, the policy's outcomes replace the outages the trace suggests.
    func records(migrations: [TableEvent], hasPolicy: Bool) -> [FlowRecord] {
        finish()
        if hasPolicy { removeInferredOutages() }
        return flowRecords(flows, migrations: migrations, window: settings.migrationWindow, hasPolicy: hasPolicy)
    }
}

/// The flows as records, each outage tied to the nearest migration (or move) of an endpoint
/// within `window` of it, sorted worst first.
public func flowRecords(_ flows: [FlowState], migrations: [TableEvent], window: Int64,
                        hasPolicy: Bool = false) -> [FlowRecord] {
    var byStation: [StationKey: [TableEvent]] = [:]
    for event in migrations { byStation[event.station, default: []].append(event) }
    var records: [FlowRecord] = []
    records.reserveCapacity(flows.count)
    for flow in flows {
        var record = FlowRecord(flow: flow, hasPolicy: hasPolicy)
        if !flow.outages.isEmpty && !byStation.isEmpty {
            let segment = flow.key.segmentValue
            for i in record.flow.outages.indices {
                let outage = record.flow.outages[i]
                // The endpoint the lost traffic was going to comes first on ties.
                let toward = outage.fromB ? flow.a.mac : flow.b.mac
                let other = outage.fromB ? flow.b.mac : flow.a.mac
                var best: (distance: Int64, event: TableEvent)?
                for mac in [toward, other] {
                    guard let mac, let events = byStation[StationKey(segment: segment, mac: mac)] else { continue }
                    for event in events {
                        let distance: Int64
                        if event.time < outage.start {
                            distance = outage.start.nanoseconds(since: event.time)
                        } else if outage.end < event.time {
                            distance = event.time.nanoseconds(since: outage.end)
                        } else {
                            distance = 0
                        }
                        if distance <= window, best.map({ distance < $0.distance }) ?? true { best = (distance, event) }
                    }
                }
                record.flow.outages[i].migration = best?.event
            }
        }
        records.append(record)
    }
    records.sort(by: FlowRecord.worseFirst)
    return records
}

/// `rebuildTables` on a thread of its own, for the events `analyzeFlows` ties outages to.
private final class BackgroundTables: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let outcome = Mutex<Result<TableRebuildResult, ConversionError>?>(nil)

    init(inputs: [String], topology: Topology?, settings: TableSettings, reading: ReadOptions) {
        DispatchQueue.global().async { [self] in
            let result: Result<TableRebuildResult, ConversionError>
            do throws(ConversionError) {
                result = .success(try rebuildTables(inputs: inputs, topology: topology, settings: settings, reading: reading))
            } catch {
                result = .failure(error)
            }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// Waits for the pass (once; later calls return the same result at once).
    func wait() -> Result<TableRebuildResult, ConversionError> {
        if let known = outcome.withLock({ $0 }) { return known }
        done.wait()
        done.signal()  // later waits return at once
        return outcome.withLock { $0 }!
    }
}
