import CaptureFile
import PacketFilter
import PacketWire

/// How `roamcap rewrite` runs.
public struct RewriteOptions: Sendable {
    public var entries: [MigrationEntry] = []
    public var learn = false
    /// Capture interfaces (pcapng if_name, or input file names for pcap) that face the VMs:
    /// packets there get the source check only, the others the destination check only. Empty:
    /// both checks on every packet.
    public var vmSideInterfaces: Set<String> = []
    /// Add a pcapng comment to each rewritten packet naming the entry and the change.
    public var annotate = false
    /// Count what would change without writing.
    public var dryRun = false
    public var format: CaptureFormat?
    public var reading = ReadOptions()

    public init() {}
}

/// Counts for one entry (static/notified or learned).
public struct EntryCounts: Sendable {
    /// Destination rewritten primary → post (network → VM).
    public var toVM = 0
    /// Source rewritten post → primary (VM → network).
    public var fromVM = 0
    /// ICMP/ICMPv6 errors whose quoted header was translated.
    public var embedded = 0
    /// Rewritten packets that were truncated (captured < original length).
    public var truncated = 0
    /// Packets this entry rewrote (once each, whichever addresses it changed).
    public var packets = 0
}

/// One flow a dry run saw changing.
public struct FlowChange: Hashable, Sendable {
    public var learned: Bool
    public var entry: Int
    /// "to-vm" or "from-vm".
    public var direction: String
    public var proto: UInt8
    public var source: IPAddress
    public var sourcePort: UInt16
    public var destination: IPAddress
    public var destinationPort: UInt16
}

/// What a rewrite did.
public struct RewriteResult: Sendable {
    public var input: String
    /// What the pass counted: packets read, skipped records.
    public var pass = PassStatistics()
    /// Packets read (SPEC §5's `packets`).
    public var packets: Int { pass.packetsRead }
    public var rewritten = 0
    public var truncatedRewritten = 0
    public var embeddedTranslated = 0
    public var table: [MigrationEntry] = []
    public var tableCounts: [EntryCounts] = []
    public var learned: [LearnedEntry] = []
    public var learnedCounts: [EntryCounts] = []
    public var flows: [(FlowChange, packets: Int, first: Timestamp, last: Timestamp)] = []
    /// The earliest packet of the input, against which relative entry times were resolved
    /// (nil when no entry gave a relative time).
    public var reference: Timestamp?
    /// The table's entries as replayed: times resolved, each cut by the entry that replaced it.
    public var spans: [MigrationTable.ActiveSpan] = []
}

/// `roamcap rewrite`: replays a migration table over a trace (SPEC §1) and writes the rewritten
/// trace in the input's format (unless asked otherwise); untouched packets stay byte-identical.
public func rewriteTrace(input path: String, output: OutputFile?, options: RewriteOptions,
                         selection: PacketSelection,
                         progress: ((CaptureReader, Int) -> Void)? = nil) throws(ConversionError) -> RewriteResult {
    do {
        var selection = selection
        var reference = Timestamp(seconds: 0, nanoseconds: 0)
        var resolvedReference: Timestamp?
        let tableNeedsReference = MigrationTable.needsReference(options.entries)
        if tableNeedsReference || selection.needsReference {
            if let earliest = try earliestPacketTime([path]) {
                reference = earliest
                resolvedReference = earliest
                selection.resolve(reference: earliest)
            } else if tableNeedsReference && path == "-" {
                throw CaptureError(.unsupported, file: path, "the migration table gives times in seconds after the earliest "
                                   + "packet, which standard input cannot tell (it cannot be read twice); save it to a file first")
            }
        }
        let table = MigrationTable(entries: options.entries, reference: reference)
        let learner = options.learn ? MigrationLearner() : nil
        let mapping = MigrationMapping(table: table, learner: learner)
        let reader = try CaptureReader(path: path, reading: options.reading)
        var format = chooseOutputFormat(path: output?.path ?? "", requested: options.format, input: reader.format)
        if options.annotate && options.format == nil { format = .pcapng }
        if options.annotate && format == .pcap {
            throw CaptureError(.output, file: output?.path ?? path, "--annotate needs pcapng output (pcap has no comments)")
        }
        let writer = output.map { TraceWriter(output: $0, format: format) }
        var result = RewriteResult(input: path)
        result.reference = resolvedReference
        result.spans = table.spans
        result.table = options.entries
        result.tableCounts = Array(repeating: EntryCounts(), count: options.entries.count)
        var outputID: [Int] = []
        var linkTypes: [UInt16] = []
        var checksByInterface: [DirectionChecks] = []
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: CaptureReader.maximumPacketLength, alignment: 16)
        defer { scratch.deallocate() }
        var flows: [FlowChange: (Int, Timestamp, Timestamp)] = [:]
        var decoded = DecodedPacket()
        var decoders: [PacketDecoder] = []  // per interface
        let fileName = baseName(path)
        while let record = try reader.next() {
            switch record {
            case .packet(var packet):
                result.pass.packetsRead += 1
                let linkType = linkTypes[packet.interface]
                guard try selection.admits(packet, linkType: linkType) else {
                    if selection.isExhausted { break }
                    continue
                }
                // One decode per packet, shared by learning and the dry run (the annotation needs none).
                let needsDecode = learner != nil || options.dryRun
                if needsDecode { decoders[packet.interface].decode(packet.data, into: &decoded) }
                learner?.observe(decoded: decoded, packet: packet)
                let bytes = UnsafeMutableRawBufferPointer(rebasing: scratch[0..<packet.data.count])
                if !packet.data.isEmpty { bytes.baseAddress!.copyMemory(from: packet.data.baseAddress!, byteCount: packet.data.count) }
                let outcome = AddressRewriter.rewrite(bytes, linkType: linkType, at: packet.timestamp,
                                                      checks: checksByInterface[packet.interface], mapping: mapping)
                var extra: [BlockOption] = []
                if outcome.changed {
                    result.rewritten += 1
                    let truncated = packet.data.count < packet.originalLength
                    if truncated { result.truncatedRewritten += 1 }
                    if outcome.translatedEmbedded { result.embeddedTranslated += 1 }
                    func count(_ span: Int, _ learned: Bool, toVM: Bool) {
                        func bump(_ c: inout EntryCounts) {
                            if toVM { c.toVM += 1 } else { c.fromVM += 1 }
                            if outcome.translatedEmbedded { c.embedded += 1 }
                            if truncated { c.truncated += 1 }
                        }
                        if learned {
                            while result.learnedCounts.count <= span { result.learnedCounts.append(EntryCounts()) }
                            bump(&result.learnedCounts[span])
                        } else {
                            bump(&result.tableCounts[span])
                        }
                    }
                    if outcome.destinationSpan >= 0 { count(outcome.destinationSpan, outcome.destinationLearned, toVM: true) }
                    if outcome.sourceSpan >= 0 { count(outcome.sourceSpan, outcome.sourceLearned, toVM: false) }
                    // Once per packet and entry, even when one entry changed both addresses.
                    func countPacket(_ span: Int, _ learned: Bool) {
                        if learned { result.learnedCounts[span].packets += 1 } else { result.tableCounts[span].packets += 1 }
                    }
                    if outcome.destinationSpan >= 0 { countPacket(outcome.destinationSpan, outcome.destinationLearned) }
                    if outcome.sourceSpan >= 0 && (outcome.destinationSpan < 0 || outcome.sourceSpan != outcome.destinationSpan
                                                   || outcome.sourceLearned != outcome.destinationLearned) {
                        countPacket(outcome.sourceSpan, outcome.sourceLearned)
                    }
                    if options.dryRun, let source = decoded.sourceAddress, let destination = decoded.destinationAddress {
                        func countFlow(_ span: Int, _ learned: Bool, _ direction: String) {
                            let key = FlowChange(learned: learned, entry: span, direction: direction,
                                                 proto: decoded.ipProtocol.rawValue, source: source,
                                                 sourcePort: decoded.sourcePort, destination: destination,
                                                 destinationPort: decoded.destinationPort)
                            if let old = flows[key] {
                                flows[key] = (old.0 + 1, min(old.1, packet.timestamp), max(old.2, packet.timestamp))
                            } else {
                                flows[key] = (1, packet.timestamp, packet.timestamp)
                            }
                        }
                        if outcome.destinationSpan >= 0 { countFlow(outcome.destinationSpan, outcome.destinationLearned, "to-vm") }
                        if outcome.sourceSpan >= 0 { countFlow(outcome.sourceSpan, outcome.sourceLearned, "from-vm") }
                    }
                    if options.annotate {
                        extra.append(BlockOption(code: BlockOption.commentCode,
                                                 string: annotation(outcome, options: options, learner: learner)))
                    }
                    packet.data = UnsafeRawBufferPointer(bytes)
                }
                try writer?.write(packet, interfaceID: outputID[packet.interface], keepTicks: true, extraOptions: extra)
                if result.packets & 0xFFFF == 0, let progress { progress(reader, result.packets) }
            case .section(let section):
                try writer?.beginSection(section)
            case .interface(let interface):
                linkTypes.append(interface.linkType)
                decoders.append(PacketDecoder(linkType: LinkType(rawValue: interface.linkType), reading: options.reading))
                if options.vmSideInterfaces.isEmpty {
                    checksByInterface.append(.both)
                } else {
                    // An interface is named by its if_name, or, for pcap, by its file.
                    let names = [interface.name, fileName, path].compactMap { $0 }
                    let vmSide = names.contains { options.vmSideInterfaces.contains($0) }
                    checksByInterface.append(vmSide ? .vmSide : .networkSide)
                }
                outputID.append(try writer?.addInterface(interface) ?? outputID.count)
            case .other(let block):
                try writer?.write(block, interfaceID: block.interface.map { outputID[$0] })
            }
            if selection.isExhausted { break }
        }
        try writer?.finish()
        result.learned = learner?.learned ?? []
        while result.learnedCounts.count < result.learned.count { result.learnedCounts.append(EntryCounts()) }
        result.flows = flows.map { ($0.key, $0.value.0, $0.value.1, $0.value.2) }
            .sorted { $0.packets != $1.packets ? $0.packets > $1.packets : $0.first < $1.first }
        result.pass.skippedRecords = reader.skippedRecords
        result.pass.skippedErrors = reader.firstSkippedError.map { [$0] } ?? []
        return result
    } catch {
        throw ConversionError(error)
    }
}

/// `roamcap rewrite: dst 10.1.0.7→10.9.0.7 (web-1, moves.ndjson:3)` for a rewritten packet,
/// from the addresses the rewriter changed (the packet is not decoded again).
func annotation(_ outcome: RewriteOutcome, options: RewriteOptions, learner: MigrationLearner?) -> String {
    func entryName(_ span: Int, _ learned: Bool) -> String {
        if learned, let learner {
            let e = learner.learned[span]
            return "learned from packet \(e.packet) (\(e.evidence) by \(e.mac))"
        }
        let e = options.entries[span]
        return (e.vm.map { "\($0), " } ?? "") + e.origin
    }
    guard let a = outcome.addresses else { return "roamcap rewrite:" }
    var parts: [String] = []
    if outcome.destinationSpan >= 0 {
        parts.append("dst \(a.oldDestination)→\(a.newDestination) (\(entryName(outcome.destinationSpan, outcome.destinationLearned)))")
    }
    if outcome.sourceSpan >= 0 {
        parts.append("src \(a.oldSource)→\(a.newSource) (\(entryName(outcome.sourceSpan, outcome.sourceLearned)))")
    }
    if outcome.translatedEmbedded { parts.append("quoted header translated") }
    return "roamcap rewrite: " + parts.joined(separator: "; ")
}
