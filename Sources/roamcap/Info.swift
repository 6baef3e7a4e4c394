import ArgumentParser
import RoamcapKit

extension Roamcap {
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarize capture files (capinfos' job).",
            discussion: """
            For each file: format and compression, sections, interfaces (name, link type, snaplen, \
            timestamp resolution), packets, bytes, first and last timestamp, duration, average \
            rates, whether timestamps are in order, and comments. With --format json, an array with \
            one object per file: file, format, compression, packets, bytes, first, last, ordered, \
            interfaces [{name, linkType, snaplen, tsresol}], then further fields.
            """)

        @Argument(help: ArgumentHelp("Capture files ('-' for standard input).", valueName: "file"), completion: .file())
        var files: [String]

        @OptionGroup var report: ReportOptions

        @Flag(name: .long, help: "Skip unreadable records (counted and reported) instead of stopping with an error.")
        var keepGoing = false

        func request() -> InfoRequest { InfoRequest(files: files, keepGoing: keepGoing) }

        func run() throws {
            let lines = files.map { ProgressLine(label: $0) }
            let outcome = runInfo(request(), progress: { i, reader in
                lines[i].update(read: reader.progress.read, total: reader.progress.total, packets: reader.packetCount)
            }, finished: { lines[$0].finish() })
            warn(outcome.warnings)
            // A file that cannot be read: the files before it (all the others with --keep-going)
            // are still reported, then the error, exit 2.
            defer {
                for failure in outcome.failures.dropLast() { writeStandardError("roamcap: error: \(failure)\n") }
                if let last = outcome.failures.last { Roamcap.fail(last) }
            }
            if outcome.summaries.isEmpty && !outcome.failures.isEmpty { return }
            writeStandardOutput(outcome.rendered(report.format))
        }
    }
}
