/// How a report command prints: a human table, or machine formats.
public enum ReportFormat: String, CaseIterable, Sendable {
    case table, json, ndjson, csv
}

/// A report as rows of named columns, renderable in every `ReportFormat`.
public struct Report: Sendable {
    public var columns: [String]
    /// One JSON object per row; the table and CSV show the `columns` fields.
    public var rows: [JSONValue]

    public init(columns: [String], rows: [JSONValue]) {
        self.columns = columns
        self.rows = rows
    }

    public func rendered(_ format: ReportFormat) -> String {
        switch format {
        case .json: return JSONValue.array(rows).pretty() + "\n"
        case .ndjson: return rows.map { $0.rendered() + "\n" }.joined()
        case .csv:
            var out = columns.map(Report.csvField).joined(separator: ",") + "\n"
            for row in rows {
                out += columns.map { Report.csvField(Report.cellText(row, $0)) }.joined(separator: ",") + "\n"
            }
            return out
        case .table:
            return TextTable(header: columns, rows: rows.map { row in columns.map { Report.cellText(row, $0) } })
                .rendered()
        }
    }

    static func cellText(_ row: JSONValue, _ column: String) -> String {
        guard case .object(let fields) = row, let value = fields.first(where: { $0.0 == column })?.1 else {
            return ""
        }
        switch value {
        case .null: return "-"
        case .string(let s): return s
        default: return value.rendered()
        }
    }

    static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}

/// A plain-text table with aligned columns.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public func rendered() -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, cell) in cells.enumerated() {
                let isLast = i == cells.count - 1
                out += isLast ? cell : cell + String(repeating: " ", count: widths[i] - cell.count + 2)
            }
            return out + "\n"
        }
        var out = line(header)
        out += line(widths.map { String(repeating: "-", count: $0) })
        for row in rows { out += line(row) }
        return out
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
