import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a capture's format or compression, with filters and time windows (editcap's job).",
            discussion: """
            Sections, interfaces, options, comments and exact timestamps are kept when writing \
            pcapng. Writing pcap from pcapng works when every packet has the same link type; \
            otherwise roamcap stops with an error naming the link types (pcap has no place for \
            comments or options, which are dropped). --packets keeps packets by number, as \
            editcap -r: 1-based, in file order, before the other selections (which then apply to \
            those packets). The output is written to a temporary file \
            next to it and renamed on success, so a failed run leaves nothing behind.
            """)

        @Argument(help: ArgumentHelp("Input capture ('-' for standard input).", valueName: "input"), completion: .file())
        var input: String

        @Option(name: .long, help: ArgumentHelp(
            "Keep only these packets: 1-based numbers in file order, ranges as editcap -r (120-480,900; 1000- to the end).",
            valueName: "ranges"))
        var packets: String?

        @OptionGroup var outputOptions: TraceOutputOptions
        @OptionGroup var selection: SelectionOptions

        func validate() throws {
            if let packets, PacketRanges(packets) == nil {
                throw ValidationError("--packets '\(packets)' is not a list of packet numbers and ranges (e.g. 120-480,900)")
            }
        }

        func run() throws {
            var chosen = try selection.makeSelection()
            chosen.packets = packets.flatMap(PacketRanges.init)
            let out = try outputOptions.open(inputs: [input])
            let progress = ProgressLine(label: input)
            let result = try convertTrace(input: input, output: out, format: outputOptions.outputFormat,
                                          selection: chosen,
                                          reading: selection.readOptions()) { reader, packets in
                progress.update(read: reader.progress.read, total: reader.progress.total, packets: packets)
            }
            progress.finish()
            warn(result.pass.warnings())
        }
    }
}
