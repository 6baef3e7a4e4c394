/// A JSONPath query (RFC 9535) that selects values from a JSON document.
///
/// All of RFC 9535: the root `$`, child segments (`.name`, `.*`, `[selectors]`),
/// descendant segments (`..name`, `..*`, `..[selectors]`), and the selectors name (`'a'`, `"a"`,
/// with every escape of §2.3.1.1), wildcard, index (negative from the end), slice
/// (`start:end:step`) and filter (`?` with `==`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||`, `!`,
/// parentheses, existence tests, `@` and `$` queries and the literals of §2.3.5.1), and the
/// function extensions of §2.4 (`length()`, `count()`, `value()`, `match()` and `search()`, the
/// last two with I-Regexp patterns run by Swift's regex engine). Parsing is strict: what the
/// RFC's grammar or its typing rules do not accept is an error naming the column.
public struct JSONPath: Sendable, CustomStringConvertible {
    /// The query as written.
    public let text: String
    let query: PathQuery

    public init(_ text: String) throws(JSONPathError) {
        self.text = text
        var parser = JSONPathParser(text)
        query = try parser.parseWholeQuery()
    }

    public var description: String { text }

    /// The values the query selects from `document`, in the order of RFC 9535 (document order;
    /// descendants in pre-order).
    public func select(_ document: JSONValue) -> [JSONValue] {
        query.evaluate(current: document, root: document)
    }
}

/// A JSONPath syntax error: the column (1-based, in Unicode scalars) and what was expected.
public struct JSONPathError: Error, CustomStringConvertible, Sendable, Equatable {
    public var column: Int
    public var message: String

    public init(column: Int, _ message: String) {
        self.column = column
        self.message = message
    }

    public var description: String { "column \(column): \(message)" }
}

// MARK: - The query tree

struct PathQuery: Sendable {
    /// `@` (relative to the current node) or `$` (the root).
    var relative: Bool
    var segments: [PathSegment]

    /// A singular query (RFC 9535 §2.3.5.1): only name and index segments, in their short forms.
    var isSingular: Bool { segments.allSatisfy(\.isSingularForm) }

    func evaluate(current: JSONValue, root: JSONValue) -> [JSONValue] {
        var nodes = [relative ? current : root]
        for segment in segments {
            var next: [JSONValue] = []
            for node in nodes { segment.apply(to: node, root: root, into: &next) }
            nodes = next
            if nodes.isEmpty { break }
        }
        return nodes
    }
}

struct PathSegment: Sendable {
    var descendant: Bool
    var selectors: [PathSelector]
    /// Written as `.name`, `['name']` or `[index]`, with no blank space: may be part of a
    /// singular query.
    var isSingularForm: Bool

    func apply(to node: JSONValue, root: JSONValue, into out: inout [JSONValue]) {
        for selector in selectors { selector.apply(to: node, root: root, into: &out) }
        guard descendant else { return }
        switch node {
        case .array(let items): for item in items { apply(to: item, root: root, into: &out) }
        case .object(let members): for (_, value) in members { apply(to: value, root: root, into: &out) }
        default: break
        }
    }
}

enum PathSelector: Sendable {
    case name(String)
    case wildcard
    case index(Int)
    case slice(start: Int?, end: Int?, step: Int?)
    case filter(PathFilter)

    func apply(to node: JSONValue, root: JSONValue, into out: inout [JSONValue]) {
        switch self {
        case .name(let name):
            guard case .object(let members) = node else { return }
            if let member = members.first(where: { $0.0.unicodeScalars.elementsEqual(name.unicodeScalars) }) {
                out.append(member.1)
            }
        case .wildcard:
            switch node {
            case .array(let items): out.append(contentsOf: items)
            case .object(let members): out.append(contentsOf: members.map(\.1))
            default: break
            }
        case .index(let index):
            guard case .array(let items) = node else { return }
            let i = index < 0 ? items.count + index : index
            if i >= 0 && i < items.count { out.append(items[i]) }
        case .slice(let start, let end, let step):
            guard case .array(let items) = node else { return }
            for i in PathSelector.sliceIndices(count: items.count, start: start, end: end, step: step ?? 1) {
                out.append(items[i])
            }
        case .filter(let expression):
            switch node {
            case .array(let items):
                for item in items where expression.holds(current: item, root: root) { out.append(item) }
            case .object(let members):
                for (_, value) in members where expression.holds(current: value, root: root) { out.append(value) }
            default: break
            }
        }
    }

    /// The indices an array slice selects (RFC 9535 §2.3.4.2.2).
    static func sliceIndices(count: Int, start: Int?, end: Int?, step: Int) -> [Int] {
        guard step != 0 else { return [] }
        func normalize(_ i: Int) -> Int { i >= 0 ? i : count + i }
        var indices: [Int] = []
        if step > 0 {
            let lower = min(max(normalize(start ?? 0), 0), count)
            let upper = min(max(normalize(end ?? count), 0), count)
            var i = lower
            while i < upper { indices.append(i); i += step }
        } else {
            let upper = min(max(start.map(normalize) ?? count - 1, -1), count - 1)
            let lower = min(max(end.map(normalize) ?? -1, -1), count - 1)
            var i = upper
            while lower < i { indices.append(i); i += step }
        }
        return indices
    }
}

enum PathComparison: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
}

indirect enum PathComparable: Sendable {
    case literal(JSONValue)
    case query(PathQuery)
    /// A function that returns a value: length(), count() or value().
    case function(PathFunction)

    /// The value compared, or nil for "Nothing" (a singular query that selects no node).
    func value(current: JSONValue, root: JSONValue) -> JSONValue? {
        switch self {
        case .literal(let v): return v
        case .query(let q): return q.evaluate(current: current, root: root).first
        case .function(let f): return f.value(current: current, root: root)
        }
    }
}

/// A function extension of RFC 9535 §2.4: length(), count(), value(), match(), search().
struct PathFunction: Sendable {
    enum Name: String, Sendable, CaseIterable {
        case length, count, match, search, value
    }

    enum Argument: Sendable {
        /// A ValueType argument: a literal, a singular query or a function returning a value.
        case value(PathComparable)
        /// A NodesType argument: any filter query.
        case nodes(PathQuery)
    }

    var name: Name
    var arguments: [Argument]

    /// match() and search() return LogicalType; the others ValueType.
    var isLogical: Bool { name == .match || name == .search }

    /// The parameter types of each function: true for ValueType, false for NodesType.
    static func parameters(_ name: Name) -> [Bool] {
        switch name {
        case .length: return [true]
        case .count, .value: return [false]
        case .match, .search: return [true, true]
        }
    }

    func argumentValue(_ i: Int, current: JSONValue, root: JSONValue) -> JSONValue? {
        guard case .value(let c) = arguments[i] else { return nil }
        return c.value(current: current, root: root)
    }

    func argumentNodes(_ i: Int, current: JSONValue, root: JSONValue) -> [JSONValue] {
        guard case .nodes(let q) = arguments[i] else { return [] }
        return q.evaluate(current: current, root: root)
    }

    /// The value of length(), count() or value(); nil is Nothing.
    func value(current: JSONValue, root: JSONValue) -> JSONValue? {
        switch name {
        case .length:
            switch argumentValue(0, current: current, root: root) {
            case .string(let s)?: return .int(Int64(s.unicodeScalars.count))
            case .array(let items)?: return .int(Int64(items.count))
            case .object(let members)?: return .int(Int64(members.count))
            default: return nil
            }
        case .count: return .int(Int64(argumentNodes(0, current: current, root: root).count))
        case .value:
            let nodes = argumentNodes(0, current: current, root: root)
            return nodes.count == 1 ? nodes[0] : nil
        case .match, .search: return nil
        }
    }

    /// Whether match() or search() holds: the string matches the I-Regexp (RFC 9485) whole, or
    /// somewhere; false when either argument is not a string or the pattern does not compile.
    func holds(current: JSONValue, root: JSONValue) -> Bool {
        guard case .string(let text)? = argumentValue(0, current: current, root: root),
              case .string(let pattern)? = argumentValue(1, current: current, root: root),
              let regex = try? Regex(PathFunction.translate(pattern)).matchingSemantics(.unicodeScalar) else {
            return false
        }
        switch name {
        case .match: return (try? regex.wholeMatch(in: text)) != nil
        case .search: return (try? regex.firstMatch(in: text)) != nil
        default: return false
        }
    }

    /// An I-Regexp as a Swift regex: `.` outside a character class matches any character but
    /// line feed and carriage return (RFC 9485 §5.3); the rest is read as written.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var inClass = false
        var escaped = false
        for c in pattern.unicodeScalars {
            if escaped {
                out.unicodeScalars.append(c)
                escaped = false
                continue
            }
            switch c {
            case "\\": escaped = true; out += "\\"
            case "[" where !inClass: inClass = true; out += "["
            case "]" where inClass: inClass = false; out += "]"
            case "." where !inClass: out += "[^\\n\\r]"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

indirect enum PathFilter: Sendable {
    case or([PathFilter])
    case and([PathFilter])
    case not(PathFilter)
    /// An existence test: the query selects at least one node.
    case test(PathQuery)
    /// match() or search().
    case function(PathFunction)
    case comparison(PathComparable, PathComparison, PathComparable)

    func holds(current: JSONValue, root: JSONValue) -> Bool {
        switch self {
        case .or(let terms): return terms.contains { $0.holds(current: current, root: root) }
        case .and(let terms): return terms.allSatisfy { $0.holds(current: current, root: root) }
        case .not(let e): return !e.holds(current: current, root: root)
        case .test(let q): return !q.evaluate(current: current, root: root).isEmpty
        case .function(let f): return f.holds(current: current, root: root)
        case .comparison(let a, let op, let b):
            return JSONValue.compare(a.value(current: current, root: root), op, b.value(current: current, root: root))
        }
    }
}

// MARK: - Comparison (RFC 9535 §2.3.5.2.2)

extension JSONValue {
    /// Equality as RFC 9535 defines it: numbers by value (1 == 1.0), strings by Unicode scalars
    /// (no normalization), arrays element by element, objects by their members in any order.
    public func isEqual(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEqual(to: $1) }
        case (.object(let a), .object(let b)):
            guard a.count == b.count else { return false }
            return a.allSatisfy { key, value in
                b.contains { $0.0.unicodeScalars.elementsEqual(key.unicodeScalars) && $0.1.isEqual(to: value) }
            }
        default:
            if let order = JSONValue.numericOrder(self, other) { return order == 0 }
            return false
        }
    }

    /// -1, 0 or 1 when both values are numbers; nil otherwise.
    static func numericOrder(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.int(let x), .double(let y)): return Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
        case (.double(let x), .int(let y)): return x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        default: return nil
        }
    }

    /// The `<` of RFC 9535: numbers by value, strings by their Unicode scalars; false otherwise.
    public func isLess(than other: JSONValue) -> Bool {
        if let order = JSONValue.numericOrder(self, other) { return order < 0 }
        if case .string(let a) = self, case .string(let b) = other {
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
        }
        return false
    }

    /// A comparison between two comparables, either of which may be Nothing (nil).
    static func compare(_ a: JSONValue?, _ op: PathComparison, _ b: JSONValue?) -> Bool {
        func equal(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case (let a?, let b?): return a.isEqual(to: b)
            default: return false
            }
        }
        func less(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
            guard let a, let b else { return false }
            return a.isLess(than: b)
        }
        switch op {
        case .equal: return equal(a, b)
        case .notEqual: return !equal(a, b)
        case .less: return less(a, b)
        case .lessOrEqual: return less(a, b) || equal(a, b)
        case .greater: return less(b, a)
        case .greaterOrEqual: return less(b, a) || equal(a, b)
        }
    }
}

// MARK: - The parser (RFC 9535 §2 ABNF)

struct JSONPathParser {
    let scalars: [Unicode.Scalar]
    var position = 0
    /// I-JSON's exact integer range (RFC 9535 §2.1).
    static let maximumInteger = (1 << 53) - 1

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    func error(_ message: String, at index: Int? = nil) -> JSONPathError {
        JSONPathError(column: (index ?? position) + 1, message)
    }

    var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    func peek(_ offset: Int) -> Unicode.Scalar? {
        position + offset < scalars.count ? scalars[position + offset] : nil
    }

    func looking(at text: String) -> Bool {
        var i = position
        for s in text.unicodeScalars {
            guard i < scalars.count, scalars[i] == s else { return false }
            i += 1
        }
        return true
    }

    var describeCurrent: String {
        guard let c = current else { return "the end of the path" }
        return "'\(Character(c))'"
    }

    static func isBlank(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s == "\n" || s == "\r" }
    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    static func isAlpha(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A)
    }
    /// name-first = ALPHA / "_" / %x80-D7FF / %xE000-10FFFF
    static func isNameFirst(_ s: Unicode.Scalar) -> Bool { isAlpha(s) || s == "_" || s.value >= 0x80 }
    static func isNameChar(_ s: Unicode.Scalar) -> Bool { isNameFirst(s) || isDigit(s) }

    /// S = *B
    @discardableResult
    mutating func skipBlank() -> Bool {
        let start = position
        while let c = current, Self.isBlank(c) { position += 1 }
        return position > start
    }

    mutating func parseWholeQuery() throws(JSONPathError) -> PathQuery {
        guard current == "$" else {
            throw error(current == nil ? "a JSONPath query starts with '$', found an empty path"
                                       : "a JSONPath query starts with '$', found \(describeCurrent)")
        }
        position += 1
        let segments = try parseSegments()
        if position < scalars.count {
            throw error("unexpected \(describeCurrent) (a segment starts with '.', '..' or '[')")
        }
        return PathQuery(relative: false, segments: segments)
    }

    /// segments = *(S segment): stops (leaving blank space unread) where no segment follows.
    mutating func parseSegments() throws(JSONPathError) -> [PathSegment] {
        var segments: [PathSegment] = []
        while true {
            let save = position
            skipBlank()
            guard let c = current, c == "." || c == "[" else {
                position = save
                return segments
            }
            segments.append(try parseSegment())
        }
    }

    mutating func parseSegment() throws(JSONPathError) -> PathSegment {
        if looking(at: "..") {
            position += 2
            if current == "[" {
                var segment = try parseBracketed()
                segment.descendant = true
                segment.isSingularForm = false
                return segment
            }
            if current == "*" {
                position += 1
                return PathSegment(descendant: true, selectors: [.wildcard], isSingularForm: false)
            }
            guard let c = current, Self.isNameFirst(c) else {
                throw error("expected a member name, '*' or '[' after '..', found \(describeCurrent)")
            }
            return PathSegment(descendant: true, selectors: [.name(parseMemberName())], isSingularForm: false)
        }
        if current == "." {
            position += 1
            if current == "*" {
                position += 1
                return PathSegment(descendant: false, selectors: [.wildcard], isSingularForm: false)
            }
            guard let c = current, Self.isNameFirst(c) else {
                throw error("expected a member name or '*' after '.', found \(describeCurrent)")
            }
            return PathSegment(descendant: false, selectors: [.name(parseMemberName())], isSingularForm: true)
        }
        return try parseBracketed()
    }

    /// member-name-shorthand = name-first *name-char
    mutating func parseMemberName() -> String {
        var name = String.UnicodeScalarView()
        while let c = current, Self.isNameChar(c) {
            name.append(c)
            position += 1
        }
        return String(name)
    }

    /// bracketed-selection = "[" S selector *(S "," S selector) S "]"
    mutating func parseBracketed() throws(JSONPathError) -> PathSegment {
        position += 1  // "["
        var blank = skipBlank()
        var selectors: [PathSelector] = []
        while true {
            selectors.append(try parseSelector())
            blank = skipBlank() || blank
            if current == "," {
                position += 1
                skipBlank()
                continue
            }
            if current == "]" {
                position += 1
                break
            }
            throw error("expected ',' or ']' after a selector, found \(describeCurrent)")
        }
        var singular = false
        if selectors.count == 1 && !blank {
            switch selectors[0] {
            case .name, .index: singular = true
            default: break
            }
        }
        return PathSegment(descendant: false, selectors: selectors, isSingularForm: singular)
    }

    mutating func parseSelector() throws(JSONPathError) -> PathSelector {
        guard let c = current else { throw error("expected a selector, found the end of the path") }
        switch c {
        case "'", "\"": return .name(try parseStringLiteral())
        case "*":
            position += 1
            return .wildcard
        case "?":
            position += 1
            skipBlank()
            return .filter(try parseLogicalOr())
        case ":", "-", "0"..."9":
            return try parseIndexOrSlice()
        default:
            throw error("expected a selector (a quoted name, '*', an index, a slice or '?'), found \(describeCurrent)")
        }
    }

    /// int = "0" / (["-"] DIGIT1 *DIGIT), within I-JSON's exact range.
    mutating func parseInteger() throws(JSONPathError) -> Int {
        let start = position
        var negative = false
        if current == "-" { negative = true; position += 1 }
        guard let first = current, Self.isDigit(first) else { throw error("expected a digit, found \(describeCurrent)") }
        if first == "0" {
            position += 1
            if negative { throw error("-0 is not an integer index", at: start) }
            if let c = current, Self.isDigit(c) { throw error("an integer cannot have a leading zero", at: start) }
            return 0
        }
        var value = 0
        while let c = current, Self.isDigit(c) {
            value = value * 10 + Int(c.value - 0x30)
            if value > Self.maximumInteger { throw error("integer out of range (±(2^53-1))", at: start) }
            position += 1
        }
        return negative ? -value : value
    }

    /// index-selector = int; slice-selector = [start S] ":" S [end S] [":" [S step]]
    mutating func parseIndexOrSlice() throws(JSONPathError) -> PathSelector {
        var start: Int?
        if current != ":" {
            start = try parseInteger()
            let save = position
            skipBlank()
            if current != ":" {
                position = save
                return .index(start!)
            }
        }
        position += 1  // ":"
        skipBlank()
        var end: Int?
        if let c = current, c == "-" || Self.isDigit(c) {
            end = try parseInteger()
            skipBlank()
        }
        var step: Int?
        if current == ":" {
            position += 1
            skipBlank()
            if let c = current, c == "-" || Self.isDigit(c) { step = try parseInteger() }
        }
        return .slice(start: start, end: end, step: step)
    }

    /// A single- or double-quoted string with the escapes of RFC 9535 §2.3.1.1.
    mutating func parseStringLiteral() throws(JSONPathError) -> String {
        let quote = current!
        let start = position
        position += 1
        var out = String.UnicodeScalarView()
        while true {
            guard let c = current else { throw error("unterminated string (no closing \(quote == "'" ? "'" : "\""))", at: start) }
            if c == quote {
                position += 1
                return String(out)
            }
            if c == "\\" {
                let escapeStart = position
                position += 1
                guard let e = current else { throw error("unterminated escape", at: escapeStart) }
                position += 1
                switch e {
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "/": out.append("/")
                case "\\": out.append("\\")
                case "'" where quote == "'": out.append("'")
                case "\"" where quote == "\"": out.append("\"")
                case "u":
                    var code = try parseHex4(escapeStart)
                    if code >= 0xD800 && code < 0xDC00 {
                        guard looking(at: "\\u") else {
                            throw error("a high surrogate (\\u\(String(code, radix: 16, uppercase: true))) must be followed by a low one",
                                        at: escapeStart)
                        }
                        position += 2
                        let low = try parseHex4(escapeStart)
                        guard low >= 0xDC00 && low < 0xE000 else {
                            throw error("a high surrogate must be followed by a low one", at: escapeStart)
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if code >= 0xDC00 && code < 0xE000 {
                        throw error("a low surrogate without a high one", at: escapeStart)
                    }
                    out.append(Unicode.Scalar(code)!)
                default:
                    throw error("invalid escape '\\\(Character(e))' in a string", at: escapeStart)
                }
                continue
            }
            if c.value < 0x20 { throw error("control character U+\(String(c.value, radix: 16, uppercase: true)) in a string (escape it)") }
            out.append(c)
            position += 1
        }
    }

    mutating func parseHex4(_ escapeStart: Int) throws(JSONPathError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let c = current, let digit = Character(c).hexDigitValue, c.isASCII else {
                throw error("expected four hex digits after \\u", at: escapeStart)
            }
            v = v << 4 | UInt32(digit)
            position += 1
        }
        return v
    }

    // MARK: Filter expressions

    /// logical-or-expr = logical-and-expr *(S "||" S logical-and-expr)
    mutating func parseLogicalOr() throws(JSONPathError) -> PathFilter {
        var terms = [try parseLogicalAnd()]
        while true {
            let save = position
            skipBlank()
            guard looking(at: "||") else { position = save; break }
            position += 2
            skipBlank()
            terms.append(try parseLogicalAnd())
        }
        return terms.count == 1 ? terms[0] : .or(terms)
    }

    /// logical-and-expr = basic-expr *(S "&&" S basic-expr)
    mutating func parseLogicalAnd() throws(JSONPathError) -> PathFilter {
        var terms = [try parseBasic()]
        while true {
            let save = position
            skipBlank()
            guard looking(at: "&&") else { position = save; break }
            position += 2
            skipBlank()
            terms.append(try parseBasic())
        }
        return terms.count == 1 ? terms[0] : .and(terms)
    }

    /// basic-expr = paren-expr / comparison-expr / test-expr
    mutating func parseBasic() throws(JSONPathError) -> PathFilter {
        guard let c = current else { throw error("expected a filter expression, found the end of the path") }
        if c == "!" {
            position += 1
            skipBlank()
            if current == "(" { return .not(try parseParenthesized()) }
            let start = position
            if let c = current, c.value >= 0x61 && c.value <= 0x7A {
                guard case .function(let f) = try parseComparable(), f.isLogical else {
                    throw error("only match() and search() can be negated without parentheses", at: start)
                }
                try refuseComparisonAfterNegatedTest(start)
                return .not(.function(f))
            }
            guard current == "@" || current == "$" else {
                throw error("expected '(' or a query after '!', found \(describeCurrent)")
            }
            let query = try parseFilterQuery()
            try refuseComparisonAfterNegatedTest(start)
            return .not(.test(query))
        }
        if c == "(" { return try parseParenthesized() }
        let start = position
        let left = try parseComparable()
        let save = position
        skipBlank()
        if let op = parseComparisonOperator() {
            try checkComparable(left, at: start)
            skipBlank()
            let rightStart = position
            let right = try parseComparable()
            try checkComparable(right, at: rightStart)
            return .comparison(left, op, right)
        }
        position = save
        switch left {
        case .query(let q): return .test(q)
        case .literal: throw error("a literal must be compared with something (==, !=, <, <=, >, >=)", at: start)
        case .function(let f):
            guard f.isLogical else {
                throw error("\(f.name.rawValue)() gives a value: compare it with something (==, !=, <, <=, >, >=)", at: start)
            }
            return .function(f)
        }
    }

    /// A comparison's operands: singular queries only, and functions that give values.
    func checkComparable(_ comparable: PathComparable, at start: Int) throws(JSONPathError) {
        switch comparable {
        case .query(let q) where !q.isSingular:
            throw error("only a singular query (names and indices) can be compared", at: start)
        case .function(let f) where f.isLogical:
            throw error("\(f.name.rawValue)() gives true or false, which cannot be compared", at: start)
        default: break
        }
    }

    /// function-expr = function-name "(" S [function-argument *(S "," S function-argument)] S ")",
    /// each argument checked against the function's parameter type (RFC 9535 §2.4.3).
    mutating func parseFunction(_ name: PathFunction.Name, start: Int) throws(JSONPathError) -> PathFunction {
        position += 1  // "("
        skipBlank()
        let parameters = PathFunction.parameters(name)
        var arguments: [PathFunction.Argument] = []
        while current != ")" {
            if !arguments.isEmpty {
                guard current == "," else { throw error("expected ',' or ')' in \(name.rawValue)(), found \(describeCurrent)") }
                position += 1
                skipBlank()
            }
            let argumentStart = position
            guard arguments.count < parameters.count else {
                throw error("\(name.rawValue)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s")", at: argumentStart)
            }
            if parameters[arguments.count] {
                let argument = try parseComparable()
                try checkComparable(argument, at: argumentStart)
                arguments.append(.value(argument))
            } else {
                guard current == "@" || current == "$" else {
                    throw error("\(name.rawValue)() takes a query (@ or $), found \(describeCurrent)")
                }
                arguments.append(.nodes(try parseFilterQuery()))
            }
            skipBlank()
        }
        guard arguments.count == parameters.count else {
            throw error("\(name.rawValue)() takes \(parameters.count) argument\(parameters.count == 1 ? "" : "s"), not \(arguments.count)", at: start)
        }
        position += 1  // ")"
        return PathFunction(name: name, arguments: arguments)
    }

    mutating func refuseComparisonAfterNegatedTest(_ start: Int) throws(JSONPathError) {
        let save = position
        skipBlank()
        let operatorStart = position
        if parseComparisonOperator() != nil {
            throw error("a comparison cannot be negated without parentheses: write !(@.a == 1)", at: operatorStart)
        }
        position = save
    }

    /// paren-expr = "(" S logical-expr S ")"
    mutating func parseParenthesized() throws(JSONPathError) -> PathFilter {
        let open = position
        position += 1
        skipBlank()
        let inner = try parseLogicalOr()
        skipBlank()
        guard current == ")" else {
            throw error(current == nil ? "unclosed '(' (opened at column \(open + 1))" : "expected ')', found \(describeCurrent)")
        }
        position += 1
        return inner
    }

    mutating func parseComparisonOperator() -> PathComparison? {
        for op in ["==", "!=", "<=", ">=", "<", ">"] where looking(at: op) {
            position += op.unicodeScalars.count
            return PathComparison(rawValue: op)
        }
        return nil
    }

    /// filter-query = rel-query / jsonpath-query
    mutating func parseFilterQuery() throws(JSONPathError) -> PathQuery {
        let relative = current == "@"
        position += 1
        return PathQuery(relative: relative, segments: try parseSegments())
    }

    /// comparable = literal / singular-query / function-expr
    mutating func parseComparable() throws(JSONPathError) -> PathComparable {
        guard let c = current else { throw error("expected a query or a literal, found the end of the path") }
        switch c {
        case "@", "$": return .query(try parseFilterQuery())
        case "'", "\"": return .literal(.string(try parseStringLiteral()))
        case "-", "0"..."9": return .literal(try parseNumberLiteral())
        default:
            let start = position
            var word = ""
            while let c = current, Self.isAlpha(c) || c == "_" || Self.isDigit(c) {
                word.unicodeScalars.append(c)
                position += 1
            }
            switch word {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default:
                if !word.isEmpty && current == "(" {
                    guard let name = PathFunction.Name(rawValue: word) else {
                        throw error("unknown function \(word)() (known: length, count, match, search, value)", at: start)
                    }
                    return .function(try parseFunction(name, start: start))
                }
                position = start
                throw error("expected a query (@ or $), a string, a number, true, false or null, found \(describeCurrent)")
            }
        }
    }

    /// num = (int / "-0") [ frac ] [ exp ]
    mutating func parseNumberLiteral() throws(JSONPathError) -> JSONValue {
        let start = position
        if current == "-" { position += 1 }
        guard let first = current, Self.isDigit(first) else { throw error("expected a digit, found \(describeCurrent)") }
        if first == "0" {
            position += 1
            if let c = current, Self.isDigit(c) { throw error("a number cannot have a leading zero", at: start) }
        } else {
            while let c = current, Self.isDigit(c) { position += 1 }
        }
        var integral = true
        if current == "." {
            position += 1
            integral = false
            guard let c = current, Self.isDigit(c) else { throw error("expected a digit after '.'") }
            while let c = current, Self.isDigit(c) { position += 1 }
        }
        if current == "e" || current == "E" {
            position += 1
            integral = false
            if current == "+" || current == "-" { position += 1 }
            guard let c = current, Self.isDigit(c) else { throw error("expected a digit in the exponent") }
            while let c = current, Self.isDigit(c) { position += 1 }
        }
        let text = String(String.UnicodeScalarView(scalars[start..<position]))
        if integral, let i = Int64(text), text != "-0" { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range", at: start) }
        return .double(d)
    }
}
