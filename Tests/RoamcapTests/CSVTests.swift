import Foundation
import PropertyBased
import RoamcapKit
import Testing

/// RFC 4180 CSV, read with positions (migration tables) and written (reports) in one place.
@Suite struct CSVTests {
    func texts(_ text: String, comments: Bool = false) throws -> [[String]] {
        try CSV.records(text, comments: comments).map { $0.map(\.text) }
    }

    /// Whatever the fields hold (commas, quotes, CR, LF, blanks, `#`, any script), reading the
    /// written records gives them back.
    @Test func readingWhatIsWrittenGivesTheRecordsBack() async {
        let alphabet: [Character] = ["a", "7", " ", "\t", ",", "\"", "\n", "\r", "\r\n", "#", "é", "猫", "🙂"]
        let field = Gen<Character?>.element(of: alphabet).map { $0! }.string(of: 0...6)
        await propertyCheck(input: field.array(of: 1...4).array(of: 0...5)) { records in
            let text = records.map(CSV.line).joined()
            let parsed = try CSV.records(text).map { $0.map(\.text) }
            #expect(parsed == records, "\(text.debugDescription)")
        }
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let records = try CSV.records("vm,primary\n\"web, 1\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\n")
        #expect(records.map { $0.map(\.text) } == [["vm", "primary"], ["web, 1", "say \"hi\""], ["two\nlines", "x"]])
        // A field after a quoted line break is on the line where it starts.
        #expect(records[2][1] == CSV.Field(text: "x", line: 4, column: 8))
        #expect(records[1][1] == CSV.Field(text: "say \"hi\"", line: 2, column: 10))
    }

    @Test func lineEndsAreCRLFOrLFOrCR() throws {
        #expect(try texts("a,b\r\nc,d\r\n") == [["a", "b"], ["c", "d"]])
        #expect(try texts("a,b\nc,d") == [["a", "b"], ["c", "d"]])
        #expect(try texts("a,b\rc,d\r") == [["a", "b"], ["c", "d"]])
        #expect(try texts("\"a\r\nb\"\r\n") == [["a\r\nb"]])
        #expect(try texts("a\n\nb\n") == [["a"], [""], ["b"]])
        #expect(try texts("") == [])
        #expect(try texts("a,\n") == [["a", ""]])
    }

    @Test func blanksAroundAQuotedFieldAndAByteOrderMark() throws {
        #expect(try texts("\u{FEFF}a, \"b,c\" ,d\n") == [["a", "b,c", "d"]])
        #expect(try CSV.records("\u{FEFF}x,y")[0][1] == CSV.Field(text: "y", line: 1, column: 3))
        #expect(try texts(" a , b \n") == [[" a ", " b "]])
    }

    @Test func commentsAreSkippedOnlyWhereARecordStarts() throws {
        #expect(try texts("# note, with \"quotes\n  # indented\na,\"#b\"\n", comments: true) == [["a", "#b"]])
        #expect(try texts("#a,b\n") == [["#a", "b"]])
    }

    @Test(arguments: [
        ("a,\"b\nc\n", 1, 3, "no closing quote"),
        ("a,b\"c\n", 1, 4, "a quote inside a field"),
        ("a,\"b\"c\n", 1, 6, "expected a comma or the end of the line after the closing quote"),
        ("x\n\"a\n\"b,c\n", 3, 2, "expected a comma"),
    ])
    func mistakesNameTheirLineAndColumn(text: String, line: Int, column: Int, message: String) {
        #expect {
            try CSV.records(text)
        } throws: { error in
            guard let error = error as? CSV.SyntaxError else { return false }
            return error.line == line && error.column == column && error.message.contains(message)
        }
    }

    @Test func reportsQuoteWhatCSVReadersWouldSplit() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("a\r") == "\"a\r\"")
        #expect(Report(columns: ["a", "b"], rows: [.object([("a", .string("x,y")), ("b", .string("z"))])]).rendered(.csv) == "a,b\n\"x,y\",z\n")
    }
}

/// Migration tables in CSV (SPEC §1): RFC 4180 quoting and CRLF; errors at file:line:column.
@Suite struct MigrationCSVTests {
    func load(_ text: String) throws -> [MigrationEntry] {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.csv", Array(text.utf8))
        return try MigrationTableLoader.loadCSV(path: dir + "/t.csv")
    }

    func failure(_ text: String) -> String {
        do {
            _ = try load(text)
            return "no error"
        } catch {
            return "\(error)".components(separatedBy: "/t.csv").last ?? ""
        }
    }

    @Test func quotedNamesAndCRLF() throws {
        let entries = try load("# exported\r\nvm,primary,new,from\r\n\"web, \"\"blue\"\"\",10.1.0.7,10.9.0.7,2\r\n\r\n\"db\r\n2\", 10.1.0.8 ,10.9.0.8,\r\n")
        #expect(entries.map(\.vm) == ["web, \"blue\"", "db\r\n2"])
        #expect(entries.map(\.primary) == [IPAddress("10.1.0.7"), IPAddress("10.1.0.8")])
        #expect(entries[0].from == TimeBound("2") && entries[1].from == nil)
        #expect(entries.map(\.origin).map { $0.hasSuffix("t.csv:3") || $0.hasSuffix("t.csv:5") } == [true, true])
    }

    @Test func errorsNameWhereTheFieldStarts() {
        #expect(failure("primary,new\n10.1.0.7,10.9.0\n") == ":2:10: new '10.9.0' is not an IP address")
        #expect(failure("primary,new\n10.1.0.7, 10.9.0\n") == ":2:11: new '10.9.0' is not an IP address")
        #expect(failure("vm,primary,new\n\"a\nb\",10.1.0.7,x\n") == ":3:13: new 'x' is not an IP address")
        #expect(failure("primary,neww\n") == ":1:9: unknown column 'neww' (expected vm, primary, new, from, until)")
        #expect(failure("primary,new,primary\n") == ":1:13: column 'primary' named twice")
        #expect(failure("primary,new\n10.1.0.7,10.9.0.7,extra\n") == ":2:19: expected 2 fields (primary,new), found 3")
        #expect(failure("primary,new\n10.1.0.7\n") == ":2: expected 2 fields (primary,new), found 1")
        #expect(failure("primary,new\n\"10.1.0.7,10.9.0.7\n") == ":2:1: this quoted field has no closing quote")
        #expect(failure("primary,new,until,from\n10.1.0.7,10.9.0.7,5,20\n") == ":2:19: until '5' is not after from '20'")
    }

    /// A YAML entry's field names its own line too (block style puts each on a line of its own).
    @Test func yamlErrorsNameTheLineOfTheirValue() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        TestSupport.writeFile(dir + "/t.yaml", Array("- primary: 10.1.0.7\n  new: 10.9.0\n".utf8))
        #expect(throws: MigrationInputError.self) { try MigrationTableLoader.loadYAML(path: dir + "/t.yaml") }
        do {
            _ = try MigrationTableLoader.loadYAML(path: dir + "/t.yaml")
        } catch {
            #expect("\(error)".hasSuffix("/t.yaml:2:8: new '10.9.0' is not an IP address"), "\(error)")
        }
    }
}
