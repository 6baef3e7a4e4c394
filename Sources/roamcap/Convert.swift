import ArgumentParser
import CaptureFile
import RoamcapKit

extension Roamcap {
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a capture's format or compression, with filters and time windows (editcap's job).",
            discussion: """
            Sections, interfaces, options, comments and exact timestamps are kept when writing \
            pcapng. Writing pcap from pcapng works when every packet has the same link type; \
            otherwise roamcap stops with an error naming the link types (pcap has no place for \
            comments or options, which are dropped). The output is written to a temporary file \
            next to it and renamed on success, so a failed run leaves nothing behind.
            """)

        @Argument(help: ArgumentHelp("Input capture ('-' for standard input).", valueName: "input"), completion: .file())
        var input: String

        @OptionGroup var outputOptions: TraceOutputOptions
        @OptionGroup var selection: SelectionOptions

        func run() throws {
            let out = try outputOptions.open(inputs: [input])
            let progress = ProgressLine(label: input)
            let result = try convertTrace(input: input, output: out, format: outputOptions.outputFormat,
                                          selection: try selection.makeSelection(),
                                          keepGoing: selection.keepGoing) { reader, packets in
                progress.update(read: reader.progress.read, total: reader.progress.total, packets: packets)
            }
            progress.finish()
            reportSkipped(result)
        }
    }
}
