import CaptureFile

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

    /// The report in `format`; the human table laid out by `layout` (width, relative times),
    /// dropping the least important columns first (`importance`: most important first; columns
    /// not named there go before them, rightmost first).
    public func rendered(_ format: ReportFormat, layout: TableLayout, importance: [String] = []) -> String {
        guard format == .table else { return rendered(format) }
        return TextTable(header: columns, rows: rows.map { row in columns.map { Report.cellText(row, $0) } })
            .rendered(layout: layout, importance: importance)
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
        CSV.field(s)
    }
}

/// How a human table is laid out (SPEC §5): fit to a width (the terminal's, 80 columns when
/// standard output is not a terminal; nil: every column, `--wide`), times in seconds after the
/// first packet (`--relative`) or absolute.
public struct TableLayout: Sendable {
    public var width: Int?
    /// Times (RFC 3339 words in any cell) are shown as seconds after this.
    public var relativeTo: Timestamp?

    public init(width: Int? = 80, relativeTo: Timestamp? = nil) {
        self.width = width
        self.relativeTo = relativeTo
    }

    /// Every column, absolute times: what tables looked like before layouts.
    public static let wide = TableLayout(width: nil)

    /// `text` with every RFC 3339 word replaced by the seconds after `relativeTo`.
    public func time(_ text: String) -> String {
        guard let reference = relativeTo, text.contains("Z") else { return text }
        var changed = false
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            guard word.count >= 20, word.last == "Z", let t = Timestamp(rfc3339: String(word)) else { return word }
            changed = true
            return Substring(secondsText(t.nanoseconds(since: reference)))
        }
        return changed ? words.joined(separator: " ") : text
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

    /// The table fitted to `layout`: times made relative, then the least important columns
    /// left out until the lines fit (at least two columns stay; cells of the widest are then
    /// cut with "…"); a last line names the columns left out.
    public func rendered(layout: TableLayout, importance: [String] = []) -> String {
        var table = self
        if layout.relativeTo != nil { table.rows = rows.map { $0.map(layout.time) } }
        guard let width = layout.width else { return table.rendered() }
        func widths(_ t: TextTable) -> [Int] {
            var w = t.header.map(\.count)
            for row in t.rows { for (i, cell) in row.enumerated() where i < w.count { w[i] = max(w[i], cell.count) } }
            return w
        }
        func lineWidth(_ w: [Int]) -> Int { w.reduce(0, +) + 2 * max(0, w.count - 1) }
        // Least important first: unnamed columns from the right, then the named ones from the last.
        let unnamed = header.indices.reversed().filter { !importance.contains(header[$0]) }
        let named = importance.reversed().compactMap { header.firstIndex(of: $0) }
        var keep = Array(header.indices)
        var dropped: [String] = []
        for index in unnamed + named {
            let kept = TextTable(header: keep.map { table.header[$0] }, rows: table.rows.map { row in keep.map { row[$0] } })
            if lineWidth(widths(kept)) <= width || keep.count <= 2 { break }
            keep.removeAll { $0 == index }
            dropped.append(header[index])
        }
        var fitted = TextTable(header: keep.map { table.header[$0] }, rows: table.rows.map { row in keep.map { row[$0] } })
        var w = widths(fitted)
        while lineWidth(w) > width, let widest = w.indices.max(by: { w[$0] < w[$1] }), w[widest] > 4 {
            let target = max(4, w[widest] - (lineWidth(w) - width))
            for r in fitted.rows.indices where fitted.rows[r][widest].count > target {
                fitted.rows[r][widest] = String(fitted.rows[r][widest].prefix(target - 1)) + "…"
            }
            if fitted.header[widest].count > target { fitted.header[widest] = String(fitted.header[widest].prefix(target)) }
            w = widths(fitted)
        }
        var out = fitted.rendered()
        if !dropped.isEmpty {
            var note = "(--wide shows every column; left out:"
            for name in dropped.reversed() {
                if note.count + name.count + 3 > width { out += note + "\n"; note = " " }
                note += " " + name
            }
            out += note + ")\n"
        }
        return out
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
