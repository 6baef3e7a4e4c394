#if canImport(Glibc)
import Glibc
#endif

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A command to time: its standard output goes to `stdoutPath` (a file or /dev/null), and the
/// files in `outputs` are deleted before every run (roamcap refuses to overwrite them).
struct Command {
    var program: String
    var arguments: [String]
    var stdoutPath = "/dev/null"
    var outputs: [String] = []

    var display: String {
        ([program] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
            + (stdoutPath == "/dev/null" ? " > /dev/null" : "")
    }
}

/// The outcome of timing a command `runs` times.
struct Measurement {
    enum Status: Equatable {
        case ok
        case missing
        case failed(String)
    }

    var status: Status
    /// Best (lowest) wall time over the runs, in seconds.
    var seconds = 0.0
    /// Highest peak resident set size over the runs, in KiB.
    var peakKiB = 0
    /// Wall time of every run, in order.
    var runSeconds: [Double] = []
    /// CPU time (user + system) of the run with the best wall time, in seconds.
    var cpuSeconds = 0.0

    var ok: Bool { status == .ok }
    var peakMiB: Double { Double(peakKiB) / 1024 }
}

/// One finished child: wall time, peak RSS and how it ended.
struct ChildResult {
    var seconds: Double
    var cpuSeconds = 0.0
    var peakKiB: Int
    var exitCode: Int32?
    var signal: Int32?
    var spawnError: Int32?

    var succeeded: Bool { spawnError == nil && exitCode == 0 }
}

/// Spawns commands with posix_spawn and reaps them with wait4 for their resource usage.
struct Harness {
    let runs: Int
    /// Every child's standard error goes here (read back to explain a failure).
    let stderrPath: String
    private let environment: [String]

    init(runs: Int, stderrPath: String) {
        self.runs = runs
        self.stderrPath = stderrPath
        environment = Harness.currentEnvironment()
    }

    /// The environment, read from /proc/self/environ (no access to the C global needed).
    private static func currentEnvironment() -> [String] {
        guard let bytes = readFile("/proc/self/environ", limit: 1 << 20) else { return ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"] }
        return bytes.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The executable `program` names: a path when it contains a slash, else looked up in PATH.
    func locate(_ program: String) -> String? {
        if program.contains("/") { return isExecutableFile(program) ? program : nil }
        let path = environment.first { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) }
            ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// Times a group of commands doing the same job, `runs` rounds of one run each (so that a
    /// change of machine load hits every command alike): best wall time and highest peak RSS per
    /// command, after one untimed warm-up run of the first command. Outputs are deleted before
    /// and after every run; `inspect(i)` is called right after the last successful run of
    /// command `i`, while its outputs still exist.
    func measure(_ commands: [Command], inspect: (Int) -> Void = { _ in }) -> [Measurement] {
        let executables = commands.map { locate($0.program) }
        var results = executables.map {
            $0 == nil ? Measurement(status: .missing) : Measurement(status: .ok, seconds: .infinity)
        }
        // One untimed run of the first command (roamcap) warms the binary, the input's pages
        // and the file system's allocator, so that the first timed round is not an outlier.
        if let first = commands.first, let executable = executables[0] {
            for file in first.outputs { unlink(file) }
            _ = spawnAndWait(executable, arguments: [first.program] + first.arguments, stdoutPath: first.stdoutPath)
            for file in first.outputs { unlink(file) }
        }
        for round in 0..<runs {
            for (i, command) in commands.enumerated() where results[i].ok {
                for file in command.outputs { unlink(file) }
                // Start every run with no dirty pages of earlier runs being written back.
                sync()
                let child = spawnAndWait(executables[i]!, arguments: [command.program] + command.arguments,
                                         stdoutPath: command.stdoutPath)
                if child.succeeded {
                    if child.seconds < results[i].seconds { results[i].cpuSeconds = child.cpuSeconds }
                    results[i].seconds = min(results[i].seconds, child.seconds)
                    results[i].runSeconds.append(child.seconds)
                    results[i].peakKiB = max(results[i].peakKiB, child.peakKiB)
                    if round == runs - 1 { inspect(i) }
                } else {
                    results[i].status = .failed(describeFailure(child))
                }
                for file in command.outputs { unlink(file) }
            }
        }
        return results
    }

    /// First line of a command's standard output (for version strings), or nil.
    func firstLine(_ program: String, _ arguments: [String], scratch: String) -> String? {
        guard let executable = locate(program) else { return nil }
        let child = spawnAndWait(executable, arguments: [program] + arguments, stdoutPath: scratch)
        defer { unlink(scratch) }
        guard child.succeeded, let bytes = readFile(scratch, limit: 4096) else { return nil }
        let line = bytes.split(separator: 10).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return line.isEmpty ? nil : line
    }

    private func describeFailure(_ child: ChildResult) -> String {
        if let code = child.spawnError { return "cannot start: \(String(cString: strerror(code)))" }
        var text = child.signal.map { "killed by signal \($0)" } ?? "exit status \(child.exitCode ?? -1)"
        if let bytes = readFile(stderrPath, limit: 4096) {
            let lines = bytes.split(separator: 10).map { String(decoding: $0, as: UTF8.self) }
            if let last = lines.last(where: { !$0.isEmpty }) { text += ": \(last)" }
        }
        return text
    }

    /// posix_spawn + wait4: stdin from /dev/null, stdout to `stdoutPath`, stderr to `stderrPath`.
    func spawnAndWait(_ executable: String, arguments: [String], stdoutPath: String) -> ChildResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }

        var pid: pid_t = 0
        let start = monotonicSeconds()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        if rc != 0 { return ChildResult(seconds: 0, peakKiB: 0, exitCode: nil, signal: nil, spawnError: rc) }

        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            if errno != EINTR {
                return ChildResult(seconds: 0, peakKiB: 0, exitCode: nil, signal: nil, spawnError: errno)
            }
        }
        let seconds = monotonicSeconds() - start
        // WIFEXITED / WEXITSTATUS / WTERMSIG by hand (they are macros).
        let termination = status & 0x7F
        func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return ChildResult(seconds: seconds, cpuSeconds: time(usage.ru_utime) + time(usage.ru_stime),
                           peakKiB: Int(usage.ru_maxrss),
                           exitCode: termination == 0 ? (status >> 8) & 0xFF : nil,
                           signal: termination == 0 ? nil : termination, spawnError: nil)
    }
}

// MARK: - Small file helpers

func isExecutableFile(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(path, X_OK) == 0
}

func fileSize(_ path: String) -> UInt64? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return UInt64(st.st_size)
}

/// Up to `limit` bytes of a file.
func readFile(_ path: String, limit: Int) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while bytes.count < limit {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, min($0.count, limit - bytes.count)) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return bytes
}

/// Writes `text` to `path` (replacing it). False on failure.
func writeTextFile(_ path: String, _ text: String) -> Bool {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    if fd < 0 { return false }
    defer { close(fd) }
    var ok = true
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { b in
        var done = 0
        while done < b.count {
            let n = write(fd, b.baseAddress! + done, b.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                ok = false
                return
            }
            done += n
        }
    }
    return ok
}

/// Creates `path` and its missing parents (mkdir -p). Nil on success, else an error text.
func makeDirectories(_ path: String) -> String? {
    var st = stat()
    if stat(path, &st) == 0 {
        return (st.st_mode & S_IFMT) == S_IFDIR ? nil : "\(path) exists and is not a directory"
    }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for part in path.split(separator: "/") {
        prefix += part
        if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
            return "cannot create \(prefix): \(String(cString: strerror(errno)))"
        }
        prefix += "/"
    }
    return nil
}

/// Reads a whole file once (warms the page cache before timing).
func readThrough(_ path: String) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return }
    defer { close(fd) }
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = read(fd, buffer, 1 << 20)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
    }
}

/// Packets in a classic pcap file (either byte order, µs or ns), or nil when it is not one.
func countPcapRecords(_ path: String) -> Int? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return nil }
    defer { close(fd) }
    let capacity = 1 << 20
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
    defer { buffer.deallocate() }
    var filled = 0
    var position = 0
    var eof = false
    /// Makes at least `count` bytes available from `position`; false at the end of the file.
    func need(_ count: Int) -> Bool {
        if filled - position >= count { return true }
        if position > 0 {
            let left = filled - position
            if left > 0 { buffer.copyMemory(from: buffer + position, byteCount: left) }
            filled = left
            position = 0
        }
        while !eof && filled < count {
            let n = read(fd, buffer + filled, capacity - filled)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { eof = true; break }
            filled += n
        }
        return filled - position >= count
    }
    guard need(24) else { return nil }
    let magic = buffer.loadUnaligned(as: UInt32.self)
    let swapped: Bool
    switch magic {
    case 0xA1B2_C3D4, 0xA1B2_3C4D: swapped = false
    case 0xD4C3_B2A1, 0x4D3C_B2A1: swapped = true
    default: return nil
    }
    position = 24
    var records = 0
    while need(16) {
        var length = buffer.loadUnaligned(fromByteOffset: position + 8, as: UInt32.self)
        if swapped { length = length.byteSwapped }
        position += 16
        var skip = Int(length)
        while skip > 0 {
            let available = filled - position
            if available >= skip {
                position += skip
                skip = 0
            } else {
                skip -= available
                position = filled
                if !need(1) { return nil }
            }
        }
        records += 1
    }
    return filled == position ? records : nil
}

/// The last component of a path.
func baseName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
}

/// A text file's contents, or nil when it cannot be read.
func readTextFile(_ path: String) -> String? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, f)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}
