import CaptureFile
import PacketWire

/// Why a flow lost (or may have lost) traffic during an outage window.
public enum OutageCause: String, Sendable, CaseIterable {
    // Inferred from the trace alone.
    /// One side sent nothing for longer than the silence threshold while the other kept sending.
    case silence
    /// TCP data (or SYN-ACK, FIN) sent again: the first copy was lost.
    case retransmission
    /// TCP duplicate ACKs: the receiver is missing data from the other side.
    case duplicateACK = "duplicate-ack"
    /// TCP SYNs that got no SYN-ACK (or RST).
    case unansweredSYN = "unanswered-syn"
    /// ARP requests that got no reply.
    case unansweredARP = "unanswered-arp"
    /// An ICMP/ICMPv6 destination unreachable quoting a packet of the flow.
    case icmpUnreachable = "icmp-unreachable"
    // Outcomes of a fabric policy (`record(outcome:…)`), SPEC §2.
    case staleLocal = "stale-local"
    case staleRemote = "stale-remote"
    case floodAtCore = "flood-at-core"
    case unknownDrop = "unknown-drop"
    case misdelivered
    case inTransit = "in-transit"

    /// Whether the cause comes from the trace itself (not from a policy).
    public var isInferred: Bool {
        switch self {
        case .silence, .retransmission, .duplicateACK, .unansweredSYN, .unansweredARP, .icmpUnreachable: true
        default: false
        }
    }

}

/// A window during which a flow lost traffic in one direction.
public struct FlowOutage: Sendable, Equatable {
    /// The first and last frame that show it (for `silence`: the first unanswered frame, and the
    /// silent side's next frame, or the last unanswered one when it never spoke again).
    public var start: Timestamp
    public var end: Timestamp
    /// The frames it concerns: frames sent into a silence (but the last, when the silent side
    /// answered it), retransmissions, duplicate ACKs, SYNs, ARP
    /// requests, ICMP errors, or judged frames under a policy.
    public var frames: Int
    public var cause: OutageCause
    /// Whether the traffic lost was endpoint b's (b → a); reports say `forward` when it was the
    /// initiator's.
    public var fromB: Bool
    /// The nearest migration of an endpoint (filled in by `analyzeFlows`).
    public var migration: TableEvent?

    public init(start: Timestamp, end: Timestamp, frames: Int, cause: OutageCause, fromB: Bool,
                migration: TableEvent? = nil) {
        self.start = start
        self.end = end
        self.frames = frames
        self.cause = cause
        self.fromB = fromB
        self.migration = migration
    }

    /// `end - start` in ns.
    public var duration: Int64 { end.nanoseconds(since: start) }
}

/// TCP control bits a side has sent, in the order they matter for the connection state.
struct TCPSeen: OptionSet {
    let rawValue: UInt8
    static let syn = TCPSeen(rawValue: 1)
    static let synACK = TCPSeen(rawValue: 2)
    static let fin = TCPSeen(rawValue: 4)
    static let rst = TCPSeen(rawValue: 8)
}

/// What one side of a flow sent, as its record reports it. Fixed-size; the state of the
/// inference about the side lives in `SideTracking` while the flow is live.
public struct FlowSide: Sendable {
    public internal(set) var packets = 0
    public internal(set) var bytes = 0
    /// The side's MAC: the source of its frames, else the destination of the other side's.
    public internal(set) var mac: MACAddress?
    public internal(set) var retransmissions = 0
    public internal(set) var duplicateACKs = 0
    /// Segments that arrived late (within 3 ms of the highest one): not counted as losses.
    public internal(set) var outOfOrder = 0
    /// Copies of one segment captured twice (same sequence, length and IPv4 identification).
    public internal(set) var duplicateCopies = 0
    /// The TCP control bits it sent (for the connection state).
    var tcpSeen = TCPSeen()
}

/// Inference settings shared by every flow.
public struct FlowSettings: Sendable, Equatable, Codable {
    /// A side silent for longer than this while the other keeps sending is an outage (ns);
    /// outage events of one cause closer than this merge into one window; SYNs and ARP
    /// requests younger than this at the end of the input are not judged.
    public var silenceThreshold: Int64
    /// An outage is tied to a migration of an endpoint at most this far from it (ns).
    public var migrationWindow: Int64
    /// A segment older than the highest one, arriving within this of it, is out of order, not
    /// retransmitted (ns; Wireshark's 3 ms).
    public var outOfOrderWindow: Int64
    /// Also count as silence, in a flow whose sides take turns (every run of frames answered
    /// after at most 2), a run of 3 or more unanswered frames that is twice the longest answered
    /// one and lasts more than 4 times the slowest answer (and 10 ms): the sub-second gaps of a
    /// migration in request/response traffic.
    public var silenceRuns: Bool
    /// A TCP flow idle for longer than this ends (ns; 0: never). Zeek's `tcp_inactivity_timeout`.
    public var tcpIdleTimeout: Int64
    /// Any other flow (UDP, ICMP, other IP protocols, ARP) idle for longer than this ends (ns; 0:
    /// never). Zeek's `udp_inactivity_timeout`, `icmp_inactivity_timeout` and
    /// `unknown_ip_inactivity_timeout`.
    public var idleTimeout: Int64
    /// A TCP connection that closed (both FINs acknowledged, or a RST) ends this long after
    /// (ns), or sooner when idle for its timeout: its late segments (a retransmitted FIN, data
    /// in flight when the RST went out) still count in it. Zeek's `tcp_close_delay` and
    /// `tcp_reset_delay`.
    public var closeDelay: Int64

    /// Zeek's inactivity timeouts (5 min for TCP, 1 min for the others) and close delay (5 s).
    public init(silenceThreshold: Int64 = 1_000_000_000, migrationWindow: Int64 = 5_000_000_000,
                outOfOrderWindow: Int64 = 3_000_000, silenceRuns: Bool = true,
                tcpIdleTimeout: Int64 = 300_000_000_000, idleTimeout: Int64 = 60_000_000_000,
                closeDelay: Int64 = 5_000_000_000) {
        self.silenceRuns = silenceRuns
        self.silenceThreshold = silenceThreshold
        self.migrationWindow = migrationWindow
        self.outOfOrderWindow = outOfOrderWindow
        self.tcpIdleTimeout = tcpIdleTimeout
        self.idleTimeout = idleTimeout
        self.closeDelay = closeDelay
    }

    /// The inactivity timeout of a flow with this key (ns; 0: never).
    func idleTimeout(of key: FlowKey) -> Int64 {
        key.family != .arp && key.ipProtocol == 6 ? tcpIdleTimeout : idleTimeout
    }
}

/// One bidirectional flow as reported: counters per side, the TCP control bits seen, its
/// outages. Compact: the state of the inference (sequence numbers, runs of unanswered frames,
/// pending SYNs and ARP requests) is a `FlowTracking` that the table frees when the flow ends.
///
/// Endpoints are `a` and `b` in the key's canonical order; the initiator (`src` in reports) is
/// the first packet's sender, or the sender of the SYN for TCP.
public struct FlowState: Sendable {
    public let key: FlowKey
    /// Whether endpoint b initiated the flow.
    public internal(set) var initiatorIsB: Bool
    public internal(set) var first: Timestamp
    public internal(set) var last: Timestamp
    /// What a sent (a → b) and what b sent.
    public internal(set) var a = FlowSide()
    public internal(set) var b = FlowSide()
    /// Frames inferred lost: retransmissions, unanswered SYNs and ARP requests, frames sent
    /// into a silence, packets an ICMP unreachable quotes (each frame once).
    public internal(set) var inferredLost = 0
    /// Policy outcomes of the flow's judged frames (see `FlowTable.record(outcome:…)`).
    public internal(set) var delivered = 0
    public internal(set) var misdelivered = 0
    public internal(set) var dropped = 0
    public internal(set) var inTransit = 0
    /// ICMP unreachables that quote the flow.
    public internal(set) var icmpUnreachables = 0
    public internal(set) var outages: [FlowOutage] = []
    /// Which side sent the first RST (0: none, 1: a, 2: b).
    var firstRST: UInt8 = 0
    /// Segments (`Segment.rawValue`) the flow was seen on besides its key's: a routed
    /// conversation whose directions were captured on different VLANs. Empty for most flows.
    public internal(set) var otherSegments: [UInt32] = []

    /// Every segment the flow was seen on, its key's first.
    public var segments: [UInt32] { [key.segment] + otherSegments }

    mutating func addSegment(_ segment: UInt32) {
        if segment != key.segment && !otherSegments.contains(segment) { otherSegments.append(segment) }
    }

    init(key: FlowKey, initiatorIsB: Bool, time: Timestamp) {
        self.key = key
        self.initiatorIsB = initiatorIsB
        first = time
        last = time
    }

    public var packets: Int { a.packets + b.packets }
    public var bytes: Int { a.bytes + b.bytes }
    /// The initiator's side and the responder's.
    public var originator: FlowSide { initiatorIsB ? b : a }
    public var responder: FlowSide { initiatorIsB ? a : b }

    // MARK: Outages

    /// Adds an outage, merging it into the latest one of the same cause and direction when it
    /// starts within `gap` of that one's end.
    mutating func addOutage(_ cause: OutageCause, fromB: Bool, start: Timestamp, end: Timestamp, frames: Int,
                            gap: Int64) {
        var i = outages.count - 1
        while i >= 0 {
            if outages[i].cause == cause && outages[i].fromB == fromB {
                if start.nanoseconds(since: outages[i].end) <= gap {
                    if start < outages[i].start { outages[i].start = start }
                    if outages[i].end < end { outages[i].end = end }
                    outages[i].frames += frames
                    return
                }
                break
            }
            i -= 1
        }
        outages.append(FlowOutage(start: start, end: end, frames: frames, cause: cause, fromB: fromB))
    }

    // MARK: State

    /// Zeek's conn_state for TCP (S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR,
    /// OTH); `one-way` or `two-way` for the others.
    public var connectionState: String {
        guard key.family != .arp && key.ipProtocol == 6 else {
            return a.packets > 0 && b.packets > 0 ? "two-way" : "one-way"
        }
        let orig = originator.tcpSeen, resp = responder.tcpSeen
        let origRST = firstRST == (initiatorIsB ? 2 : 1)
        let respRST = firstRST != 0 && !origRST
        switch (orig.contains(.syn), resp.contains(.synACK)) {
        case (true, true):
            if origRST { return "RSTO" }
            if respRST { return "RSTR" }
            switch (orig.contains(.fin), resp.contains(.fin)) {
            case (true, true): return "SF"
            case (true, false): return "S2"
            case (false, true): return "S3"
            case (false, false): return "S1"
            }
        case (true, false):
            if resp.contains(.rst) { return "REJ" }
            if orig.contains(.rst) { return "RSTOS0" }
            if orig.contains(.fin) { return "SH" }
            return "S0"
        case (false, true):
            if resp.contains(.rst) { return "RSTRH" }
            if resp.contains(.fin) { return "SHR" }
            return "OTH"
        case (false, false):
            return "OTH"
        }
    }
}
