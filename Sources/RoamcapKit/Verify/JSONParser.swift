/// A JSON parse error: the line and column (1-based, in characters) and what was expected.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses JSON text (RFC 8259): one value, surrounded by white space only. Integers that fit
    /// in 64 bits become `.int`, every other number `.double`; object members keep their order.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var parser = JSONTextParser(Array(text.utf8))
        parser.skipSpace()
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        if parser.position < parser.bytes.count { throw parser.error("unexpected text after the value") }
        return value
    }

    /// Parses NDJSON text: one value a line, blank lines skipped; the error names the line.
    public static func parseLines(_ text: String) throws(JSONParseError) -> [JSONValue] {
        var values: [JSONValue] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            do {
                values.append(try parse(String(line)))
            } catch {
                throw JSONParseError(line: lineNumber, column: error.column, message: error.message)
            }
        }
        return values
    }
}

/// The recursive-descent parser behind `JSONValue.parse`, over UTF-8 bytes.
struct JSONTextParser {
    let bytes: [UInt8]
    var position = 0
    static let maximumDepth = 512

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func error(_ message: String) -> JSONParseError {
        var line = 1, column = 1
        for b in bytes[0..<min(position, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return JSONParseError(line: line, column: column, message: message)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { position += 1 }
    }

    mutating func expectWord(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let w = Array(word.utf8)
        guard position + w.count <= bytes.count, Array(bytes[position..<position + w.count]) == w else {
            throw error("expected a value")
        }
        position += w.count
        return value
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
        guard let b = current else { throw error("expected a value, found the end of the text") }
        switch b {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a member name (a string)") }
                let key = try string()
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw error("expected ':' after a member name") }
                position += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                if current == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw error("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            position += 1
            var items: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                if current == UInt8(ascii: "]") { position += 1; return .array(items) }
                throw error("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expectWord("true", .bool(true))
        case UInt8(ascii: "f"): return try expectWord("false", .bool(false))
        case UInt8(ascii: "n"): return try expectWord("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a value")
        }
    }

    /// number = [ minus ] int [ frac ] [ exp ]
    mutating func number() throws(JSONParseError) -> JSONValue {
        let start = position
        func digits() -> Int {
            var n = 0
            while let b = current, b >= 0x30 && b <= 0x39 { position += 1; n += 1 }
            return n
        }
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
            if let b = current, b >= 0x30 && b <= 0x39 { throw error("a number cannot have a leading zero") }
        } else if digits() == 0 {
            throw error("expected a digit")
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            position += 1
            integral = false
            if digits() == 0 { throw error("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            integral = false
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            if digits() == 0 { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if integral, let i = Int64(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { throw error("number out of range") }
        return .double(d)
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            guard let b = current else { throw error("expected four hex digits after \\u") }
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("expected four hex digits after \\u")
            }
            v = v << 4 | digit
            position += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        position += 1  // the opening quote
        var out: [UInt8] = []
        while true {
            guard let b = current else { throw error("unterminated string") }
            switch b {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard let e = current else { throw error("unterminated string") }
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00 {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count,
                              bytes[position + 1] == UInt8(ascii: "u") else {
                            throw error("a high surrogate must be followed by a low one")
                        }
                        position += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw error("a high surrogate must be followed by a low one") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if code >= 0xDC00 && code < 0xE000 {
                        throw error("a low surrogate without a high one")
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(code)!).utf8))
                default: throw error("invalid escape in a string")
                }
            case 0x00..<0x20:
                throw error("control character in a string (escape it)")
            default:
                out.append(b)
                position += 1
            }
        }
    }
}
