/// `roamcap flows` as a value: what its options ask for.
public struct FlowsRequest: Sendable {
    public var inputs: [String]
    public var topology: String?
    public var settings = FlowSettings()
    /// `--policy`: the fabric's outcomes instead of the outages the trace suggests (one policy).
    public var policies: [FabricPolicy] = []
    public var fabricSettings = FabricSettings()
    public var nat = MigrationTableRequest()
    /// `--uid`: that flow only; with `output`, its packets written there (pcapng).
    public var uid: String?
    public var output: String?
    public var force = false
    /// `--top N`, `--outages-only`.
    public var top: Int?
    public var outagesOnly = false
    public var selection = SelectionRequest()

    public init(inputs: [String], topology: String? = nil) {
        self.inputs = inputs
        self.topology = topology
    }
}

/// What `runFlows` found, ready to render.
public struct FlowsOutcome: Sendable {
    public var analysis: FlowAnalysis
    /// The flows reported (uid, outages-only and top applied), worst first.
    public var flows: [FlowRecord]
    public var warnings: [String]
    /// With `--uid` and `-o`: the packets written.
    public var packetsWritten: Int?
    /// The error that ended an input: reported after the rest (exit 2).
    public var endingError: CaptureError?

    public var topology: Topology { analysis.topology }

    /// `flows --format json`: the array of its NDJSON records (SPEC §5).
    public var json: JSONValue { .array(flows.map { $0.json(topology) }) }
}

/// `roamcap flows`: the flows of the inputs (`analyzeFlows`), under a policy when asked, one
/// flow's packets written when asked, and what to warn about.
public func runFlows(_ request: FlowsRequest, progress: RequestProgress? = nil) throws(RequestError) -> FlowsOutcome {
    let topology = try loadTopology(request.topology)
    if request.policies.count > 1 {
        throw RequestError("--policy: flows replays one policy at a time (use 'roamcap simulate' to compare)")
    }
    try request.fabricSettings.checkSites(in: topology, file: request.topology)
    let replay = request.policies.first.map { FlowPolicyReplay(policy: $0, settings: request.fabricSettings) }
    let nat = try request.nat.flowNAT()
    let selection = try request.selection.make()
    let analysis = try requesting { () throws(ConversionError) in
        try analyzeFlows(inputs: request.inputs, topology: topology, settings: request.settings, selection: selection,
                         reading: request.selection.reading(endsAtFirstError: true), policy: replay, nat: nat, progress: progress)
    }
    var outcome = try flowsOutcome(analysis, request: request)
    if request.uid != nil, let output = request.output, let flow = outcome.flows.first {
        outcome.packetsWritten = try requesting { () throws(ConversionError) in
            let file: OutputFile
            do throws(CaptureError) {
                file = try OutputFile(path: output, compressed: output.hasSuffix(".zst"), force: request.force,
                                      inputs: request.inputs + [request.topology].compactMap { $0 }, brokenPipe: .endsRunQuietly)
            } catch {
                throw .capture(error)
            }
            return try writeFlowPackets(of: flow.flow, inputs: request.inputs, topology: topology, settings: request.settings,
                                        nat: nat, reading: request.selection.reading(endsAtFirstError: true), output: file)
        }
    }
    return outcome
}

/// The outcome of a flow analysis, as `flows` reports it (before any packets are written).
func flowsOutcome(_ analysis: FlowAnalysis, request: FlowsRequest) throws(RequestError) -> FlowsOutcome {
    var flows = analysis.flows
    if let uid = request.uid {
        flows = flows.filter { $0.flow.uid == uid }
        if flows.isEmpty { throw RequestError("--uid \(uid): no flow has this uid") }
    }
    if request.outagesOnly { flows = flows.filter { !$0.flow.outages.isEmpty } }
    if let top = request.top { flows = Array(flows.prefix(top)) }
    return FlowsOutcome(analysis: analysis, flows: flows,
                        warnings: analysis.pass.warnings(unclaimedPackets: "count in flows but not in migrations"),
                        endingError: analysis.pass.endingError(keepGoing: request.selection.keepGoing))
}
