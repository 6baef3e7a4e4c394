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
    public static func parse(_ text: String, file: String) throws(InputFileError) -> YAMLValue {
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
        guard let f = fopen(path, "rb") else {
            throw InputFileError(file: path, "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 64 << 20 { throw InputFileError(file: path, "file larger than 64 MiB") }
        }
        return try parse(String(decoding: bytes, as: UTF8.self), file: path)
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

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
