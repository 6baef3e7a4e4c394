/// The results as roamcap's report formats: a table (check, result, expected, found; one row
/// per assertion; the paths are in the failure lines below it), JSON, NDJSON (one check a line)
/// or CSV (with the path).
public enum VerifyReport {
    public static let columns = ["check", "result", "expected", "found"]
    public static let csvColumns = ["check", "result", "path", "expected", "found"]

    /// One row per assertion: the check's name and result on its first.
    public static func rows(_ outcome: VerifyOutcome) -> [JSONValue] {
        var rows: [JSONValue] = []
        for result in outcome.results {
            for (i, assertion) in result.assertions.enumerated() {
                let found = assertion.foundText + (assertion.problems.isEmpty ? "" : " (" + assertion.problems.joined(separator: "; ") + ")")
                rows.append(.object([
                    ("check", .string(i == 0 ? result.check.name : "")),
                    ("result", .string(assertion.passed ? "pass" : "FAIL")),
                    ("path", .string(assertion.assertion.path.text)),
                    ("expected", .string(assertion.assertion.expectation)),
                    ("found", .string(found)),
                ]))
            }
        }
        return rows
    }

    /// The table, fitted to `width` columns (nil: every cell in full) by cutting the check,
    /// expected and found cells, then every failure in full with its place in the file, then
    /// one summary line: `…: 4 checks: 3 passed, 1 failed`.
    public static func table(_ outcome: VerifyOutcome, width: Int? = nil) -> String {
        var cells = rows(outcome).map { row in columns.map { Report.cellText(row, $0) } }
        if let width {
            // Column widths: result and the gaps are fixed; check, expected and found share the
            // rest (40%, 25%, 35%), any share a column does not need going to the others.
            let fixed = 6 + 2 * 3
            var available = max(width - fixed, 30)
            let needs = [0, 2, 3].map { c in cells.reduce(columns[c].count) { max($0, $1[c].count) } }
            var limits = [0, 0, 0]
            let shares = [0.4, 0.25, 0.35]
            var order = [0, 1, 2].sorted { Double(needs[$0]) / shares[$0] < Double(needs[$1]) / shares[$1] }
            var shareLeft = 1.0
            while let i = order.first {
                order.removeFirst()
                let limit = min(needs[i], Int(Double(available) * shares[i] / shareLeft))
                limits[i] = max(limit, 8)
                available -= limits[i]
                shareLeft -= shares[i]
            }
            for r in cells.indices {
                for (k, c) in [0, 2, 3].enumerated() where cells[r][c].count > limits[k] {
                    cells[r][c] = String(cells[r][c].prefix(limits[k] - 1)) + "…"
                }
            }
        }
        var out = TextTable(header: columns, rows: cells).rendered()
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

    /// `verify --verbose`: the runs and the passes they made over the traces, with their times.
    public static func passes(_ outcome: VerifyOutcome) -> String {
        let plan = outcome.plan
        func seconds(_ value: Double) -> String {
            let tenths = Int((value * 10).rounded())
            return "\(tenths / 10).\(tenths % 10)"
        }
        let passes = outcome.runPasses ?? plan.runs.map(\.passes)
        var text = "verify: \(plan.expectations.checks.count) checks in \(plan.runs.count) runs, "
            + "\(passes.reduce(0, +)) passes over the traces (the most demanding command alone: "
            + "\(plan.runs.map(\.passes).max() ?? 0)), \(seconds(outcome.seconds)) s\n"
        for (i, (run, time)) in zip(plan.runs, outcome.runSeconds).enumerated() {
            let n = passes[i]
            let reads = n == 0 ? "passes shared with another run" : "\(n) pass\(n == 1 ? "" : "es")"
            text += "verify:   \(run.commandLine): \(run.checks.count) check\(run.checks.count == 1 ? "" : "s"), "
                + "\(reads), \(seconds(time)) s\n"
        }
        return text
    }

    /// - Parameter width: the table's width (nil: every cell in full).
    public static func rendered(_ outcome: VerifyOutcome, format: ReportFormat, width: Int? = nil) -> String {
        switch format {
        case .table: return table(outcome, width: width)
        case .json: return json(outcome).pretty() + "\n"
        case .ndjson: return outcome.results.map { json($0).rendered() + "\n" }.joined()
        case .csv: return Report(columns: csvColumns, rows: rows(outcome)).rendered(.csv)
        }
    }
}
