import CaptureFile
import PacketWire

/// Texts shared by the forwarded trace, the decision log and reports.
struct FabricText {
    let topology: Topology
    /// `A/p1` per site, per port.
    private let places: [[String]]

    init(topology: Topology) {
        self.topology = topology
        places = topology.sites.map { site in site.ports.map { site.name + "/" + $0.name } }
    }

    func place(_ id: Topology.PortID) -> String { places[Int(id.site)][Int(id.port)] }

    func site(_ index: Int32) -> String { topology.sites[Int(index)].name }

    /// `entry local A/p1 since 0.1s`, `entry remote A since 2s`, `entry flood since 12.003s`, `no entry`.
    func entry(_ v: FabricEntryView) -> String {
        switch v.state {
        case .none: return "no entry"
        case .local: return "entry local \(place(Topology.PortID(site: Int(v.site), port: Int(v.target)))) since \(durationText(v.since))"
        case .remote: return "entry remote \(site(v.target)) since \(durationText(v.since))"
        case .flood: return "entry flood since \(durationText(v.since))"
        }
    }

    /// The outcome of a judged frame, one line: `dropped flood-at-core at B (entry flood since 12.003s), destination at C/p1`.
    func outcome(_ j: FrameJudgment) -> String {
        let destination = j.location.map { ", destination at " + place($0) } ?? ""
        switch j.outcome {
        case .delivered:
            if j.location == j.ingress { return "delivered at \(place(j.ingress)) (destination on the ingress port)" }
            guard let location = j.location else {
                return "delivered (destination never seen: flooded as unknown unicast to \(j.egressCount) ports)"
            }
            return "delivered at \(place(location))"
        case .misdelivered:
            let at = j.egress.map(place) ?? "?"
            return "misdelivered at \(at)" + (j.entry.map { " (\(entry($0)))" } ?? "") + destination
        case .dropped:
            let cause = j.cause?.rawValue ?? "?"
            let at = j.entry.map { site($0.site) } ?? site(j.ingress.site)
            return "dropped \(cause) at \(at)" + (j.entry.map { " (\(entry($0)))" } ?? "") + destination
        case .inTransit:
            var text = "inTransit: destination left " + (j.location.map(place) ?? "?")
            if let next = j.nextLocation { text += ", next seen at " + place(next) }
            return text
        }
    }
}

/// Writes the forwarded trace of one policy: every copy where the fabric sent it, on one pcapng
/// interface per egress (`A/p1` access ports, `A/core` core links, `A/drop` for frames an edge
/// device dropped itself), each annotated with the frame's outcome (`opt_comment`), the input
/// packet number (`epb_packetid`), the direction (`epb_flags`: outbound) and, for discarded
/// copies, a verdict (`epb_verdict`, Linux TC `TC_ACT_SHOT`).
final class FabricTraceWriter {
    private let writer: TraceWriter
    private let text: FabricText
    private var interfaces: [Int64: Int] = [:]
    private(set) var records = 0

    init(output: OutputFile, topology: Topology, policy: FabricPolicy, base: Timestamp) throws(CaptureError) {
        writer = TraceWriter(output: output, format: .pcapng)
        text = FabricText(topology: topology)
        let comment = "roamcap simulate: forwarded trace under policy \(policy.rawValue); times in comments count "
            + "from the first packet (\(base.rfc3339))"
        try writer.beginSection(SectionHeader(options: [BlockOption(code: BlockOption.commentCode, string: comment)]))
    }

    private enum Egress: Int64 { case access = 0, core = 1, drop = 2 }

    private func interface(_ kind: Egress, site: Int32, port: Int32) throws(CaptureError) -> Int {
        let key = kind.rawValue << 40 | Int64(site) << 20 | Int64(max(port, 0))
        if let id = interfaces[key] { return id }
        let siteName = text.site(site)
        let name: String
        let description: String
        switch kind {
        case .access:
            let names = text.topology.names(of: Topology.PortID(site: Int(site), port: Int(port)))
            name = siteName + "/" + names.port
            description = "access port \(names.port) of site \(siteName)"
        case .core:
            name = siteName + "/core"
            description = "core link of site \(siteName)'s edge device"
        case .drop:
            name = siteName + "/drop"
            description = "frames site \(siteName)'s edge device dropped"
        }
        let id = try writer.addInterface(InterfaceDescription(
            linkType: 1, snapLength: 262_144,
            options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: name),
                      BlockOption(code: InterfaceDescription.OptionCode.description, string: description),
                      BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
            timestampResolution: 9))
        interfaces[key] = id
        return id
    }

    static func uint64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Writes the copies of one frame (`judgment` nil for broadcast and multicast).
    func write(_ packet: Packet, ingress: Topology.PortID, judgment: FrameJudgment?, frame: FabricFrame,
               copies: [FabricCopy]) throws(CaptureError) {
        let outcome = judgment.map(text.outcome) ?? (frame.destination.isBroadcast ? "broadcast" : "multicast")
        let packetID = BlockOption(code: 5, value: Self.uint64(UInt64(packet.number)))
        let outbound = BlockOption(code: 2, value: [2, 0, 0, 0])
        let shot = BlockOption(code: 7, value: [1] + Self.uint64(2))
        func emit(_ id: Int, _ options: [BlockOption]) throws(CaptureError) {
            let copy = Packet(timestamp: packet.timestamp, interface: id, originalLength: packet.originalLength,
                              data: packet.data, number: packet.number)
            try writer.write(copy, interfaceID: id, keepTicks: false, extraOptions: options)
            records += 1
        }
        let frameComment = BlockOption(code: BlockOption.commentCode, string: outcome)
        if copies.isEmpty {
            try emit(try interface(.drop, site: ingress.site, port: -1),
                     [frameComment, packetID, shot])
            return
        }
        for copy in copies {
            switch copy.kind {
            case .access:
                try emit(try interface(.access, site: copy.site, port: copy.port), [frameComment, packetID, outbound])
            case .ingressDrop:
                try emit(try interface(.drop, site: copy.site, port: -1), [frameComment, packetID, shot])
            case .core:
                var note = "core copy \(text.site(copy.site))→\(text.site(copy.peer)): "
                if let e = copy.entry, copy.discarded {
                    note += "discarded at \(text.site(copy.peer)) (\(text.entry(e)))"
                } else if let e = copy.entry {
                    note += "delivered at \(text.place(Topology.PortID(site: Int(copy.peer), port: Int(e.target))))"
                } else {
                    note += "flooded to every access port"
                }
                if copy.excess { note += ", excess copy" }
                var options = [frameComment, BlockOption(code: BlockOption.commentCode, string: note), packetID, outbound]
                if copy.discarded { options.append(shot) }
                try emit(try interface(.core, site: copy.site, port: -1), options)
            }
        }
    }

    func finish() throws(CaptureError) {
        try writer.finish()
    }
}

/// `--decisions`: one JSON object per judged frame and policy, written straight into a byte
/// buffer (names, places and the current second's date are rendered once).
final class FabricDecisionLog {
    private let output: OutputFile
    private let text: FabricText
    private let base: Timestamp
    private var buffer: [UInt8] = []
    /// Per site, per port: `{"site":"A","port":"p1"}`; per site: `"A"`; per site, per port: `"A/p1"`.
    private let placeJSON: [[[UInt8]]]
    private let siteJSON: [[UInt8]]
    private let portJSON: [[[UInt8]]]
    private let egressJSON: [[[UInt8]]]
    private var second: Int64 = .min
    private var secondText: [UInt8] = []

    init(output: OutputFile, topology: Topology, base: Timestamp) {
        self.output = output
        text = FabricText(topology: topology)
        self.base = base
        func json(_ value: JSONValue) -> [UInt8] { Array(value.rendered().utf8) }
        placeJSON = topology.sites.indices.map { s in
            topology.sites[s].ports.indices.map { p in json(RoamcapKit.placeJSON(Topology.PortID(site: s, port: p), topology)) }
        }
        siteJSON = topology.sites.map { json(.string($0.name)) }
        portJSON = topology.sites.map { site in site.ports.map { json(.string($0.name)) } }
        egressJSON = topology.sites.map { site in site.ports.map { json(.string(site.name + "/" + $0.name)) } }
        buffer.reserveCapacity(1 << 17)
    }

    @inline(__always)
    private func append(_ s: StaticString) {
        s.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    @inline(__always)
    private func append(_ n: Int) {
        if n < 0 { buffer.append(UInt8(ascii: "-")) }
        var v = n.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                count += 1
            } while v > 0
            for i in stride(from: count - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    /// `"2026-11-20T10:00:01.250000000Z"`, the date part rendered once per second.
    private func appendTime(_ t: Timestamp) {
        if t.seconds != second {
            second = t.seconds
            let full = Timestamp(seconds: t.seconds, nanoseconds: 0).rfc3339
            secondText = Array(full.utf8.prefix(20))  // up to and including the "."
        }
        buffer.append(UInt8(ascii: "\""))
        buffer.append(contentsOf: secondText)
        var ns = t.nanoseconds
        var tail: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (48, 48, 48, 48, 48, 48, 48, 48, 48)
        withUnsafeMutableBytes(of: &tail) { d in
            for i in stride(from: 8, through: 0, by: -1) {
                d[i] = UInt8(ascii: "0") + UInt8(ns % 10)
                ns /= 10
            }
            buffer.append(contentsOf: d)
        }
        append("Z\"")
    }

    private func appendMAC(_ mac: MACAddress) {
        let hex: StaticString = "0123456789abcdef"
        buffer.append(UInt8(ascii: "\""))
        hex.withUTF8Buffer { h in
            for i in 0..<6 {
                if i > 0 { buffer.append(UInt8(ascii: ":")) }
                let o = mac.octet(i)
                buffer.append(h[Int(o >> 4)])
                buffer.append(h[Int(o & 15)])
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private func appendPlace(_ id: Topology.PortID) {
        buffer.append(contentsOf: placeJSON[Int(id.site)][Int(id.port)])
    }

    func log(_ j: FrameJudgment, copies: [FabricCopy]) throws(CaptureError) {
        append("{\"policy\":\"")
        buffer.append(contentsOf: j.policy.rawValue.utf8)
        append("\",\"packet\":")
        append(j.packet)
        append(",\"time\":")
        appendTime(j.time)
        append(",\"vlan\":")
        append(Int(j.segment.identifier))
        if j.segment.isVXLAN { append(",\"segment\":\"vxlan\"") }
        append(",\"src\":")
        appendMAC(j.source)
        append(",\"dst\":")
        appendMAC(j.destination)
        append(",\"ingress\":")
        appendPlace(j.ingress)
        append(",\"outcome\":\"")
        buffer.append(contentsOf: j.outcome.rawValue.utf8)
        buffer.append(UInt8(ascii: "\""))
        if let cause = j.cause {
            append(",\"cause\":\"")
            buffer.append(contentsOf: cause.rawValue.utf8)
            buffer.append(UInt8(ascii: "\""))
        }
        if let e = j.entry {
            append(",\"entry\":{\"site\":")
            buffer.append(contentsOf: siteJSON[Int(e.site)])
            append(",\"state\":\"")
            buffer.append(contentsOf: e.state.name.utf8)
            buffer.append(UInt8(ascii: "\""))
            switch e.state {
            case .local:
                append(",\"port\":")
                buffer.append(contentsOf: portJSON[Int(e.site)][Int(e.target)])
            case .remote:
                append(",\"remote\":")
                buffer.append(contentsOf: siteJSON[Int(e.target)])
            default: break
            }
            if e.state != .none {
                append(",\"since\":")
                appendTime(base.adding(nanoseconds: e.since))
            }
            buffer.append(UInt8(ascii: "}"))
        }
        if let location = j.location {
            append(",\"destination\":")
            appendPlace(location)
        }
        if let next = j.nextLocation {
            append(",\"next\":")
            appendPlace(next)
        }
        append(",\"egress\":[")
        var first = true
        for copy in copies where copy.kind == .access {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(contentsOf: egressJSON[Int(copy.site)][Int(copy.port)])
        }
        append("],\"core\":[")
        first = true
        for copy in copies where copy.kind == .core {
            if !first { buffer.append(UInt8(ascii: ",")) }
            first = false
            buffer.append(contentsOf: siteJSON[Int(copy.peer)])
        }
        append("],\"excessCopies\":")
        append(j.excessCopies)
        append(",\"comment\":")
        buffer.append(contentsOf: JSONValue.string(text.outcome(j)).rendered().utf8)
        append("}\n")
        if buffer.count > 1 << 16 { try flush() }
    }

    private func flush() throws(CaptureError) {
        try output.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(CaptureError) {
        try flush()
        try output.commit()
    }
}
