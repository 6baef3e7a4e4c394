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

        func run() throws {
            var summaries: [CaptureSummary] = []
            // A file that cannot be read: the files before it (all the others with --keep-going)
            // are still reported, then the error, exit 2.
            var failures: [String] = []
            for file in files {
                let progress = ProgressLine(label: file)
                let summary: CaptureSummary
                do {
                    summary = try CaptureSummary.read(path: file, reading: ReadOptions(keepGoing: keepGoing)) { reader in
                        progress.update(read: reader.progress.read, total: reader.progress.total, packets: reader.packetCount)
                    }
                } catch {
                    progress.finish()
                    failures.append("\(error)")
                    if keepGoing { continue } else { break }
                }
                progress.finish()
                if summary.skippedRecords > 0 {
                    let first = summary.firstSkippedError.map { " (first: \($0))" } ?? ""
                    warn("skipped \(summary.skippedRecords) unreadable records\(first)")
                }
                summaries.append(summary)
            }
            defer {
                if !failures.isEmpty {
                    for failure in failures.dropLast() { writeStandardError("roamcap: error: \(failure)\n") }
                    Roamcap.fail(failures.last!)
                }
            }
            if summaries.isEmpty && !failures.isEmpty { return }
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
