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
                        selection: PacketSelection, reading: ReadOptions,
                        progress: ((UInt64, UInt64?, Int) -> Void)? = nil) throws(ConversionError) -> ConversionResult {
    do {
        var selection = selection
        if selection.needsReference,
           let reference = try earliestPacketTime(inputs.map(\.path), offsets: inputs.map(\.offsetNanoseconds)) {
            selection.resolve(reference: reference)
        }
        let format = requested ?? chooseOutputFormat(path: output.path, requested: nil, input: .pcapng)
        let writer = TraceWriter(output: output, format: format)
        let names = inputs.map { baseName($0.path) }
        try writer.beginSection(SectionHeader(options: [
            BlockOption(code: BlockOption.commentCode, string: "merged by roamcap from " + names.joined(separator: ", ")),
        ]))
        var outputIDs = [[Int]](repeating: [], count: inputs.count)
        var result = ConversionResult(outputFormat: format)
        // One output section: every input interface declared as it is met (unnamed ones named
        // after their file), other blocks copied; sections are not.
        let stream = try MergedCaptureStream(inputs: inputs.map(\.path), topology: nil, reading: reading,
                                             offsets: inputs.map(\.offsetNanoseconds)) { (i, record) throws(CaptureError) in
            switch record {
            case .interface(var interface):
                if interface.name == nil {
                    let count = outputIDs[i].count + 1
                    let name = count == 1 ? names[i] : "\(names[i])#\(count - 1)"
                    interface.options.insert(BlockOption(code: InterfaceDescription.OptionCode.name, string: name), at: 0)
                }
                interface.section = 0
                outputIDs[i].append(try writer.addInterface(interface))
            case .other(let block):
                try writer.write(block, interfaceID: block.interface.map { outputIDs[i][$0] })
            case .section, .packet:
                break
            }
        }
        while let (packet, file) = try stream.next() {
            if selection.isExhausted { break }
            result.pass.packetsRead += 1
            let id = outputIDs[file][packet.interface]
            if try selection.admits(packet, linkType: writer.interfaces[id].linkType) {
                try writer.write(packet, interfaceID: id, keepTicks: inputs[file].offsetNanoseconds == 0)
            }
            if result.pass.packetsRead & 0xFFFF == 0, let progress {
                let p = stream.progress
                progress(p.read, p.total, result.pass.packetsRead)
            }
        }
        try writer.finish()
        result.packetsWritten = writer.packetsWritten
        result.pass.skippedRecords = stream.skippedRecords
        result.pass.skippedErrors = stream.skippedErrors
        return result
    } catch {
        throw ConversionError(error)
    }
}

/// The last path component.
public func baseName(_ path: String) -> String {
    if path == "-" { return "stdin" }
    return path.split(separator: "/").last.map(String.init) ?? path
}
