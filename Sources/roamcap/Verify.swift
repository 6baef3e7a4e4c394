import ArgumentParser
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

extension Roamcap {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check captures against an expectations file, for CI: exit 0 when every check holds, 1 when one fails.",
            discussion: """
            An expectations file (YAML) names traces, an optional topology (both relative to \
            the file; inputs given on the command line replace its traces) and checks. A check \
            runs one command (info, tables, simulate, flows or rewrite) with the options of its \
            'with' (long names without dashes; a list for a repeatable option; true gives \
            --name, false --no-name) and asserts on that command's JSON (SPEC §5; for tables \
            and flows the array of their NDJSON records; for rewrite its summary, run with \
            --dry-run unless 'with' names an output). Paths in 'with' are relative to the file.

              traces: [three-site.pcapng]
              topology: three-site.topology.yaml
              checks:
                - name: "flood loses nothing"
                  run: simulate
                  with: { policy: flood }
                  expect:
                    - { path: "$.policies[0].migrations[*].lostFrames", max: 0 }
                - name: "vm1 moved from A to C, announced by gratuitous ARP"
                  run: tables
                  expect:
                    - { path: "$[?@.event == 'migration' && @.mac == '02:00:00:00:00:07']", count: 2 }
                    - path: "$[?@.event == 'migration' && @.mac == '02:00:00:00:00:07']"
                      contains: { from: { site: A }, to: { site: C }, evidence: garp }

            Paths are JSONPath (RFC 9535): $, .name, ['name'], [n] (negative from the end), \
            [start:end:step], [*], .*, ..name, unions [a,b], and filters [?@.k == v] with ==, \
            !=, <, <=, >, >=, &&, ||, !, parentheses, existence tests ([?@.isbn]), string, \
            number, true, false and null literals, and the functions length(), count(), \
            value(), match() and search() ([?length(@.outages) > 0]). A member that is missing \
            compares equal only to another missing one.

            Assertions, each on the values the path selects: equals V (every value equals V), \
            min N and max N (every value is a number at least/at most N; strings compare by \
            code point, so write a time as roamcap does, with nine fraction digits), count N or count: {min, max} (how many values), \
            exists true/false, contains {members} (some value has those members; nested \
            mappings compared the same way). equals, min and max fail when nothing is \
            selected, unless count or exists is given too. A failure names the check, the \
            path, the expectation and the first ten values found.

            Checks with the same run and with share one run, and the runs share passes over \
            the traces: tables, simulate and flows over the same traces and topology read them \
            twice in all (the simulation's first pass also feeds the tables, its second the \
            flows; simulations differing only in their policies are one), tables and flows \
            without simulate once; runs with a read filter, a count, \
            --at, --vxlan-port, an output or a flows policy read them on their own (--verbose \
            counts the runs and the passes); two runs or groups run at a time (-j). A check's \
            time in \
            the JUnit report is its share of its run. Before any runs, every check's \
            options are parsed by the command's own parser: an unknown run or option, a bad \
            value, a JSONPath that does not parse, a missing trace are exit 2 with the file, \
            line and column.

            Output: a table (check, result, expected, found; --format json, ndjson or csv), or \
            TAP version 14 (--tap); --junit FILE also writes JUnit XML (one testsuite per \
            expectations file, one testcase per check, a failure with the message, the \
            expected and the values found) for Jenkins, GitLab and GitHub test reporters.

            Examples:

              roamcap verify fixtures/verify/three-site.expect.yaml
              roamcap verify lab.expect.yaml captured/*.pcapng --junit report.xml
              roamcap verify lab.expect.yaml --tap | tappy
              roamcap synth scenario.yaml -o lab.pcapng && roamcap verify lab.expect.yaml
            """)

        @Argument(help: ArgumentHelp("Expectations file (YAML).", valueName: "expectations"))
        var expectations: String

        @Argument(help: ArgumentHelp("Capture files, replacing the file's traces.", valueName: "input"))
        var inputs: [String] = []

        @OptionGroup var report: ReportOptions

        @Option(name: .long, help: ArgumentHelp("Also write the results as JUnit XML here ('-' for standard output).",
                                                valueName: "file"))
        var junit: String?

        @Flag(name: .long, help: "Print the results as TAP (version 14) instead of a table.")
        var tap = false

        @Option(name: .customShort("j"), help: ArgumentHelp("Runs (or groups of runs sharing passes) at a time.", valueName: "n"))
        var jobs: Int = 2

        @Flag(name: .long, help: "Show every table cell in full (by default the table fits the terminal, or 80 columns).")
        var wide = false

        @Flag(name: .long, help: "Say which runs were made, how long each took and how many passes over the traces each made.")
        var verbose = false

        func validate() throws {
            if inputs.contains("-") { throw ValidationError("verify reads its inputs once per run or group of runs and cannot read standard input") }
            if jobs < 1 || jobs > 64 { throw ValidationError("-j must be between 1 and 64, not \(jobs)") }
            if tap && report.format != .table { throw ValidationError("--tap and --format cannot be used together") }
            if tap && junit == "-" { throw ValidationError("--tap and --junit - both want standard output") }
        }

        func run() throws {
            var plan: VerifyPlan
            do throws(InputFileError) {
                let loaded = try Expectations.load(path: expectations, replacingTraces: !inputs.isEmpty)
                for input in inputs where access(input, R_OK) != 0 {
                    throw InputFileError(file: input, "cannot read it: \(String(cString: strerror(errno)))")
                }
                plan = try VerifyPlan(loaded, inputs: inputs.map(absolutePath))
            } catch {
                throw RoamcapFailure(message: error.description)
            }
            let runner = ChildRunner(executable: Self.executable(), directory: plan.expectations.directory, parallel: jobs)
            let start = Self.timestamp()
            let outcome: VerifyOutcome
            // Reads end at an unreadable record, reported after what was read, as the commands do.
            do {
                outcome = try verifyExpectations(plan, requests: Self.requests(for: plan), runner: runner) { arguments in
                    do {
                        _ = try Roamcap.parseAsRoot(arguments)
                        return nil
                    } catch {
                        let message = Roamcap.message(for: error)
                        return message.split(separator: "\n").first.map(String.init) ?? message
                    }
                }
            } catch {
                throw RoamcapFailure(message: error.description)
            }
            for warning in outcome.runWarnings where !warning.isEmpty { writeStandardError(warning) }
            if verbose {
                let passes = outcome.runPasses ?? plan.runs.map(\.passes)
                writeStandardError("verify: \(plan.expectations.checks.count) checks in \(plan.runs.count) runs, "
                                   + "\(passes.reduce(0, +)) passes over the traces (the most demanding command alone: "
                                   + "\(plan.runs.map(\.passes).max() ?? 0)), \(String(format1: outcome.seconds)) s\n")
                for (i, (run, seconds)) in zip(plan.runs, outcome.runSeconds).enumerated() {
                    let n = passes[i]
                    let reads = n == 0 ? "passes shared with another run" : "\(n) pass\(n == 1 ? "" : "es")"
                    writeStandardError("verify:   \(run.commandLine): \(run.checks.count) check\(run.checks.count == 1 ? "" : "s"), "
                                       + "\(reads), \(String(format1: seconds)) s\n")
                }
            }
            let text = tap ? TAPReport.render(outcome) : VerifyReport.rendered(outcome, format: report.format, width: wide ? nil : Self.terminalWidth())
            if let junit {
                let xml = JUnitReport.render(outcome, timestamp: start, hostname: Self.hostname())
                let file = try OutputFile(path: junit, compressed: false, force: true,
                                          inputs: plan.traces + [expectations], brokenPipe: .endsRunQuietly)
                try file.write(Array(xml.utf8))
                try file.commit()
            }
            // With the XML on standard output, the report goes to standard error.
            if junit == "-" { writeStandardError(text) } else { writeStandardOutput(text) }
            if !outcome.passed { throw ExitCode(1) }
        }

        /// The runs as requests, run in this process; nil when a run is of a command that has
        /// no request (every run is then a child process of roamcap).
        static func requests(for plan: VerifyPlan) -> [RunRequest]? {
            var requests: [RunRequest] = []
            for run in plan.runs {
                guard let command = try? Roamcap.parseAsRoot(run.arguments) else { return nil }
                switch command {
                case let c as Info: requests.append(.info(c.request()))
                case let c as Tables: requests.append(.tables(c.request()))
                case let c as Simulate: requests.append(.simulate(c.request()))
                case let c as Flows: requests.append(.flows(c.request()))
                case let c as Rewrite: requests.append(.rewrite(c.request()))
                default: return nil
                }
            }
            return requests
        }

        func absolutePath(_ path: String) -> String {
            if path.hasPrefix("/") { return path }
            guard let cwd = getcwd(nil, 0) else { return path }
            defer { free(cwd) }
            return String(cString: cwd) + "/" + path
        }

        /// This very executable, to run the checks' commands.
        static func executable() -> String {
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard n > 0 else { return CommandLine.arguments[0] }
            return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// The terminal's width, or 80 when standard output is not a terminal.
        static func terminalWidth() -> Int {
            var size = winsize()
            guard isatty(1) != 0, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
            return Int(size.ws_col)
        }

        static func hostname() -> String {
            var buffer = [UInt8](repeating: 0, count: 256)
            let ok = buffer.withUnsafeMutableBytes { gethostname($0.baseAddress!.assumingMemoryBound(to: CChar.self), 255) } == 0
            guard ok, let end = buffer.firstIndex(of: 0), end > 0 else { return "localhost" }
            return String(decoding: buffer[..<end], as: UTF8.self)
        }

        /// Now, as the Ant JUnit schema writes a timestamp: `2026-11-20T10:00:00` (UTC).
        static func timestamp() -> String {
            var now = time(nil)
            var parts = tm()
            gmtime_r(&now, &parts)
            func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        }
    }
}

extension String {
    /// A number of seconds with one decimal.
    init(format1 value: Double) {
        let tenths = Int((value * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}
