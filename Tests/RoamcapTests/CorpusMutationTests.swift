import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A mutation test over `../shared/corpus` (a fixed seed, bounded runs): for every command, the
/// exit code is 0, 1 or 2; a failed run leaves no output and no temporary file; every trace
/// written is readable by roamcap (and by tshark where installed). Figures go to the test log.
@Suite struct CorpusMutationTests {
    static let files = 16
    static let mutantsPerFile = 2

    struct Rng {
        var state: UInt64 = 0x5EED_0013
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static func mutate(_ bytes: [UInt8], _ rng: inout Rng) -> [UInt8] {
        var b = bytes
        guard b.count > 8 else { return b + [UInt8(rng.below(256))] }
        switch rng.below(5) {
        case 0:  // flip a few bytes
            for _ in 0..<(1 + rng.below(8)) { b[rng.below(b.count)] ^= UInt8(1 + rng.below(255)) }
        case 1:  // cut
            b.removeLast(1 + rng.below(b.count - 1))
        case 2:  // insert garbage
            b.insert(contentsOf: (0..<(1 + rng.below(64))).map { _ in UInt8(rng.below(256)) }, at: rng.below(b.count))
        case 3:  // a length-like field set to an extreme
            let at = (rng.below(b.count - 4) / 4) * 4
            let v: [UInt8] = [[0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [1, 0, 0, 0]][rng.below(4)]
            for i in 0..<4 { b[at + i] = v[i] }
        default:  // duplicate a slice (repeated blocks)
            let start = rng.below(b.count)
            let end = min(b.count, start + 1 + rng.below(512))
            b.insert(contentsOf: b[start..<end], at: end)
        }
        return b
    }

    @Test(.enabled(if: TestSupport.corpus != nil, "../shared/corpus is not present"))
    func mutatedCorpusNeverCrashesNorWritesWhatItCannotRead() throws {
        let corpus = TestSupport.corpus!
        let listing = TestSupport.run("/bin/sh", ["-c", "cd '\(corpus)' && ls *.pcap *.pcapng *.gz *.zst | sort"])
        let all = listing.stdout.split(separator: "\n").map(String.init)
            .filter { TestSupport.readFile(corpus + "/" + $0).count < 256 * 1024 }
        let stride = max(1, all.count / Self.files)
        let chosen = Swift.stride(from: 0, to: all.count, by: stride).prefix(Self.files).map { all[$0] }
        let tshark = TestSupport.which("tshark")
        let fixtures = TestSupport.root + "/fixtures"
        var rng = Rng()
        var runs: [String: Int] = [:]
        var classes: [String: [Int32: Int]] = [:]
        var tracesChecked = 0
        var tsharkChecked = 0
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        for name in chosen {
            let original = TestSupport.readFile(corpus + "/" + name)
            for m in 0..<Self.mutantsPerFile {
                let work = dir + "/w\(m)"
                _ = TestSupport.run("/bin/rm", ["-rf", work])
                _ = mkdir(work, 0o755)
                let input = work + "/in-" + name
                TestSupport.writeFile(input, Self.mutate(original, &rng))
                let keep = rng.below(2) == 0 ? ["--keep-going"] : []
                let commands: [(String, [String], String?)] = [
                    ("info", ["info", input] + keep, nil),
                    ("tables", ["tables", "--format", "ndjson", input] + keep, nil),
                    ("flows", ["flows", "--format", "ndjson", input] + keep, nil),
                    ("simulate", ["simulate", input, "-o", work + "/fwd.pcapng"] + keep, work + "/fwd.pcapng"),
                    ("convert", ["convert", input, "-o", work + "/copy.pcapng"] + keep, work + "/copy.pcapng"),
                    ("merge", ["merge", input, fixtures + "/dcA.pcap", "-o", work + "/merged.pcapng"] + keep, work + "/merged.pcapng"),
                    ("rewrite", ["rewrite", input, "-o", work + "/nat.pcapng", "--notifications",
                                 fixtures + "/nat/moves.ndjson"] + keep, work + "/nat.pcapng"),
                ]
                for (command, arguments, output) in commands {
                    let r = TestSupport.run(TestSupport.binary, arguments)
                    runs[command, default: 0] += 1
                    classes[command, default: [:]][r.status, default: 0] += 1
                    #expect([0, 1, 2].contains(r.status), "\(command) on mutant \(m) of \(name): exit \(r.status) \(r.stderr.prefix(300))")
                    let hidden = TestSupport.run("/bin/sh", ["-c", "ls -A '\(work)' | grep '^\\.' || true"]).stdout
                    #expect(hidden.isEmpty, "\(command) left \(hidden)")
                    guard let output else { continue }
                    if r.status == 0 {
                        let check = TestSupport.run(TestSupport.binary, ["info", output])
                        tracesChecked += 1
                        #expect(check.status == 0, "\(command) on mutant \(m) of \(name) wrote an unreadable trace: \(check.stderr)")
                        if let tshark {
                            let t = TestSupport.run(tshark, ["-r", output, "-c", "1000"])
                            tsharkChecked += 1
                            #expect(t.status == 0, "tshark cannot read what \(command) wrote from mutant \(m) of \(name): \(t.stderr.prefix(300))")
                        }
                    } else {
                        #expect(!TestSupport.fileExists(output), "\(command) failed (\(r.status)) but left \(output)")
                    }
                    _ = unlink(output)
                }
            }
        }
        var lines = ["corpus mutation test: \(chosen.count) files x \(Self.mutantsPerFile) mutants, seed 0x5EED0013"]
        for command in runs.keys.sorted() {
            let c = classes[command]!.sorted { $0.key < $1.key }.map { "exit \($0.key): \($0.value)" }.joined(separator: ", ")
            lines.append("  \(command): \(runs[command]!) runs (\(c))")
        }
        lines.append("  traces written and read back: \(tracesChecked) by roamcap, \(tsharkChecked) by tshark"
                     + (tshark == nil ? " (tshark not installed)" : ""))
        print(lines.joined(separator: "\n"))
    }
}
