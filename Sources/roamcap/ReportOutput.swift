/// Where a command's report goes: standard output, unless a trace or log is streamed there
/// (`-o -`, `--decisions -`), in which case standard output carries that stream alone and the
/// report goes to standard error (SPEC §5, stdout purity).
struct ReportDestination {
    /// True when some output of the command is standard output.
    let standardOutputIsTaken: Bool

    init(streams: [String?]) {
        standardOutputIsTaken = streams.contains { $0 == "-" }
    }

    func write(_ text: String) {
        if standardOutputIsTaken { writeStandardError(text) } else { writeStandardOutput(text) }
    }
}
