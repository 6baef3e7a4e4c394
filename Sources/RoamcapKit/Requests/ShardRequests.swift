import CaptureFile
import PacketWire

// The commands of a sharded run (SPEC §9): `timeline` (pass 1), a shard of `simulate` or
// `tables` (`--timeline TL --shard K/N -o PART`) and `combine`.

/// Runs a job of `Shards/`, its `TimelineError` as a request's error (the errors of the lower
/// layers, which name their file, pass as they are).
private func sharding<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as TimelineError { throw RequestError(error.description) }
}

extension ShardRequest {
    /// `--timeline PATH --shard K/N`: the shard asked for, with its timeline loaded.
    public init(timelinePath path: String, shard: Int, shards: Int) throws(RequestError) {
        do throws(TimelineError) { self.init(timeline: try Timeline.load(path: path), shard: shard, shards: shards) } catch {
            throw RequestError(error.description)
        }
    }
}

/// `roamcap timeline` as a value: what its options ask for.
public struct TimelineRunRequest: Sendable {
    public var inputs: [String]
    public var topology: String?
    /// How many shards (nil: about one per 256 MiB of input).
    public var shards: Int?
    /// The fabric settings the shards will be run with.
    public var settings = FabricSettings()
    /// `--read-filter`.
    public var readFilter: String?
    public var keepGoing = false
    /// `--vxlan-port`: where the table engine finds VXLAN (its stations inside are the VNI's).
    public var vxlanPorts: [UInt16] = [VXLANPacket.udpPort]
    /// With `--control-plane captured`: the BGP/BMP ports whose advertisements the timeline keeps.
    public var controlPlane: ControlPlaneSettings?
    /// The table engine's settings and ports, for `tables` shards.
    public var tableSettings = TableSettings()
    public var tablePorts = ControlPlaneSettings()
    /// `-o`: the timeline's file.
    public var output: String
    public var force = false

    public init(inputs: [String], topology: String? = nil, output: String) {
        self.inputs = inputs
        self.topology = topology
        self.output = output
    }
}

/// `roamcap timeline`: pass 1 of a sharded run (`makeTimeline`), its topology and read filter
/// loaded; `writeTimeline` writes it.
public func runTimeline(_ request: TimelineRunRequest, progress: RequestProgress? = nil) throws -> Timeline {
    let topology = try loadTopology(request.topology)
    try request.settings.checkSites(in: topology, file: request.topology)
    let readFilter = try SelectionRequest(readFilter: request.readFilter).make().readFilter
    var timeline = TimelineRequest(inputs: request.inputs, topology: topology,
                                   topologyDigest: request.topology.flatMap(fileDigest(path:)), shards: request.shards,
                                   settings: request.settings, readFilter: readFilter,
                                   reading: ReadOptions(keepGoing: request.keepGoing, endsAtFirstError: true,
                                                        vxlanPorts: request.vxlanPorts))
    timeline.controlPlane = request.controlPlane
    timeline.tableSettings = request.tableSettings
    timeline.tablePorts = request.tablePorts
    return try sharding { try makeTimeline(timeline, progress: progress) }
}

/// Writes the timeline to the request's `-o`, at once.
public func writeTimeline(_ timeline: Timeline, request: TimelineRunRequest) throws(CaptureError) {
    try writeShardFile(timeline.encoded(), to: request.output, force: request.force,
                       inputs: request.inputs + [request.topology].compactMap { $0 }, brokenPipe: .endsRunQuietly)
}

/// What a shard's run wrote.
public struct ShardOutcome {
    public var part: Part
    /// The unreadable record that ended an input (reported after the part is written, exit 2).
    public var endingError: String?
}

/// `simulate --timeline TL --shard K/N -o PART`: the shard's pass (`simulateShard`), its part
/// written to the request's `-o`.
public func runSimulateShard(_ request: SimulateRequest, shard: ShardRequest, progress: RequestProgress? = nil) throws
    -> ShardOutcome {
    guard let output = request.output else { throw RequestError("--shard: give -o PART, the file roamcap combine reads") }
    if request.decisions != nil { throw RequestError("--decisions is for single runs, not shards") }
    let topology = try loadTopology(request.topology)
    try request.settings.checkSites(in: topology, file: request.topology)
    let options = FabricOptions(policies: request.policies.isEmpty ? FabricPolicy.allCases : request.policies,
                                settings: request.settings, reading: request.selection.reading(endsAtFirstError: true),
                                controlPlane: request.controlPlane == .captured ? request.controlPlanePorts : nil)
    let selection = try request.selection.make()
    let part = try sharding {
        try simulateShard(inputs: request.inputs, topology: topology, topologyDigest: request.topology.flatMap(fileDigest(path:)),
                          options: options, selection: selection, request: shard, progress: progress)
    }
    try writeShardFile(part.encoded(), to: output, force: request.force,
                       inputs: request.inputs + [request.topology].compactMap { $0 }, brokenPipe: .endsRunQuietly)
    let ended = part.simulate?.pass.endedByError == true ? part.simulate?.pass.skippedErrors.first : nil
    return ShardOutcome(part: part, endingError: ended)
}

/// `tables --timeline TL --shard K/N -o PART`: the shard's events (`tablesShard`), its part
/// written to `output`.
public func runTablesShard(_ request: TablesRequest, shard: ShardRequest, output: String?, force: Bool) throws
    -> ShardOutcome {
    guard let output else { throw RequestError("--shard: give -o PART, the file roamcap combine reads") }
    if request.at != nil { throw RequestError("--at is for single runs (the tables at one moment), not shards") }
    if request.station.mac != nil || request.station.ip != nil || request.station.vlan != nil {
        throw RequestError("--mac, --ip and --vlan select from the whole timeline: filter the combined JSON instead")
    }
    let topology = try loadTopology(request.topology)
    let selection = try request.selection.make()
    let part = try sharding {
        try tablesShard(inputs: request.inputs, topology: topology, topologyDigest: request.topology.flatMap(fileDigest(path:)),
                        settings: request.settings, controlPlane: request.controlPlane,
                        reading: request.selection.reading(endsAtFirstError: true), selection: selection, request: shard)
    }
    try writeShardFile(part.encoded(), to: output, force: force,
                       inputs: request.inputs + [request.topology].compactMap { $0 }, brokenPipe: .endsRunQuietly)
    return ShardOutcome(part: part, endingError: nil)
}

/// `flows --timeline TL --shard K/N -o PART`: the shard's selected frames, cut to the headers
/// the flow table reads, with the policy's outcomes (`flowsShard`), written to the request's `-o`.
public func runFlowsShard(_ request: FlowsRequest, shard: ShardRequest, progress: RequestProgress? = nil) throws
    -> ShardOutcome {
    guard let output = request.output else { throw RequestError("--shard: give -o PART, the file roamcap combine reads") }
    if request.uid != nil { throw RequestError("--uid selects from the whole run: give it to a single run, or filter the combined JSON") }
    if !request.nat.isEmpty {
        throw RequestError("--notifications, --table and --learn are for single runs of flows, not shards")
    }
    if request.policies.count > 1 {
        throw RequestError("--policy: flows replays one policy at a time (use 'roamcap simulate' to compare)")
    }
    let topology = try loadTopology(request.topology)
    try request.fabricSettings.checkSites(in: topology, file: request.topology)
    let selection = try request.selection.make()
    let reading = request.selection.reading(endsAtFirstError: true)
    let file: OutputFile
    do throws(CaptureError) {
        file = try OutputFile(path: output, compressed: true, force: request.force,
                              inputs: request.inputs + [request.topology].compactMap { $0 }, brokenPipe: .endsRunQuietly)
    } catch {
        throw RequestError(error.description)
    }
    let part = try sharding {
        try flowsShard(inputs: request.inputs, topology: topology, topologyDigest: request.topology.flatMap(fileDigest(path:)),
                       settings: request.settings,
                       policy: request.policies.first.map { FlowPolicyReplay(policy: $0, settings: request.fabricSettings) },
                       reading: reading, selection: selection, top: request.top, outagesOnly: request.outagesOnly,
                       request: shard, output: file, progress: progress)
    }
    return ShardOutcome(part: part, endingError: nil)
}

/// `roamcap combine` as a value: the parts and where the report goes.
public struct CombineRequest: Sendable {
    public var parts: [String]
    /// `-o`: the report's file (nil: standard output, the caller's to write).
    public var output: String?
    public var force = false

    public init(parts: [String], output: String? = nil) {
        self.parts = parts
        self.output = output
    }

    /// Writes the rendered report to `output`, at once.
    public func write(_ text: String, to output: String) throws(CaptureError) {
        try writeShardFile(Array(text.utf8.dropLast()), to: output, force: force, inputs: parts)
    }
}

/// What `runCombine` made of the parts, ready to render.
public struct CombineOutcome {
    public var combined: CombinedParts
    /// What to warn about (without the `roamcap: warning: ` prefix).
    public var warnings: [String]
    /// The unreadable record that ended an input (reported after the rest, exit 2).
    public var endingError: String?

    /// The first packet's time (for `--relative`).
    public var firstTime: Timestamp? { combined.simulate?.firstTime ?? combined.flows?.analysis.firstTime }
}

/// `roamcap combine`: reads and combines the parts (`combineParts`) and says what to warn about.
public func runCombine(_ request: CombineRequest) throws(RequestError) -> CombineOutcome {
    let combined: CombinedParts
    do throws(TimelineError) { combined = try combineParts(paths: request.parts) } catch {
        throw RequestError(error.description)
    }
    let skipped = combined.skippedErrors
    if let flows = combined.flows {
        return CombineOutcome(combined: combined,
                              warnings: shardedWarnings(flows.analysis.pass, skipped: skipped,
                                                        unclaimedPackets: "count in flows but not in migrations"),
                              endingError: combined.endedByError ? skipped.first : nil)
    }
    guard let result = combined.simulate else { return CombineOutcome(combined: combined, warnings: [], endingError: nil) }
    return CombineOutcome(combined: combined, warnings: shardedWarnings(result.pass, skipped: skipped),
                          endingError: result.endedByError ? skipped.first : nil)
}

/// A sharded run's warnings: what a single run warns of, but the unclaimed interfaces (each
/// shard said them), the skipped records as the shards described them.
private func shardedWarnings(_ pass: PassStatistics, skipped: [String], unclaimedPackets: String = "are ignored") -> [String] {
    var warnings: [String] = []
    var statistics = pass
    statistics.unclaimed = []
    if statistics.skippedRecords > 0, let first = skipped.first {
        statistics.skippedRecords = 0
        warnings.append("skipped \(pass.skippedRecords) unreadable records (first: \(first))")
    }
    return warnings + statistics.warnings(unclaimedPackets: unclaimedPackets)
}
