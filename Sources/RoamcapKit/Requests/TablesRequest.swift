/// `roamcap tables` as a value: what its options ask for.
public struct TablesRequest: Sendable {
    public var inputs: [String]
    public var topology: String?
    public var settings = TableSettings()
    public var controlPlane = ControlPlaneSettings()
    public var selection = SelectionRequest()
    /// `--at`: the tables as they stood then, instead of the events.
    public var at: TimeBound?
    /// `--mac`, `--ip`, `--vlan`: one station through time.
    public var station = StationFilter()

    public init(inputs: [String], topology: String? = nil) {
        self.inputs = inputs
        self.topology = topology
    }
}

/// What `runTables` found, ready to render.
public struct TablesOutcome: Sendable {
    public var result: TableRebuildResult
    /// The events kept by the station filter.
    public var events: [TableEvent]
    /// With `--at`: the tables at that moment (the station's rows only).
    public var snapshot: TableSnapshot?
    /// What to warn about (without the `roamcap: warning: ` prefix).
    public var warnings: [String]
    /// The error that ended an input: reported after the rest (exit 2).
    public var endingError: CaptureError?

    public var topology: Topology { result.topology }

    /// `tables --format json`: the events, or with `--at` the snapshot (SPEC §5).
    public var json: JSONValue {
        if let snapshot { return snapshot.json(topology) }
        return .array(events.map { $0.json(topology) })
    }
}

/// `roamcap tables`: rebuilds the tables (`rebuildTables`), keeps the station's events and
/// says what to warn about.
public func runTables(_ request: TablesRequest, progress: RequestProgress? = nil) throws(RequestError) -> TablesOutcome {
    let topology = try loadTopology(request.topology)
    let selection = try request.selection.make()
    let result = try requesting { () throws(ConversionError) in
        try rebuildTables(inputs: request.inputs, topology: topology, settings: request.settings,
                          controlPlane: request.controlPlane, selection: selection, at: request.at,
                          reading: request.selection.reading(endsAtFirstError: true), progress: progress)
    }
    return try tablesOutcome(result, request: request)
}

/// The outcome of a table pass, as `tables` reports it.
func tablesOutcome(_ result: TableRebuildResult, request: TablesRequest) throws(RequestError) -> TablesOutcome {
    var notes: [String] = []
    if result.unattributedRoutes > 0 {
        notes.append("\(result.unattributedRoutes) of \(result.evpnRoutes) EVPN MAC/IP route events match no site of the topology "
                     + "(see 'roamcap topology check'); their events have site null")
    }
    for gap in result.controlPlaneGaps.prefix(5) {
        notes.append("\(gap.via.rawValue) session \(gap.session): \(gap.length) bytes lost at packet \(gap.packet); "
                     + "reading resumed at the next marker")
    }
    var snapshot: TableSnapshot?
    if request.at != nil {
        guard let taken = result.snapshot else { throw RequestError("--at needs at least one packet to count from") }
        snapshot = request.station.apply(taken)
    }
    return TablesOutcome(result: result, events: request.station.apply(result.events), snapshot: snapshot,
                         warnings: result.pass.warnings(unclaimedPackets: "are read for BGP/BMP only", notes: notes),
                         endingError: result.pass.endingError(keepGoing: request.selection.keepGoing))
}
