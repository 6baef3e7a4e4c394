import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// One distinct run of a command that checks share: the same `run` and the same `with`.
public struct PlannedRun: Sendable {
    public var command: String
    /// The child's arguments: the command, then its options, the format, the topology and
    /// the traces.
    public var arguments: [String]
    /// Whether the command prints NDJSON (collected into one array).
    public var lines: Bool
    /// The checks that use it (indices into the expectations' checks).
    public var checks: [Int]

    /// How often the command alone reads its inputs: `simulate` and `flows --policy` twice
    /// (ground truth, then the fabric), every other command once.
    public var passes: Int {
        switch command {
        case "simulate": return 2
        case "flows": return arguments.contains("--policy") ? 2 : 1
        default: return 1
        }
    }

    /// `roamcap simulate --format json --policy flood …`, for messages.
    public var commandLine: String {
        "roamcap " + arguments.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

/// The runs an expectations file needs, each distinct (`run`, `with`) once.
public struct VerifyPlan: Sendable {
    public var expectations: Expectations
    public var runs: [PlannedRun]
    /// The run of each check.
    public var runOfCheck: [Int]
    /// The traces every run reads.
    public var traces: [String]

    /// Options that select where a command's report goes: verify sets them itself.
    static let reservedOptions = ["format"]
    /// Commands that take `--topology`.
    static let topologyCommands = ["tables", "simulate", "flows", "rewrite"]

    /// Plans the runs; `inputs` (the command line's traces) replace the file's.
    public init(_ expectations: Expectations, inputs: [String] = []) throws(InputFileError) {
        self.expectations = expectations
        traces = inputs.isEmpty ? expectations.traces.map(\.path) : inputs
        runs = []
        runOfCheck = []
        var index: [String: Int] = [:]
        for (i, check) in expectations.checks.enumerated() {
            for option in check.options where Self.reservedOptions.contains(option.name) {
                throw option.position.error("check '\(check.name)': verify reads the command's JSON itself; remove --\(option.name)")
            }
            var arguments = [check.run]
            var lines = check.run == "tables" || check.run == "flows"
            if check.run == "tables" && check.options.contains(where: { $0.name == "at" }) { lines = false }
            arguments += ["--format", lines ? "ndjson" : "json"]
            // Sorted by name, so that the same options in another order share the run.
            for option in check.options.sorted(by: { $0.name < $1.name }) { arguments += option.arguments }
            let names = Set(check.options.map(\.name))
            if check.run == "rewrite" && names.isDisjoint(with: ["output", "output-directory", "dry-run"]) {
                arguments.append("--dry-run")
            }
            if let topology = expectations.topology, Self.topologyCommands.contains(check.run), !names.contains("topology") {
                arguments += ["--topology", topology.path]
            }
            arguments += traces
            let key = arguments.joined(separator: "\u{0}")
            if let existing = index[key] {
                runs[existing].checks.append(i)
                runOfCheck.append(existing)
            } else {
                index[key] = runs.count
                runOfCheck.append(runs.count)
                runs.append(PlannedRun(command: check.run, arguments: arguments, lines: lines, checks: [i]))
            }
        }
    }

    /// Checks every run's arguments with the command's own parser before anything runs: `parse`
    /// returns the parser's complaint, or nil. The error points at the option it names, else at
    /// the check's `with` (or `run`).
    public func validate(_ parse: (_ arguments: [String]) -> String?) throws(InputFileError) {
        for run in runs {
            guard let complaint = parse(run.arguments) else { continue }
            let check = expectations.checks[run.checks[0]]
            var position = check.withPosition ?? check.runPosition
            if let option = check.options.first(where: {
                complaint.contains("--\($0.name)") || complaint.contains("--no-\($0.name)")
            }) {
                position = option.position
            }
            throw position.error("check '\(check.name)': roamcap \(check.run): \(complaint)")
        }
    }

    /// Passes over the traces all runs make together.
    public var passes: Int { runs.map(\.passes).reduce(0, +) }
}

/// What a child run printed and how it ended.
public struct RunOutput: Sendable {
    public var status: Int32
    public var standardOutput: [UInt8]
    public var standardError: String
    public var seconds: Double
}

/// Runs roamcap itself as child processes (`posix_spawn`), at most `parallel` at a time.
public struct ChildRunner: Sendable {
    /// The roamcap executable.
    public var executable: String
    /// The working directory of the children (relative paths in `with` start there).
    public var directory: String
    public var parallel: Int

    public init(executable: String, directory: String, parallel: Int = 2) {
        self.executable = executable
        self.directory = directory
        self.parallel = max(1, parallel)
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    struct Running {
        var index: Int
        var pid: pid_t
        /// The child's standard output and error: unlinked temporary files, read back at its end.
        var output: Int32
        var error: Int32
        var start: Double
    }

    /// Runs every argument vector and returns their outputs, in the same order.
    public func run(_ argumentVectors: [[String]]) throws(InputFileError) -> [RunOutput] {
        var results = [RunOutput?](repeating: nil, count: argumentVectors.count)
        var running: [Running] = []
        var next = 0
        defer {
            for r in running {
                kill(r.pid, SIGTERM)
                var status: Int32 = 0
                waitpid(r.pid, &status, 0)
                close(r.output)
                close(r.error)
            }
        }
        while next < argumentVectors.count || !running.isEmpty {
            while next < argumentVectors.count && running.count < parallel {
                running.append(try spawn(argumentVectors[next], index: next))
                next += 1
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                throw InputFileError(file: "roamcap", "waiting for a child run: \(String(cString: strerror(errno)))")
            }
            guard let slot = running.firstIndex(where: { $0.pid == pid }) else { continue }
            let done = running.remove(at: slot)
            let code: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            let output = Self.readAll(done.output), error = Self.readAll(done.error)
            close(done.output)
            close(done.error)
            results[done.index] = RunOutput(status: code, standardOutput: output,
                                            standardError: String(decoding: error, as: UTF8.self),
                                            seconds: Self.now() - done.start)
        }
        return results.map { $0! }
    }

    /// An anonymous temporary file: created, unlinked at once (so that nothing is left behind,
    /// however verify ends), and closed on exec.
    func temporaryFile() throws(InputFileError) -> Int32 {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/roamcap-verify-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw InputFileError(file: base, "cannot create a temporary file: \(String(cString: strerror(errno)))")
        }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    func spawn(_ arguments: [String], index: Int) throws(InputFileError) -> Running {
        let output = try temporaryFile()
        let errors: Int32
        do { errors = try temporaryFile() } catch { close(output); throw error }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)
        if let addChdir = Self.addChdir { _ = addChdir(&actions, directory) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let start = Self.now()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else {
            close(output)
            close(errors)
            throw InputFileError(file: executable, "cannot run it: \(String(cString: strerror(rc)))")
        }
        return Running(index: index, pid: pid, output: output, error: errors, start: start)
    }

    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29 and later), which Swift's Glibc
    /// module does not export: looked up once, by name.
    static let addChdir: AddChdir? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: AddChdir.self)
    }()

    /// Everything written to a file descriptor, from its start.
    static func readAll(_ fd: Int32) -> [UInt8] {
        guard lseek(fd, 0, SEEK_SET) == 0 else { return [] }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}

/// The result of verifying one expectations file.
public struct VerifyOutcome: Sendable {
    public var plan: VerifyPlan
    public var results: [CheckResult]
    /// What each run printed on standard error (warnings), by run.
    public var runWarnings: [String]
    public var runSeconds: [Double]
    /// Passes each run made over the traces (0 for a run another run's passes served); nil
    /// when the runs were child processes (then each made as many as its command alone).
    public var runPasses: [Int]?
    /// Wall-clock seconds of the whole verification.
    public var seconds: Double

    public var passed: Bool { results.allSatisfy(\.passed) }
    public var failedCount: Int { results.filter { !$0.passed }.count }
}

/// Verifies an expectations file: validates every run with `parse` (the commands' own
/// parser), runs each distinct one once with `runner`, and evaluates every check on its JSON.
/// A run that fails, or prints what is not JSON, is bad input: the error names the check.
public func verifyExpectations(_ plan: VerifyPlan, runner: ChildRunner,
                               parse: (_ arguments: [String]) -> String?) throws(InputFileError) -> VerifyOutcome {
    let start = ChildRunner.now()
    try plan.validate(parse)
    let outputs = try runner.run(plan.runs.map(\.arguments))
    var documents: [JSONValue] = []
    for (run, output) in zip(plan.runs, outputs) {
        let check = plan.expectations.checks[run.checks[0]]
        if output.status != 0 {
            var complaint = output.standardError.split(separator: "\n").first { $0.hasPrefix("roamcap: error: ") }
                .map { String($0.dropFirst("roamcap: error: ".count)) }
                ?? output.standardError.split(separator: "\n").first.map(String.init) ?? "no message"
            if complaint.isEmpty { complaint = "no message" }
            throw (check.withPosition ?? check.runPosition)
                .error("check '\(check.name)': \(run.commandLine) failed (exit \(output.status)): \(complaint)")
        }
        let text = String(decoding: output.standardOutput, as: UTF8.self)
        do {
            documents.append(run.lines ? .array(try JSONValue.parseLines(text)) : try JSONValue.parse(text))
        } catch {
            throw check.runPosition.error("check '\(check.name)': \(run.commandLine) printed what is not JSON: \(error)")
        }
    }
    var results: [CheckResult] = []
    for (i, check) in plan.expectations.checks.enumerated() {
        let r = plan.runOfCheck[i]
        let evaluationStart = ChildRunner.now()
        var result = check.evaluate(documents[r])
        result.seconds = outputs[r].seconds / Double(plan.runs[r].checks.count) + (ChildRunner.now() - evaluationStart)
        results.append(result)
    }
    return VerifyOutcome(plan: plan, results: results, runWarnings: outputs.map(\.standardError),
                         runSeconds: outputs.map(\.seconds), seconds: ChildRunner.now() - start)
}

/// A run's command as a request, for running it in this process.
public enum RunRequest: Sendable {
    case info(InfoRequest)
    case tables(TablesRequest)
    case simulate(SimulateRequest)
    case flows(FlowsRequest)
    case rewrite(RewriteRequest)
}

/// What one run gave: its JSON (as its `--format json` prints it), its warnings, its time, or
/// why it failed.
struct RunResult: Sendable {
    var document: Result<JSONValue, RequestError>
    var warnings: [String] = []
    var seconds: Double = 0
    /// Passes it made over the inputs (0 when another run's passes served it).
    var passes = 0
}

/// Runs one request in this process.
func runInProcess(_ request: RunRequest) -> RunResult {
    let start = ChildRunner.now()
    var result = RunResult(document: .failure(RequestError("not run")))
    func ended(_ error: CaptureError?) -> RequestError? { error.map { RequestError($0.description) } }
    do throws(RequestError) {
        switch request {
        case .info(let r):
            let outcome = runInfo(r)
            result.warnings = outcome.warnings
            if let failure = outcome.failures.first { throw RequestError(failure) }
            result.document = .success(outcome.json)
        case .tables(let r):
            let outcome = try runTables(r)
            result.warnings = outcome.warnings
            if let error = ended(outcome.endingError) { throw error }
            result.document = .success(outcome.json)
        case .simulate(let r):
            let outcome = try runSimulation(r)
            result.warnings = outcome.warnings
            if let error = ended(outcome.endingError) { throw error }
            result.document = .success(outcome.json)
        case .flows(let r):
            let outcome = try runFlows(r)
            result.warnings = outcome.warnings
            if let error = ended(outcome.endingError) { throw error }
            result.document = .success(outcome.json)
        case .rewrite(let r):
            let outcome = try runRewrite(r)
            result.warnings = outcome.warnings
            if let failure = outcome.failures.first { throw RequestError(failure) }
            result.document = .success(outcome.json)
        }
    } catch {
        result.document = .failure(error)
    }
    switch request {
    case .simulate: result.passes = 2
    case .flows(let r): result.passes = r.policies.isEmpty ? 1 : 2
    default: result.passes = 1
    }
    result.seconds = ChildRunner.now() - start
    return result
}

/// Runs `requests` (one per run of `plan`) in this process, those over the same traces and
/// topology that can share passes together (`runShared`), `parallel` jobs at a time (each job
/// a group of runs sharing passes, or one run). Returns each run's result.
func runRequests(_ plan: VerifyPlan, _ requests: [RunRequest], parallel: Int) -> [RunResult] {
    // Runs that can share, grouped by what they read: traces, topology, keepGoing.
    struct Key: Hashable { var inputs: [String]; var topology: String?; var keepGoing: Bool }
    var groups: [Key: (runs: SharedRuns, members: [Int])] = [:]
    var order: [Key] = []
    for (i, request) in requests.enumerated() {
        var key: Key?
        switch request {
        case .tables(let r) where SharedRuns.canShare(r):
            key = Key(inputs: r.inputs, topology: r.topology, keepGoing: r.selection.keepGoing)
        case .simulate(let r) where SharedRuns.canShare(r):
            key = Key(inputs: r.inputs, topology: r.topology, keepGoing: r.selection.keepGoing)
            if let key, let first = groups[key]?.runs.simulations.first, !SharedRuns.canJoin(first, r) { continue }
        case .flows(let r) where SharedRuns.canShare(r):
            key = Key(inputs: r.inputs, topology: r.topology, keepGoing: r.selection.keepGoing)
        default:
            break
        }
        guard let key else { continue }
        if groups[key] == nil {
            groups[key] = (SharedRuns(inputs: key.inputs, topology: key.topology, keepGoing: key.keepGoing), [])
            order.append(key)
        }
        switch request {
        case .tables(let r): groups[key]!.runs.tables.append(r)
        case .simulate(let r): groups[key]!.runs.simulations.append(r)
        case .flows(let r): groups[key]!.runs.flows.append(r)
        default: break
        }
        groups[key]!.members.append(i)
    }
    // The jobs: each group of two runs or more, then every other run alone (alone, a run is its command).
    var jobs: [VerifyJob] = order.compactMap { key in
        let (runs, members) = groups[key]!
        return members.count > 1 ? .shared(runs, members) : nil
    }
    let grouped = Set(jobs.flatMap { job -> [Int] in if case .shared(_, let members) = job { return members } else { return [] } })
    jobs += requests.indices.filter { !grouped.contains($0) }.map { .alone($0) }
    let results = Mutex([RunResult?](repeating: nil, count: requests.count))
    let next = Mutex(0)
    let work = VerifyJobs(jobs: jobs, requests: requests)
    let run: @Sendable () -> Void = {
        while true {
            let j = next.withLock { value -> Int in
                defer { value += 1 }
                return value
            }
            guard j < work.jobs.count else { return }
            let done = work.run(j)
            results.withLock { for (i, result) in done { $0[i] = result } }
        }
    }
    let workers = max(1, min(parallel, jobs.count))
    if workers == 1 { run() } else { DispatchQueue.concurrentPerform(iterations: workers) { _ in run() } }
    return results.withLock { $0.map { $0! } }
}

/// A job of `runRequests`: runs sharing passes, or one run.
enum VerifyJob: Sendable {
    case shared(SharedRuns, [Int])
    case alone(Int)
}

/// The jobs and the requests they run (read-only; each job runs on one thread).
struct VerifyJobs: Sendable {
    var jobs: [VerifyJob]
    var requests: [RunRequest]

    /// Runs job `j`: each run's index and result.
    func run(_ j: Int) -> [(Int, RunResult)] {
        guard case .shared(let runs, let members) = jobs[j] else {
            guard case .alone(let i) = jobs[j] else { return [] }
            return [(i, runInProcess(requests[i]))]
        }
        // The passes are counted on the simulation, which makes them, else on the first run.
        let host = members.first { if case .simulate = requests[$0] { return true } else { return false } } ?? members[0]
        let start = ChildRunner.now()
        let outcome: Result<SharedOutcome, RequestError>
        do throws(RequestError) { outcome = .success(try runShared(runs)) } catch { outcome = .failure(error) }
        let seconds = (ChildRunner.now() - start) / Double(members.count)
        var tables = 0, simulations = 0, flows = 0
        var done: [(Int, RunResult)] = []
        for i in members {
            var result = RunResult(document: .failure(RequestError("not run")), seconds: seconds,
                                   passes: i == host ? (try? outcome.get().passes) ?? 0 : 0)
            switch (outcome, requests[i]) {
            case (.failure(let error), _):
                result.document = .failure(error)
            case (.success(let shared), .tables):
                let one = shared.tables[tables]
                tables += 1
                result.warnings = one.warnings
                result.document = one.endingError.map { .failure(RequestError($0.description)) } ?? .success(one.json)
            case (.success(let shared), .simulate):
                let one = shared.simulations[simulations]
                simulations += 1
                result.warnings = one.warnings
                result.document = one.endingError.map { .failure(RequestError($0.description)) } ?? .success(one.json)
            case (.success(let shared), .flows):
                let one = shared.flows[flows]
                flows += 1
                result.warnings = one.warnings
                result.document = one.endingError.map { .failure(RequestError($0.description)) } ?? .success(one.json)
            default:
                break
            }
            done.append((i, result))
        }
        return done
    }
}

/// Verifies an expectations file in this process: validates every run with `parse`, turns
/// each into its request with `request` (nil: run it as a child of roamcap with `runner`,
/// for what cannot share this process), runs them sharing passes where they can, and
/// evaluates every check on its JSON. `passes` in the outcome counts the reads of the inputs.
public func verifyExpectations(_ plan: VerifyPlan, requests: [RunRequest]?, runner: ChildRunner,
                               parse: (_ arguments: [String]) -> String?) throws(InputFileError) -> VerifyOutcome {
    guard let requests else { return try verifyExpectations(plan, runner: runner, parse: parse) }
    let start = ChildRunner.now()
    try plan.validate(parse)
    // Relative paths in `with` start at the expectations file, as they do for a child run.
    let previous = getcwd(nil, 0)
    defer {
        if let previous { _ = chdir(previous); free(previous) }
    }
    _ = chdir(plan.expectations.directory)
    let results = runRequests(plan, requests, parallel: runner.parallel)
    var documents: [JSONValue] = []
    for (run, result) in zip(plan.runs, results) {
        let check = plan.expectations.checks[run.checks[0]]
        switch result.document {
        case .success(let document): documents.append(document)
        case .failure(let error):
            throw (check.withPosition ?? check.runPosition).error("check '\(check.name)': \(run.commandLine) failed: \(error.message)")
        }
    }
    var checkResults: [CheckResult] = []
    for (i, check) in plan.expectations.checks.enumerated() {
        let r = plan.runOfCheck[i]
        let evaluationStart = ChildRunner.now()
        var result = check.evaluate(documents[r])
        result.seconds = results[r].seconds / Double(plan.runs[r].checks.count) + (ChildRunner.now() - evaluationStart)
        checkResults.append(result)
    }
    var outcome = VerifyOutcome(plan: plan, results: checkResults,
                                runWarnings: results.map { $0.warnings.map { "roamcap: warning: \($0)\n" }.joined() },
                                runSeconds: results.map(\.seconds), seconds: ChildRunner.now() - start)
    outcome.runPasses = results.map(\.passes)
    return outcome
}
