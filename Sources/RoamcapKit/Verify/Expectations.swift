#if canImport(Glibc)
import Glibc
#endif
import Yams

/// A place in an input file, for diagnostics (`file:line:column`).
public struct SourcePosition: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    init(_ value: YAMLValue) {
        self.init(file: value.file, line: value.line, column: value.column)
    }

    public var description: String { "\(file):\(line):\(column)" }

    /// An error at this place.
    public func error(_ message: String) -> InputFileError {
        InputFileError(file: file, line: line, column: column, message)
    }
}

/// An expectations file (SPEC §6): the traces, the topology and the checks to run on them.
///
///     traces: [trace.pcapng]            # relative to this file
///     topology: topology.yaml           # optional, relative to this file
///     checks:
///       - name: "flood loses nothing"
///         run: simulate                  # info | tables | simulate | flows | rewrite
///         with: { policy: flood }        # that command's options by long name
///         expect:
///           - { path: "$.policies[0].migrations[*].lostFrames", max: 0 }
public struct Expectations: Sendable {
    /// The file as named on the command line.
    public var file: String
    /// The directory the file's relative paths start from (absolute when loaded from a file).
    public var directory: String
    /// The traces the file names, resolved against `directory`, with where each is named.
    public var traces: [(path: String, position: SourcePosition)]
    /// The topology, resolved against `directory`.
    public var topology: (path: String, position: SourcePosition)?
    public var checks: [Check]

    /// The commands a check may run.
    public static let commands = ["info", "tables", "simulate", "flows", "rewrite"]

    /// Reads and checks an expectations file; every mistake is an error naming its line and
    /// column. With `replacingTraces` (the command line's inputs), the file's traces are neither
    /// needed nor checked.
    public static func load(path: String, replacingTraces: Bool = false) throws(InputFileError) -> Expectations {
        let root = try YAMLValue.load(path: path)
        var directory = "."
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
        }
        if let resolved = realpath(directory, nil) {
            directory = String(cString: resolved)
            free(resolved)
        }
        return try parse(root, file: path, directory: directory, replacingTraces: replacingTraces)
    }

    /// Parses expectations from YAML text (for tests); relative paths start from `directory`.
    public static func parse(_ text: String, file: String, directory: String,
                             replacingTraces: Bool = false) throws(InputFileError) -> Expectations {
        try parse(try YAMLValue.parse(text, file: file), file: file, directory: directory,
                  replacingTraces: replacingTraces)
    }

    static func parse(_ root: YAMLValue, file: String, directory: String,
                      replacingTraces: Bool) throws(InputFileError) -> Expectations {
        var expectations = Expectations(file: file, directory: directory, traces: [], topology: nil, checks: [])
        var sawChecks = false
        for (key, keyValue, value) in try root.mapping("an expectations file", allowed: ["traces", "topology", "checks"]) {
            switch key {
            case "traces":
                for item in try value.sequence("traces") {
                    let path = resolve(try item.string("a trace file name"), against: directory)
                    if !replacingTraces && access(path, R_OK) != 0 {
                        throw item.error("trace \(path): cannot read it: \(String(cString: strerror(errno)))")
                    }
                    expectations.traces.append((path, SourcePosition(item)))
                }
            case "topology":
                let path = resolve(try value.string("a topology file name"), against: directory)
                if access(path, R_OK) != 0 {
                    throw value.error("topology \(path): cannot read it: \(String(cString: strerror(errno)))")
                }
                expectations.topology = (path, SourcePosition(value))
            default:
                sawChecks = true
                let items = try value.sequence("checks")
                if items.isEmpty { throw keyValue.error("checks: the list is empty") }
                for item in items {
                    let check = try Check(item)
                    if let other = expectations.checks.first(where: { $0.name == check.name }) {
                        throw item.error("a second check named '\(check.name)' (the first is at line \(other.position.line))")
                    }
                    expectations.checks.append(check)
                }
            }
        }
        if !sawChecks { throw InputFileError(file: file, line: 1, column: 1, "an expectations file needs 'checks'") }
        if expectations.traces.isEmpty && !replacingTraces {
            throw InputFileError(file: file, line: 1, column: 1,
                                 "no traces: name them under 'traces' or give them on the command line")
        }
        return expectations
    }

    /// A path relative to the file's directory (canonical when it exists).
    static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") || directory == "." ? path : directory + "/" + path
        guard let resolved = realpath(joined, nil) else { return joined }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// One check: a command run with options, and the assertions on its JSON.
public struct Check: Sendable {
    public var name: String
    /// `info`, `tables`, `simulate`, `flows` or `rewrite`.
    public var run: String
    /// The command's options, in file order.
    public var options: [CheckOption]
    public var assertions: [Assertion]
    /// Where the check starts, where its `run` value and its `with` are.
    public var position: SourcePosition
    public var runPosition: SourcePosition
    public var withPosition: SourcePosition?

    init(_ node: YAMLValue) throws(InputFileError) {
        var name: String?, run: (String, SourcePosition)?, options: [CheckOption] = [], assertions: [Assertion] = []
        var withPosition: SourcePosition?
        var sawExpect = false
        for (key, _, value) in try node.mapping("a check", allowed: ["name", "run", "with", "expect"]) {
            switch key {
            case "name":
                name = try value.string("the check's name")
                if name!.isEmpty { throw value.error("a check's name cannot be empty") }
            case "run":
                let command = try value.string("a command")
                guard Expectations.commands.contains(command) else {
                    throw value.error("unknown run '\(command)', expected one of: \(Expectations.commands.joined(separator: ", "))")
                }
                run = (command, SourcePosition(value))
            case "with":
                withPosition = SourcePosition(value)
                for (option, keyValue, optionValue) in try value.mapping("the command's options") {
                    options.append(try CheckOption(name: option, key: keyValue, value: optionValue))
                }
            default:
                sawExpect = true
                for item in try value.sequence("assertions") { assertions.append(try Assertion(item)) }
                if assertions.isEmpty { throw value.error("expect: the list of assertions is empty") }
            }
        }
        guard let name else { throw node.error("a check needs a name") }
        guard let run else { throw node.error("check '\(name)' needs 'run' (one of: \(Expectations.commands.joined(separator: ", ")))") }
        guard sawExpect else { throw node.error("check '\(name)' needs 'expect' (a list of assertions)") }
        self.name = name
        self.run = run.0
        self.options = options
        self.assertions = assertions
        self.position = SourcePosition(node)
        self.runPosition = run.1
        self.withPosition = withPosition
    }

    /// The command line options of `with`, in file order.
    public var arguments: [String] { options.flatMap(\.arguments) }
}

/// One entry of a check's `with`: an option by its long name and its values.
public struct CheckOption: Sendable {
    public enum Value: Sendable, Equatable {
        case text(String)
        /// `true` gives `--name`, `false` gives `--no-name`.
        case flag(Bool)
    }

    public var name: String
    public var values: [Value]
    public var position: SourcePosition

    init(name: String, key: YAMLValue, value: YAMLValue) throws(InputFileError) {
        guard !name.isEmpty, !name.hasPrefix("-"), !name.contains(" ") else {
            throw key.error("an option's long name without dashes, such as 'policy', not '\(name)'")
        }
        self.name = name
        position = SourcePosition(key)
        var values: [Value] = []
        let items: [YAMLValue]
        if case .sequence = value.node { items = try value.sequence("the values of --\(name)") } else { items = [value] }
        for item in items {
            guard case .scalar(let scalar) = item.node else {
                throw item.error("expected a value for --\(name) (a scalar, or a list of them for a repeatable option)")
            }
            if item.isNull { throw item.error("--\(name) needs a value (true for a flag)") }
            if scalar.style == .plain || scalar.style == .any, ["true", "false"].contains(scalar.string) {
                values.append(.flag(scalar.string == "true"))
            } else {
                values.append(.text(scalar.string))
            }
        }
        if values.isEmpty { throw value.error("--\(name) needs a value") }
        self.values = values
    }

    public var arguments: [String] {
        values.flatMap { value -> [String] in
            switch value {
            case .text(let text): return ["--\(name)", text]
            case .flag(true): return ["--\(name)"]
            case .flag(false): return ["--no-\(name)"]
            }
        }
    }
}

/// One assertion of a check: a JSONPath and what the values it selects must satisfy.
public struct Assertion: Sendable {
    public enum Count: Sendable, Equatable {
        case exactly(Int)
        case range(min: Int?, max: Int?)
    }

    public var path: JSONPath
    /// Every selected value equals this.
    public var equals: JSONValue?
    /// Every selected value is at least / at most this (numbers; strings compare by code point).
    public var minimum: JSONValue?
    public var maximum: JSONValue?
    /// How many values the path selects.
    public var count: Count?
    /// Whether the path selects anything.
    public var exists: Bool?
    /// Some selected value has these members (nested objects compared the same way).
    public var contains: JSONValue?
    public var position: SourcePosition

    static let keys = ["path", "equals", "min", "max", "count", "exists", "contains"]

    init(_ node: YAMLValue) throws(InputFileError) {
        position = SourcePosition(node)
        var path: JSONPath?
        for (key, _, value) in try node.mapping("an assertion", allowed: Self.keys) {
            switch key {
            case "path":
                let text = try value.string("a JSONPath query")
                do {
                    path = try JSONPath(text)
                } catch {
                    var column = value.column + error.column - 1
                    if case .scalar(let s) = value.node, s.style == .singleQuoted || s.style == .doubleQuoted { column += 1 }
                    throw InputFileError(file: value.file, line: value.line, column: column,
                                         "invalid JSONPath '\(text)': \(error.message) (column \(error.column) of the path)")
                }
            case "equals": equals = try Self.json(value)
            case "min", "max":
                let bound = try Self.json(value)
                switch bound {
                case .int, .double, .string: break
                default: throw value.error("\(key) must be a number (or a string, compared by code point)")
                }
                if key == "min" { minimum = bound } else { maximum = bound }
            case "count":
                if case .mapping = value.node {
                    var low: Int?, high: Int?
                    for (bound, _, n) in try value.mapping("a count range", allowed: ["min", "max"]) {
                        let v = Int(try n.integer("a count", in: 0...Int64(Int32.max)))
                        if bound == "min" { low = v } else { high = v }
                    }
                    if low == nil && high == nil { throw value.error("a count range needs min, max or both") }
                    if let low, let high, low > high { throw value.error("count: min \(low) is more than max \(high)") }
                    count = .range(min: low, max: high)
                } else {
                    count = .exactly(Int(try value.integer("a count (or {min, max})", in: 0...Int64(Int32.max))))
                }
            case "exists": exists = try value.boolean("exists")
            default:
                contains = try Self.json(value)
                guard case .object = contains! else { throw value.error("contains must be a mapping (the members some value has)") }
            }
        }
        guard let path else { throw node.error("an assertion needs a path (a JSONPath query)") }
        if equals == nil && minimum == nil && maximum == nil && count == nil && exists == nil && contains == nil {
            throw node.error("an assertion needs at least one of: equals, min, max, count, exists, contains")
        }
        self.path = path
    }

    /// A YAML value as JSON: quoted scalars are strings; plain ones may be null, booleans or
    /// numbers (written as JSON writes them, so a MAC address stays a string).
    static func json(_ value: YAMLValue) throws(InputFileError) -> JSONValue {
        switch value.node {
        case .scalar(let s):
            guard s.style == .plain || s.style == .any else { return .string(s.string) }
            let text = s.string
            if value.isNull { return .null }
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            if let number = numberValue(text) { return number }
            return .string(text)
        case .sequence:
            var items: [JSONValue] = []
            for item in try value.sequence("a list") { items.append(try json(item)) }
            return .array(items)
        case .mapping:
            var members: [(String, JSONValue)] = []
            for (key, _, v) in try value.mapping("a mapping") { members.append((key, try json(v))) }
            return .object(members)
        }
    }

    /// A number as JSON writes it (RFC 8259 §6), else nil.
    static func numberValue(_ text: String) -> JSONValue? {
        guard case .int(let i)? = try? JSONValue.parse(text) else {
            if case .double(let d)? = try? JSONValue.parse(text) { return .double(d) }
            return nil
        }
        return .int(i)
    }

    /// What the assertion expects, in words: `count 1, equals "C"`.
    public var expectation: String {
        var parts: [String] = []
        switch count {
        case .exactly(let n)?: parts.append("count \(n)")
        case .range(let low?, let high?)?: parts.append("count \(low)..\(high)")
        case .range(let low?, nil)?: parts.append("count >= \(low)")
        case .range(nil, let high?)?: parts.append("count <= \(high)")
        case .range(nil, nil)?: break
        case nil: break
        }
        if let exists { parts.append(exists ? "exists" : "does not exist") }
        if let equals { parts.append("equals \(equals.rendered())") }
        if let minimum { parts.append("min \(minimum.rendered())") }
        if let maximum { parts.append("max \(maximum.rendered())") }
        if let contains { parts.append("contains \(contains.rendered())") }
        return parts.joined(separator: ", ")
    }
}
