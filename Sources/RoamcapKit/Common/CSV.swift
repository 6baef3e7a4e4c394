/// Comma-separated values as RFC 4180 writes them, read and written in one place: reports
/// render through `field` (`--format csv`), migration tables are read with `records`.
///
/// Reading is RFC 4180 with what real files add: records end at CRLF, LF or a lone CR, the
/// last line break is optional, a UTF-8 byte order mark is skipped, and blanks (spaces, tabs)
/// may stand around a quoted field. Every field knows where it starts, for error messages.
public enum CSV {
    /// A field read from CSV text: its text (quotes undone, blanks around an unquoted field
    /// kept) and where it starts, 1-based, in bytes (a quoted field: its opening quote; an
    /// unquoted one: its first byte that is not a blank).
    public struct Field: Equatable, Sendable {
        public var text: String
        public var line: Int
        public var column: Int

        public init(text: String, line: Int, column: Int) {
            self.text = text
            self.line = line
            self.column = column
        }
    }

    /// A mistake in CSV text, at a 1-based line and column (in bytes).
    public struct SyntaxError: Error, Equatable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// The records of `text`, each a list of fields. With `comments`, a line whose first byte
    /// that is not a blank is `#`, where a record would start, is skipped.
    public static func records(_ text: String, comments: Bool = false) throws(SyntaxError) -> [[Field]] {
        var text = text
        let result = text.withUTF8 { bytes -> Result<[[Field]], SyntaxError> in
            var reader = Reader(bytes: bytes)
            do throws(SyntaxError) { return .success(try reader.records(comments: comments)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// `text` as one field: quoted, its quotes doubled, when it holds a comma, a quote or a line
    /// break (CR or LF); as it is otherwise.
    public static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == comma || $0 == quote || $0 == lf || $0 == cr }) else { return text }
        var quoted = "\""
        for character in text {
            quoted.append(character)
            if character == "\"" { quoted.append("\"") }
        }
        return quoted + "\""
    }

    /// A record as one line of CSV, ended by LF.
    public static func line(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }

    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"),
                       cr = UInt8(ascii: "\r"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"),
                       hash = UInt8(ascii: "#")

    /// A pass over the bytes, keeping the line and where it starts.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var line = 1
        var lineStart = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3; lineStart = 3 }
        }

        func isBlank(_ at: Int) -> Bool { bytes[at] == space || bytes[at] == tab }
        func isLineBreak(_ at: Int) -> Bool { bytes[at] == lf || bytes[at] == cr }
        func error(at offset: Int, _ message: String) -> SyntaxError {
            SyntaxError(line: line, column: offset - lineStart + 1, message: message)
        }

        /// Steps over the line break at `i` (CRLF counts as one).
        mutating func skipLineBreak() {
            i += bytes[i] == cr && i + 1 < bytes.count && bytes[i + 1] == lf ? 2 : 1
            line += 1
            lineStart = i
        }

        mutating func records(comments: Bool) throws(SyntaxError) -> [[Field]] {
            var records: [[Field]] = []
            var record: [Field] = []
            var startsRecord = true
            while true {
                if startsRecord {
                    guard i < bytes.count else { break }
                    if comments {
                        var j = i
                        while j < bytes.count && isBlank(j) { j += 1 }
                        if j < bytes.count && bytes[j] == hash {
                            i = j
                            while i < bytes.count && !isLineBreak(i) { i += 1 }
                            if i < bytes.count { skipLineBreak() }
                            continue
                        }
                    }
                }
                record.append(try field())
                if i < bytes.count && bytes[i] == comma {
                    i += 1
                    startsRecord = false
                    continue
                }
                if i < bytes.count { skipLineBreak() }
                records.append(record)
                record = []
                startsRecord = true
            }
            return records
        }

        /// The field at `i`, leaving `i` at the comma, line break or end after it.
        mutating func field() throws(SyntaxError) -> Field {
            var j = i
            while j < bytes.count && isBlank(j) { j += 1 }
            guard j < bytes.count && bytes[j] == quote else {
                // Where the text starts: its first byte that is not a blank, if any.
                let start = i, first = j < bytes.count && bytes[j] != comma && !isLineBreak(j) ? j : i
                let position = (line: line, column: first - lineStart + 1)
                while i < bytes.count && bytes[i] != comma && !isLineBreak(i) {
                    if bytes[i] == quote {
                        throw error(at: i, "a quote inside a field that does not start with one "
                                    + "(quote the whole field and double its quotes: \"a \"\"b\"\"\")")
                    }
                    i += 1
                }
                return Field(text: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self),
                             line: position.line, column: position.column)
            }
            let opening = (line: line, column: j - lineStart + 1)
            var text: [UInt8] = []
            i = j + 1
            while true {
                guard i < bytes.count else {
                    throw SyntaxError(line: opening.line, column: opening.column,
                                      message: "this quoted field has no closing quote")
                }
                if bytes[i] == quote {
                    if i + 1 < bytes.count && bytes[i + 1] == quote {
                        text.append(quote)
                        i += 2
                        continue
                    }
                    i += 1
                    break
                }
                if isLineBreak(i) {
                    let start = i
                    skipLineBreak()
                    text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    continue
                }
                text.append(bytes[i])
                i += 1
            }
            while i < bytes.count && isBlank(i) { i += 1 }
            if i < bytes.count && bytes[i] != comma && !isLineBreak(i) {
                throw error(at: i, "expected a comma or the end of the line after the closing quote")
            }
            return Field(text: String(decoding: text, as: UTF8.self), line: opening.line, column: opening.column)
        }
    }
}
