import CaptureFile

/// `roamcap bgp` as a value: what its options ask for.
public struct BGPRequest: Sendable {
    public var inputs: [String]
    /// `--topology`: its `evpn` and `evpn-vnis` keys attribute EVPN routes to sites (SPEC §8).
    public var topology: String?
    public var controlPlane = ControlPlaneSettings()
    /// Skip unreadable records instead of stopping at the first.
    public var keepGoing = false

    public init(inputs: [String], topology: String? = nil) {
        self.inputs = inputs
        self.topology = topology
    }
}

/// What `runBGP` found, ready to render.
public struct BGPOutcome: Sendable {
    /// Every route as a row; nil when the routes were streamed as NDJSON.
    public var report: Report?
    /// What to warn about (without the `roamcap: warning: ` prefix).
    public var warnings: [String]
}

/// `roamcap bgp`: reads the control plane of the inputs (`readControlPlane`) and lists every
/// route, attributed to its site when a topology is given.
///
/// With `streaming`, the routes are written as NDJSON as they are decoded, a buffer of about
/// 64 KiB at a time (the same text as `JSONValue.rendered()`), and the outcome has no report:
/// memory does not grow with the listing.
public func runBGP(_ request: BGPRequest, progress: RequestProgress? = nil,
                   streaming write: (([UInt8]) -> Void)? = nil) throws(RequestError) -> BGPOutcome {
    var topology: EVPNTopology?
    if let path = request.topology {
        do { topology = try EVPNTopology.parse(YAMLValue.load(path: path)) } catch { throw RequestError(error.description) }
    }
    // Each message's routes share a time: format it once.
    var lastTime: Timestamp?
    var lastText = ""
    func timeText(_ time: Timestamp) -> String {
        if time != lastTime {
            lastTime = time
            lastText = time.rfc3339
        }
        return lastText
    }
    // EVPN routes no site of the topology claims, and their next hops (for the warning).
    var evpnCount = 0
    var unattributedCount = 0
    var unclaimedHops: [String] = []
    func count(_ route: BGPRouteRecord) {
        guard let topology, let evpn = route.evpn else { return }
        evpnCount += 1
        if topology.site(nextHop: route.attributes.nextHop, routeDistinguisher: evpn.routeDistinguisher) == nil {
            unattributedCount += 1
            let hop = route.attributes.nextHop.map(\.description) ?? "none"
            if !unclaimedHops.contains(hop) { unclaimedHops.append(hop) }
        }
    }
    var writer = JSONLineWriter()
    let onRoute: ((BGPRouteRecord) -> Void)? = write.map { write in
        { route in
            count(route)
            writer.append(route.json(topology: topology, timeText: timeText(route.time)))
            writer.append(byte: UInt8(ascii: "\n"))
            if writer.bytes.count >= 1 << 16 {
                write(writer.bytes)
                writer.removeAll()
            }
        }
    }
    let result = try requesting { () throws(ConversionError) in
        try readControlPlane(inputs: request.inputs, settings: request.controlPlane,
                             reading: ReadOptions(keepGoing: request.keepGoing), progress: progress, onRoute: onRoute)
    }
    if let write, !writer.bytes.isEmpty { write(writer.bytes) }
    var warnings: [String] = []
    for gap in result.gaps {
        warnings.append("\(gap.via) \(gap.session): \(gap.length) bytes lost at stream offset \(gap.offset) "
                        + "(packet \(gap.packet), \(gap.time.rfc3339)); resumed at the next marker")
    }
    if result.malformed > 0 {
        let first = result.firstProblem.map { " (first: packet \($0.packet), \($0.error))" } ?? ""
        warnings.append("\(result.malformed) messages could not be decoded in full\(first)")
    }
    warnings += result.pass.warnings()
    var columns = BGPRouteRecord.columns
    if topology != nil {
        if onRoute == nil { result.routes.forEach(count) }
        if unattributedCount > 0 {
            warnings.append("\(unattributedCount) of \(evpnCount) EVPN routes match no site of the topology "
                            + "(next hops: \(unclaimedHops.joined(separator: ", ")))")
        }
        columns.insert(contentsOf: ["site", "vlan"], at: columns.firstIndex(of: "action")!)
    }
    if onRoute != nil { return BGPOutcome(report: nil, warnings: warnings) }
    let rows = result.routes.map { $0.json(topology: topology, timeText: timeText($0.time)) }
    return BGPOutcome(report: Report(columns: columns, rows: rows), warnings: warnings)
}
