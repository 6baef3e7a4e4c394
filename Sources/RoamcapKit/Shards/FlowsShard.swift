import CaptureFile
import Foundation
import PacketFilter
import PacketWire

// `flows --timeline TL --shard K/N -o PART` and its combine.
//
// A flow's inferences depend on all of its history (the highest sequence number, a run of
// duplicate ACKs, the answered runs of a request/response flow), so a flow cut by a boundary
// cannot be summed from two halves. A flows shard does what is parallel and costly: it reads
// its stretch of the inputs, decodes, selects, and (under a policy) replays the fabric; it
// keeps of each selected frame the headers the flow table reads (`flowHeadersLength`) and the
// policy's outcome, in a pcapng part. `combine` runs the one flow table over the parts in shard
// order: the same frames, the same code, hence exactly the single run's flows.

/// `flows`' share of a shard, known before its frames: how to read them and what to report.
public struct FlowsPart: Codable, Sendable {
    var sites: [Timeline.Site]
    var firstTime: Timestamp?
    /// The policy replayed (nil: outages inferred from the trace).
    var policy: String?
    var settings: FlowSettings
    /// The migrations and moves outages are tied to (`TableEvent.shardFields`).
    var migrations: [[Int64]]
    /// The UDP ports decoded as VXLAN.
    var vxlanPorts: [UInt16]
    /// `--top`, `--outages-only`.
    var top: Int?
    var outagesOnly: Bool
}

/// What a flows shard counted, known after its frames: the part's last section's comment.
struct FlowsPartEnd: Codable, Sendable {
    /// Frames in the part.
    var frames: Int
    var packetsProcessed: Int
    var pass: ShardPass
}

extension TableEvent {
    /// A migration or move as a timeline keeps it for flows shards: kind (0 migration, 1
    /// moved), segment, MAC, from site and port, to site and port (-1: none), seconds,
    /// nanoseconds, frame.
    var shardFields: [Int64] {
        [kind == .migration ? 0 : 1, Int64(segment.rawValue), Int64(bitPattern: mac.rawValue),
         Int64(from?.site ?? -1), Int64(from?.port ?? -1), Int64(to?.site ?? -1), Int64(to?.port ?? -1),
         time.seconds, Int64(time.nanoseconds), Int64(packet)]
    }

    init?(shardFields f: [Int64]) {
        guard f.count == 10, f[0] == 0 || f[0] == 1 else { return nil }
        func place(_ site: Int64, _ port: Int64) -> Topology.PortID? {
            site < 0 ? nil : Topology.PortID(site: Int(site), port: Int(port))
        }
        self.init(time: Timestamp(seconds: f[7], nanoseconds: UInt32(truncatingIfNeeded: f[8])), packet: Int(f[9]),
                  kind: f[0] == 0 ? .migration : .moved, segment: Segment(rawValue: UInt32(truncatingIfNeeded: f[1])),
                  mac: MACAddress(rawValue: UInt64(bitPattern: f[2])), from: place(f[3], f[4]), to: place(f[5], f[6]))
    }
}

extension FlowFrameOutcome {
    /// A fabric judgment as a flow counts it.
    init(_ judgment: FrameJudgment) {
        switch judgment.outcome {
        case .delivered: self = .delivered
        case .misdelivered: self = .misdelivered
        case .inTransit: self = .inTransit
        case .dropped: self = .dropped(OutageCause(rawValue: judgment.cause?.rawValue ?? "") ?? .staleRemote)
        }
    }

    /// As a flows part writes it in a frame's comment: `delivered`, `misdelivered`,
    /// `in-transit`, or the drop's cause.
    var partText: String {
        switch self {
        case .delivered: "delivered"
        case .misdelivered: "misdelivered"
        case .inTransit: "in-transit"
        case .dropped(let cause): cause.rawValue
        }
    }

    /// Every outcome with its text's bytes (for reading parts without building strings) and
    /// the frame options that say it (for writing them, shared by every frame).
    static let partTexts: [(bytes: [UInt8], outcome: FlowFrameOutcome, options: [BlockOption])] =
        ([.delivered, .misdelivered, .inTransit] + OutageCause.allCases.filter { !$0.isInferred }
            .filter { $0 != .misdelivered && $0 != .inTransit }.map { .dropped($0) })
        .map { (Array($0.partText.utf8), $0, [BlockOption(code: BlockOption.commentCode, string: outcomePrefix + $0.partText)]) }

    init?(partText text: Substring) {
        switch text {
        case "delivered": self = .delivered
        case "misdelivered": self = .misdelivered
        case "in-transit": self = .inTransit
        default:
            guard let cause = OutageCause(rawValue: String(text)), !cause.isInferred else { return nil }
            self = .dropped(cause)
        }
    }
}

/// The comment that marks a flows part's frame with its policy outcome: `roamcap-outcome TEXT`,
/// then ` @SECONDS.NANOSECONDS` when it was judged at another time than the frame's.
private let outcomePrefix = "roamcap-outcome "
private let outcomePrefixBytes = Array(outcomePrefix.utf8)

/// The text after `outcomePrefix` in a frame's raw pcapng options, if a comment has it (read in
/// place: a part has an outcome on every judged frame).
private func outcomeComment(_ options: UnsafeRawBufferPointer, bigEndian: Bool) -> UnsafeRawBufferPointer? {
    let prefix = outcomePrefixBytes
    var i = 0
    while i + 4 <= options.count {
        let code = bigEndian ? UInt16(options[i]) << 8 | UInt16(options[i + 1]) : UInt16(options[i + 1]) << 8 | UInt16(options[i])
        let length = Int(bigEndian ? UInt16(options[i + 2]) << 8 | UInt16(options[i + 3])
                                   : UInt16(options[i + 3]) << 8 | UInt16(options[i + 2]))
        let start = i + 4
        guard code != 0, start + length <= options.count else { return nil }
        if code == BlockOption.commentCode, length >= prefix.count,
           options[start..<(start + prefix.count)].elementsEqual(prefix) {
            return UnsafeRawBufferPointer(rebasing: options[(start + prefix.count)..<(start + length)])
        }
        i = start + (length + 3) & ~3
    }
    return nil
}

/// Writes a flows part: the header, each selected frame's flow headers (with its policy
/// outcome), and what the shard counted.
final class FlowsPartWriter {
    private let writer: PcapngWriter
    private var interfaces: [UInt16: Int] = [:]
    private(set) var frames = 0

    init(output: OutputFile, part: Part) throws(CaptureError) {
        writer = PcapngWriter(output: output)
        let header = String(decoding: part.encoded(), as: UTF8.self)
        try writer.beginSection(SectionHeader(options: [BlockOption(code: BlockOption.commentCode, string: header)]))
    }

    func write(_ packet: Packet, decoded: DecodedPacket, linkType: UInt16, outcome: (FlowFrameOutcome, Timestamp)?) throws(CaptureError) {
        let id: Int
        if let known = interfaces[linkType] {
            id = known
        } else {
            id = try writer.addInterface(InterfaceDescription(
                linkType: linkType, snapLength: 0,
                options: [BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                timestampResolution: 9))
            interfaces[linkType] = id
        }
        let kept = Packet(timestamp: packet.timestamp, interface: id, originalLength: packet.originalLength,
                          data: UnsafeRawBufferPointer(rebasing: packet.data[..<decoded.flowHeadersLength]),
                          number: packet.number)
        var options: [BlockOption] = []
        if let (outcome, time) = outcome {
            if time != packet.timestamp {
                options = [BlockOption(code: BlockOption.commentCode,
                                       string: outcomePrefix + outcome.partText + " @\(time.seconds).\(time.nanoseconds)")]
            } else if let known = FlowFrameOutcome.partTexts.first(where: { $0.outcome == outcome }) {
                options = known.options
            }
        }
        try writer.write(kept, interfaceID: id, keepTicks: false, extraOptions: options)
        frames += 1
    }

    /// Ends the part with what the shard counted (a last section of no frames).
    func finish(_ end: FlowsPartEnd) throws(CaptureError) {
        var end = end
        end.frames = frames
        let text = String(decoding: sortedJSON(end), as: UTF8.self)
        try writer.beginSection(SectionHeader(options: [BlockOption(code: BlockOption.commentCode, string: text)]))
        try writer.output.commit()
    }
}

/// The options that change a flows run's result, as one line (parts of one run must agree).
func flowsOptionsText(_ part: FlowsPart, selection: PacketSelection?) -> String {
    let f = part.settings
    var text = "flows silence=\(f.silenceThreshold) migration-window=\(f.migrationWindow) out-of-order=\(f.outOfOrderWindow) "
        + "silence-runs=\(f.silenceRuns) idle=\(f.tcpIdleTimeout),\(f.idleTimeout) close=\(f.closeDelay)"
    if let policy = part.policy { text += " policy=\(policy)" }
    text += " vxlan=" + part.vxlanPorts.map(String.init).joined(separator: ",")
    if let top = part.top { text += " top=\(top)" }
    if part.outagesOnly { text += " outages-only" }
    return text + selectionText(selection)
}

/// `roamcap flows --timeline TL --shard K/N -o PART`: reads shard K's frames (entering the
/// inputs at its offsets), selects them as a single run does, replays the policy's fabric from
/// the tables the timeline noted (with `policy`), and writes each selected frame's flow headers
/// and outcome to `output` (`FlowsPartWriter`).
public func flowsShard(inputs: [String], topology: Topology?, topologyDigest: String?, settings: FlowSettings,
                       policy: FlowPolicyReplay?, reading: ReadOptions, selection: PacketSelection?,
                       top: Int?, outagesOnly: Bool, request: ShardRequest, output: OutputFile,
                       progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws -> Part {
    if selection?.count != nil {
        throw TimelineError("-c/--count counts over the whole input and cannot be sharded")
    }
    let timeline = request.timeline
    try timeline.check(inputs: inputs, topologyDigest: topologyDigest, readFilter: selection?.readFilter?.expression,
                       settings: policy?.settings, shard: request.shard, of: request.shards)
    try timeline.checkVXLANPorts(reading.vxlanPorts)
    guard let migrations = timeline.tables.migrations else {
        throw TimelineError("the timeline has no migrations for flows (made by an older roamcap): make it again")
    }
    let shard = timeline.shards[request.shard - 1]
    var selection = selection
    if let earliest = timeline.earliest { selection?.resolve(reference: earliest) }
    // The time `--relative` counts from, as the single run takes it.
    let firstTime = policy == nil && (selection?.needsReference ?? false) ? timeline.earliest : timeline.firstTime
    let header = FlowsPart(sites: timeline.sites, firstTime: firstTime,
                           policy: policy?.policy.rawValue, settings: settings, migrations: migrations,
                           vxlanPorts: reading.vxlanPorts, top: top, outagesOnly: outagesOnly)
    let part = Part(command: "flows", timeline: timeline.id, shard: request.shard, shards: request.shards,
                    options: flowsOptionsText(header, selection: selection), simulate: nil, tables: nil, flows: header)
    let writer = try FlowsPartWriter(output: output, part: part)
    let endFrame = shard.firstFrame - 1 + shard.frames
    var pass = PassStatistics()
    var processed = 0
    let stream = try MergedCaptureStream(inputs: inputs, topology: topology, reading: reading, resuming: shard.position)
    if let policy {
        let fabric = try restoredFabrics(policies: [policy.policy], settings: policy.settings, controlPlane: nil,
                                         timeline: timeline, shard: shard, topology: topology)
        var statistics = FabricPassStatistics()
        var clock = shard.clock
        var failure: CaptureError?
        try runFabricPass(stream, fabrics: fabric.fabrics, truth: fabric.truth, base: timeline.base, clock: &clock,
                          endFrame: endFrame, selection: selection, statistics: &statistics, progress: progress,
                          traceWriter: nil, tracePolicy: -1, decisionLog: nil, onJudgment: nil, onFrame: { frame in
            guard frame.displayed, failure == nil else { return }
            if frame.port == nil { pass.packetsUnclaimed += 1 }
            processed += 1
            do throws(CaptureError) {
                try writer.write(frame.packet, decoded: frame.decoded, linkType: frame.linkType,
                                 outcome: frame.judgment.map { (FlowFrameOutcome($0), $0.time) })
            } catch {
                failure = error
            }
        })
        if let failure { throw failure }
        // As the single run counts: unclaimed among the selected frames, every frame a flow's.
        let unclaimed = pass.packetsUnclaimed
        stream.record(into: &statistics.pass)
        pass = statistics.pass
        pass.packetsUnclaimed = unclaimed
        pass.notEthernet = 0
    } else {
        let portMap = stream.portMap
        let filtering = selection.map { !$0.selectsEverything || $0.readFilter != nil } ?? false
        var decoded = DecodedPacket()
        while stream.number < endFrame, let (packet, file) = try stream.next() {
            if let selection, selection.isExhausted { break }
            pass.packetsRead += 1
            let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
            var displayed = true
            if filtering {
                guard try selection?.reads(packet, linkType: linkType) ?? true else { continue }
                displayed = try selection?.admits(packet, linkType: linkType) ?? true
            }
            guard displayed else { continue }
            stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
            try writer.write(packet, decoded: decoded, linkType: linkType, outcome: nil)
            processed += 1
            if portMap.port(file: file, interface: packet.interface) == nil { pass.packetsUnclaimed += 1 }
            if stream.number & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, stream.number)
            }
        }
        stream.record(into: &pass)
    }
    try writer.finish(FlowsPartEnd(frames: 0, packetsProcessed: processed,
                                   pass: ShardPass(pass, endedByError: pass.endingError(keepGoing: reading.keepGoing) != nil)))
    return part
}

/// What `combine` made of a flows run's parts: the single run's analysis, and what the shards met.
struct CombinedFlows {
    var analysis: FlowAnalysis
    var top: Int?
    var outagesOnly: Bool
    var skippedErrors: [String]
    var endedByError: Bool
}

/// `roamcap combine` for `flows`: the parts' frames, in shard order, through one flow table.
func combineFlowsParts(_ ordered: [(path: String, part: Part)]) throws(TimelineError) -> CombinedFlows {
    let heads = try ordered.map { (path, part) throws(TimelineError) -> FlowsPart in
        guard part.command == "flows", let f = part.flows else { throw TimelineError("\(path): not a flows part") }
        return f
    }
    let head = heads[0]
    let settings = head.settings
    let migrations = try head.migrations.map { (fields) throws(TimelineError) -> TableEvent in
        guard let event = TableEvent(shardFields: fields) else { throw TimelineError("\(ordered[0].path): malformed migrations") }
        return event
    }
    let table = FlowTable(settings: settings)
    var pass = ShardPass()
    var processed = 0
    var decoded = DecodedPacket()
    for (path, part) in ordered {
        guard part.flows?.migrations == head.migrations else { throw TimelineError("\(path) does not fit the other parts (migrations differ)") }
        let end: FlowsPartEnd
        do throws(CaptureError) {
            end = try replayFlowsPart(path: path, vxlanPorts: head.vxlanPorts, into: table, decoded: &decoded)
        } catch {
            throw TimelineError(error.description)
        }
        pass.add(end.pass)
        processed += end.packetsProcessed
    }
    var analysis = FlowAnalysis(flows: table.records(migrations: migrations, hasPolicy: head.policy != nil),
                                migrations: migrations, topology: Timeline.topology(of: head.sites))
    analysis.pass = pass.statistics
    analysis.packetsProcessed = processed
    analysis.firstTime = head.firstTime
    return CombinedFlows(analysis: analysis, top: head.top, outagesOnly: head.outagesOnly, skippedErrors: pass.skippedErrors,
                         endedByError: pass.endedByError)
}

/// Runs one flows part's frames through `table` (their outcomes recorded on the flow of their
/// outer headers, as a single run records them); returns what the shard counted.
private func replayFlowsPart(path: String, vxlanPorts: [UInt16], into table: FlowTable,
                             decoded: inout DecodedPacket) throws(CaptureError) -> FlowsPartEnd {
    let reader = try CaptureReader(path: path)
    var decoders: [PacketDecoder] = []
    var frames = 0
    while let packet = try reader.nextPacket() {
        while decoders.count <= packet.interface {
            decoders.append(PacketDecoder(linkType: LinkType(rawValue: reader.linkType(ofInterface: decoders.count)),
                                          vxlanPorts: vxlanPorts))
        }
        decoders[packet.interface].decode(packet.data, into: &decoded)
        frames += 1
        table.observe(decoded, bytes: packet.data, originalLength: packet.originalLength, time: packet.timestamp,
                      packet: frames)
        guard packet.options.count > 0, let comment = outcomeComment(packet.options, bigEndian: packet.optionsBigEndian) else {
            continue
        }
        // `TEXT`, or `TEXT @SECONDS.NANOSECONDS` (read as a string: rare).
        var outcome = FlowFrameOutcome.partTexts.first { $0.bytes.elementsEqual(comment) }?.outcome
        var time = packet.timestamp
        if outcome == nil {
            let text = String(decoding: comment, as: UTF8.self)
            let words = text.split(separator: " ")
            let stamp = words.count == 2 && words[1].first == "@" ? words[1].dropFirst().split(separator: ".") : []
            guard let first = words.first, let known = FlowFrameOutcome(partText: first), stamp.count == 2 || words.count == 1,
                  words.count == 1 || (Int64(stamp[0]) != nil && UInt32(stamp[1]) != nil) else {
                throw CaptureError(.corrupt, file: path, packet: packet.number, "unknown outcome '\(text)'")
            }
            outcome = known
            if stamp.count == 2 { time = Timestamp(seconds: Int64(stamp[0])!, nanoseconds: UInt32(stamp[1])!) }
        }
        guard let outcome else { continue }
        if let (flow, fromB) = table.lastObserved { table.record(outcome: outcome, forFlow: flow, fromB: fromB, at: time) }
    }
    guard let text = reader.sections.count > 1 ? reader.sections.last?.options.comments.first : nil,
          let end = try? JSONDecoder().decode(FlowsPartEnd.self, from: Data(text.utf8)) else {
        throw CaptureError(.corrupt, file: path, packet: nil, "the part does not end with its shard's counts (cut short?)")
    }
    guard end.frames == frames else {
        throw CaptureError(.corrupt, file: path, packet: nil, "the part has \(frames) frames, its shard wrote \(end.frames)")
    }
    return end
}
