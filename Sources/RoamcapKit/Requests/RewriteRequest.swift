#if canImport(Glibc)
import Glibc
#endif

/// `roamcap rewrite` as a value: what its options ask for.
public struct RewriteRequest: Sendable {
    public var inputs: [String]
    public var nat = MigrationTableRequest()
    /// `-o` (one input) or `-O` (a directory, each output named after its input); neither on a dry run.
    public var output: String?
    public var outputDirectory: String?
    public var outputFormat: CaptureFormat?
    public var compression: OutputCompression?
    public var force = false
    /// `--vm-side` names, and the topology whose `nat.vm-side` adds to them.
    public var vmSide: Set<String> = []
    public var topology: String?
    public var annotate = false
    public var dryRun = false
    /// Inputs rewritten at once.
    public var jobs = 1
    public var selection = SelectionRequest()

    public init(inputs: [String]) { self.inputs = inputs }

    /// Where input `i` is written (nil on a dry run).
    func outputPath(_ i: Int) -> String? {
        if dryRun { return nil }
        if let output { return output }
        return outputDirectory.map { $0 + "/" + baseName(inputs[i]) }
    }
}

/// What `runRewrite` did: the inputs rewritten, and the errors of the others (reported after
/// the summary, exit 2).
public struct RewriteRunOutcome: Sendable {
    public var results: [RewriteResult]
    public var failures: [String]
    public var warnings: [String]
    public var dryRun: Bool

    /// `rewrite --format json`: the summary (SPEC §5), an array for several inputs.
    public var json: JSONValue {
        results.count == 1 ? RewriteReport.json(results[0], dryRun: dryRun) : .array(results.map { RewriteReport.json($0, dryRun: dryRun) })
    }

    public func rendered(_ format: ReportFormat) -> String { RewriteReport.render(results, format: format, dryRun: dryRun) }
}

/// `roamcap rewrite`: the migration NAT over every input (`rewriteTraces`), `jobs` at a time.
/// `progress` gets the input's index.
public func runRewrite(_ request: RewriteRequest,
                       progress: (@Sendable (Int, UInt64, UInt64?, Int) -> Void)? = nil) throws(RequestError) -> RewriteRunOutcome {
    var options = RewriteOptions()
    options.entries = try request.nat.loadEntries()
    options.learn = request.nat.learn
    options.vmSideInterfaces = request.vmSide
    if let topology = try loadTopology(request.topology) { options.vmSideInterfaces.formUnion(topology.vmSide) }
    // Every vm-side name must name a capture interface (if_name) or an input file: a name that
    // matches nothing silently changed what was rewritten (3540 → 2321 packets, exit 0).
    let unmatched: [String], seen: [String]
    do throws(CaptureError) {
        (unmatched, seen) = try unmatchedInterfaceNames(options.vmSideInterfaces, inputs: request.inputs)
    } catch {
        throw RequestError(error.description)
    }
    if let name = unmatched.first {
        let known = seen.prefix(8).joined(separator: ", ")
        throw RequestError("vm-side interface '\(name)' matches no capture interface or input file"
                           + (known.isEmpty ? "" : " (interfaces: \(known))"))
    }
    options.annotate = request.annotate
    options.dryRun = request.dryRun
    options.format = request.outputFormat
    options.reading = request.selection.reading(endsAtFirstError: false)
    if let directory = request.outputDirectory, !request.dryRun { try makeDirectory(directory) }
    let prepare: @Sendable (Int) throws -> (output: OutputFile?, selection: PacketSelection) = { i in
        let output = try request.outputPath(i).map { (path) throws(CaptureError) in
            try OutputFile(path: path, compressed: OutputCompression.compressed(request.compression), force: request.force,
                           inputs: request.inputs, brokenPipe: .endsRunQuietly)
        }
        return (output, try request.selection.make())
    }
    let outcomes = rewriteTraces(inputs: request.inputs, options: options, parallelism: request.jobs, prepare: prepare,
                                 progress: progress)
    var outcome = RewriteRunOutcome(results: [], failures: [], warnings: [], dryRun: request.dryRun)
    for result in outcomes {
        switch result {
        case .success(let r):
            outcome.results.append(r)
            outcome.warnings += r.pass.warnings(input: r.input)
        case .failure(let e):
            outcome.failures.append((e as? RequestError)?.message ?? "\(e)")
        }
    }
    if outcome.results.isEmpty, let first = outcome.failures.first { throw RequestError(first) }
    return outcome
}

/// `-O DIR` creates DIR (and its parents) when missing.
func makeDirectory(_ path: String) throws(RequestError) {
    var info = stat()
    if stat(path, &info) == 0 {
        if (info.st_mode & S_IFMT) != S_IFDIR { throw RequestError("\(path): not a directory") }
        return
    }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/") {
        prefix += component
        if stat(prefix, &info) != 0 && mkdir(prefix, 0o777) != 0 && errno != EEXIST {
            throw RequestError("\(path): cannot create the directory: \(String(cString: strerror(errno)))")
        }
        prefix += "/"
    }
}
