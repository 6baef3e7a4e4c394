import CaptureFile
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Outputs that are not regular files, signals mid-write, standard output that cannot be
/// written (issue 13, SPEC §4 and §5).
@Suite(.serialized) struct HardeningOutputTests {
    let roamcap = TestSupport.binary
    let trace = TestSupport.root + "/fixtures/dcA.pcap"

    /// Files in `dir`, hidden ones included.
    static func entries(_ dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { out.append(name) }
        }
        return out.sorted()
    }

    /// Starts roamcap with output to files in `dir`; returns its pid.
    static func spawn(_ program: String, _ arguments: [String], dir: String) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // A clean signal mask and dispositions, as a shell gives (the test threads block some).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        _ = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        return pid
    }

    static func waitStatus(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// SIGINT, SIGTERM and SIGHUP left the hidden temporary file (up to 606 MB) beside the
    /// target; simulate left two. The input is a FIFO kept open, so the run is mid-way.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalsRemoveEveryTemporaryFile(signal: Int32) throws {
        let expected: Int32 = 128 + signal
        for command in ["convert", "simulate"] {
            let dir = TestSupport.temporaryDirectory()
            defer { TestSupport.removeTree(dir) }
            let fifo = dir + "/in.pcap"
            #expect(mkfifo(fifo, 0o600) == 0)
            let out = dir + "/out"
            try FileManagerless.mkdir(out)
            let arguments = command == "convert"
                ? ["convert", fifo, "-o", out + "/copy.pcap"]
                : ["simulate", fifo, "-o", out + "/fwd.pcapng", "--decisions", out + "/decisions.ndjson"]
            let pid = Self.spawn(roamcap, arguments, dir: dir)
            // Feed the pcap header and one packet, keeping the FIFO open: the run waits for more.
            var writer: Int32 = -1
            for _ in 0..<500 where writer < 0 {
                writer = open(fifo, O_WRONLY | O_NONBLOCK)
                if writer < 0 { usleep(10_000) }
            }
            #expect(writer >= 0)
            let header = Array(TestSupport.readFile(trace).prefix(24 + 16 + 60))
            _ = header.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
            let wanted = command == "convert" ? 1 : 2
            for _ in 0..<500 where Self.entries(out).count < wanted { usleep(10_000) }
            #expect(Self.entries(out).count == wanted, "\(command): \(Self.entries(out))")
            kill(pid, signal)
            let status = Self.waitStatus(pid)
            close(writer)
            #expect(status == expected, "\(command) after signal \(signal)")
            #expect(Self.entries(out).isEmpty, "\(command) left \(Self.entries(out))")
        }
    }

    /// `-o mynull --force` on a character device replaced it with a regular file.
    @Test(.enabled(if: getuid() == 0, "mknod needs root; /dev/null itself is tested below"))
    func characterDeviceIsWrittenNotReplaced() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let device = dir + "/mynull"
        #expect(mknod(device, S_IFCHR | 0o666, (1 << 8) | 3) == 0)
        for force in [false, true] {
            let r = TestSupport.run(roamcap, ["convert", trace, "-o", device] + (force ? ["--force"] : []))
            #expect(r.status == 0, "\(r.stderr)")
            var st = stat()
            #expect(stat(device, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        }
        #expect(Self.entries(dir) == ["mynull"])
    }

    @Test func devNullIsWrittenNotReplaced() {
        for force in [false, true] {
            let r = TestSupport.run(roamcap, ["convert", trace, "-o", "/dev/null"] + (force ? ["--force"] : []))
            #expect(r.status == 0, "\(r.stderr)")
            var st = stat()
            #expect(stat("/dev/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
        }
    }

    /// A FIFO was replaced and its reader got nothing; `-o >(wc -c)` failed.
    @Test func fifoAndProcessSubstitutionGetTheTrace() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let size = TestSupport.readFile(trace).count
        let r = TestSupport.run("/bin/bash", ["-c", """
            mkfifo '\(dir)/fifo'; (wc -c < '\(dir)/fifo' > '\(dir)/count') &
            '\(roamcap)' convert '\(trace)' -o '\(dir)/fifo' --force || exit 9
            wait; test -p '\(dir)/fifo' || exit 8
            '\(roamcap)' convert '\(trace)' -o >(wc -c > '\(dir)/count2') || exit 7
            sleep 0.2; cat '\(dir)/count' '\(dir)/count2'
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").map { Int($0.trimmingCharacters(in: .whitespaces)) } == [size, size])
    }

    /// Every command exited 0 with `> /dev/full`: a CI job got nothing and green.
    @Test func fullStandardOutputIsAnError() {
        let fixtures = TestSupport.root + "/fixtures"
        let runs: [[String]] = [
            ["info", trace], ["tables", trace], ["flows", trace], ["simulate", trace],
            ["topology", "check", fixtures + "/scenarios/three-site.topology.yaml"],
            ["rewrite", "--dry-run", "--notifications", fixtures + "/nat/moves.ndjson", trace],
            ["convert", trace, "-o", "-"], ["merge", trace, fixtures + "/dcB.pcapng", "-o", "-"],
        ]
        for arguments in runs {
            let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
            let r = TestSupport.run("/bin/sh", ["-c", "'\(roamcap)' \(quoted) > /dev/full"])
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains("No space left on device"), "\(arguments): \(r.stderr)")
        }
    }

    /// `roamcap … | head` ends quietly, as tcpdump does.
    @Test func brokenPipeEndsQuietly() {
        let fixtures = TestSupport.root + "/fixtures"
        for arguments in [["convert", trace, "-o", "-"], ["tables", "--format", "ndjson", trace, fixtures + "/dcB.pcapng"],
                          ["merge", trace, fixtures + "/dcB.pcapng", "-o", "-"]] {
            let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
            let r = TestSupport.run("/bin/bash", ["-c", "set -o pipefail; '\(roamcap)' \(quoted) | head -c 1 > /dev/null"])
            #expect(r.status == 0, "\(arguments): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(arguments): \(r.stderr)")
        }
    }
}

/// Directory creation without Foundation.
enum FileManagerless {
    struct Failure: Error {}
    static func mkdir(_ path: String) throws {
        if Glibc.mkdir(path, 0o755) != 0 { throw Failure() }
    }
}

/// Faults the filesystem injects: a full disk, a read-only directory, an input cut while it is
/// read, an input that cannot be read. Each is exit 2 with one line, nothing left behind.
@Suite(.serialized) struct FaultInjectionTests {
    let roamcap = TestSupport.binary

    /// Mounts a tmpfs of `size` (with `options`) at a fresh directory; nil where this process
    /// may not mount (no CAP_SYS_ADMIN), and the test then says it was skipped.
    static func mountTmpfs(_ options: String) -> String? {
        let dir = TestSupport.temporaryDirectory()
        let r = TestSupport.run("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir])
        if r.status != 0 { TestSupport.removeTree(dir); return nil }
        return dir
    }

    static func unmount(_ dir: String) {
        _ = TestSupport.run("/bin/umount", [dir])
        TestSupport.removeTree(dir)
    }

    static let canMount: Bool = {
        guard getuid() == 0, let dir = mountTmpfs("size=64k") else { return false }
        unmount(dir)
        return true
    }()

    @Test(.enabled(if: canMount, "mounting a tmpfs needs root (CAP_SYS_ADMIN)"))
    func fullFilesystem() throws {
        let dir = Self.mountTmpfs("size=64k")!
        defer { Self.unmount(dir) }
        let work = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(work) }
        try SampleTraces.writeEthernetPcap(work + "/big.pcap", count: 5000)
        let r = TestSupport.run(roamcap, ["convert", work + "/big.pcap", "-o", dir + "/out.pcap"])
        #expect(r.status == 2)
        #expect(r.stderr.contains(dir + "/out.pcap") && r.stderr.contains("No space left on device"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(HardeningOutputTests.entries(dir).isEmpty, "left \(HardeningOutputTests.entries(dir))")
    }

    @Test(.enabled(if: canMount, "mounting a read-only tmpfs needs root (CAP_SYS_ADMIN); root ignores chmod"))
    func readOnlyDirectory() {
        let dir = Self.mountTmpfs("size=64k,ro")!
        defer { Self.unmount(dir) }
        let r = TestSupport.run(roamcap, ["convert", TestSupport.root + "/fixtures/dcA.pcap", "-o", dir + "/out.pcap"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot create a file in \(dir): Read-only file system"), "\(r.stderr)")
    }

    /// The input ends mid-packet while it is being read (a FIFO whose writer stops).
    @Test func inputCutWhileRead() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        let trace = TestSupport.root + "/fixtures/dcA.pcap"
        let r = TestSupport.run("/bin/bash", ["-c", """
            mkfifo '\(dir)/in.pcap'; (head -c 3000 '\(trace)' > '\(dir)/in.pcap') &
            '\(roamcap)' convert '\(dir)/in.pcap' -o '\(dir)/out.pcap'
            """])
        #expect(r.status == 2)
        #expect(r.stderr.contains("in.pcap: byte ") && r.stderr.contains("file ends inside"), "\(r.stderr)")
        #expect(HardeningOutputTests.entries(dir) == ["in.pcap"])
    }

    @Test func unreadableInput() {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        for command in [["info"], ["tables"], ["convert", "-o", dir + "/o.pcap"]] {
            let r = TestSupport.run(roamcap, command + [dir])
            #expect(r.status == 2)
            #expect(r.stderr == "roamcap: error: \(dir): is a directory\n", "\(command): \(r.stderr)")
        }
    }
}
