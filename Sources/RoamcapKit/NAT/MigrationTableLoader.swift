import CaptureFile
import Foundation
import PacketWire

/// One field of a static table's entry (a CSV field, a YAML scalar): its text and where it
/// starts — what a CSV field is.
public typealias MigrationField = CSV.Field

/// Reads migration entries from an NCS notification log (NDJSON) or a static table (CSV or YAML).
public enum MigrationTableLoader {
    /// NDJSON, one notification a line:
    /// `{"time": "2026-11-20T10:00:10Z", "vm": "web-1", "primary": "10.1.0.7", "new": "10.9.0.7"}`;
    /// `time` is RFC 3339 or seconds after the first packet; `"new": null` removes the entry.
    public static func loadNotifications(path: String) throws(MigrationInputError) -> [MigrationEntry] {
        let text = try readText(path)
        var entries: [MigrationEntry] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let lineNumber = n + 1
            // The column (1-based, in bytes) of a field's value in the raw line, else of the line's start.
            let indent = raw.utf8.count - raw.drop { $0 == " " || $0 == "\t" }.utf8.count
            func column(of key: String?) -> Int {
                guard let key, let r = raw.range(of: "\"\(key)\"") else { return indent + 1 }
                var at = r.upperBound
                while at < raw.endIndex, raw[at] == " " || raw[at] == ":" || raw[at] == "\t" { at = raw.index(after: at) }
                return raw.utf8.distance(from: raw.utf8.startIndex, to: at) + 1
            }
            func fail(_ message: String, key: String? = nil) -> MigrationInputError {
                MigrationInputError(file: path, line: lineNumber, column: column(of: key), message)
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw fail("expected a JSON object like {\"time\": \"…\", \"primary\": \"10.1.0.7\", \"new\": \"10.9.0.7\"}")
            }
            for key in object.keys where !["time", "vm", "primary", "new"].contains(key) {
                throw fail("unknown field \"\(key)\" (expected time, vm, primary, new)", key: key)
            }
            guard let timeValue = object["time"] else { throw fail("missing \"time\" (RFC 3339 or seconds)") }
            let time: TimeBound
            if let s = timeValue as? String, let t = TimeBound(s) {
                time = t
            } else if let number = timeValue as? NSNumber, !isJSONBoolean(number), let t = TimeBound(number.stringValue) {
                time = t
            } else {
                throw fail("\"time\" must be an RFC 3339 time or a number of seconds", key: "time")
            }
            guard let primaryText = object["primary"] as? String else { throw fail("missing \"primary\" IP address", key: "primary") }
            guard let primary = IPAddress(primaryText) else {
                throw fail("\"primary\": '\(primaryText)' is not an IP address", key: "primary")
            }
            let new: IPAddress?
            switch object["new"] {
            case nil: throw fail("missing \"new\" (an IP address, or null to remove the entry)")
            case is NSNull: new = nil
            case let s as String:
                guard let a = IPAddress(s) else { throw fail("\"new\": '\(s)' is not an IP address", key: "new") }
                new = a
            default: throw fail("\"new\" must be an IP address string or null", key: "new")
            }
            if let new, sameFamily(primary, new) == false {
                throw fail("\"primary\" and \"new\" must be the same IP version", key: "new")
            }
            let vm: String?
            switch object["vm"] {
            case nil, is NSNull: vm = nil
            case let s as String: vm = s
            default: throw fail("\"vm\" must be a string", key: "vm")
            }
            entries.append(MigrationEntry(vm: vm, primary: primary, new: new, from: time,
                                          origin: "\(baseName(path)):\(lineNumber)"))
        }
        return entries
    }

    /// A CSV table (RFC 4180: quoted fields may hold commas, quotes and line breaks; CRLF or LF)
    /// with a header naming its columns: primary, new, and optionally vm, from, until. Blank
    /// lines and lines starting with `#` are skipped; blanks around a field are not part of it.
    /// Errors name the line and column (in bytes) where the field in question starts.
    public static func loadCSV(path: String) throws(MigrationInputError) -> [MigrationEntry] {
        let text = try readText(path)
        var records: [[CSV.Field]]
        do {
            records = try CSV.records(text, comments: true)
        } catch {
            throw MigrationInputError(file: path, line: error.line, column: error.column, error.message)
        }
        records.removeAll { $0.count == 1 && $0[0].text.trimmingCharacters(in: .whitespaces).isEmpty }
        guard !records.isEmpty else { throw MigrationInputError(file: path, "empty table: expected a header line naming primary,new[,vm,from,until]") }
        let header = records.removeFirst()
        let columns = header.map { $0.text.trimmingCharacters(in: .whitespaces).lowercased() }
        for (i, c) in columns.enumerated() {
            guard ["vm", "primary", "new", "from", "until"].contains(c) else {
                throw MigrationInputError(file: path, line: header[i].line, column: header[i].column,
                                          "unknown column '\(c)' (expected vm, primary, new, from, until)")
            }
            guard !columns[..<i].contains(c) else {
                throw MigrationInputError(file: path, line: header[i].line, column: header[i].column, "column '\(c)' named twice")
            }
        }
        guard columns.contains("primary"), columns.contains("new") else {
            throw MigrationInputError(file: path, line: header[0].line, "the header must name the columns primary and new")
        }
        var entries: [MigrationEntry] = []
        for record in records {
            guard record.count == columns.count else {
                let extra = record.count > columns.count ? record[columns.count] : nil
                throw MigrationInputError(file: path, line: extra?.line ?? record[0].line, column: extra?.column,
                                          "expected \(columns.count) fields (\(columns.joined(separator: ","))), found \(record.count)")
            }
            var fields: [String: MigrationField] = [:]
            for (i, c) in columns.enumerated() {
                let field = record[i]
                fields[c] = MigrationField(text: field.text.trimmingCharacters(in: .whitespaces), line: field.line, column: field.column)
            }
            entries.append(try makeEntry(path: path, line: record[0].line, fields: fields))
        }
        return entries
    }

    /// Builds the entry of a table's record (a CSV record or a YAML item at `line`) from its
    /// text fields; an error names the line and column of the field in question.
    public static func makeEntry(path: String, line: Int, fields: [String: MigrationField]) throws(MigrationInputError) -> MigrationEntry {
        func fail(_ field: MigrationField?, _ message: String) -> MigrationInputError {
            MigrationInputError(file: path, line: field?.line ?? line, column: field?.column, message)
        }
        guard let primaryField = fields["primary"], !primaryField.text.isEmpty else {
            throw fail(nil, "missing primary IP address")
        }
        guard let primary = IPAddress(primaryField.text) else {
            throw fail(primaryField, "primary '\(primaryField.text)' is not an IP address")
        }
        guard let newField = fields["new"], !newField.text.isEmpty else { throw fail(nil, "missing new IP address") }
        guard let new = IPAddress(newField.text) else { throw fail(newField, "new '\(newField.text)' is not an IP address") }
        guard sameFamily(primary, new) else { throw fail(newField, "primary and new must be the same IP version") }
        func time(_ key: String) throws(MigrationInputError) -> TimeBound? {
            guard let field = fields[key], !field.text.isEmpty else { return nil }
            guard let t = TimeBound(field.text) else {
                throw fail(field, "\(key) '\(field.text)' is neither an RFC 3339 time nor seconds")
            }
            return t
        }
        let vm = fields["vm"].map(\.text).flatMap { $0.isEmpty ? nil : $0 }
        let from = try time("from")
        let until = try time("until")
        if let from, let until, let order = compare(until, from), order <= 0 {
            throw fail(fields["until"], "until '\(fields["until"]!.text)' is not after from '\(fields["from"]!.text)'")
        }
        return MigrationEntry(vm: vm, primary: primary, new: new, from: from, until: until,
                              origin: "\(baseName(path)):\(line)")
    }

    /// -1, 0 or 1 when two bounds are of the same kind (both absolute or both relative), else nil.
    static func compare(_ a: TimeBound, _ b: TimeBound) -> Int? {
        switch (a, b) {
        case (.absolute(let x), .absolute(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.relative(let x), .relative(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }

    /// Refuses entries that contradict each other: the same primary address sent to different
    /// new addresses from the same time, or while an earlier entry's explicit `until` still runs.
    /// (Without `until`, a later entry replaces an earlier one: that is a migration, not a conflict.)
    public static func checkConflicts(_ entries: [MigrationEntry]) throws(MigrationInputError) {
        var byPrimary: [IPAddress: [Int]] = [:]
        for (i, e) in entries.enumerated() { byPrimary[e.primary, default: []].append(i) }
        for (_, indices) in byPrimary where indices.count > 1 {
            for a in indices {
                for b in indices where b > a {
                    let x = entries[a], y = entries[b]
                    guard x.new != y.new else { continue }
                    let xFrom = x.from ?? .relative(nanoseconds: 0), yFrom = y.from ?? .relative(nanoseconds: 0)
                    var overlap = compare(xFrom, yFrom) == 0
                    if let until = x.until, let c1 = compare(xFrom, yFrom), let c2 = compare(yFrom, until), c1 <= 0, c2 < 0 { overlap = true }
                    if let until = y.until, let c1 = compare(yFrom, xFrom), let c2 = compare(xFrom, until), c1 <= 0, c2 < 0 { overlap = true }
                    if overlap {
                        let (file, line) = location(y.origin)
                        throw MigrationInputError(file: file, line: line, column: 1,
                            "conflicting entries for \(x.primary): \(x.origin) sends it to \(x.new.map { "\($0)" } ?? "nothing") "
                            + "and \(y.origin) to \(y.new.map { "\($0)" } ?? "nothing") at overlapping times")
                    }
                }
            }
        }
    }

    /// `file:line` of an origin.
    private static func location(_ origin: String) -> (String, Int?) {
        guard let colon = origin.lastIndex(of: ":"), let line = Int(origin[origin.index(after: colon)...]) else { return (origin, nil) }
        return (String(origin[..<colon]), line)
    }

    /// Whether a JSON number is really `true` or `false` (Foundation bridges both to NSNumber).
    static func isJSONBoolean(_ number: NSNumber) -> Bool {
        ObjectIdentifier(type(of: number)) == ObjectIdentifier(type(of: NSNumber(value: true)))
    }

    static func sameFamily(_ a: IPAddress, _ b: IPAddress) -> Bool {
        switch (a, b) {
        case (.v4, .v4), (.v6, .v6): return true
        default: return false
        }
    }

    /// The longest line accepted in a CSV or NDJSON table: 64 KiB.
    public static let maximumLineLength = 64 << 10

    /// Reads a table (at most `YAMLLimits.maximumBytes`, UTF-8, not empty, lines of at most
    /// `maximumLineLength` bytes); errors name the position.
    static func readText(_ path: String, what: String = "a migration table") throws(MigrationInputError) -> String {
        let text: String
        do {
            text = try YAMLValue.readText(path: path, what: what)
        } catch {
            throw MigrationInputError(file: error.file, line: error.line > 0 ? error.line : nil,
                                      column: error.line > 0 ? error.column : nil, error.message)
        }
        var line = 1
        var length = 0
        for byte in text.utf8 {
            if byte == 0x0A { line += 1; length = 0; continue }
            length += 1
            if length > maximumLineLength {
                throw MigrationInputError(file: path, line: line, column: maximumLineLength + 1,
                                          "line longer than the limit of \(maximumLineLength >> 10) KiB")
            }
        }
        return text
    }
}
