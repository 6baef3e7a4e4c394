import CaptureFile
import PacketFilter
import PacketWire

/// Which shard of which timeline a command runs on (`--timeline TL --shard K/N`).
public struct ShardRequest {
    public var timeline: Timeline
    /// 1-based.
    public var shard: Int
    public var shards: Int

    public init(timeline: Timeline, shard: Int, shards: Int) {
        self.timeline = timeline
        self.shard = shard
        self.shards = shards
    }

    /// Parses `K/N`.
    public static func parse(_ text: String) -> (shard: Int, shards: Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 1, k <= n else { return nil }
        return (k, n)
    }
}

/// `roamcap simulate --timeline TL --shard K/N`: pass 2 of SPEC §2 over shard K's frames
/// only. The edge devices start from the tables the timeline noted at the shard's start, the
/// inputs are entered at the shard's offsets, and the pass stops after the shard's last frame;
/// what is counted is what a single run counts over those frames (`combine` adds the parts).
public func simulateShard(inputs: [String], topology: Topology?, topologyDigest: String?, options: FabricOptions,
                          selection: PacketSelection?, request: ShardRequest,
                          progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws -> Part {
    if options.trace != nil || options.decisions != nil {
        throw TimelineError("a shard writes its part (-o); the forwarded trace and --decisions are for single runs")
    }
    if selection?.count != nil {
        throw TimelineError("-c/--count counts over the whole input and cannot be sharded")
    }
    let timeline = request.timeline
    try timeline.check(inputs: inputs, topologyDigest: topologyDigest, readFilter: selection?.readFilter?.expression,
                       settings: options.settings, shard: request.shard, of: request.shards)
    let shard = timeline.shards[request.shard - 1]
    let (truth, fabrics, policies, fabricTopology) = try restoredFabrics(
        policies: options.policies, settings: options.settings, controlPlane: options.controlPlane, timeline: timeline,
        shard: shard, topology: topology)
    let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: options.reading,
                                         resuming: shard.position)
    var selection = selection
    if let earliest = timeline.earliest { selection?.resolve(reference: earliest) }
    var statistics = FabricPassStatistics()
    var clock = shard.clock
    try runFabricPass(stream, fabrics: fabrics, truth: truth, base: timeline.base, clock: &clock,
                      endFrame: shard.firstFrame - 1 + shard.frames, selection: selection, statistics: &statistics,
                      progress: progress, traceWriter: nil, tracePolicy: -1, decisionLog: nil, onJudgment: nil, onFrame: nil)
    var report = FabricReport(topology: fabricTopology, policies: policies, counts: fabrics.map(\.counts),
                              migrations: truth.migrations, losses: fabrics.map(\.losses))
    if options.controlPlane != nil, let captured = timeline.captured {
        report.unadvertised = captured.unadvertised
        report.capturedRoutes = captured.routes
        report.capturedUnattributed = captured.unattributed
    }
    stream.record(into: &statistics.pass)
    report.apply(statistics)
    report.firstTime = timeline.firstTime
    report.endedByError = report.pass.endingError(keepGoing: options.reading.keepGoing) != nil
    return Part(command: "simulate", timeline: timeline.id, shard: request.shard, shards: request.shards,
                options: simulateOptionsText(options, selection: selection),
                simulate: SimulatePart(report, sites: timeline.sites), tables: nil)
}

/// The edge devices of `policies` (and of `captured`, with `controlPlane`) at the start of
/// `shard`, as the timeline noted them, with the ground truth they judge against.
func restoredFabrics(policies asked: [FabricPolicy], settings: FabricSettings, controlPlane: ControlPlaneSettings?,
                     timeline: Timeline, shard: Timeline.Shard, topology given: Topology?) throws
    -> (truth: FabricGroundTruth, fabrics: [EdgeFabric], policies: [FabricPolicy], topology: Topology) {
    let truth = try FabricGroundTruth(state: timeline.truth)
    let fabricTopology = timeline.fabricTopology(given)
    var policies = asked
    if let controlPlane {
        guard let captured = timeline.captured else {
            throw TimelineError("--control-plane captured: the timeline was made without it; make it with --control-plane captured")
        }
        guard captured.ports == Timeline.Captured.portsText(controlPlane) else {
            throw TimelineError("--control-plane captured: the BGP/BMP ports are not the timeline's (\(captured.ports))")
        }
        policies.append(.captured)
    }
    let fabrics = try policies.enumerated().map { (i, policy) throws(TimelineError) -> EdgeFabric in
        let fabric = EdgeFabric(policy: policy, index: i, topology: fabricTopology, settings: settings, truth: truth)
        if policy == .captured { fabric.captured = timeline.captured?.schedule ?? [] }
        guard let state = shard.fabrics.first(where: { $0.policy == policy.rawValue }) else {
            throw TimelineError("the timeline has no tables for policy \(policy.rawValue)")
        }
        try fabric.restore(state)
        return fabric
    }
    return (truth, fabrics, policies, fabricTopology)
}

/// `roamcap tables --timeline TL --shard K/N`: the table events reported while processing the
/// shard's frames. The table engine's events are in the timeline (they are the control-plane
/// facts of pass 1); with a display filter or time window the shard reads its frames (entering
/// the inputs at its offsets) to select them, as a single run selects what it reports.
public func tablesShard(inputs: [String], topology: Topology?, topologyDigest: String?, settings: TableSettings,
                        controlPlane: ControlPlaneSettings, reading: ReadOptions, selection: PacketSelection?,
                        request: ShardRequest) throws -> Part {
    if selection?.count != nil {
        throw TimelineError("-c/--count counts over the whole input and cannot be sharded")
    }
    let timeline = request.timeline
    try timeline.check(inputs: inputs, topologyDigest: topologyDigest, readFilter: selection?.readFilter?.expression,
                       settings: nil, shard: request.shard, of: request.shards)
    try timeline.checkVXLANPorts(reading.vxlanPorts)
    guard timeline.tables.settings == Timeline.Tables.settingsText(settings, controlPlane) else {
        throw TimelineError("the table settings (--aging, --duplicate-moves, --duplicate-window, --duplicate-ip-window, "
                            + "--bgp-port, --bmp-port) are not the timeline's (\(timeline.tables.settings))")
    }
    let shard = timeline.shards[request.shard - 1]
    let range = shard.firstFrame..<(shard.firstFrame + shard.frames)
    let frames = timeline.tables.frames
    // `frames` is in order: the shard's events are one stretch of it.
    let first = frames.firstIndex { $0 >= range.lowerBound } ?? frames.count
    let end = frames[first...].firstIndex { $0 >= range.upperBound } ?? frames.count
    var kept = Array(first..<end)
    var selection = selection
    if var chosen = selection, !chosen.selectsEverything {
        // Which of the shard's frames the selection admits (only the frames that reported events matter).
        if let earliest = timeline.earliest { chosen.resolve(reference: earliest) }
        let wanted = Set(frames[first..<end])
        var admitted: Set<Int> = []
        let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: reading, resuming: shard.position)
        while stream.number < range.upperBound - 1, let (packet, file) = try stream.next() {
            if chosen.isExhausted { break }
            let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
            guard try chosen.reads(packet, linkType: linkType) else { continue }
            if try chosen.admits(packet, linkType: linkType), wanted.contains(stream.number) { admitted.insert(stream.number) }
        }
        kept = kept.filter { admitted.contains(frames[$0]) }
        selection = chosen
    }
    let events = kept.map { timeline.tables.events[$0] }
    let options = "tables " + timeline.tables.settings + selectionText(selection)
    return Part(command: "tables", timeline: timeline.id, shard: request.shard, shards: request.shards, options: options,
                simulate: nil, tables: TablesPart(events: events))
}

/// The options that change a simulation's result, as one line (parts of one run must agree).
func simulateOptionsText(_ options: FabricOptions, selection: PacketSelection?) -> String {
    var text = "policies=" + options.policies.map(\.rawValue).joined(separator: ",")
    if let settings = options.controlPlane { text += " control-plane=captured " + Timeline.Captured.portsText(settings) }
    return text + selectionText(selection)
}

/// What a selection reports, as a part's options say it (` filter=… from=… until=…`).
func selectionText(_ selection: PacketSelection?) -> String {
    guard let s = selection else { return "" }
    var text = ""
    if let f = s.filter { text += " filter=\(f.expression)" }
    if let from = s.from { text += " from=\(from)" }
    if let until = s.until { text += " until=\(until)" }
    return text
}

/// Checks that `parts` are one sharded run: one timeline, one command with the same options,
/// every shard once; returns them in shard order.
func checkedParts(_ parts: [(path: String, part: Part)]) throws(TimelineError) -> [(path: String, part: Part)] {
    guard let first = parts.first else { throw TimelineError("combine needs the parts of a sharded run") }
    for (path, part) in parts {
        guard part.timeline == first.part.timeline else {
            throw TimelineError("\(path) is from timeline \(part.timeline), \(first.path) from \(first.part.timeline)")
        }
        guard part.command == first.part.command, part.shards == first.part.shards, part.options == first.part.options else {
            throw TimelineError("\(path) is a part of another run (\(part.command) \(part.options), shard of \(part.shards)) "
                                + "than \(first.path) (\(first.part.command) \(first.part.options), shard of \(first.part.shards))")
        }
    }
    let n = first.part.shards
    var byShard: [Int: String] = [:]
    for (path, part) in parts {
        if let other = byShard[part.shard] { throw TimelineError("shard \(part.shard)/\(n) is given twice: \(other) and \(path)") }
        byShard[part.shard] = path
    }
    let missing = (1...n).filter { byShard[$0] == nil }
    guard missing.isEmpty else {
        throw TimelineError("missing shard\(missing.count == 1 ? "" : "s") \(missing.map(String.init).joined(separator: ", ")) of \(n): "
                            + "nothing is combined from a partial run")
    }
    return parts.sorted { $0.part.shard < $1.part.shard }
}

/// `roamcap combine` for `simulate`: the parts added up into what a single run reports.
public func combineSimulateParts(_ parts: [(path: String, part: Part)]) throws(TimelineError) -> FabricReport {
    let ordered = try checkedParts(parts)
    let simulates = try ordered.map { (path, part) throws(TimelineError) -> SimulatePart in
        guard part.command == "simulate", let s = part.simulate else { throw TimelineError("\(path): not a simulate part") }
        return s
    }
    let head = simulates[0]
    let policies = try head.policies.map { (name) throws(TimelineError) -> FabricPolicy in
        guard let p = FabricPolicy(rawValue: name) else { throw TimelineError("\(ordered[0].path): unknown policy \(name)") }
        return p
    }
    let topology = Timeline.topology(of: head.sites)
    let migrations = head.migrations.map(\.fabricMigration)
    var counts = Array(repeating: FabricCounts(), count: policies.count)
    var losses = Array(repeating: Array(repeating: MigrationLoss(), count: migrations.count), count: policies.count)
    var report = FabricReport(topology: topology, policies: policies, counts: [], migrations: migrations, losses: [])
    var pass = ShardPass()
    report.firstTime = head.firstTime
    report.unadvertised = head.unadvertised ?? []
    report.capturedRoutes = head.capturedRoutes ?? 0
    report.capturedUnattributed = head.capturedUnattributed ?? 0
    for (s, (path, _)) in zip(simulates, ordered) {
        guard s.policies == head.policies, s.migrations == head.migrations, s.counts.count == policies.count,
              s.losses.count == policies.count else {
            throw TimelineError("\(path) does not fit the other parts (policies or migrations differ)")
        }
        for p in policies.indices {
            counts[p].add(s.counts[p])
            for loss in s.losses[p] {
                guard loss.migration >= 0, loss.migration < migrations.count else { throw TimelineError("\(path): malformed losses") }
                // Shards are in time order: the last one with losses has the latest.
                let m = loss.migration
                losses[p][m].lostFrames += loss.lostFrames
                losses[p][m].lastLost = max(losses[p][m].lastLost, loss.lastLost)
                losses[p][m].outage = losses[p][m].lastLost &- migrations[m].offset
            }
        }
        pass.add(s.pass)
        report.packetsSimulated += s.packetsSimulated
        report.broadcasts += s.broadcasts
    }
    report.pass = pass.statistics
    report.endedByError = pass.endedByError
    report.counts = counts
    report.losses = losses
    return report
}

/// What `combine` made of its parts.
public struct CombinedParts {
    /// What was combined: `simulate` or `tables`.
    public var command: String
    public var simulate: FabricReport?
    /// `tables`: the events, in time order (SPEC §5 JSON).
    public var events: [JSONValue]
    /// `flows`: what a single run reports.
    public var flows: FlowsOutcome?
    /// The unreadable records the parts met, in shard order (for warnings).
    public var skippedErrors: [String]
    /// Whether an unreadable record ended an input.
    public var endedByError = false
}

/// Reads the parts at `paths` and combines them (`combineSimulateParts`).
public func combineParts(paths: [String]) throws(TimelineError) -> CombinedParts {
    var pairs: [(path: String, part: Part)] = []
    for path in paths { pairs.append((path, try Part.load(path: path))) }
    let ordered = try checkedParts(pairs)
    if ordered[0].part.command == "tables" {
        var events: [JSONValue] = []
        for (path, part) in ordered {
            guard let tables = part.tables else { throw TimelineError("\(path): not a tables part") }
            for text in tables.events {
                do { events.append(try JSONValue.parse(text)) } catch {
                    throw TimelineError("\(path): an event is not JSON (\(error))")
                }
            }
        }
        return CombinedParts(command: "tables", simulate: nil, events: events, skippedErrors: [])
    }
    if ordered[0].part.command == "flows" {
        let combined = try combineFlowsParts(ordered)
        var request = FlowsRequest(inputs: [])
        request.top = combined.top
        request.outagesOnly = combined.outagesOnly
        let outcome: FlowsOutcome
        do throws(RequestError) { outcome = try flowsOutcome(combined.analysis, request: request) } catch {
            throw TimelineError(error.description)
        }
        return CombinedParts(command: "flows", simulate: nil, events: [], flows: outcome, skippedErrors: combined.skippedErrors,
                             endedByError: combined.endedByError)
    }
    let report = try combineSimulateParts(ordered)
    let errors = ordered.map(\.part).flatMap { $0.simulate?.pass.skippedErrors ?? [] }
    return CombinedParts(command: "simulate", simulate: report, events: [], flows: nil, skippedErrors: errors)
}
