import CaptureFile
import PacketFilter

/// One input of a merge and the clock correction to apply to it.
public struct MergeInput: Sendable {
    public var path: String
    /// Added to every timestamp of this input (captures from several taps rarely agree).
    public var offsetNanoseconds: Int64

    public init(path: String, offsetNanoseconds: Int64 = 0) {
        self.path = path
        self.offsetNanoseconds = offsetNanoseconds
    }
}

/// `roamcap merge`: merges captures by timestamp (ties: input order) into one section with one
/// output interface per input interface, unnamed interfaces named after their file.
public func mergeTraces(inputs: [MergeInput], output: OutputFile, format requested: CaptureFormat?,
                        selection: PacketSelection, keepGoing: Bool,
                        progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws(ConversionError) -> ConversionResult {
    do {
        var selection = selection
        if selection.needsReference,
           let reference = try earliestPacketTime(inputs.map(\.path), offsets: inputs.map(\.offsetNanoseconds)) {
            selection.resolve(reference: reference)
        }
        let readers = try inputs.map { (input) throws(CaptureError) -> CaptureReader in
            let reader = try CaptureReader(path: input.path)
            reader.keepGoing = keepGoing
            return reader
        }
        let format = requested ?? chooseOutputFormat(path: output.path, requested: nil, input: .pcapng)
        let writer = TraceWriter(output: output, format: format)
        let names = inputs.map { baseName($0.path) }
        try writer.beginSection(SectionHeader(options: [
            BlockOption(code: BlockOption.commentCode, string: "merged by roamcap from " + names.joined(separator: ", ")),
        ]))
        var outputIDs = [[Int]](repeating: [], count: readers.count)
        var result = ConversionResult(outputFormat: format)

        /// Reads input `i` up to its next packet, declaring interfaces and copying blocks on the way.
        func advance(_ i: Int) throws -> Packet? {
            let reader = readers[i]
            while let record = try reader.next() {
                switch record {
                case .packet(var packet):
                    if inputs[i].offsetNanoseconds != 0 {
                        packet.timestamp = packet.timestamp.adding(nanoseconds: inputs[i].offsetNanoseconds)
                    }
                    return packet
                case .interface(var interface):
                    if interface.name == nil {
                        let count = reader.interfaces.count
                        let name = count == 1 ? names[i] : "\(names[i])#\(count - 1)"
                        interface.options.insert(BlockOption(code: InterfaceDescription.OptionCode.name, string: name), at: 0)
                    }
                    interface.section = 0
                    outputIDs[i].append(try writer.addInterface(interface))
                case .other(let block):
                    try writer.write(block, interfaceID: block.interface.map { outputIDs[i][$0] })
                case .section:
                    break
                }
            }
            return nil
        }

        var pending: [Packet?] = []
        for i in readers.indices { pending.append(try advance(i)) }
        while true {
            var best = -1
            for i in pending.indices {
                guard let candidate = pending[i] else { continue }
                if best < 0 || candidate.timestamp < pending[best]!.timestamp { best = i }
            }
            if best < 0 || selection.isExhausted { break }
            let packet = pending[best]!
            result.packetsRead += 1
            let id = outputIDs[best][packet.interface]
            if try selection.admits(packet, linkType: writer.interfaces[id].linkType) {
                try writer.write(packet, interfaceID: id, keepTicks: inputs[best].offsetNanoseconds == 0)
            }
            pending[best] = try advance(best)
            if result.packetsRead & 0xFFFF == 0, let progress {
                let read = readers.reduce(UInt64(0)) { $0 + $1.progress.read }
                let totals = readers.map(\.progress.total)
                let total: UInt64? = totals.contains(where: { $0 == nil }) ? nil : totals.reduce(0) { $0 + $1! }
                progress(read, total, result.packetsRead)
            }
        }
        try writer.finish()
        result.packetsWritten = writer.packetsWritten
        result.skippedRecords = readers.reduce(0) { $0 + $1.skippedRecords }
        result.skippedErrors = readers.compactMap(\.firstSkippedError)
        return result
    } catch let error as CaptureError {
        throw .capture(error)
    } catch let error as FilterError {
        throw .filter(error)
    } catch {
        fatalError("unexpected error \(error)")
    }
}

/// The last path component.
public func baseName(_ path: String) -> String {
    if path == "-" { return "stdin" }
    return path.split(separator: "/").last.map(String.init) ?? path
}
