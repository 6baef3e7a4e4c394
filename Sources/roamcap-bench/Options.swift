#if canImport(Glibc)
import Glibc
#endif

/// Command-line options of roamcap-bench.
struct BenchOptions {
    var roamcap = ""
    var work = "bench-out"
    var packets = 2_000_000
    var runs = 3
    /// The multi-site scenario for `roamcap synth` (the team's 2M-frame one when it is there).
    var multiSite: String? = isReadableFile("../shared/bench/multisite-2m.yaml") ? "../shared/bench/multisite-2m.yaml" : nil

    static let usage = """
        usage: roamcap-bench --roamcap PATH [--work DIR] [--packets N] [--runs K] [--multisite YAML]

        Generates a deterministic data-center trace (WORK/dc-mix.pcap) and times roamcap against
        tcpdump, editcap, cp and capinfos (best wall time of K runs, peak RSS), writing the table
        to standard output and WORK/results.md.

          --roamcap PATH   the roamcap executable to time (required)
          --work DIR       directory for the trace, outputs and results (default: bench-out)
          --packets N      packets in the generated trace (default: 2000000)
          --runs K         runs per command; the best wall time is kept (default: 3)
          --multisite YAML the multi-site scenario synthesized for simulate, flows and verify
                           (default: ../shared/bench/multisite-2m.yaml when present, else a
                           built-in three-site scenario of about as many frames as --packets)
          -h, --help       show this help
        """

    /// Parses the arguments (without the program name); exits 2 with a one-line error on bad input.
    static func parse(_ arguments: [String]) -> BenchOptions {
        var options = BenchOptions()
        var sawRoamcap = false
        var i = 0
        while i < arguments.count {
            var name = arguments[i]
            var value: String?
            if name.hasPrefix("--"), let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            func takeValue() -> String {
                if let value { return value }
                i += 1
                guard i < arguments.count else { fail("\(name) needs a value") }
                return arguments[i]
            }
            switch name {
            case "-h", "--help":
                print(usage)
                exit(0)
            case "--roamcap":
                options.roamcap = takeValue()
                sawRoamcap = true
            case "--work":
                options.work = takeValue()
                if options.work.isEmpty { fail("--work needs a directory") }
            case "--packets":
                options.packets = positive(name, takeValue(), max: 100_000_000)
            case "--runs":
                options.runs = positive(name, takeValue(), max: 100)
            case "--multisite":
                options.multiSite = takeValue()
                if !isReadableFile(options.multiSite!) { fail("--multisite '\(options.multiSite!)' is not a readable file") }
            default:
                if name.hasPrefix("-") { fail("unknown option '\(name)' (see --help)") }
                fail("unexpected argument '\(name)' (see --help)")
            }
            i += 1
        }
        if !sawRoamcap { fail("missing --roamcap PATH") }
        if options.roamcap.isEmpty || !isExecutableFile(options.roamcap) {
            fail("--roamcap '\(options.roamcap)' is not an executable file")
        }
        while options.work.count > 1 && options.work.hasSuffix("/") { options.work.removeLast() }
        return options
    }

    private static func positive(_ name: String, _ text: String, max: Int) -> Int {
        guard let n = Int(text), n >= 1, n <= max else {
            fail("\(name) needs a whole number from 1 to \(max), not '\(text)'")
        }
        return n
    }
}

/// Writes one line to standard error.
func writeStandardError(_ text: String) {
    var line = Array(text.utf8)
    line.append(10)
    line.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
}

/// `roamcap-bench: error: MESSAGE` on standard error, exit 2 (bad usage).
func fail(_ message: String, status: Int32 = 2) -> Never {
    fflush(nil)
    writeStandardError("roamcap-bench: error: \(message)")
    exit(status)
}

/// Whether a file can be opened for reading.
func isReadableFile(_ path: String) -> Bool { access(path, R_OK) == 0 }
