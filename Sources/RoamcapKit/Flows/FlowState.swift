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

/// What one side of a flow sent, and the state of the inference about it. Fixed-size.
public struct FlowSide: Sendable {
    public internal(set) var packets = 0
    public internal(set) var bytes = 0
    public internal(set) var firstTime = Timestamp(seconds: 0, nanoseconds: 0)
    public internal(set) var lastTime = Timestamp(seconds: 0, nanoseconds: 0)
    /// The side's MAC: the source of its frames, else the destination of the other side's.
    public internal(set) var mac: MACAddress?
    var macFromSource = false
    public internal(set) var retransmissions = 0
    public internal(set) var duplicateACKs = 0
    /// Segments that arrived late (within 3 ms of the highest one): not counted as losses.
    public internal(set) var outOfOrder = 0
    /// Copies of one segment captured twice (same sequence, length and IPv4 identification).
    public internal(set) var duplicateCopies = 0

    // TCP.
    var tcpSeen = TCPSeen()
    var initialSequence: UInt32 = 0
    var nextSequence: UInt32 = 0
    var sequenceKnown = false
    var highestSequenceTime = Timestamp(seconds: 0, nanoseconds: 0)
    var lastACK: UInt32 = 0
    var lastWindow: UInt16 = 0
    var ackKnown = false
    var duplicateACKRun = 0
    var lastDataSequence: UInt32 = 0
    var lastDataLength: UInt32 = 0
    var lastDataIdentification: UInt16 = 0
    /// SYNs sent before an answer (SYN-ACK or RST), and when.
    var pendingSYNs = 0
    var firstSYN = Timestamp(seconds: 0, nanoseconds: 0)
    var lastSYN = Timestamp(seconds: 0, nanoseconds: 0)

    // Silence: this side's frames since the other side's last one (counted once the other has spoken).
    var unanswered = 0
    var unansweredStart = Timestamp(seconds: 0, nanoseconds: 0)
    var unansweredLast = Timestamp(seconds: 0, nanoseconds: 0)
    /// Among them, frames already counted lost (retransmissions).
    var unansweredLost = 0
    /// Runs of this side's frames that the other side answered without an outage: how many,
    /// the longest, and the slowest answer (ns from the run's first frame).
    var answeredRuns = 0
    var longestRun = 0
    var slowestAnswer: Int64 = 0

    /// Whether this side's unanswered frames show the other side's silence: they went on for
    /// longer than the threshold or, in a flow where the other side used to answer every frame
    /// or two, they are a run at least 3 long and twice the longest answered run that lasted
    /// more than 4 times the slowest answer (and 10 ms).
    func isSilenceOutage(_ settings: FlowSettings) -> Bool {
        let span = unansweredLast.nanoseconds(since: unansweredStart)
        if span > settings.silenceThreshold { return true }
        guard settings.silenceRuns, answeredRuns >= 4, unanswered >= 3, longestRun <= 2,
              unanswered > 2 * longestRun else { return false }
        return span > max(4 * slowestAnswer, 10_000_000)
    }

    // ARP: requests since the last reply from the target.
    var pendingRequests = 0
    var firstRequest = Timestamp(seconds: 0, nanoseconds: 0)
    var lastRequest = Timestamp(seconds: 0, nanoseconds: 0)
}

/// Inference settings shared by every flow.
public struct FlowSettings: Sendable, Equatable {
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

    public init(silenceThreshold: Int64 = 1_000_000_000, migrationWindow: Int64 = 5_000_000_000,
                outOfOrderWindow: Int64 = 3_000_000, silenceRuns: Bool = true) {
        self.silenceRuns = silenceRuns
        self.silenceThreshold = silenceThreshold
        self.migrationWindow = migrationWindow
        self.outOfOrderWindow = outOfOrderWindow
    }
}

/// One bidirectional flow: counters per side, TCP connection tracking, and its outages.
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

    // MARK: Every frame

    /// Counts a frame from one side and follows silences.
    @inline(__always)
    ///
    /// A frame that `solicits` an answer (for TCP: one that consumes sequence space) extends the
    /// side's run of unanswered frames; with `restartsWhenIdle`, a run whose side paused for
    /// longer than the threshold starts again (the earlier frames were not waiting for an
    /// answer); any frame answers the other side's run.
    mutating func count(fromB: Bool, length: Int, time: Timestamp, source: MACAddress?, destination: MACAddress?,
                        followsSilence: Bool, solicits: Bool = true, restartsWhenIdle: Bool = true,
                        settings: FlowSettings) {
        if time < first { first = time }
        if last < time { last = time }
        var me = fromB ? b : a
        var other = fromB ? a : b
        if me.packets == 0 { me.firstTime = time }
        me.packets += 1
        me.bytes += length
        if me.lastTime < time || me.packets == 1 { me.lastTime = time }
        if let source, source.isUnicast, !source.isZero {
            me.mac = source
            me.macFromSource = true
        }
        if let destination, destination.isUnicast, !destination.isZero, !other.macFromSource {
            other.mac = destination
        }
        if followsSilence {
            // The other side's frames that this one left unanswered, if they went on for long.
            if other.unanswered > 0 {
                if other.isSilenceOutage(settings) {
                    addSilence(fromB: !fromB, side: other, end: time, answered: true, settings: settings)
                } else {
                    other.answeredRuns += 1
                    other.longestRun = max(other.longestRun, other.unanswered)
                    other.slowestAnswer = max(other.slowestAnswer, time.nanoseconds(since: other.unansweredStart))
                }
                other.unanswered = 0
                other.unansweredLost = 0
            }
            if other.packets > 0 && solicits {
                if me.unanswered > 0 && restartsWhenIdle
                    && time.nanoseconds(since: me.unansweredLast) > settings.silenceThreshold {
                    if me.isSilenceOutage(settings) {
                        addSilence(fromB: fromB, side: me, end: me.unansweredLast, answered: false, settings: settings)
                    }
                    me.unanswered = 0
                    me.unansweredLost = 0
                }
                if me.unanswered == 0 { me.unansweredStart = time }
                me.unanswered += 1
                me.unansweredLast = time
            }
        }
        if fromB { b = me; a = other } else { a = me; b = other }
    }

    /// A silence over a side's run of unanswered frames; when the silent side spoke again, the
    /// run's last frame is taken as the one it answered.
    private mutating func addSilence(fromB: Bool, side: FlowSide, end: Timestamp, answered: Bool,
                                     settings: FlowSettings) {
        let frames = answered ? side.unanswered - 1 : side.unanswered
        guard frames > 0 else { return }
        addOutage(.silence, fromB: fromB, start: side.unansweredStart, end: end, frames: frames,
                  gap: settings.silenceThreshold)
        inferredLost += max(0, frames - side.unansweredLost)
    }

    // MARK: TCP

    /// Follows a TCP segment: handshake, closing, retransmissions, duplicate ACKs.
    mutating func observeTCP(fromB: Bool, flags: TCPFlags, sequence: UInt32, acknowledgment: UInt32, window: UInt16,
                             length: Int, identification: UInt16, time: Timestamp, settings: FlowSettings) {
        var me = fromB ? b : a
        var other = fromB ? a : b
        let syn = flags.contains(.syn), ack = flags.contains(.ack)
        let fin = flags.contains(.fin), rst = flags.contains(.rst)
        var retransmitted = false

        if syn && !ack {
            if !me.tcpSeen.contains(.syn) {
                me.initialSequence = sequence
                if !other.tcpSeen.contains(.syn) && !other.tcpSeen.contains(.synACK) && !me.tcpSeen.contains(.synACK) {
                    initiatorIsB = fromB
                }
            }
            me.tcpSeen.insert(.syn)
            if !other.tcpSeen.contains(.synACK) {
                if me.pendingSYNs == 0 { me.firstSYN = time }
                me.pendingSYNs += 1
                me.lastSYN = time
            }
        }
        if syn && ack && !me.tcpSeen.contains(.synACK) {
            // Without a SYN seen, the SYN-ACK's receiver is the initiator.
            if !other.tcpSeen.contains(.syn) && !me.tcpSeen.contains(.syn) { initiatorIsB = !fromB }
            me.tcpSeen.insert(.synACK)
            me.initialSequence = sequence
            answerSYNs(of: &other, fromB: !fromB, at: time, settings: settings)
        }
        if ack && !syn && me.pendingSYNs > 0 {
            // The side acknowledges the other's SYN-ACK the capture did not see: the handshake
            // completed (its earlier SYNs were lost).
            answerSYNs(of: &me, fromB: fromB, at: time, settings: settings)
        }
        if fin { me.tcpSeen.insert(.fin) }
        if rst {
            if !me.tcpSeen.contains(.rst) && firstRST == 0 { firstRST = fromB ? 2 : 1 }
            me.tcpSeen.insert(.rst)
            answerSYNs(of: &other, fromB: !fromB, at: time, settings: settings)
        }

        // Sequence space: retransmissions and out-of-order segments.
        let consumed = UInt32(truncatingIfNeeded: length) &+ (syn ? 1 : 0) &+ (fin ? 1 : 0)
        let end = sequence &+ consumed
        let pendingSYN = syn && !ack && !other.tcpSeen.contains(.synACK)
        if me.sequenceKnown && !rst {
            let keepAlive = length <= 1 && !syn && !fin && sequence == me.nextSequence &- 1
            if consumed > 0 && !pendingSYN && !keepAlive && sequenceLess(sequence, me.nextSequence) {
                if identification != 0 && identification == me.lastDataIdentification
                    && sequence == me.lastDataSequence && consumed == me.lastDataLength {
                    me.duplicateCopies += 1
                } else if other.duplicateACKRun >= 2 && other.lastACK == sequence {
                    retransmitted = true  // fast retransmission
                } else if time.nanoseconds(since: me.highestSequenceTime) < settings.outOfOrderWindow {
                    me.outOfOrder += 1
                } else {
                    retransmitted = true
                }
            }
            if sequenceLess(me.nextSequence, end) {
                me.nextSequence = end
                me.highestSequenceTime = time
            }
        } else if !rst {
            me.nextSequence = end
            me.sequenceKnown = true
            me.highestSequenceTime = time
        }
        if consumed > 0 {
            me.lastDataSequence = sequence
            me.lastDataLength = consumed
            me.lastDataIdentification = identification
        }

        // Acknowledgments: duplicate ACKs say data from the other side is missing.
        if ack && !rst {
            let pure = length == 0 && !syn && !fin
            if me.ackKnown {
                if pure && acknowledgment == me.lastACK && window == me.lastWindow && other.sequenceKnown
                    && sequenceLess(acknowledgment, other.nextSequence) {
                    me.duplicateACKRun += 1
                    me.duplicateACKs += 1
                    addOutage(.duplicateACK, fromB: !fromB, start: time, end: time, frames: 1, gap: settings.silenceThreshold)
                } else if sequenceLess(me.lastACK, acknowledgment) {
                    me.duplicateACKRun = 0
                }
            } else {
                me.ackKnown = true
            }
            me.lastACK = acknowledgment
            me.lastWindow = window
        }

        if retransmitted {
            me.retransmissions += 1
            inferredLost += 1
            if me.unanswered > 0 { me.unansweredLost += 1 }
            addOutage(.retransmission, fromB: fromB, start: time, end: time, frames: 1, gap: settings.silenceThreshold)
        }
        if fromB { b = me; a = other } else { a = me; b = other }
    }

    /// An answer (SYN-ACK or RST) to a side's SYNs: all but the last one were lost.
    private mutating func answerSYNs(of side: inout FlowSide, fromB: Bool, at time: Timestamp, settings: FlowSettings) {
        if side.pendingSYNs > 1 {
            let lost = side.pendingSYNs - 1
            inferredLost += lost
            addOutage(.unansweredSYN, fromB: fromB, start: side.firstSYN, end: time, frames: lost,
                      gap: settings.silenceThreshold)
        }
        side.pendingSYNs = 0
    }

    /// Whether a new SYN on this key starts a new connection (the old one is over).
    func isReusedBy(synFromB fromB: Bool, sequence: UInt32) -> Bool {
        let me = fromB ? b : a
        let closed = (a.tcpSeen.contains(.fin) && b.tcpSeen.contains(.fin)) || a.tcpSeen.contains(.rst)
            || b.tcpSeen.contains(.rst)
        return closed && (!me.tcpSeen.contains(.syn) || me.initialSequence != sequence)
    }

    // MARK: ARP

    /// Follows an ARP request (from the sender side) or reply.
    mutating func observeARP(fromB: Bool, isRequest: Bool, time: Timestamp, settings: FlowSettings) {
        var me = fromB ? b : a
        var other = fromB ? a : b
        if isRequest {
            if me.pendingRequests == 0 { me.firstRequest = time }
            me.pendingRequests += 1
            me.lastRequest = time
        } else if other.pendingRequests > 0 {
            if other.pendingRequests > 1 {
                let lost = other.pendingRequests - 1
                inferredLost += lost
                addOutage(.unansweredARP, fromB: !fromB, start: other.firstRequest, end: time, frames: lost,
                          gap: settings.silenceThreshold)
            }
            other.pendingRequests = 0
        }
        if fromB { b = me; a = other } else { a = me; b = other }
    }

    // MARK: End of input

    /// Closes what is still open at the end of the input (`end`: the last packet's time).
    mutating func finish(end: Timestamp, settings: FlowSettings) {
        for isB in [false, true] {
            let side = isB ? b : a
            if side.unanswered > 0 && side.isSilenceOutage(settings) {
                addSilence(fromB: isB, side: side, end: side.unansweredLast, answered: false, settings: settings)
            }
            if side.pendingSYNs > 0 && end.nanoseconds(since: side.firstSYN) >= settings.silenceThreshold {
                inferredLost += side.pendingSYNs
                addOutage(.unansweredSYN, fromB: isB, start: side.firstSYN, end: side.lastSYN, frames: side.pendingSYNs,
                          gap: settings.silenceThreshold)
            }
            if side.pendingRequests > 0 && end.nanoseconds(since: side.firstRequest) >= settings.silenceThreshold {
                inferredLost += side.pendingRequests
                addOutage(.unansweredARP, fromB: isB, start: side.firstRequest, end: side.lastRequest,
                          frames: side.pendingRequests, gap: settings.silenceThreshold)
            }
            var closed = side
            closed.unanswered = 0
            closed.unansweredLost = 0
            closed.pendingSYNs = 0
            closed.pendingRequests = 0
            if isB { b = closed } else { a = closed }
        }
        outages.sort { $0.start != $1.start ? $0.start < $1.start : $0.cause.rawValue < $1.cause.rawValue }
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
