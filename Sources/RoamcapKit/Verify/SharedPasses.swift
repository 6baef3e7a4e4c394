import CaptureFile
import PacketFilter
import PacketWire

/// Runs over one trace set (and topology) that share passes (SPEC §6: a file whose checks run
/// on one trace reads it at most as often as the most demanding of its commands alone): the
/// tables ride on the simulation's first pass (with its ground truth), the flows on its second
/// (with its fabric); simulations with the same settings are one, with every policy they ask
/// for; without a simulation, the tables and the flows share one pass.
///
/// Only runs that see every frame share: no read filter, no count, no `--at`, no trace or log
/// written, no flow's packets written, flows without a policy. The others run on their own.
public struct SharedRuns: Sendable {
    public var inputs: [String]
    public var topology: String?
    public var keepGoing: Bool
    public var tables: [TablesRequest] = []
    /// Simulations that `canJoin` one another.
    public var simulations: [SimulateRequest] = []
    public var flows: [FlowsRequest] = []

    public init(inputs: [String], topology: String?, keepGoing: Bool) {
        self.inputs = inputs
        self.topology = topology
        self.keepGoing = keepGoing
    }

    /// Whether `selection` lets a run share: every frame seen, nothing stops the pass early,
    /// frames decoded as every other run decodes them (the default VXLAN ports).
    static func shares(_ selection: SelectionRequest) -> Bool {
        selection.readFilter == nil && selection.count == nil && selection.vxlanPorts == SelectionRequest().vxlanPorts
    }

    public static func canShare(_ request: TablesRequest) -> Bool { shares(request.selection) && request.at == nil }

    public static func canShare(_ request: SimulateRequest) -> Bool {
        shares(request.selection) && request.output == nil && request.decisions == nil && !request.inputs.contains("-")
    }

    /// Whether two simulations differ only in their policies (each policy's fabric is its own,
    /// so one run of all their policies gives each its entries).
    public static func canJoin(_ a: SimulateRequest, _ b: SimulateRequest) -> Bool {
        a.settings == b.settings && a.controlPlane == b.controlPlane && a.selection == b.selection
            && a.controlPlanePorts.bgpPorts == b.controlPlanePorts.bgpPorts
            && a.controlPlanePorts.bmpPorts == b.controlPlanePorts.bmpPorts
            && a.controlPlanePorts.outOfOrderLimit == b.controlPlanePorts.outOfOrderLimit
    }

    public static func canShare(_ request: FlowsRequest) -> Bool {
        shares(request.selection) && request.policies.isEmpty && request.uid == nil && request.output == nil
    }
}

/// What the shared passes found, per run, and how many passes over the inputs were made
/// (a pass whose work is shared out between threads, as the fabric's may be, counts once).
public struct SharedOutcome: Sendable {
    public var tables: [TablesOutcome] = []
    public var simulations: [SimulateOutcome] = []
    public var flows: [FlowsOutcome] = []
    public var passes = 0
}

/// `flows` fed by another job's pass: what `analyzeFlows` does with each frame.
private final class SharedFlowPass {
    let request: FlowsRequest
    let table: FlowTable
    var selection: PacketSelection
    let filtering: Bool
    let mapping: MigrationMapping?
    let reference: Timestamp?

    init(_ request: FlowsRequest) throws(RequestError) {
        self.request = request
        table = FlowTable(settings: request.settings)
        selection = try request.selection.make()
        filtering = !selection.selectsEverything
        let nat = try request.nat.flowNAT()
        let needed = selection.needsReference || (nat.map { MigrationTable.needsReference($0.entries) } ?? false)
        var reference: Timestamp?
        do throws(CaptureError) {
            reference = needed ? try earliestPacketTime(request.inputs) : nil
        } catch {
            throw RequestError(error.description)
        }
        self.reference = reference
        if let reference { selection.resolve(reference: reference) }
        let mapping = nat.flatMap { $0.isEmpty ? nil : $0.mapping(reference: reference) }
        self.mapping = mapping
        table.addressMapping = mapping
    }

    func observe(_ frame: FabricPassFrame) throws(FilterError) {
        let displayed = filtering ? try selection.admits(frame.packet, linkType: frame.linkType) : true
        mapping?.learner?.observe(decoded: frame.decoded, packet: frame.packet)
        guard displayed else { return }
        table.observe(frame.decoded, bytes: frame.packet.data, originalLength: frame.packet.originalLength,
                      time: frame.packet.timestamp, packet: frame.number)
    }

    /// The analysis, outages tied to the migrations of `events` (the tables' of every frame).
    func finish(events: [TableEvent], topology: Topology, pass: PassStatistics, firstTime: Timestamp?) -> FlowAnalysis {
        let migrations = events.filter(\.isMove)
        var analysis = FlowAnalysis(flows: table.records(migrations: migrations, hasPolicy: false), migrations: migrations,
                                    topology: topology)
        analysis.events = events
        analysis.pass = pass
        analysis.firstTime = reference ?? firstTime
        return analysis
    }
}

/// Runs `runs` in as few passes as they allow (see `SharedRuns`).
public func runShared(_ runs: SharedRuns) throws(RequestError) -> SharedOutcome {
    let topology = try loadTopology(runs.topology)
    // The tables of each request, and those `flows` ties outages to (`tables` with no option).
    var tableRequests = runs.tables
    if !runs.flows.isEmpty {
        var plain = TablesRequest(inputs: runs.inputs, topology: runs.topology)
        plain.selection.keepGoing = runs.keepGoing
        tableRequests.append(plain)
    }
    var selections: [PacketSelection] = []
    var reference: Timestamp?
    for request in tableRequests {
        let selection = try request.selection.make()
        if selection.needsReference && reference == nil {
            do throws(CaptureError) { reference = try earliestPacketTime(runs.inputs) } catch { throw RequestError(error.description) }
        }
        selections.append(selection)
    }
    var flowPasses: [SharedFlowPass] = []
    for request in runs.flows { flowPasses.append(try SharedFlowPass(request)) }
    var tablePasses: [TablePass] = []
    func makeTablePasses(_ portMap: CapturePortMap, interfaces: Int) {
        tablePasses = zip(tableRequests, selections).map { request, selection in
            TablePass(topology: portMap.topology, settings: request.settings, controlPlane: request.controlPlane,
                      selection: selection, reference: reference, at: nil, interfaces: interfaces)
        }
    }
    func feedTables(_ frame: FabricFirstPassFrame) throws(FilterError) {
        for pass in tablePasses {
            guard try pass.reads(frame.packet, number: frame.number, port: frame.port, linkType: frame.linkType,
                                 topology: frame.portMap.topology, interfaces: frame.interfaces) else { continue }
            pass.observe(frame.decoded, frame.packet, number: frame.number, port: frame.port)
        }
    }
    var outcome = SharedOutcome()
    var statistics = PassStatistics()
    var finalTopology: Topology
    var firstTime: Timestamp?
    if var simulation = runs.simulations.first {
        try simulation.settings.checkSites(in: topology, file: simulation.topology)
        // One run of every policy asked for (the captured run, when asked, comes last as alone).
        var policies: [FabricPolicy] = []
        for request in runs.simulations {
            for p in request.policiesRun where p != .captured && !policies.contains(p) { policies.append(p) }
        }
        simulation.policies = policies
        let captured = simulation.controlPlane == .captured
        let options = FabricOptions(policies: policies,
                                    settings: simulation.settings, reading: ReadOptions(keepGoing: runs.keepGoing, endsAtFirstError: true),
                                    controlPlane: captured ? simulation.controlPlanePorts : nil)
        let selection = try simulation.selection.make()
        var started = false
        let report = try requesting { () throws(ConversionError) in
            try simulateFabric(inputs: runs.inputs, topology: topology, options: options, selection: selection,
                               onFirstPass: tableRequests.isEmpty ? nil : { frame throws(FilterError) in
                // The port map is the simulation's: the tables start with it at the first packet.
                if !started {
                    started = true
                    makeTablePasses(frame.portMap, interfaces: frame.interfaces)
                }
                try feedTables(frame)
            }, onFrame: flowPasses.isEmpty ? nil : { frame in
                // The display filter was compiled and tried before the run: it cannot fail here.
                for pass in flowPasses { try? pass.observe(frame) }
            })
        }
        if !started { makeTablePasses(CapturePortMap(topology: topology, files: runs.inputs), interfaces: 0) }
        for request in runs.simulations {
            outcome.simulations.append(simulateOutcome(report.keeping(request.policiesRun), request: request, traceIndex: 0))
        }
        outcome.passes = 2
        statistics = report.pass
        finalTopology = report.topology
        firstTime = report.firstTime
    } else {
        do {
            let stream = try MergedCaptureStream(inputs: runs.inputs, topology: topology,
                                                 reading: ReadOptions(keepGoing: runs.keepGoing, endsAtFirstError: true))
            makeTablePasses(stream.portMap, interfaces: stream.interfaceCount)
            var decoded = DecodedPacket()
            while let (packet, file) = try stream.next() {
                let port = stream.portMap.port(file: file, interface: packet.interface)
                let linkType = stream.readers[file].linkType(ofInterface: packet.interface)
                stream.decoders[file][packet.interface].decode(packet.data, into: &decoded)
                try feedTables(FabricFirstPassFrame(packet: packet, number: stream.number, port: port, decoded: decoded,
                                                    linkType: linkType, portMap: stream.portMap, interfaces: stream.interfaceCount))
                let frame = FabricPassFrame(packet: packet, number: stream.number, port: port, decoded: decoded,
                                            displayed: true, judgment: nil, linkType: linkType)
                for pass in flowPasses { try pass.observe(frame) }
            }
            statistics.packetsRead = stream.number
            stream.record(into: &statistics)
            finalTopology = stream.portMap.topology
            firstTime = stream.firstTime
        } catch {
            throw RequestError(ConversionError(error).description)
        }
        outcome.passes = 1
    }
    let tableResults = tablePasses.map { $0.finish(topology: finalTopology, statistics: statistics) }
    for (request, result) in zip(runs.tables, tableResults) {
        outcome.tables.append(try tablesOutcome(result, request: request))
    }
    for (request, pass) in zip(runs.flows, flowPasses) {
        let analysis = pass.finish(events: tableResults.last?.events ?? [], topology: finalTopology, pass: statistics,
                                   firstTime: firstTime)
        outcome.flows.append(try flowsOutcome(analysis, request: request))
    }
    return outcome
}

extension FabricReport {
    /// The report of `policies` alone (each policy's fabric is its own: its counts and losses
    /// do not depend on the others run beside it).
    func keeping(_ policies: [FabricPolicy]) -> FabricReport {
        var report = self
        let kept = policies.compactMap { self.policies.firstIndex(of: $0) }
        report.policies = kept.map { self.policies[$0] }
        report.counts = kept.map { counts[$0] }
        report.losses = kept.map { losses[$0] }
        return report
    }
}
