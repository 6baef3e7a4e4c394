// `roamcap synth`'s report: the moves of the trace, as `tables` must report them.

extension SynthOutcome {
    /// The moves in `format` (the table gives the trace's counts first); nil when the trace
    /// went to standard output.
    public func rendered(_ format: ReportFormat) -> String? {
        guard let moves else { return nil }
        switch format {
        case .json:
            return JSONValue.array(moves.map { $0.json(result.topology) }).pretty() + "\n"
        case .ndjson:
            return moves.map { $0.json(result.topology).rendered() + "\n" }.joined()
        case .csv, .table:
            let heading = format == .table ? "\(output): \(result.packets) packets, \(result.expected.count) moves\n" : ""
            return heading + Report(columns: TableEvent.flatColumns, rows: moves.map { $0.flatJSON(result.topology) })
                .rendered(format)
        }
    }
}
