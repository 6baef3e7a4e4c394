import CaptureFile
import Dispatch
import Synchronization
import PacketFilter
import PacketWire

/// What `simulateFabric` does besides counting.
public struct FabricOptions {
    /// The policies to compare, in the order reported.
    public var policies: [FabricPolicy]
    public var settings: FabricSettings
    /// How the inputs are read (both passes).
    public var reading: ReadOptions
    /// Where to write the forwarded trace (pcapng) of `policies[tracePolicy]`.
    public var trace: OutputFile?
    public var tracePolicy: Int
    /// Where to log every decision (NDJSON, one object per judged frame and policy).
    public var decisions: OutputFile?
    /// With the control plane captured (SPEC §8, `--control-plane captured`): where it is;
    /// a run under `FabricPolicy.captured` is added after the policies.
    public var controlPlane: ControlPlaneSettings?

    public init(policies: [FabricPolicy] = FabricPolicy.allCases, settings: FabricSettings = FabricSettings(),
                reading: ReadOptions = ReadOptions(), trace: OutputFile? = nil, tracePolicy: Int = 0, decisions: OutputFile? = nil,
                controlPlane: ControlPlaneSettings? = nil) {
        self.policies = policies
        self.settings = settings
        self.reading = reading
        self.trace = trace
        self.tracePolicy = tracePolicy
        self.decisions = decisions
        self.controlPlane = controlPlane
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
    /// With the captured control plane: per migration, whether no advertisement from its new
    /// site was captured at or after it (the stale entries stay: `unadvertised`).
    public var unadvertised: [Bool] = []
    /// Captured EVPN MAC/IP routes applied, and those no site of the topology claims (not applied).
    public var capturedRoutes = 0
    public var capturedUnattributed = 0
    /// Per policy, per migration (aligned with `migrations`).
    public var losses: [[MigrationLoss]]
    /// What the second pass counted: packets read, not Ethernet (not simulated), on unclaimed
    /// interfaces, out of order, skipped records.
    public var pass = PassStatistics()
    /// Packets simulated (Ethernet frames on claimed ports, selected); forwarded but not judged
    /// (broadcast and multicast).
    public var packetsSimulated = 0
    public var broadcasts = 0
    public var firstTime: Timestamp?
    public var traceRecords = 0
    /// An input ended at an unreadable record (without `reading.keepGoing`): the counts are those of
    /// the frames before it, and no trace or log was written.
    public var endedByError = false
}

/// `roamcap simulate`: replays the cross-site fabric of SPEC §2 over the inputs under every
/// policy at once.
///
/// Two passes over the inputs (merged in time order, ties in input order, as `tables`): the
/// first builds the ground truth (where each station was, its migrations), the second runs the
/// edge devices of every policy side by side, frame by frame, in the exact order of SPEC §2.
/// Memory grows with stations and their moves, not with packets.
///
/// `onJudgment` is called for every judged (unicast) frame and policy that `selection` selects,
/// with the decoded frame and its bytes (valid during the call only) — e.g. to charge losses to
/// flows. `selection` selects what is reported (SPEC §5): the fabric forwards every frame that
/// passes its read filter, and counts, writes and hands on only the frames it admits.
public func simulateFabric(inputs: [String], topology: Topology?, options: FabricOptions,
                           selection: PacketSelection? = nil,
                           progress: ((UInt64, UInt64?, Int) -> Void)? = nil,
                           onJudgment: ((FrameJudgment, DecodedPacket, UnsafeRawBufferPointer) -> Void)? = nil,
                           onFirstPass: ((FabricFirstPassFrame) throws(FilterError) -> Void)? = nil,
                           onFrame: ((FabricPassFrame) -> Void)? = nil)
    throws(ConversionError) -> FabricReport {
    do {
        let pass1 = try runGroundTruthPass(inputs: inputs, topology: topology, options: options,
                                           readFilter: selection?.readFilter, onFirstPass: onFirstPass)
        let (truth, base, earliest, finalTopology) = (pass1.truth, pass1.base, pass1.earliest, pass1.topology)
        let (capture, schedule) = (pass1.capture, pass1.schedule)
        let policies = options.policies + (capture == nil ? [] : [.captured])

        // Pass 2: the fabric under every policy. With nothing to write, no judgment callback and
        // no filter, the policies are shared out between two threads, each reading the input
        // itself (the policies are independent; only the ground truth's lookup cursors are not,
        // so each thread has its own copy). A frame callback (`onFrame`: verify's flows riding
        // on this pass) runs on the first thread, which then keeps one policy only.
        var secondSelection = selection
        if let earliest { secondSelection?.resolve(reference: earliest) }
        let parallel = options.trace == nil && options.decisions == nil && onJudgment == nil
            && policies.count >= 2
            && (secondSelection.map { $0.selectsEverything && $0.readFilter == nil } ?? true)
        let truths = parallel ? [truth, truth.copyForLookups()] : [truth]
        /// The thread (and ground-truth copy) of policy i.
        func thread(_ i: Int) -> Int {
            guard parallel else { return 0 }
            return onFrame == nil ? i % 2 : (i == 0 ? 0 : 1)
        }
        let fabrics = policies.enumerated().map { i, policy in
            let fabric = EdgeFabric(policy: policy, index: i, topology: finalTopology, settings: options.settings,
                                    truth: truths[thread(i)])
            if policy == .captured { fabric.captured = schedule.items }
            return fabric
        }
        let traceWriter = try options.trace.map { (output) throws(CaptureError) -> FabricTraceWriter in
            try FabricTraceWriter(output: output, topology: finalTopology, policy: policies[options.tracePolicy],
                                  base: base)
        }
        let decisionLog = options.decisions.map { FabricDecisionLog(output: $0, topology: finalTopology, base: base) }
        if traceWriter != nil { fabrics[options.tracePolicy].recordCopies = true }
        if decisionLog != nil { for fabric in fabrics { fabric.recordCopies = true } }

        var report = FabricReport(topology: finalTopology, policies: policies, counts: [],
                                  migrations: truth.migrations, losses: [])
        if let capture {
            report.unadvertised = schedule.unadvertised
            report.capturedRoutes = capture.advertisements.count
            report.capturedUnattributed = capture.unattributed
        }
        report.firstTime = pass1.firstTime
        if parallel {
            let groups = truths.indices.map { t in fabrics.indices.filter { thread($0) == t }.map { fabrics[$0] } }
            let results = ParallelResults(count: groups.count)
            // Each thread uses only its own group of fabrics, its own ground-truth copy and its
            // own reader; progress is reported by the first.
            let work = ParallelPassInputs(inputs: inputs, topology: topology, reading: options.reading, base: base,
                                          groups: groups, truths: truths, progress: progress, onFrame: onFrame)
            DispatchQueue.concurrentPerform(iterations: groups.count) { t in
                do {
                    var pass = FabricPassStatistics()
                    var clock = Int64.min
                    let stream = try MergedCaptureStream(inputs: work.inputs, topology: work.topology, reading: work.reading)
                    try runFabricPass(stream, fabrics: work.groups[t], truth: work.truths[t], base: work.base, clock: &clock,
                                      selection: nil,
                                      statistics: &pass, progress: t == 0 ? work.progress : nil,
                                      traceWriter: nil, tracePolicy: -1, decisionLog: nil, onJudgment: nil,
                                      onFrame: t == 0 ? work.onFrame.map { hand in
                        // No judgment: the frame is judged under several policies, on two threads.
                        { frame in
                            var frame = frame
                            frame.judgment = nil
                            hand(frame)
                        }
                    } : nil)
                    stream.record(into: &pass.pass)
                    results.set(t, .success(pass))
                } catch {
                    results.set(t, .failure(error))
                }
            }
            for outcome in results.values {
                if case .failure(let error)? = outcome { throw error }
            }
            guard case .success(let first)? = results.values[0] else { fatalError("pass 0 did not run") }
            report.apply(first)
        } else {
            let second = try MergedCaptureStream(inputs: inputs, topology: topology, reading: options.reading)
            var pass = FabricPassStatistics()
            var clock = Int64.min
            try runFabricPass(second, fabrics: fabrics, truth: truth, base: base, clock: &clock, selection: secondSelection,
                              statistics: &pass, progress: progress, traceWriter: traceWriter,
                              tracePolicy: options.tracePolicy, decisionLog: decisionLog, onJudgment: onJudgment,
                              onFrame: onFrame)
            second.record(into: &pass.pass)
            report.apply(pass)
        }
        report.counts = fabrics.map(\.counts)
        report.losses = fabrics.map(\.losses)
        // An input that ended at an unreadable record (readers that end at their first error)
        // leaves the trace and the log unwritten: they would be partial. The counts of what was
        // read are reported, then the error.
        report.endedByError = report.pass.endingError(keepGoing: options.reading.keepGoing) != nil
        if !report.endedByError {
            if let traceWriter {
                try traceWriter.finish()
                report.traceRecords = traceWriter.records
            }
            try decisionLog?.finish()
        }
        return report
    } catch {
        throw ConversionError(error)
    }
}

/// What the first pass of the simulation found.
struct GroundTruthPass {
    var truth: FabricGroundTruth
    /// The earliest timestamp (the clock's zero) and the earliest of the frames that have one.
    var base: Timestamp
    var firstTime: Timestamp?
    var earliest: Timestamp?
    /// The topology once every capture interface is registered.
    var topology: Topology
    var capture: CapturedControlPlane?
    var schedule: CapturedSchedule
    /// Frames read.
    var frames: Int
}

/// Pass 1 of SPEC §2: the ground truth, from every frame (but those the read filter drops),
/// and the captured control plane from every interface (SPEC §8) when asked for.
func runGroundTruthPass(inputs: [String], topology: Topology?, options: FabricOptions, readFilter: PacketFilter?,
                        onFirstPass: ((FabricFirstPassFrame) throws -> Void)? = nil) throws -> GroundTruthPass {
    let truth = FabricGroundTruth()
    let extractor = FabricFrameExtractor()
    var decoded = DecodedPacket()
    var frame = FabricFrame()
    let first = try MergedCaptureStream(inputs: inputs, topology: topology, reading: options.reading)
    let base = first.firstTime ?? Timestamp(seconds: 0, nanoseconds: 0)
    var clock = Int64.min
    var earliest: Timestamp?
    let portMap = first.portMap
    let capture = options.controlPlane.map { CapturedControlPlane(settings: $0, topology: { portMap.topology }, base: base) }
    var lastTime: Timestamp?
    while let (packet, file) = try first.next() {
        if packet.hasTimestamp, earliest == nil || packet.timestamp < earliest! { earliest = packet.timestamp }
        let port = first.portMap.port(file: file, interface: packet.interface)
        if let onFirstPass {
            // Another job reading the same pass (verify's shared passes) sees every packet.
            first.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            try onFirstPass(FabricFirstPassFrame(packet: packet, number: first.number, port: port, decoded: decoded,
                                                 linkType: first.readers[file].linkType(ofInterface: packet.interface),
                                                 portMap: first.portMap, interfaces: first.interfaceCount))
        }
        if port == nil && capture == nil { continue }
        if let readFilter {
            let linkType = first.readers[file].linkType(ofInterface: packet.interface)
            guard try readFilter.matches(packet.data, originalLength: packet.originalLength, linkType: linkType) else { continue }
        }
        if onFirstPass == nil { first.decoders[file][packet.interface].decode(packet.data, into: &decoded) }
        if let capture {
            capture.observe(decoded, bytes: packet.data, time: packet.timestamp, packet: first.number)
            lastTime = packet.timestamp
        }
        guard let port else { continue }
        clock = max(clock, packet.timestamp.nanoseconds(since: base))
        guard extractor.extract(decoded, bytes: packet.data, into: &frame), frame.learnable else { continue }
        truth.observeSource(frame.sourceKey, place: port, offset: clock, time: packet.timestamp, packet: first.number)
    }
    var schedule = CapturedSchedule()
    if let capture {
        if let lastTime { capture.finish(time: lastTime, packet: first.number) }
        schedule = CapturedSchedule(capture.advertisements, truth: truth)
    }
    return GroundTruthPass(truth: truth, base: base, firstTime: first.firstTime, earliest: earliest,
                           topology: first.portMap.topology, capture: capture, schedule: schedule, frames: first.number)
}

/// What the second pass counts besides the fabrics' own tallies.
struct FabricPassStatistics: Sendable {
    var pass = PassStatistics()
    var packetsSimulated = 0
    var broadcasts = 0
}

extension FabricReport {
    mutating func apply(_ statistics: FabricPassStatistics) {
        pass = statistics.pass
        packetsSimulated = statistics.packetsSimulated
        broadcasts = statistics.broadcasts
    }
}

/// What the parallel passes share (read-only, or used by one thread each).
private struct ParallelPassInputs: @unchecked Sendable {
    var inputs: [String]
    var topology: Topology?
    var reading: ReadOptions
    var base: Timestamp
    var groups: [[EdgeFabric]]
    var truths: [FabricGroundTruth]
    var progress: ((UInt64, UInt64?, Int) -> Void)?
    /// Called on the first thread only.
    var onFrame: ((FabricPassFrame) -> Void)?
}

/// Results of the parallel passes, one slot per thread.
private final class ParallelResults: Sendable {
    private let slots: Mutex<[Result<FabricPassStatistics, any Error>?]>

    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    func set(_ i: Int, _ value: Result<FabricPassStatistics, any Error>) {
        slots.withLock { $0[i] = value }
    }

    var values: [Result<FabricPassStatistics, any Error>?] { slots.withLock { $0 } }
}

/// The second pass of SPEC §2 for `fabrics`: every frame, in time order, through each policy's
/// edge devices (steps 1–4), with the forwarded trace, decision log and callback when asked.
func runFabricPass(_ second: MergedCaptureStream, fabrics: [EdgeFabric], truth: FabricGroundTruth,
                   base: Timestamp, clock: inout Int64, endFrame: Int = .max,
                   selection: PacketSelection?, statistics: inout FabricPassStatistics,
                           progress: ((UInt64, UInt64?, Int) -> Void)?, traceWriter: FabricTraceWriter?,
                           tracePolicy: Int, decisionLog: FabricDecisionLog?,
                           onJudgment: ((FrameJudgment, DecodedPacket, UnsafeRawBufferPointer) -> Void)?,
                           onFrame: ((FabricPassFrame) -> Void)?) throws {
    let extractor = FabricFrameExtractor()
    var decoded = DecodedPacket()
    var frame = FabricFrame()
    var judgment = FrameJudgment(policy: .igpOnly, policyIndex: 0, packet: 0, time: base, segment: Segment(vlan: 0),
                                 source: .zero, destination: .zero, ingress: Topology.PortID(site: 0, port: 0),
                                 outcome: .delivered, cause: nil, entry: nil, location: nil, nextLocation: nil,
                                 egress: nil, egressCount: 0, coreCopies: 0, excessCopies: 0, migration: nil)
    var selection = selection
    let filtering = selection.map { !$0.selectsEverything || $0.readFilter != nil } ?? false
    var displayed = true
    let stateOnly = fabrics.first?.stateOnly ?? false
    while second.number < endFrame, let (packet, file) = try second.next() {
        if let selection, selection.isExhausted { break }
        statistics.pass.packetsRead += 1
        if second.number & 0xFFFF == 0, let progress {
            let p = second.progress
            progress(p.read, p.total, second.number)
        }
        let port = second.portMap.port(file: file, interface: packet.interface)
        if filtering {
            let linkType = second.readers[file].linkType(ofInterface: packet.interface)
            guard try selection?.reads(packet, linkType: linkType) ?? true else { continue }
            let admitted = try selection?.admits(packet, linkType: linkType) ?? true
            if admitted != displayed {
                displayed = admitted
                for fabric in fabrics { fabric.counting = displayed }
            }
        }
        guard let port else {
            statistics.pass.packetsUnclaimed += 1
            if let onFrame {
                second.decoders[file][packet.interface].decode(packet.data, into: &decoded)
                onFrame(FabricPassFrame(packet: packet, number: second.number, port: nil, decoded: decoded,
                                        displayed: displayed, judgment: nil,
                                        linkType: second.readers[file].linkType(ofInterface: packet.interface)))
            }
            continue
        }
        clock = max(clock, packet.timestamp.nanoseconds(since: base))
        second.decoders[file][packet.interface].decode(packet.data, into: &decoded)
        guard extractor.extract(decoded, bytes: packet.data, into: &frame) else {
            statistics.pass.notEthernet += 1
            onFrame?(FabricPassFrame(packet: packet, number: second.number, port: port, decoded: decoded,
                                     displayed: displayed, judgment: nil,
                                     linkType: second.readers[file].linkType(ofInterface: packet.interface)))
            continue
        }
        statistics.packetsSimulated += 1
        let source: Int32 = frame.learnable ? (truth.station(frame.sourceKey) ?? -1) : -1
        var destination: Int32 = -1
        var dt = DestinationTruth.unknown
        if frame.isUnicast {
            // Keeping tables only, a unicast frame matters by its source (and an ARP one by
            // where it is forwarded: snooping and suppression on the way).
            if !stateOnly || frame.isARP { destination = truth.station(frame.destinationKey) ?? -1 }
            if destination >= 0 && !stateOnly { dt = truth.destination(destination, at: clock) }
        } else {
            statistics.broadcasts += 1
        }
        judgment.packet = second.number
        judgment.time = packet.timestamp
        judgment.segment = frame.segment
        judgment.source = frame.source
        judgment.destination = frame.destination
        judgment.ingress = port
        var judgedByOne = false
        for fabric in fabrics {
            let judged = fabric.process(frame, source: source, destination: destination, truth: dt, ingress: port,
                                        at: clock, judgment: &judgment)
            judgedByOne = judged && fabrics.count == 1
            guard displayed else { continue }
            if fabric.policyIndex == tracePolicy, let traceWriter {
                try traceWriter.write(packet, ingress: port, judgment: judged ? judgment : nil, frame: frame, copies: fabric.copies)
            }
            if judged {
                if let decisionLog { try decisionLog.log(judgment, copies: fabric.copies) }
                onJudgment?(judgment, decoded, packet.data)
            }
        }
        if let onFrame {
            onFrame(FabricPassFrame(packet: packet, number: second.number, port: port, decoded: decoded,
                                    displayed: displayed, judgment: judgedByOne ? judgment : nil,
                                    linkType: second.readers[file].linkType(ofInterface: packet.interface)))
        }
    }
}

/// One frame of the simulation's second pass, as `simulateFabric(onFrame:)` hands it on: every
/// frame that passes the read filter, in time order, with its decoded view and, for a judged
/// unicast frame of a one-policy run, the policy's judgment. The packet's bytes are valid
/// during the call only.
public struct FabricPassFrame {
    public var packet: Packet
    /// The frame's 1-based number in the time-ordered input.
    public var number: Int
    /// The access port it entered on; nil on a capture interface no port claims.
    public var port: Topology.PortID?
    public var decoded: DecodedPacket
    /// Whether the selection (display filter) selects it.
    public var displayed: Bool
    public var judgment: FrameJudgment?
    /// The link type of its interface (for another job's own display filter).
    public var linkType: UInt16
}

/// One packet of the simulation's first pass, as `simulateFabric(onFirstPass:)` hands it on to
/// another job reading the same pass (`verify`'s shared passes): every packet read, in time
/// order, decoded (the read filter not applied). Its bytes are valid during the call only.
public struct FabricFirstPassFrame {
    public var packet: Packet
    public var number: Int
    public var port: Topology.PortID?
    public var decoded: DecodedPacket
    public var linkType: UInt16
    /// The port map as it stands (it grows as interfaces are met), and how many interfaces it has.
    public var portMap: CapturePortMap
    public var interfaces: Int
}
