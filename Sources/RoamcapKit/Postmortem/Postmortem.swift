import CaptureFile

/// How `roamcap report` runs (SPEC §7): the inputs, topology, policies and NAT table it hands,
/// unchanged, to `info`, `tables`, `simulate` and `flows`, and how much the page draws.
public struct PostmortemOptions: Sendable {
    /// Policies for `simulate` (empty: every policy, as `simulate` without `--policy`).
    public var policies: [FabricPolicy] = []
    public var fabricSettings = FabricSettings()
    public var tableSettings = TableSettings()
    public var flowSettings = FlowSettings()
    public var nat: FlowMigrationNAT?
    public var reading = ReadOptions()
    /// Flows embedded and listed (worst first, as `flows --top N`); the rest are summarised.
    public var topFlows = 500
    /// Events embedded (in time order, as `tables --format ndjson`); the rest are summarised.
    public var maximumEvents = 20_000
    /// Flows drawn as timeline lanes (the worst with an outage).
    public var flowLanes = 40
    /// Time buckets of the aggregated lanes.
    public var buckets = 600

    public init() {}
}

/// What the postmortem page shows: each command's result for the same inputs.
public struct Postmortem: Sendable {
    public var inputs: [String]
    public var summaries: [CaptureSummary]
    public var tables: TableRebuildResult
    /// nil without a topology.
    public var fabric: FabricReport?
    public var flows: FlowAnalysis
    public var options: PostmortemOptions

    /// The earliest and latest packet of all inputs.
    public var span: (first: Timestamp, last: Timestamp)? {
        let firsts = summaries.compactMap(\.first), lasts = summaries.compactMap(\.last)
        guard let first = firsts.min(), let last = lasts.max() else { return nil }
        return (first, last)
    }
}

/// `roamcap report`: runs `info`, `tables`, `simulate` (with a topology) and `flows` (no policy)
/// in process on the same inputs, topology and policies (the tables' events come from the
/// table engine `flows` runs on every frame).
public func buildPostmortem(inputs: [String], topology: Topology?, options: PostmortemOptions,
                            progress: ((String) -> Void)? = nil) throws(ConversionError) -> Postmortem {
    var summaries: [CaptureSummary] = []
    progress?("info")
    for input in inputs {
        do throws(CaptureError) {
            summaries.append(try CaptureSummary.read(path: input, reading: options.reading))
        } catch {
            throw .capture(error)
        }
    }
    // `flows` runs the table engine on every frame, as `tables` does without a selection: its
    // events are the tables' (one read of the inputs fewer).
    progress?("flows")
    let flows = try analyzeFlows(inputs: inputs, topology: topology, settings: options.flowSettings,
                                 tableSettings: options.tableSettings, reading: options.reading, nat: options.nat)
    var tables = TableRebuildResult(events: flows.events, topology: flows.topology)
    tables.pass = flows.pass
    tables.firstTime = flows.firstTime
    var fabric: FabricReport?
    if let topology {
        progress?("simulate")
        let policies = options.policies.isEmpty ? FabricPolicy.allCases : options.policies
        fabric = try simulateFabric(inputs: inputs, topology: topology,
                                    options: FabricOptions(policies: policies, settings: options.fabricSettings,
                                                           reading: options.reading))
    }
    return Postmortem(inputs: inputs, summaries: summaries, tables: tables, fabric: fabric, flows: flows,
                      options: options)
}
