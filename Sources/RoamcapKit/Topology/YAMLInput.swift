#if canImport(Glibc)
import Glibc
#endif
import Yams

/// An error in an input file (topology, scenario): the file, the line and column (1-based; 0
/// when the whole file is at fault) and what was expected.
public struct InputFileError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int = 0, column: Int = 0, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, as compilers print it.
    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}

/// Errors in a topology file.
public typealias TopologyError = InputFileError
/// Errors in a synth scenario file.
public typealias ScenarioError = InputFileError

/// A YAML node with the file it came from, and typed readers whose errors name the line, the
/// column and what was expected.
public struct YAMLValue {
    public let node: Node
    public let file: String

    init(_ node: Node, file: String) {
        self.node = node
        self.file = file
    }

    /// Parses YAML text (the whole document must be one node; an empty document is an empty mapping).
    ///
    /// The text is checked against `YAMLLimits` first: the YAML library composes recursively, so
    /// a deeply nested document would otherwise overflow the stack.
    public static func parse(_ text: String, file: String) throws(InputFileError) -> YAMLValue {
        try YAMLLimits.check(text, file: file)
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return YAMLValue(Node([(Node, Node)]()), file: file)
            }
            return YAMLValue(node, file: file)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                 .composer(_, let problem, let mark, _):
                throw InputFileError(file: file, line: mark.line, column: mark.column, "invalid YAML: \(problem)")
            default:
                throw InputFileError(file: file, "invalid YAML: \(error)")
            }
        } catch {
            throw InputFileError(file: file, "invalid YAML: \(error)")
        }
    }

    /// Reads a file and parses it.
    public static func load(path: String) throws(InputFileError) -> YAMLValue {
        try parse(readText(path: path), file: path)
    }

    /// Reads a text file of at most `YAMLLimits.maximumBytes`: an empty file, one that is not
    /// UTF-8 (the position of the first bad byte) or a larger one is an error.
    public static func readText(path: String, what: String = "YAML") throws(InputFileError) -> String {
        guard let f = fopen(path, "rb") else {
            throw InputFileError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 {
                if ferror(f) != 0 {
                    throw InputFileError(file: path, "cannot read at byte \(bytes.count): \(String(cString: strerror(errno)))")
                }
                break
            }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > YAMLLimits.maximumBytes {
                throw InputFileError(file: path, "file larger than the limit of \(YAMLLimits.maximumBytes >> 20) MiB for \(what) input")
            }
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            throw InputFileError(file: path, line: 1, column: 1, "empty file: expected \(what) content")
        }
        if let bad = YAMLLimits.firstInvalidUTF8(bytes) {
            throw InputFileError(file: path, line: bad.line, column: bad.column,
                                 "not UTF-8 text (byte 0x\(String(bytes[bad.offset], radix: 16)) at offset \(bad.offset))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the node is an empty or null scalar (`key:` with nothing after it, `~`, `null`).
    public var isNull: Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        return s.string.isEmpty || s.string == "~" || s.string == "null"
    }

    public var line: Int { node.mark?.line ?? 0 }
    public var column: Int { node.mark?.column ?? 0 }

    /// An error located at this node.
    public func error(_ message: String) -> InputFileError {
        InputFileError(file: file, line: line, column: column, message)
    }

    private var kindName: String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "an empty value" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// The entries of a mapping, in file order, refusing keys not in `allowed` (when given).
    public func mapping(_ what: String, allowed: [String]? = nil) throws(InputFileError) -> [(key: String, keyValue: YAMLValue, value: YAMLValue)] {
        if isNull { return [] }
        guard case .mapping(let mapping) = node else {
            throw error("expected \(what) (a mapping), found \(kindName)")
        }
        var out: [(key: String, keyValue: YAMLValue, value: YAMLValue)] = []
        for (key, value) in mapping {
            let keyValue = YAMLValue(key, file: file)
            guard case .scalar(let scalar) = key else { throw keyValue.error("expected a key in \(what)") }
            if let allowed, !allowed.contains(scalar.string) {
                throw keyValue.error("unknown key '\(scalar.string)' in \(what), expected one of: \(allowed.joined(separator: ", "))")
            }
            if out.contains(where: { $0.key == scalar.string }) {
                throw keyValue.error("duplicate key '\(scalar.string)' in \(what)")
            }
            out.append((scalar.string, keyValue, YAMLValue(value, file: file)))
        }
        return out
    }

    /// The items of a list (a single scalar counts as a list of one).
    public func sequence(_ what: String) throws(InputFileError) -> [YAMLValue] {
        switch node {
        case .sequence(let seq): return seq.map { YAMLValue($0, file: file) }
        case .scalar where isNull: return []
        case .scalar: return [self]
        case .mapping: throw error("expected \(what) (a list), found a mapping")
        }
    }

    /// A scalar's text.
    public func string(_ what: String) throws(InputFileError) -> String {
        guard case .scalar(let s) = node else { throw error("expected \(what), found \(kindName)") }
        return s.string
    }

    /// A whole number in `range`.
    public func integer(_ what: String, in range: ClosedRange<Int64>) throws(InputFileError) -> Int64 {
        let text = try string(what)
        guard let value = Int64(text), range.contains(value) else {
            throw error("expected \(what) (a whole number from \(range.lowerBound) to \(range.upperBound)), found '\(text)'")
        }
        return value
    }

    /// A duration or a time offset in nanoseconds: `2s`, `3.5s`, `250ms`, `1m`, or a number of seconds.
    public func duration(_ what: String, allowNegative: Bool = false) throws(InputFileError) -> Int64 {
        let text = try string(what).trimmingSpaces
        let value = parseDuration(text)
        guard let value, allowNegative || value >= 0 else {
            throw error("expected \(what) (a duration such as 2s, 3.5s, 250ms or 1m), found '\(text)'")
        }
        return value
    }

    /// A boolean (`true`/`false`, `yes`/`no`).
    public func boolean(_ what: String) throws(InputFileError) -> Bool {
        switch try string(what).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected \(what) (true or false), found \(kindName)")
        }
    }
}

/// Explicit limits on YAML inputs (topology, scenario, migration table), checked before the
/// YAML library sees the text.
public enum YAMLLimits {
    /// The largest YAML file read: 16 MiB.
    public static let maximumBytes = 16 << 20
    /// The deepest nesting accepted: 64 levels (roamcap's schemas need fewer than 10), counted
    /// before the YAML library runs as open indentation levels plus `-`/`?` indicators on the
    /// line plus open flow brackets (`[`, `{`). The YAML library composes recursively: at
    /// about 5,000 levels it overflowed the stack.
    public static let maximumDepth = 64

    /// Throws when `text` nests deeper than `maximumDepth`, naming the line and column where
    /// the limit is passed.
    public static func check(_ text: String, file: String) throws(InputFileError) {
        if text.utf8.count > maximumBytes {
            throw InputFileError(file: file, "YAML text larger than the limit of \(maximumBytes >> 20) MiB")
        }
        var indents: [Int] = []          // indentation columns of the open block levels
        var flowDepth = 0
        var line = 1
        var blockScalarIndent: Int? = nil  // inside a `|`/`>` scalar: lines indented more than this
        var utf8 = Array(text.utf8)
        utf8.append(0x0A)
        var i = 0
        while i < utf8.count {
            // One line: [i, end).
            var end = i
            while utf8[end] != 0x0A { end += 1 }
            var indent = 0
            while i + indent < end && utf8[i + indent] == 0x20 { indent += 1 }
            let blank = i + indent == end || utf8[i + indent] == 0x23 || utf8[i + indent] == 0x0D
            if let scalarIndent = blockScalarIndent {
                if blank || indent > scalarIndent { i = end + 1; line += 1; continue }
                blockScalarIndent = nil
            }
            if blank && flowDepth == 0 { i = end + 1; line += 1; continue }
            if flowDepth == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
            }
            var j = i + indent
            var lineDepth = indents.count
            var quote: UInt8 = 0
            var atTokenStart = true
            var lastNonSpace: UInt8 = 0
            while j < end {
                let c = utf8[j]
                if quote != 0 {
                    if c == quote {
                        if quote == 0x27, j + 1 < end, utf8[j + 1] == 0x27 { j += 2; continue }
                        quote = 0
                    } else if c == 0x5C && quote == 0x22 { j += 1 }
                } else {
                    switch c {
                    case 0x22 where atTokenStart, 0x27 where atTokenStart: quote = c
                    case 0x23 where j == i || utf8[j - 1] == 0x20 || utf8[j - 1] == 0x09: j = end; continue
                    case 0x5B, 0x7B: flowDepth += 1
                    case 0x5D, 0x7D: flowDepth = max(0, flowDepth - 1)
                    case 0x2D where atTokenStart && (j + 1 == end || utf8[j + 1] == 0x20),
                         0x3F where atTokenStart && (j + 1 == end || utf8[j + 1] == 0x20):
                        lineDepth += 1
                    default: break
                    }
                }
                if lineDepth + flowDepth > maximumDepth {
                    throw InputFileError(file: file, line: line, column: j - i + 1,
                                         "YAML nested deeper than the limit of \(maximumDepth) levels")
                }
                atTokenStart = quote == 0 && (c == 0x20 || c == 0x3A || c == 0x2C || c == 0x5B || c == 0x7B || c == 0x2D || c == 0x3F)
                if c != 0x20 && c != 0x0D { lastNonSpace = c }
                j += 1
            }
            if quote == 0 && flowDepth == 0 && (lastNonSpace == 0x7C || lastNonSpace == 0x3E) {
                blockScalarIndent = indent
            } else if quote == 0 && flowDepth == 0, let k = (i..<end).last(where: { utf8[$0] != 0x20 && utf8[$0] != 0x0D }),
                      k > i, (utf8[k - 1] == 0x7C || utf8[k - 1] == 0x3E) && (utf8[k] == 0x2D || utf8[k] == 0x2B || (utf8[k] >= 0x30 && utf8[k] <= 0x39)) {
                blockScalarIndent = indent
            }
            i = end + 1
            line += 1
        }
    }

    /// The offset, line and column (1-based, in bytes) of the first byte that is not valid UTF-8.
    public static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, line: Int, column: Int)? {
        var i = 0
        var line = 1
        var lineStart = 0
        while i < bytes.count {
            let b = bytes[i]
            var length = 0
            if b < 0x80 { length = 1 }
            else if b >= 0xC2 && b <= 0xDF { length = 2 }
            else if b >= 0xE0 && b <= 0xEF { length = 3 }
            else if b >= 0xF0 && b <= 0xF4 { length = 4 }
            var valid = length > 0 && i + length <= bytes.count
            if valid && length > 1 {
                for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { valid = false }
                if valid {
                    let b1 = bytes[i + 1]
                    if (b == 0xE0 && b1 < 0xA0) || (b == 0xED && b1 > 0x9F) || (b == 0xF0 && b1 < 0x90)
                        || (b == 0xF4 && b1 > 0x8F) { valid = false }
                }
            }
            if !valid { return (i, line, i - lineStart + 1) }
            if b == 0x0A { line += 1; lineStart = i + 1 }
            i += length
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
