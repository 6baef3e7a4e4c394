import CaptureFile
import PacketFilter
import PacketWire

/// What `simulateFabric` does besides counting.
public struct FabricOptions {
    /// The policies to compare, in the order reported.
    public var policies: [FabricPolicy]
    public var settings: FabricSettings
    public var keepGoing: Bool
    /// Where to write the forwarded trace (pcapng) of `policies[tracePolicy]`.
    public var trace: OutputFile?
    public var tracePolicy: Int
    /// Where to log every decision (NDJSON, one object per judged frame and policy).
    public var decisions: OutputFile?

    public init(policies: [FabricPolicy] = FabricPolicy.allCases, settings: FabricSettings = FabricSettings(),
                keepGoing: Bool = false, trace: OutputFile? = nil, tracePolicy: Int = 0, decisions: OutputFile? = nil) {
        self.policies = policies
        self.settings = settings
        self.keepGoing = keepGoing
        self.trace = trace
        self.tracePolicy = tracePolicy
        self.decisions = decisions
    }
}

/// What `simulateFabric` found: the counts of every policy and every migration's losses.
public struct FabricReport: Sendable {
    public var topology: Topology
    public var policies: [FabricPolicy]
    /// Per policy (in the order asked for).
    public var counts: [FabricCounts]
    /// Every migration of the ground truth (a station's first frame at another site), in time order.
    public var migrations: [FabricMigration]
    /// Per policy, per migration (aligned with `migrations`).
    public var losses: [[MigrationLoss]]
    /// Packets read; simulated (Ethernet frames on claimed ports, selected); forwarded but not
    /// judged (broadcast and multicast); not Ethernet (skipped); on unclaimed interfaces.
    public var packetsRead = 0
    public var packetsSimulated = 0
    public var broadcasts = 0
    public var notEthernet = 0
    public var packetsUnclaimed = 0
    public var unclaimed: [String] = []
    public var outOfOrder = 0
    public var firstTime: Timestamp?
    public var traceRecords = 0
    public var skippedRecords = 0
    public var skippedErrors: [CaptureError] = []
}

/// `roamcap simulate`: replays the cross-site fabric of SPEC §2 over the inputs under every
/// policy at once.
///
/// Two passes over the inputs (merged in time order, ties in input order, as `tables`): the
/// first builds the ground truth (where each station was, its migrations), the second runs the
/// edge devices of every policy side by side, frame by frame, in the exact order of SPEC §2.
/// Memory grows with stations and their moves, not with packets.
///
/// `onJudgment` is called for every judged (unicast) frame and policy, with the decoded frame
/// and its bytes (valid during the call only) — e.g. to charge losses to flows.
/// `selection` is called once per pass and must return equivalent fresh selections.
public func simulateFabric(inputs: [String], topology: Topology?, options: FabricOptions,
                           selection: (() -> PacketSelection?)? = nil,
                           progress: ((UInt64, UInt64?, Int) -> Void)? = nil,
                           onJudgment: ((FrameJudgment, DecodedPacket, UnsafeRawBufferPointer) -> Void)? = nil)
    throws(ConversionError) -> FabricReport {
    do {
        let truth = FabricGroundTruth()
        var extractor = FabricFrameExtractor()
        var decoded = DecodedPacket()
        var frame = FabricFrame()

        // Pass 1: the ground truth.
        let first = try MergedCaptureStream(inputs: inputs, topology: topology, keepGoing: options.keepGoing)
        let firstSelection = selection?()
        let base = first.firstTime ?? Timestamp(seconds: 0, nanoseconds: 0)
        if let t = first.firstTime { firstSelection?.noteFirst(t) }
        var clock = Int64.min
        while let (packet, file) = try first.next() {
            if let firstSelection, firstSelection.isExhausted { break }
            guard let port = first.portMap.port(file: file, interface: packet.interface) else { continue }
            if let firstSelection, !firstSelection.selectsEverything {
                let linkType = first.readers[file].linkType(ofInterface: packet.interface)
                guard try firstSelection.admits(packet, linkType: linkType) else { continue }
            }
            clock = max(clock, packet.timestamp.nanoseconds(since: base))
            first.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            guard extractor.extract(decoded, bytes: packet.data, into: &frame), frame.learnable else { continue }
            truth.observeSource(frame.sourceKey, place: port, offset: clock, time: packet.timestamp, packet: first.number)
        }
        let finalTopology = first.portMap.topology

        // Pass 2: the fabric under every policy.
        let fabrics = options.policies.enumerated().map { i, policy in
            EdgeFabric(policy: policy, index: i, topology: finalTopology, settings: options.settings, truth: truth)
        }
        let traceWriter = try options.trace.map { (output) throws(CaptureError) -> FabricTraceWriter in
            try FabricTraceWriter(output: output, topology: finalTopology, policy: options.policies[options.tracePolicy],
                                  base: base)
        }
        let decisionLog = options.decisions.map { FabricDecisionLog(output: $0, topology: finalTopology, base: base) }
        if traceWriter != nil { fabrics[options.tracePolicy].recordCopies = true }
        if decisionLog != nil { for fabric in fabrics { fabric.recordCopies = true } }

        var report = FabricReport(topology: finalTopology, policies: options.policies, counts: [],
                                  migrations: truth.migrations, losses: [])
        report.firstTime = first.firstTime
        let second = try MergedCaptureStream(inputs: inputs, topology: topology, keepGoing: options.keepGoing)
        let secondSelection = selection?()
        if let t = second.firstTime { secondSelection?.noteFirst(t) }
        var judgment = FrameJudgment(policy: .igpOnly, policyIndex: 0, packet: 0, time: base, segment: Segment(vlan: 0),
                                     source: .zero, destination: .zero, ingress: Topology.PortID(site: 0, port: 0),
                                     outcome: .delivered, cause: nil, entry: nil, location: nil, nextLocation: nil,
                                     egress: nil, egressCount: 0, coreCopies: 0, excessCopies: 0, migration: nil)
        clock = Int64.min
        while let (packet, file) = try second.next() {
            if let secondSelection, secondSelection.isExhausted { break }
            report.packetsRead += 1
            if second.number & 0xFFFF == 0, let progress {
                let p = second.progress
                progress(p.read, p.total, second.number)
            }
            guard let port = second.portMap.port(file: file, interface: packet.interface) else {
                report.packetsUnclaimed += 1
                continue
            }
            if let secondSelection, !secondSelection.selectsEverything {
                let linkType = second.readers[file].linkType(ofInterface: packet.interface)
                guard try secondSelection.admits(packet, linkType: linkType) else { continue }
            }
            clock = max(clock, packet.timestamp.nanoseconds(since: base))
            second.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            guard extractor.extract(decoded, bytes: packet.data, into: &frame) else {
                report.notEthernet += 1
                continue
            }
            report.packetsSimulated += 1
            let source: Int32 = frame.learnable ? (truth.station(frame.sourceKey) ?? -1) : -1
            var destination: Int32 = -1
            var dt = DestinationTruth.unknown
            if frame.isUnicast {
                destination = truth.station(frame.destinationKey) ?? -1
                if destination >= 0 { dt = truth.destination(destination, at: clock) }
            } else {
                report.broadcasts += 1
            }
            judgment.packet = second.number
            judgment.time = packet.timestamp
            judgment.segment = frame.segment
            judgment.source = frame.source
            judgment.destination = frame.destination
            judgment.ingress = port
            for fabric in fabrics {
                let judged = fabric.process(frame, source: source, destination: destination, truth: dt, ingress: port,
                                            at: clock, judgment: &judgment)
                if fabric.policyIndex == options.tracePolicy, let traceWriter {
                    try traceWriter.write(packet, ingress: port, judgment: judged ? judgment : nil, frame: frame, copies: fabric.copies)
                }
                if judged {
                    if let decisionLog { try decisionLog.log(judgment, copies: fabric.copies) }
                    onJudgment?(judgment, decoded, packet.data)
                }
            }
        }
        report.counts = fabrics.map(\.counts)
        report.losses = fabrics.map(\.losses)
        report.outOfOrder = second.outOfOrder
        report.unclaimed = second.portMap.unclaimed
        report.skippedRecords = second.readers.reduce(0) { $0 + $1.skippedRecords }
        report.skippedErrors = second.readers.compactMap(\.firstSkippedError)
        if let traceWriter {
            try traceWriter.finish()
            report.traceRecords = traceWriter.records
        }
        try decisionLog?.finish()
        return report
    } catch let error as CaptureError {
        throw .capture(error)
    } catch let error as FilterError {
        throw .filter(error)
    } catch {
        fatalError("unexpected error \(error)")
    }
}
