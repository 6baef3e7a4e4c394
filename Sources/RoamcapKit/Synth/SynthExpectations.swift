import PacketWire

/// A synthesized scenario's ground truth as an expectations file for `roamcap verify` (SPEC §6),
/// so that the scenario replayed in a lab and captured there can be checked against its intent:
///
/// - per moving host, how many moves `tables` reports for its MAC, and for each (in time order)
///   whether it is a migration or a move within a site, from where, to where, and the evidence;
/// - under the `flood` and `ideal` policies, no migration loses a frame (`simulate`).
///
/// Times and packet numbers are left out: a replay keeps neither.
public func synthExpectationsYAML(_ result: SynthResult, scenarioName: String, trace: String,
                                  topology: String) -> String {
    func q(_ s: String) -> String { JSONValue.string(s).rendered() }
    let topo = result.topology
    func place(_ id: Topology.PortID) -> (site: String, port: String) { topo.names(of: id) }
    var out = """
        # Ground truth of \(scenarioName), written by roamcap synth: what \(trace) was made to contain.
        # Check the trace, or a lab capture of its replay, against it:
        #   roamcap verify THIS-FILE [CAPTURE...]
        traces: [\(q(trace))]
        topology: \(q(topology))
        checks:

        """
    // The moves of each MAC (in its segment), in the order they first moved.
    var keys: [(Segment, MACAddress)] = []
    for move in result.expected where !keys.contains(where: { $0 == (move.segment, move.mac) }) {
        keys.append((move.segment, move.mac))
    }
    let migrations = result.expected.filter { $0.kind == .migration }.count
    let movedWithinSites = result.expected.count - migrations
    out += "  - name: \(q("\(migrations) migration\(migrations == 1 ? "" : "s") and \(movedWithinSites) move\(movedWithinSites == 1 ? "" : "s") within a site"))\n"
    out += "    run: tables\n    expect:\n"
    out += "      - { path: \"$[?@.event == 'migration']\", count: \(migrations) }\n"
    out += "      - { path: \"$[?@.event == 'moved']\", count: \(movedWithinSites) }\n"
    for (segment, mac) in keys {
        let moves = result.expected.filter { $0.segment == segment && $0.mac == mac }
        let host = moves[0].host
        let segmentTest = segment.isVXLAN ? "@.vlan == \(segment.identifier) && @.segment == 'vxlan'"
                                          : "@.vlan == \(segment.identifier) && !@.segment"
        let station = "@.mac == '\(mac)' && \(segmentTest)"
        let segmentText = segment.isVXLAN ? "vni \(segment.identifier)" : "vlan \(segment.identifier)"
        // One check per kind and pair of places (JSONPath cannot index the events a filter
        // selects, so repeated moves between the same places are counted together).
        var groups: [[SynthExpectation]] = []
        for move in moves {
            if let g = groups.firstIndex(where: { $0[0].kind == move.kind && $0[0].from == move.from && $0[0].to == move.to }) {
                groups[g].append(move)
            } else {
                groups.append([move])
            }
        }
        for (g, group) in groups.enumerated() {
            let move = group[0]
            let from = place(move.from), to = place(move.to)
            let evidences = group.reduce(into: [String]()) { list, m in
                if !list.contains(m.evidence.rawValue) { list.append(m.evidence.rawValue) }
            }
            let times = group.count == 1 ? "" : " (\(group.count) times)"
            let name = "\(host) (\(mac), \(segmentText)): \(move.kind.rawValue) from \(from.site)/\(from.port) "
                + "to \(to.site)/\(to.port)\(times), evidence \(evidences.joined(separator: ", "))"
            let selection = "$[?@.event == '\(move.kind.rawValue)' && \(station) && @.from.site == \(quoteJSONPath(from.site)) && "
                + "@.from.port == \(quoteJSONPath(from.port)) && @.to.site == \(quoteJSONPath(to.site)) && @.to.port == \(quoteJSONPath(to.port))"
            out += "  - name: \(q(name))\n    run: tables\n    expect:\n"
            if g == 0 {
                out += "      - { path: \(q("$[?(@.event == 'migration' || @.event == 'moved') && \(station)]")), count: \(moves.count) }\n"
            }
            out += "      - { path: \(q(selection + "]")), count: \(group.count) }\n"
            if evidences.count == 1 {
                out += "      - { path: \(q(selection + "].evidence")), equals: \(evidences[0]) }\n"
            } else {
                for evidence in evidences {
                    let n = group.filter { $0.evidence.rawValue == evidence }.count
                    out += "      - { path: \(q(selection + " && @.evidence == '\(evidence)']")), count: \(n) }\n"
                }
            }
        }
    }
    // The fabric judges frames by their outer headers (SPEC §2): a tenant's move inside a VXLAN
    // segment is no migration of the fabric's.
    let fabricMigrations = result.expected.filter { $0.kind == .migration && !$0.segment.isVXLAN }.count
    if fabricMigrations > 0 {
        // Both checks share one run.
        for policy in ["flood", "ideal"] {
            out += "  - name: \(q("\(policy): no migration loses a frame"))\n"
            out += "    run: simulate\n    with: { policy: [flood, ideal] }\n    expect:\n"
            out += "      - { path: \"$.policies[?@.policy == '\(policy)'].migrations[*].lostFrames\", count: \(fabricMigrations), max: 0 }\n"
        }
    }
    return out
}

/// A JSONPath string literal (single-quoted).
func quoteJSONPath(_ s: String) -> String {
    var out = "'"
    for c in s.unicodeScalars {
        switch c {
        case "'": out += "\\'"
        case "\\": out += "\\\\"
        default:
            if c.value < 0x20 {
                let hex = String(c.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(c)
            }
        }
    }
    return out + "'"
}
