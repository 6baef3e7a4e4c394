import CaptureFile
#if canImport(Glibc)
import Glibc
#endif

/// Paths and helpers shared by the tests.
enum TestSupport {
    /// The repository root (three levels above this file).
    static let root: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// `../shared/corpus` beside the repository, when present.
    static let corpus: String? = {
        let path = root + "/../shared/corpus"
        return access(path + "/manifest.tsv", R_OK) == 0 ? path : nil
    }()

    /// The roamcap binary built by `swift build` (or named by ROAMCAP_BIN).
    static let binary: String = {
        if let env = getenv("ROAMCAP_BIN") { return String(cString: env) }
        return root + "/.build/debug/roamcap"
    }()

    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/roamcap-test-XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: path!)
    }

    static func removeTree(_ path: String) {
        _ = run("/bin/rm", ["-rf", path])
    }

    static func fileExists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Whether an executable is on PATH.
    static func which(_ name: String) -> String? {
        for dir in ["/usr/bin", "/usr/sbin", "/bin", "/usr/local/bin"] where access("\(dir)/\(name)", X_OK) == 0 {
            return "\(dir)/\(name)"
        }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program and collects its status and output.
    static func run(_ program: String, _ arguments: [String], stdin: String? = nil) -> Result {
        let dir = temporaryDirectory()
        defer { _ = unlink(dir + "/out"); _ = unlink(dir + "/err"); _ = unlink(dir + "/in"); rmdir(dir) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            writeFile(dir + "/in", Array(stdin.utf8))
            posix_spawn_file_actions_addopen(&actions, 0, dir + "/in", O_RDONLY, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 1, dir + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, dir + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard rc == 0 else { return Result(status: -1, stdout: "", stderr: "spawn failed \(rc)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return Result(status: code, stdout: String(decoding: readFile(dir + "/out"), as: UTF8.self),
                      stderr: String(decoding: readFile(dir + "/err"), as: UTF8.self))
    }

    static func readFile(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) {
        guard let f = fopen(path, "wb") else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    /// Every packet of a capture as (timestamp, original length, bytes).
    static func packets(_ path: String) throws -> [(Timestamp, Int, [UInt8])] {
        let reader = try CaptureReader(path: path)
        var out: [(Timestamp, Int, [UInt8])] = []
        while let p = try reader.nextPacket() { out.append((p.timestamp, p.originalLength, Array(p.data))) }
        return out
    }

    /// The manifest rows: file → (packets or nil when tshark rejects it, first, last).
    static func manifest() -> [(file: String, packets: Int?, first: String, last: String, error: String)] {
        guard let corpus else { return [] }
        let text = String(decoding: readFile(corpus + "/manifest.tsv"), as: UTF8.self)
        var rows: [(String, Int?, String, String, String)] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 8 else { continue }
            rows.append((f[0], Int(f[5]), f[6], f[7], f.count > 17 ? f[17] : ""))
        }
        return rows
    }
}
