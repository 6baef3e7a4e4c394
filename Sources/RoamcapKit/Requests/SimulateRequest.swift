/// `roamcap simulate` as a value: what its options ask for.
public struct SimulateRequest: Sendable {
    public var inputs: [String]
    public var topology: String?
    /// The policies to compare (empty: every policy).
    public var policies: [FabricPolicy] = []
    public var settings = FabricSettings()
    /// With `.captured`, the run "what did happen" (SPEC §8) after the policies, from the
    /// sessions on `controlPlanePorts`.
    public var controlPlane = ControlPlaneSource.assumed
    public var controlPlanePorts = ControlPlaneSettings()
    /// `-o`: the forwarded trace of `tracePolicy` (a policy's name; default the first).
    public var output: String?
    public var tracePolicy: String?
    /// `--decisions`: every decision, NDJSON.
    public var decisions: String?
    public var compression: OutputCompression?
    public var outputFormat: CaptureFormat?
    public var force = false
    public var selection = SelectionRequest()

    public init(inputs: [String], topology: String? = nil) {
        self.inputs = inputs
        self.topology = topology
    }

    /// The policies run, in order (the captured run last).
    public var policiesRun: [FabricPolicy] {
        (policies.isEmpty ? FabricPolicy.allCases : policies) + (controlPlane == .captured ? [.captured] : [])
    }

    /// The index of the run whose forwarded trace `-o` writes.
    public func traceIndex() throws(RequestError) -> Int {
        let run = policiesRun
        guard let tracePolicy else { return 0 }
        if tracePolicy == FabricPolicy.captured.rawValue, controlPlane == .captured { return run.count - 1 }
        guard let p = FabricPolicy(rawValue: tracePolicy), p != .captured else {
            throw RequestError("--trace-policy: \(PolicyListError(name: tracePolicy))")
        }
        guard let i = run.firstIndex(of: p) else {
            throw RequestError("--trace-policy \(tracePolicy) is not among the policies simulated")
        }
        return i
    }
}

/// What `runSimulation` found, ready to render.
public struct SimulateOutcome: Sendable {
    public var report: FabricReport
    public var traceIndex: Int
    public var warnings: [String]
    /// The error that ended an input: reported after the counts (exit 2), no trace written.
    public var endingError: CaptureError?

    /// `simulate --format json` (SPEC §5).
    public var json: JSONValue { report.json }
}

extension FabricSettings {
    /// Refuses a per-site advertisement delay for a site the topology (file `file`) does not have.
    func checkSites(in topology: Topology?, file: String?) throws(RequestError) {
        guard let topology, let file else { return }
        for site in siteAdvertiseDelays.keys.sorted() where topology.site(named: site) == nil {
            throw RequestError("--advertise-delay: no site '\(site)' in \(file)")
        }
    }
}

/// `roamcap simulate`: the fabric of SPEC §2 over the inputs (`simulateFabric`), with its
/// trace and decision log when asked, and what to warn about.
public func runSimulation(_ request: SimulateRequest, progress: RequestProgress? = nil) throws(RequestError) -> SimulateOutcome {
    if request.output == "-" && request.decisions == "-" {
        throw RequestError("-o - and --decisions - cannot both write to standard output")
    }
    if request.inputs.contains("-") {
        throw RequestError("simulate reads its inputs twice and cannot read standard input; save it to a file first")
    }
    if request.outputFormat == .pcap {
        throw RequestError("the forwarded trace is pcapng (one interface per egress, annotations)")
    }
    let traceIndex = try request.traceIndex()
    let topology = try loadTopology(request.topology)
    try request.settings.checkSites(in: topology, file: request.topology)
    let others = request.inputs + [request.topology].compactMap { $0 }
    let compressed = OutputCompression.compressed(request.compression)
    let trace: OutputFile?, log: OutputFile?
    do throws(CaptureError) {
        trace = try request.output.map { (path) throws(CaptureError) in
            try OutputFile(path: path, compressed: compressed, force: request.force, inputs: others, brokenPipe: .endsRunQuietly)
        }
        log = try request.decisions.map { (path) throws(CaptureError) in
            try OutputFile(path: path, compressed: compressed, force: request.force, inputs: others, brokenPipe: .endsRunQuietly)
        }
    } catch {
        throw RequestError(error.description)
    }
    let captured = request.controlPlane == .captured
    let options = FabricOptions(policies: request.policies.isEmpty ? FabricPolicy.allCases : request.policies,
                                settings: request.settings, reading: request.selection.reading(endsAtFirstError: true), trace: trace,
                                tracePolicy: traceIndex, decisions: log,
                                controlPlane: captured ? request.controlPlanePorts : nil)
    let selection = try request.selection.make()
    let report = try requesting { () throws(ConversionError) in
        try simulateFabric(inputs: request.inputs, topology: topology, options: options, selection: selection,
                           progress: progress)
    }
    return simulateOutcome(report, request: request, traceIndex: traceIndex)
}

/// The outcome of a simulation, as `simulate` reports it.
func simulateOutcome(_ report: FabricReport, request: SimulateRequest, traceIndex: Int) -> SimulateOutcome {
    var notes: [String] = []
    let captured = request.controlPlane == .captured
    if captured {
        if report.capturedRoutes == 0 {
            notes.append("--control-plane captured: no EVPN MAC/IP route attributed to a site was captured")
        }
        if report.capturedUnattributed > 0 {
            notes.append("--control-plane captured: \(report.capturedUnattributed) EVPN MAC/IP routes match no site of the "
                         + "topology and were not applied")
        }
        let unadvertised = report.unadvertised.filter { $0 }.count
        if unadvertised > 0 {
            notes.append("--control-plane captured: \(unadvertised) migrations have no captured advertisement from their new site")
        }
    }
    let warnings = report.pass.warnings(unclaimedPackets: "are ignored" + (captured ? " (but for BGP/BMP)" : ""), notes: notes)
    return SimulateOutcome(report: report, traceIndex: traceIndex, warnings: warnings,
                           endingError: report.endedByError ? report.pass.skippedErrors.first : nil)
}
