import CaptureFile
import PacketWire

/// The state of the inference about one side of a live flow. Fixed-size.
struct SideTracking {
    /// Whether `FlowSide.mac` came from the side's own frames (a destination MAC never replaces it).
    var macFromSource = false

    // TCP.
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
    /// The sequence number after the side's FIN, and whether the other side acknowledged it.
    var finEnd: UInt32 = 0
    var finSent = false
    var finAcknowledged = false

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

/// What a live flow needs to follow its frames, beside its record (`FlowState`): the inference
/// state of both sides and when the TCP connection closed. The table keeps one per live flow
/// in a reusable slot and finalizes the record with it when the flow ends (`finish`).
struct FlowTracking {
    /// The flow's index in the table's records.
    var flow: Int32 = -1
    var a = SideTracking()
    var b = SideTracking()
    /// When the TCP connection closed: its FIN exchange completed (both FINs acknowledged) or a
    /// side reset it.
    var closedAt: Timestamp?
    /// The earliest deadline the table's expiry queue holds for the flow (its other entries
    /// are stale), nil when it holds none.
    var queuedDeadline: Timestamp?

    init() {}

    init(flow: Int32) {
        self.flow = flow
    }

    // MARK: Every frame

    /// Counts a frame from one side of `flow` and follows silences.
    ///
    /// A frame that `solicits` an answer (for TCP: one that consumes sequence space) extends the
    /// side's run of unanswered frames; with `restartsWhenIdle`, a run whose side paused for
    /// longer than the threshold starts again (the earlier frames were not waiting for an
    /// answer); any frame answers the other side's run.
    @inline(__always)
    mutating func count(_ flow: inout FlowState, fromB: Bool, length: Int, time: Timestamp, source: MACAddress?,
                        destination: MACAddress?, followsSilence: Bool, solicits: Bool = true,
                        restartsWhenIdle: Bool = true, settings: FlowSettings) {
        if time < flow.first { flow.first = time }
        if flow.last < time { flow.last = time }
        var found = FoundSilences()
        // Both sides in place (no copies of their state): the frame's sender and the other.
        if fromB {
            FlowTracking.count(me: &b, other: &a, mySide: &flow.b, otherSide: &flow.a, length: length, time: time,
                               source: source, destination: destination, followsSilence: followsSilence, solicits: solicits,
                               restartsWhenIdle: restartsWhenIdle, settings: settings, found: &found)
        } else {
            FlowTracking.count(me: &a, other: &b, mySide: &flow.a, otherSide: &flow.b, length: length, time: time,
                               source: source, destination: destination, followsSilence: followsSilence, solicits: solicits,
                               restartsWhenIdle: restartsWhenIdle, settings: settings, found: &found)
        }
        // The silences found, in this order: the other side's run this frame answered, then
        // the sender's own run that it restarted.
        if let answered = found.answered {
            FlowTracking.addSilence(&flow, fromB: !fromB, side: answered, end: time, answered: true, settings: settings)
        }
        if let restarted = found.restarted {
            FlowTracking.addSilence(&flow, fromB: fromB, side: restarted, end: restarted.unansweredLast, answered: false,
                                    settings: settings)
        }
    }

    /// The runs a frame closed as silences, as they stood (added to the flow's outages after).
    private struct FoundSilences {
        var answered: SideTracking?
        var restarted: SideTracking?
    }

    /// `count` for the sender (`me`, `mySide`) and the other side.
    @inline(__always)
    private static func count(me: inout SideTracking, other: inout SideTracking, mySide: inout FlowSide,
                              otherSide: inout FlowSide, length: Int, time: Timestamp, source: MACAddress?,
                              destination: MACAddress?, followsSilence: Bool, solicits: Bool, restartsWhenIdle: Bool,
                              settings: FlowSettings, found: inout FoundSilences) {
        mySide.packets += 1
        mySide.bytes += length
        if let source, source.isUnicast, !source.isZero {
            mySide.mac = source
            me.macFromSource = true
        }
        if let destination, destination.isUnicast, !destination.isZero, !other.macFromSource {
            otherSide.mac = destination
        }
        guard followsSilence else { return }
        // The other side's frames that this one left unanswered, if they went on for long.
        if other.unanswered > 0 {
            if other.isSilenceOutage(settings) {
                found.answered = other
            } else {
                other.answeredRuns += 1
                other.longestRun = max(other.longestRun, other.unanswered)
                other.slowestAnswer = max(other.slowestAnswer, time.nanoseconds(since: other.unansweredStart))
            }
            other.unanswered = 0
            other.unansweredLost = 0
        }
        if otherSide.packets > 0 && solicits {
            if me.unanswered > 0 && restartsWhenIdle && time.nanoseconds(since: me.unansweredLast) > settings.silenceThreshold {
                if me.isSilenceOutage(settings) { found.restarted = me }
                me.unanswered = 0
                me.unansweredLost = 0
            }
            if me.unanswered == 0 { me.unansweredStart = time }
            me.unanswered += 1
            me.unansweredLast = time
        }
    }

    /// A silence over a side's run of unanswered frames; when the silent side spoke again, the
    /// run's last frame is taken as the one it answered.
    private static func addSilence(_ flow: inout FlowState, fromB: Bool, side: SideTracking, end: Timestamp,
                                   answered: Bool, settings: FlowSettings) {
        let frames = answered ? side.unanswered - 1 : side.unanswered
        guard frames > 0 else { return }
        flow.addOutage(.silence, fromB: fromB, start: side.unansweredStart, end: end, frames: frames,
                       gap: settings.silenceThreshold)
        flow.inferredLost += max(0, frames - side.unansweredLost)
    }

    // MARK: TCP

    /// Follows a TCP segment: handshake, closing, retransmissions, duplicate ACKs. Returns
    /// whether the segment closed the connection (the ACK of the second FIN, or the first RST).
    mutating func observeTCP(_ flow: inout FlowState, fromB: Bool, flags: TCPFlags, sequence: UInt32,
                             acknowledgment: UInt32, window: UInt16, length: Int, identification: UInt16,
                             time: Timestamp, settings: FlowSettings) -> Bool {
        var me = fromB ? b : a
        var other = fromB ? a : b
        var mySide = fromB ? flow.b : flow.a
        var otherSide = fromB ? flow.a : flow.b
        let syn = flags.contains(.syn), ack = flags.contains(.ack)
        let fin = flags.contains(.fin), rst = flags.contains(.rst)
        var retransmitted = false

        if syn && !ack {
            if !mySide.tcpSeen.contains(.syn) {
                me.initialSequence = sequence
                if !otherSide.tcpSeen.contains(.syn) && !otherSide.tcpSeen.contains(.synACK)
                    && !mySide.tcpSeen.contains(.synACK) {
                    flow.initiatorIsB = fromB
                }
            }
            mySide.tcpSeen.insert(.syn)
            if !otherSide.tcpSeen.contains(.synACK) {
                if me.pendingSYNs == 0 { me.firstSYN = time }
                me.pendingSYNs += 1
                me.lastSYN = time
            }
        }
        if syn && ack && !mySide.tcpSeen.contains(.synACK) {
            // Without a SYN seen, the SYN-ACK's receiver is the initiator.
            if !otherSide.tcpSeen.contains(.syn) && !mySide.tcpSeen.contains(.syn) { flow.initiatorIsB = !fromB }
            mySide.tcpSeen.insert(.synACK)
            me.initialSequence = sequence
            FlowTracking.answerSYNs(&flow, of: &other, fromB: !fromB, at: time, settings: settings)
        }
        if ack && !syn && me.pendingSYNs > 0 {
            // The side acknowledges the other's SYN-ACK the capture did not see: the handshake
            // completed (its earlier SYNs were lost).
            FlowTracking.answerSYNs(&flow, of: &me, fromB: fromB, at: time, settings: settings)
        }
        if fin { mySide.tcpSeen.insert(.fin) }
        if rst {
            if !mySide.tcpSeen.contains(.rst) && flow.firstRST == 0 { flow.firstRST = fromB ? 2 : 1 }
            mySide.tcpSeen.insert(.rst)
            FlowTracking.answerSYNs(&flow, of: &other, fromB: !fromB, at: time, settings: settings)
        }

        // Sequence space: retransmissions and out-of-order segments.
        let consumed = UInt32(truncatingIfNeeded: length) &+ (syn ? 1 : 0) &+ (fin ? 1 : 0)
        let end = sequence &+ consumed
        let pendingSYN = syn && !ack && !otherSide.tcpSeen.contains(.synACK)
        if me.sequenceKnown && !rst {
            let keepAlive = length <= 1 && !syn && !fin && sequence == me.nextSequence &- 1
            if consumed > 0 && !pendingSYN && !keepAlive && sequenceLess(sequence, me.nextSequence) {
                if identification != 0 && identification == me.lastDataIdentification
                    && sequence == me.lastDataSequence && consumed == me.lastDataLength {
                    mySide.duplicateCopies += 1
                } else if other.duplicateACKRun >= 2 && other.lastACK == sequence {
                    retransmitted = true  // fast retransmission
                } else if time.nanoseconds(since: me.highestSequenceTime) < settings.outOfOrderWindow {
                    mySide.outOfOrder += 1
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
        if fin && !rst {
            me.finSent = true
            me.finEnd = end
        }

        // Acknowledgments: duplicate ACKs say data from the other side is missing.
        if ack && !rst {
            let pure = length == 0 && !syn && !fin
            if me.ackKnown {
                if pure && acknowledgment == me.lastACK && window == me.lastWindow && other.sequenceKnown
                    && sequenceLess(acknowledgment, other.nextSequence) {
                    me.duplicateACKRun += 1
                    mySide.duplicateACKs += 1
                    flow.addOutage(.duplicateACK, fromB: !fromB, start: time, end: time, frames: 1,
                                   gap: settings.silenceThreshold)
                } else if sequenceLess(me.lastACK, acknowledgment) {
                    me.duplicateACKRun = 0
                }
            } else {
                me.ackKnown = true
            }
            me.lastACK = acknowledgment
            me.lastWindow = window
            if other.finSent && !sequenceLess(acknowledgment, other.finEnd) { other.finAcknowledged = true }
        }

        if retransmitted {
            mySide.retransmissions += 1
            flow.inferredLost += 1
            if me.unanswered > 0 { me.unansweredLost += 1 }
            flow.addOutage(.retransmission, fromB: fromB, start: time, end: time, frames: 1, gap: settings.silenceThreshold)
        }
        if fromB {
            b = me; a = other
            flow.b = mySide; flow.a = otherSide
        } else {
            a = me; b = other
            flow.a = mySide; flow.b = otherSide
        }
        guard closedAt == nil, rst || (a.finAcknowledged && b.finAcknowledged) else { return false }
        closedAt = time
        return true
    }

    /// An answer (SYN-ACK or RST) to a side's SYNs: all but the last one were lost.
    private static func answerSYNs(_ flow: inout FlowState, of side: inout SideTracking, fromB: Bool, at time: Timestamp,
                                   settings: FlowSettings) {
        if side.pendingSYNs > 1 {
            let lost = side.pendingSYNs - 1
            flow.inferredLost += lost
            flow.addOutage(.unansweredSYN, fromB: fromB, start: side.firstSYN, end: time, frames: lost,
                           gap: settings.silenceThreshold)
        }
        side.pendingSYNs = 0
    }

    /// Whether a new SYN on this key starts a new connection (the old one is over).
    func isReusedBy(_ flow: FlowState, synFromB fromB: Bool, sequence: UInt32) -> Bool {
        let me = fromB ? b : a
        let mySide = fromB ? flow.b : flow.a
        let closed = (flow.a.tcpSeen.contains(.fin) && flow.b.tcpSeen.contains(.fin)) || flow.a.tcpSeen.contains(.rst)
            || flow.b.tcpSeen.contains(.rst)
        return closed && (!mySide.tcpSeen.contains(.syn) || me.initialSequence != sequence)
    }

    // MARK: ARP

    /// Follows an ARP request (from the sender side) or reply.
    mutating func observeARP(_ flow: inout FlowState, fromB: Bool, isRequest: Bool, time: Timestamp,
                             settings: FlowSettings) {
        var me = fromB ? b : a
        var other = fromB ? a : b
        if isRequest {
            if me.pendingRequests == 0 { me.firstRequest = time }
            me.pendingRequests += 1
            me.lastRequest = time
        } else if other.pendingRequests > 0 {
            if other.pendingRequests > 1 {
                let lost = other.pendingRequests - 1
                flow.inferredLost += lost
                flow.addOutage(.unansweredARP, fromB: !fromB, start: other.firstRequest, end: time, frames: lost,
                               gap: settings.silenceThreshold)
            }
            other.pendingRequests = 0
        }
        if fromB { b = me; a = other } else { a = me; b = other }
    }

    // MARK: End

    /// When the flow ends if no frame comes: idle for its timeout after its last frame, or the
    /// close delay after its TCP connection closed; nil for never.
    func deadline(_ flow: FlowState, settings: FlowSettings) -> Timestamp? {
        let timeout = settings.idleTimeout(of: flow.key)
        var deadline = timeout > 0 ? FlowTracking.later(flow.last, by: timeout) : nil
        if let closedAt, let closing = FlowTracking.later(closedAt, by: settings.closeDelay) {
            deadline = deadline.map { min($0, closing) } ?? closing
        }
        return deadline
    }

    /// `time + ns`, nil past the last representable second (no deadline for a garbage time).
    static func later(_ time: Timestamp, by ns: Int64) -> Timestamp? {
        let (seconds, overflow) = time.seconds.addingReportingOverflow(ns / 1_000_000_000 + 1)
        guard !overflow, seconds < Int64.max else { return nil }
        return time.adding(nanoseconds: ns)
    }

    /// Closes what is still open when the flow ends (`end`: the trace's last packet, or the
    /// instant the flow ended before it), exactly as at the end of the input: silences,
    /// unanswered SYNs and ARP requests (those younger than the silence threshold are not judged).
    func finish(_ flow: inout FlowState, end: Timestamp, settings: FlowSettings) {
        for isB in [false, true] {
            let side = isB ? b : a
            if side.unanswered > 0 && side.isSilenceOutage(settings) {
                FlowTracking.addSilence(&flow, fromB: isB, side: side, end: side.unansweredLast, answered: false,
                                        settings: settings)
            }
            if side.pendingSYNs > 0 && end.nanoseconds(since: side.firstSYN) >= settings.silenceThreshold {
                flow.inferredLost += side.pendingSYNs
                flow.addOutage(.unansweredSYN, fromB: isB, start: side.firstSYN, end: side.lastSYN,
                               frames: side.pendingSYNs, gap: settings.silenceThreshold)
            }
            if side.pendingRequests > 0 && end.nanoseconds(since: side.firstRequest) >= settings.silenceThreshold {
                flow.inferredLost += side.pendingRequests
                flow.addOutage(.unansweredARP, fromB: isB, start: side.firstRequest, end: side.lastRequest,
                               frames: side.pendingRequests, gap: settings.silenceThreshold)
            }
        }
        flow.outages.sort { $0.start != $1.start ? $0.start < $1.start : $0.cause.rawValue < $1.cause.rawValue }
    }
}
