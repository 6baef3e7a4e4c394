import CaptureFile

/// `roamcap info` as a value.
public struct InfoRequest: Sendable {
    public var files: [String]
    public var keepGoing = false

    public init(files: [String], keepGoing: Bool = false) {
        self.files = files
        self.keepGoing = keepGoing
    }
}

/// What `runInfo` found: the summaries of the files read, and the errors of those that could
/// not be (reported after the others, exit 2).
public struct InfoOutcome: Sendable {
    public var summaries: [CaptureSummary] = []
    public var failures: [String] = []
    public var warnings: [String] = []

    /// `info --format json` (SPEC §5).
    public var json: JSONValue { .array(summaries.map(\.json)) }
}

/// `roamcap info`: each file's summary. A file that cannot be read stops the run (every file
/// is tried with `keepGoing`); the files before it are still reported. `progress` gets the
/// index of the file being read, and its reader.
public func runInfo(_ request: InfoRequest, progress: ((Int, CaptureReader) -> Void)? = nil,
                    finished: ((Int) -> Void)? = nil) -> InfoOutcome {
    var outcome = InfoOutcome()
    for (i, file) in request.files.enumerated() {
        let summary: CaptureSummary
        do {
            summary = try CaptureSummary.read(path: file, reading: ReadOptions(keepGoing: request.keepGoing)) { reader in progress?(i, reader) }
        } catch {
            finished?(i)
            outcome.failures.append("\(error)")
            if request.keepGoing { continue } else { break }
        }
        finished?(i)
        // A reader that ended at an unreadable record (in a process where readers end instead
        // of throwing, as verify's) failed the file, as it fails `info`.
        if !request.keepGoing && summary.skippedRecords == 0, let error = summary.firstSkippedError {
            outcome.failures.append("\(error)")
            break
        }
        outcome.warnings += PassStatistics(skippedRecords: summary.skippedRecords,
                                           skippedErrors: summary.firstSkippedError.map { [$0] } ?? []).warnings()
        outcome.summaries.append(summary)
    }
    return outcome
}
