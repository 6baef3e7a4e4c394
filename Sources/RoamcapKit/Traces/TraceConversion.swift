import CaptureFile
import PacketFilter

/// What a convert or merge run did.
public struct ConversionResult: Sendable {
    /// What the pass counted: packets read, skipped records.
    public var pass = PassStatistics()
    public var packetsWritten = 0
    public var outputFormat: CaptureFormat = .pcap
}

/// Either a capture error or a filter error, the two ways a conversion fails.
public enum ConversionError: Error, CustomStringConvertible {
    case capture(CaptureError)
    case filter(FilterError)

    public var description: String {
        switch self {
        case .capture(let e): return e.description
        case .filter(let e): return e.description
        }
    }

    /// What a job that reads captures and compiles filters met, as this one type (its callers'
    /// `catch` blocks); any other error is a bug.
    init(_ error: any Error) {
        switch error {
        case let e as ConversionError: self = e
        case let e as CaptureError: self = .capture(e)
        case let e as FilterError: self = .filter(e)
        default: fatalError("unexpected error \(error)")
        }
    }
}

/// `roamcap convert`: copies one capture to another format or compression, keeping sections,
/// interfaces, options, comments and exact timestamps, through a packet selection.
public func convertTrace(input path: String, output: OutputFile, format requested: CaptureFormat?,
                         selection: PacketSelection, reading: ReadOptions,
                         progress: ((CaptureReader, Int) -> Void)? = nil) throws(ConversionError) -> ConversionResult {
    do {
        var selection = selection
        if selection.needsReference, let reference = try earliestPacketTime([path]) { selection.resolve(reference: reference) }
        let reader = try CaptureReader(path: path, reading: reading)
        let format = chooseOutputFormat(path: output.path, requested: requested, input: reader.format)
        let writer = TraceWriter(output: output, format: format)
        var outputID: [Int] = []  // input interface (global) → output interface
        var result = ConversionResult(outputFormat: format)
        while let record = try reader.next() {
            switch record {
            case .packet(let packet):
                result.pass.packetsRead += 1
                let linkType = writer.interfaces[outputID[packet.interface]].linkType
                if try selection.admits(packet, linkType: linkType) {
                    try writer.write(packet, interfaceID: outputID[packet.interface], keepTicks: true)
                }
                if result.pass.packetsRead & 0xFFFF == 0, let progress { progress(reader, result.pass.packetsRead) }
            case .section(let section):
                try writer.beginSection(section)
            case .interface(let interface):
                outputID.append(try writer.addInterface(interface))
            case .other(let block):
                try writer.write(block, interfaceID: block.interface.map { outputID[$0] })
            }
            if selection.isExhausted { break }
        }
        try writer.finish()
        result.packetsWritten = writer.packetsWritten
        result.pass.skippedRecords = reader.skippedRecords
        result.pass.skippedErrors = reader.firstSkippedError.map { [$0] } ?? []
        return result
    } catch {
        throw ConversionError(error)
    }
}
