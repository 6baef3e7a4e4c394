import CaptureFile
import Foundation
import PacketFilter
import PacketWire

/// What `roamcap timeline` is asked for.
public struct TimelineRequest {
    public var inputs: [String]
    public var topology: Topology?
    public var topologyDigest: String?
    /// How many shards (nil: about one per 256 MiB of input).
    public var shards: Int?
    /// The fabric settings the shards will be run with (policies are not chosen here: the
    /// tables of every policy are kept).
    public var settings: FabricSettings
    public var readFilter: PacketFilter?
    /// How the inputs are read (the shards must be run with the same `keepGoing`).
    public var reading: ReadOptions
    /// With the control plane captured (SPEC §8, `--control-plane captured`): its ports. The
    /// advertisements are then part of the timeline and the `captured` run's tables too.
    public var controlPlane: ControlPlaneSettings?
    /// The table engine's settings and the BGP/BMP ports it reads (for `tables --shard`).
    public var tableSettings = TableSettings()
    public var tablePorts = ControlPlaneSettings()
    /// For tests: the frame numbers before which shards 2… start (instead of equal shares).
    var boundaries: [Int]?

    public init(inputs: [String], topology: Topology?, topologyDigest: String?, shards: Int?, settings: FabricSettings,
                readFilter: PacketFilter?, reading: ReadOptions) {
        self.inputs = inputs
        self.topology = topology
        self.topologyDigest = topologyDigest
        self.shards = shards
        self.settings = settings
        self.readFilter = readFilter
        self.reading = reading
    }

    /// The default shard size (SPEC §9: about one shard per 256 MiB of input).
    public static let bytesPerShard: UInt64 = 256 << 20
}

/// `roamcap timeline`: pass 1 of a sharded run (SPEC §9). Reads the inputs twice: once for the
/// ground truth (as `simulate` does), once to keep the edge devices' tables of every policy
/// (judging nothing) and note them, with where every input stands, at each shard's start.
public func makeTimeline(_ request: TimelineRequest,
                         progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws -> Timeline {
    if request.inputs.contains("-") {
        throw TimelineError("a sharded run reads its inputs at offsets and cannot read standard input; save it to a file first")
    }
    var inputs: [Timeline.Input] = []
    for path in request.inputs {
        let reader = try CaptureReader(path: path)
        guard let bytes = reader.progress.total else { throw TimelineError("\(path): not a regular file") }
        inputs.append(Timeline.Input(path: path, bytes: bytes, compression: reader.compression.rawValue))
    }
    let options = FabricOptions(policies: FabricPolicy.allCases, settings: request.settings, reading: request.reading,
                                controlPlane: request.controlPlane)
    // Pass 1: the ground truth, and the table engine (`tables`) on the same frames: its events,
    // each with the frame whose processing reported it (a shard reports those of its frames).
    // `flows` ties outages to the moves of the table engine under its default settings: with
    // other settings a second engine with the defaults rides on the same frames.
    var tablePass: TablePass?
    var flowTablePass: TablePass?
    let flowTablesDiffer = request.tableSettings != TableSettings() || Timeline.Captured.portsText(request.tablePorts)
        != Timeline.Captured.portsText(ControlPlaneSettings())
    var eventFrames: [Int] = []
    let readSelection = request.readFilter.map { PacketSelection(readFilter: $0) }
    let pass1 = try runGroundTruthPass(inputs: request.inputs, topology: request.topology, options: options,
                                       readFilter: request.readFilter, onFirstPass: { frame in
        let tables = tablePass ?? TablePass(topology: frame.portMap.topology, settings: request.tableSettings,
                                            controlPlane: request.tablePorts, selection: readSelection, reference: nil,
                                            at: nil, interfaces: frame.interfaces)
        tablePass = tables
        if flowTablesDiffer && flowTablePass == nil {
            flowTablePass = TablePass(topology: frame.portMap.topology, settings: TableSettings(),
                                      controlPlane: ControlPlaneSettings(), selection: readSelection, reference: nil, at: nil,
                                      interfaces: frame.interfaces)
        }
        guard try tables.reads(frame.packet, number: frame.number, port: frame.port, linkType: frame.linkType,
                               topology: frame.portMap.topology, interfaces: frame.interfaces) else { return }
        tables.observe(frame.decoded, frame.packet, number: frame.number, port: frame.port)
        while eventFrames.count < tables.eventCount { eventFrames.append(frame.number) }
        if let flowTables = flowTablePass,
           try flowTables.reads(frame.packet, number: frame.number, port: frame.port, linkType: frame.linkType,
                                topology: frame.portMap.topology, interfaces: frame.interfaces) {
            flowTables.observe(frame.decoded, frame.packet, number: frame.number, port: frame.port)
        }
    })
    let events = tablePass?.finish(topology: pass1.topology, statistics: PassStatistics()).events ?? []
    let flowEvents = flowTablesDiffer ? flowTablePass?.finish(topology: pass1.topology, statistics: PassStatistics()).events ?? []
        : events
    while eventFrames.count < events.count { eventFrames.append(pass1.frames) }
    let frames = pass1.frames
    let totalBytes = inputs.reduce(UInt64(0)) { $0 + $1.bytes }
    let wanted = request.shards ?? Int((totalBytes + TimelineRequest.bytesPerShard - 1) / TimelineRequest.bytesPerShard)
    guard wanted >= 1 else { throw TimelineError("--shards must be at least 1") }
    // Shard k starts before frame starts[k] + 1; equal numbers of frames (no shard empty when
    // there are enough frames).
    let count = min(wanted, max(frames, 1))
    let starts = request.boundaries.map { [0] + $0 } ?? (0..<count).map { k in k * frames / count }
    guard starts == starts.sorted(), starts.allSatisfy({ $0 >= 0 && $0 <= frames }) else {
        throw TimelineError("shard boundaries must be increasing frame numbers within 0…\(frames)")
    }

    // Pass 2: the tables of every policy, noted at each shard's start.
    let topology = pass1.topology
    let policies = FabricPolicy.allCases + (pass1.capture == nil ? [] : [.captured])
    let fabrics = policies.enumerated().map { i, policy in
        let fabric = EdgeFabric(policy: policy, index: i, topology: topology, settings: request.settings, truth: pass1.truth)
        if policy == .captured { fabric.captured = pass1.schedule.items }
        fabric.stateOnly = true
        fabric.counting = false
        return fabric
    }
    let stream = try MergedCaptureStream(inputs: request.inputs, topology: request.topology, reading: request.reading,
                                         tracksPositions: true)
    let selection = request.readFilter.map { PacketSelection(readFilter: $0) }
    var statistics = FabricPassStatistics()
    var clock = Int64.min
    var shards: [Timeline.Shard] = []
    for (k, start) in starts.enumerated() {
        try runFabricPass(stream, fabrics: fabrics, truth: pass1.truth, base: pass1.base, clock: &clock, endFrame: start,
                          selection: selection, statistics: &statistics, progress: progress, traceWriter: nil,
                          tracePolicy: -1, decisionLog: nil, onJudgment: nil, onFrame: nil)
        let end = k + 1 < starts.count ? starts[k + 1] : frames
        let from = try stream.nextTime()
        shards.append(Timeline.Shard(shard: k + 1, firstFrame: start + 1, frames: end - start, from: from,
                                     position: stream.position(), clock: clock, fabrics: fabrics.map(\.state)))
    }
    let finalTopology = pass1.topology
    var timeline = Timeline(inputs: inputs, topologyDigest: request.topologyDigest,
                            sites: topology.sites.map(Timeline.Site.init), readFilter: request.readFilter?.expression,
                            keepGoing: request.reading.keepGoing,
                            vxlanPorts: request.reading.vxlanPorts == [VXLANPacket.udpPort] ? nil : request.reading.vxlanPorts,
                            settings: Timeline.Settings(request.settings), frames: frames,
                            base: pass1.base, firstTime: pass1.firstTime, earliest: pass1.earliest,
                            truth: pass1.truth.state,
                            tables: Timeline.Tables(settings: Timeline.Tables.settingsText(request.tableSettings, request.tablePorts),
                                                    events: events.map { $0.json(finalTopology).rendered() },
                                                    frames: eventFrames,
                                                    migrations: flowEvents.filter(\.isMove).map(\.shardFields)),
                            shards: shards)
    if let capture = pass1.capture, let settings = request.controlPlane {
        timeline.captured = Timeline.Captured(
            ports: Timeline.Captured.portsText(settings),
            advertisements: pass1.schedule.items.map {
                [$0.time, Int64($0.site), Int64($0.station), Int64($0.sequence), $0.withdraw ? 1 : 0]
            },
            unadvertised: pass1.schedule.unadvertised, routes: capture.advertisements.count,
            unattributed: capture.unattributed)
    }
    timeline.seal()
    return timeline
}
