import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SPEC §5's JSON names are a public interface: each command's report owns its names in one
/// file of `Sources/RoamcapKit/Report/`, and no other source file builds a JSON field with one
/// of them. The names are read from SPEC.md itself, so a name added there is checked here.
@Suite struct ReportNamesTests {
    static let spec = TestSupport.root + "/../shared/SPEC.md"
    static let reportFolder = TestSupport.root + "/Sources/RoamcapKit/Report/"

    /// The owner of each command's names.
    static let owners = ["info": "InfoReport.swift", "tables": "TablesReport.swift", "simulate": "SimulateReport.swift",
                         "flows": "FlowsReport.swift", "rewrite": "RewriteReport.swift"]
    /// Quoted words in §5 that are values, not names.
    static let values: Set<String> = ["pcap", "pcapng", "none", "zstd", "gzip", "vxlan"]

    /// `"name"` words of a text.
    static func quotedNames(_ text: Substring) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "\"") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "\"") else { break }
            let word = String(rest[after..<close])
            if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { names.append(word) }
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Per command, the names of its bullet in §5, plus the names common to every record.
    static func specNames() throws -> [String: [String]] {
        let text = String(decoding: TestSupport.readFile(spec), as: UTF8.self)
        let start = try #require(text.range(of: "## 5. Outputs"))
        let end = try #require(text.range(of: "## 6.", range: start.upperBound..<text.endIndex))
        let section = text[start.upperBound..<end.lowerBound]
        var names: [String: [String]] = [:]
        for bullet in section.components(separatedBy: "\n- ").dropFirst() {
            for command in owners.keys where bullet.hasPrefix("`roamcap \(command) ") {
                names[command] = quotedNames(bullet[...]).filter { !values.contains($0) }
            }
        }
        return names
    }

    static func source(_ path: String) -> String { String(decoding: TestSupport.readFile(path), as: UTF8.self) }

    /// Every Swift file under Sources/.
    static func sourceFiles() -> [String] {
        let r = TestSupport.run("/usr/bin/find", [TestSupport.root + "/Sources", "-name", "*.swift"])
        return r.stdout.split(separator: "\n").map(String.init).sorted()
    }

    @Test(.enabled(if: TestSupport.fileExists(spec), "../shared/SPEC.md is not there"))
    func everyNameLivesInItsReport() throws {
        let names = try Self.specNames()
        #expect(Set(names.keys) == Set(Self.owners.keys), "a §5 command bullet was not found")
        #expect(names["rewrite"]?.contains("byDestination") == true && names["flows"]?.contains("outages") == true)
        let places = Self.source(Self.reportFolder + "Places.swift")
        for (command, list) in names {
            let owner = Self.source(Self.reportFolder + Self.owners[command]!)
            for name in list where name != "site" && name != "port" {
                #expect(owner.contains("\"\(name)\""), "\(command): \"\(name)\" is not in \(Self.owners[command]!)")
            }
        }
        #expect(places.contains("\"site\"") && places.contains("\"port\""))
    }

    @Test(.enabled(if: TestSupport.fileExists(spec), "../shared/SPEC.md is not there"))
    func noOtherFileBuildsAField() throws {
        let all = Set(try Self.specNames().values.flatMap { $0 })
        var offenders: [String] = []
        for file in Self.sourceFiles() where !file.hasPrefix(Self.reportFolder) {
            let text = Self.source(file)
            for name in all where text.contains("(\"\(name)\", .") || text.contains("(\"\(name)\", JSONValue") {
                offenders.append("\(file.dropFirst(TestSupport.root.count + 1)): \"\(name)\"")
            }
        }
        #expect(offenders.isEmpty, "JSON fields with SPEC §5 names outside Report/: \(offenders)")
    }
}
