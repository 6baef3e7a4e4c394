/// The results as roamcap's report formats: a table (check, result, expected, found; one row
/// per assertion), JSON, NDJSON (one check a line) or CSV.
public enum VerifyReport {
    public static let columns = ["check", "result", "expected", "found"]

    /// One row per assertion: the check's name and result on its first.
    public static func rows(_ outcome: VerifyOutcome) -> [JSONValue] {
        var rows: [JSONValue] = []
        for result in outcome.results {
            for (i, assertion) in result.assertions.enumerated() {
                let found = assertion.foundText + (assertion.problems.isEmpty ? "" : " (" + assertion.problems.joined(separator: "; ") + ")")
                rows.append(.object([
                    ("check", .string(i == 0 ? result.check.name : "")),
                    ("result", .string(assertion.passed ? "pass" : "FAIL")),
                    ("expected", .string("\(assertion.assertion.path) \(assertion.assertion.expectation)")),
                    ("found", .string(found)),
                ]))
            }
        }
        return rows
    }

    /// The table (cells cut at `cellWidth` characters unless `wide`), then every failure in
    /// full with its place in the file, then one summary line: `4 checks: 3 passed, 1 failed`.
    public static func table(_ outcome: VerifyOutcome, wide: Bool = false, cellWidth: Int = 60) -> String {
        func cut(_ text: String) -> String {
            wide || text.count <= cellWidth ? text : String(text.prefix(cellWidth - 1)) + "…"
        }
        var out = TextTable(header: columns, rows: rows(outcome).map { row in columns.map { cut(Report.cellText(row, $0)) } })
            .rendered()
        let failed = outcome.results.filter { !$0.passed }
        if !failed.isEmpty { out += "\n" }
        for result in failed {
            for assertion in result.assertions where !assertion.passed {
                out += "\(assertion.assertion.position): FAIL: check '\(result.check.name)': \(assertion.message)\n"
            }
        }
        return out + "\n" + summary(outcome) + "\n"
    }

    public static func summary(_ outcome: VerifyOutcome) -> String {
        let n = outcome.results.count
        return "\(outcome.plan.expectations.file): \(n) check\(n == 1 ? "" : "s"): "
            + "\(n - outcome.failedCount) passed, \(outcome.failedCount) failed"
    }

    /// One check as JSON: `{"name", "run", "with", "result", "time", "at", "assertions":
    /// [{"path", "expected", "result", "found", "count", "problems"}]}`.
    public static func json(_ result: CheckResult) -> JSONValue {
        let check = result.check
        let with = JSONValue.object(check.options.map { option in
            let values = option.values.map { value -> JSONValue in
                switch value {
                case .text(let t): return .string(t)
                case .flag(let b): return .bool(b)
                }
            }
            return (option.name, values.count == 1 ? values[0] : .array(values))
        })
        return .object([
            ("name", .string(check.name)),
            ("run", .string(check.run)),
            ("with", with),
            ("result", .string(result.passed ? "pass" : "fail")),
            ("time", .double((result.seconds * 1000).rounded() / 1000)),
            ("at", .string(check.position.description)),
            ("assertions", .array(result.assertions.map { a in
                .object([
                    ("path", .string(a.assertion.path.text)),
                    ("expected", .string(a.assertion.expectation)),
                    ("result", .string(a.passed ? "pass" : "fail")),
                    ("found", .array(a.found)),
                    ("count", .int(Int64(a.foundCount))),
                    ("problems", .array(a.problems.map { .string($0) })),
                ])
            })),
        ])
    }

    /// The whole outcome: `{"file", "checks", "passed", "failed", "runs", "passes", "time",
    /// "results": [...]}`.
    public static func json(_ outcome: VerifyOutcome) -> JSONValue {
        .object([
            ("file", .string(outcome.plan.expectations.file)),
            ("checks", .int(Int64(outcome.results.count))),
            ("passed", .int(Int64(outcome.results.count - outcome.failedCount))),
            ("failed", .int(Int64(outcome.failedCount))),
            ("runs", .int(Int64(outcome.plan.runs.count))),
            ("passes", .int(Int64(outcome.plan.passes))),
            ("time", .double((outcome.seconds * 1000).rounded() / 1000)),
            ("results", .array(outcome.results.map(json))),
        ])
    }

    public static func rendered(_ outcome: VerifyOutcome, format: ReportFormat, wide: Bool = false) -> String {
        switch format {
        case .table: return table(outcome, wide: wide)
        case .json: return json(outcome).pretty() + "\n"
        case .ndjson: return outcome.results.map { json($0).rendered() + "\n" }.joined()
        case .csv: return Report(columns: columns, rows: rows(outcome)).rendered(.csv)
        }
    }
}
