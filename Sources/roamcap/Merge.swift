import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge captures by timestamp (mergecap's job), with per-input clock offsets.",
            discussion: """
            The output has one pcapng section and one interface per input interface; an unnamed \
            interface is named after its file. Packets with equal timestamps keep input order. \
            --offset FILE=SECONDS shifts one input's clock (captures from several taps rarely agree), \
            e.g. --offset dcB.pcap=+0.0031; FILE is the path as given or its last component.
            """)

        @Argument(help: ArgumentHelp("Input captures ('-' for standard input, once).", valueName: "input"), completion: .file())
        var inputs: [String]

        @OptionGroup var outputOptions: TraceOutputOptions
        @OptionGroup var selection: SelectionOptions

        @Option(name: .long, help: ArgumentHelp("Clock correction for one input: FILE=[+|-]SECONDS.",
                                                valueName: "file=seconds"))
        var offset: [String] = []

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("merge needs at least one input") }
            if inputs.filter({ $0 == "-" }).count > 1 {
                throw ValidationError("standard input ('-') can be read only once")
            }
            _ = try parsedOffsets()
        }

        func parsedOffsets() throws -> [String: Int64] {
            var offsets: [String: Int64] = [:]
            for item in offset {
                guard let equals = item.lastIndex(of: "="),
                      let ns = parseSecondsToNanoseconds(String(item[item.index(after: equals)...])) else {
                    throw ValidationError("--offset '\(item)' is not FILE=SECONDS (e.g. dcB.pcap=+0.0031)")
                }
                let file = String(item[..<equals])
                guard inputs.contains(file) || inputs.contains(where: { baseName($0) == file }) else {
                    throw ValidationError("--offset names '\(file)', which is not an input")
                }
                offsets[file] = ns
            }
            return offsets
        }

        func run() throws {
            let offsets = try parsedOffsets()
            let mergeInputs = inputs.map { path in
                MergeInput(path: path, offsetNanoseconds: offsets[path] ?? offsets[baseName(path)] ?? 0)
            }
            let out = try outputOptions.open(inputs: inputs)
            let progress = ProgressLine(label: "merge")
            let result = try mergeTraces(inputs: mergeInputs, output: out, format: outputOptions.outputFormat,
                                         selection: try selection.makeSelection(),
                                         reading: selection.readOptions()) { read, total, packets in
                progress.update(read: read, total: total, packets: packets)
            }
            progress.finish()
            warn(result.pass.warnings())
        }
    }
}
