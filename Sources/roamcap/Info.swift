import ArgumentParser
import CaptureFile
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

        @Argument(help: ArgumentHelp("Capture files ('-' for standard input).", valueName: "file"))
        var files: [String]

        @OptionGroup var report: ReportOptions

        @Flag(name: .long, help: "Skip unreadable records (counted and reported) instead of stopping with an error.")
        var keepGoing = false

        func run() throws {
            var summaries: [CaptureSummary] = []
            for file in files {
                let progress = ProgressLine(label: file)
                let summary = try CaptureSummary.read(path: file, keepGoing: keepGoing) { reader in
                    progress.update(read: reader.progress.read, total: reader.progress.total, packets: reader.packetCount)
                }
                progress.finish()
                if summary.skippedRecords > 0 {
                    let first = summary.firstSkippedError.map { " (first: \($0))" } ?? ""
                    warn("skipped \(summary.skippedRecords) unreadable records\(first)")
                }
                summaries.append(summary)
            }
            switch report.format {
            case .json:
                writeStandardOutput(JSONValue.array(summaries.map(\.json)).pretty() + "\n")
            case .ndjson:
                writeStandardOutput(summaries.map { $0.json.rendered() + "\n" }.joined())
            case .csv, .table:
                if report.format == .table && summaries.count == 1 {
                    writeStandardOutput(summaries[0].text)
                    return
                }
                let columns = ["file", "format", "compression", "packets", "bytes", "first", "last",
                               "durationSeconds", "ordered"]
                writeStandardOutput(Report(columns: columns, rows: summaries.map(\.json)).rendered(report.format))
            }
        }
    }
}
