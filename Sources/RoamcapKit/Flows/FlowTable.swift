import CaptureFile
import HeapModule
import PacketWire

/// What a fabric policy did with one judged frame (SPEC §2), for `FlowTable.record(outcome:…)`.
public enum FlowFrameOutcome: Sendable, Equatable {
    case delivered
    case misdelivered
    /// Dropped, with its cause: `.staleLocal`, `.staleRemote`, `.floodAtCore` or `.unknownDrop`.
    case dropped(OutageCause)
    case inTransit
}

/// The flows of a trace: a table keyed by bidirectional `FlowKey`s, fed decoded frames in time
/// order.
///
/// A flow ends when it has been idle for its inactivity timeout, or `closeDelay` after its TCP
/// connection closed (both FINs acknowledged, or a RST), as Zeek's connections do: its open
/// inferences are finalized as at the end of the input, its tracking state is freed for a later
/// flow, and its record (`FlowState`) stays in `flows`; a later frame with its key starts a new
/// flow. Memory grows with the flows that are live at once, plus one compact record per flow.
/// `observe` allocates nothing unless the packet starts a flow or an outage (or the tables of
/// live flows grow past their largest size yet). VXLAN is decapsulated: the outer UDP datagram
/// counts in the tunnel's flow and the inner frame in its own flow, keyed by the VNI.
public final class FlowTable {
    public let settings: FlowSettings
    /// Every flow's record, in order of first packet (a key seen again after its flow ended, or
    /// a TCP port reused after a close, starts a new flow).
    public private(set) var flows: [FlowState] = []
    /// The time of the latest packet observed: the table's clock.
    public private(set) var lastTime: Timestamp?
    /// Packets observed.
    public private(set) var packets = 0

    /// The live flows' key → flow index (every key a flow was seen with: one per segment).
    private var index: [FlowKey: Int32] = [:]
    /// Live IP flows by their key on no segment: where a routed conversation's other direction,
    /// seen on another VLAN (or VNI), finds the half-flow it completes.
    private var acrossSegments: [FlowKey: Int32] = [:]
    private var fragments: [FragmentKey: Int32] = [:]
    /// The tracking state of the live flows, in slots that ended flows free for new ones.
    private var tracking: [FlowTracking] = []
    private var freeSlots: [Int32] = []
    /// Each flow's slot in `tracking`, -1 once the flow ended.
    private var slots: [Int32] = []
    /// When the live flows end unless a frame comes: one entry per flow for the earliest
    /// deadline it may have (an entry whose flow got a frame since is pushed back when it comes
    /// due), so that the clock is checked against the first deadline only.
    private var expiries = Heap<FlowExpiry>()
    private var nextDeadline: Timestamp?
    /// The flow of the frame observed last, by its outermost headers (a VXLAN datagram's is the
    /// tunnel's flow), and whether endpoint b sent it: where a fabric policy's judgment of that
    /// frame goes (`record(outcome:forFlow:fromB:at:)`).
    public private(set) var lastObserved: (flow: Int, fromB: Bool)?
    private var finished = false
    /// The migration NAT's table (SPEC §1), when flows understand the move: an address that is
    /// an active entry's post-migration address at a frame's time is keyed as that entry's
    /// primary, so a VM answering from its new address continues the same conversation.
    public var addressMapping: MigrationMapping?

    public init(settings: FlowSettings = FlowSettings()) {
        self.settings = settings
    }

    /// The live flow of a key, if any.
    public func flow(for key: FlowKey) -> FlowState? {
        index[key].map { flows[Int($0)] }
    }

    /// The flows whose tracking state is held: those that have not ended yet.
    public var liveFlows: Int { tracking.count - freeSlots.count }

    /// Whether a flow has not ended yet.
    public func isLive(_ flow: Int) -> Bool { flow >= 0 && flow < slots.count && slots[flow] >= 0 }

    // MARK: Frames

    /// Processes one frame; `packet` is its 1-based number in the time-ordered input and
    /// `originalLength` its length on the wire. Returns the index in `flows` of the frame's
    /// flow (the inner flow for VXLAN), or nil for a frame that belongs to no flow (not IP or
    /// ARP).
    @discardableResult
    public func observe(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, originalLength: Int,
                        time: Timestamp, packet: Int) -> Int? {
        if lastTime.map({ $0 < time }) ?? true { lastTime = time }
        if let nextDeadline, nextDeadline < time { expire(before: time) }
        packets += 1
        var found = observeFrame(decoded, bytes: bytes, length: originalLength, time: time,
                                 segment: Segment(vlan: decoded.outerVLANIdentifier))
        lastObserved = found >= 0 ? (Int(found >> 1), found & 1 != 0) : nil
        // The VXLAN inner frame, decoded once by the decoder (`DecodedPacket.inner`).
        if let frame = decoded.inner {
            let innerBytes = UnsafeRawBufferPointer(rebasing: bytes[decoded.innerFrameOffset...])
            let innerFound = observeFrame(frame, bytes: innerBytes, length: originalLength, time: time,
                                          segment: Segment(vni: decoded.vxlanNetworkIdentifier))
            if innerFound >= 0 { found = innerFound }
        }
        return found >= 0 ? Int(found >> 1) : nil
    }

    /// Returns flow index << 1 | fromB, or -1.
    @inline(__always)
    private func observeFrame(_ d: DecodedPacket, bytes: UnsafeRawBufferPointer, length: Int, time: Timestamp,
                              segment: Segment) -> Int32 {
        if d.layers.contains(.arp), let arp = d.arp {
            guard d.etherType == .arp else { return -1 }
            let (key, fromB) = FlowKey.make(family: .arp, ipProtocol: 0, segment: segment,
                                            source: (0, UInt64(arp.senderProtocolAddress.rawValue)), sourcePort: 0,
                                            destination: (0, UInt64(arp.targetProtocolAddress.rawValue)),
                                            destinationPort: 0)
            let i = lookup(key, fromB: fromB, time: time)
            let slot = Int(slots[Int(i)])
            tracking[slot].count(&flows[Int(i)], fromB: fromB, length: length, time: time, source: d.sourceMACAddress,
                                 destination: d.destinationMACAddress, followsSilence: false, settings: settings)
            if !arp.isProbe {
                if arp.operation == .request && !arp.isGratuitous {
                    tracking[slot].observeARP(&flows[Int(i)], fromB: fromB, isRequest: true, time: time, settings: settings)
                } else if arp.operation == .reply && !arp.isGratuitous {
                    tracking[slot].observeARP(&flows[Int(i)], fromB: fromB, isRequest: false, time: time, settings: settings)
                }
            }
            return i << 1 | (fromB ? 1 : 0)
        }
        guard var sourceAddress = d.sourceAddress, var destinationAddress = d.destinationAddress else { return -1 }
        if let addressMapping {
            sourceAddress = FlowTable.primary(sourceAddress, addressMapping, time)
            destinationAddress = FlowTable.primary(destinationAddress, addressMapping, time)
        }
        let family: FlowFamily = d.layers.contains(.ipv6) ? .ipv6 : .ipv4
        let source = sourceAddress.halves, destination = destinationAddress.halves
        let proto = d.ipProtocol.rawValue
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0

        if d.isFragment {
            let fragment = FragmentKey(sourceHigh: source.high, sourceLow: source.low, destinationHigh: destination.high,
                                       destinationLow: destination.low, identification: d.fragmentIdentification,
                                       ipProtocol: proto, segment: segment.rawValue)
            if d.fragmentOffset > 0 {
                if let i = fragments[fragment], slots[Int(i)] >= 0 {
                    if !d.moreFragments { fragments[fragment] = nil }
                    let key = flows[Int(i)].key
                    let fromB = key.aHigh != source.high || key.aLow != source.low
                    tracking[Int(slots[Int(i)])].count(&flows[Int(i)], fromB: fromB, length: length, time: time,
                                                       source: d.sourceMACAddress, destination: d.destinationMACAddress,
                                                       followsSilence: true, settings: settings)
                    return i << 1 | (fromB ? 1 : 0)
                }
            }
        }
        if d.layers.contains(.tcp) || d.layers.contains(.udp) {
            sourcePort = d.sourcePort
            destinationPort = d.destinationPort
        } else if let id = FlowTable.echoIdentifier(d, bytes: bytes) {
            sourcePort = id
            destinationPort = id
        }
        let (key, fromB) = FlowKey.make(family: family, ipProtocol: proto, segment: segment, source: source,
                                        sourcePort: sourcePort, destination: destination,
                                        destinationPort: destinationPort)
        var i = lookup(key, fromB: fromB, time: time)
        let tcp = d.layers.contains(.tcp)
        if tcp {
            let flags = d.tcpFlags
            if flags.contains(.syn) && !flags.contains(.ack) && flows[Int(i)].packets > 0
                && tracking[Int(slots[Int(i)])].isReusedBy(flows[Int(i)], synFromB: fromB, sequence: d.sequenceNumber) {
                // A new connection on the port of one that closed: the old flow ends now.
                end(Int(i), at: time)
                i = startFlow(key, fromB: fromB, time: time)
            }
        }
        if d.isFragment && d.fragmentOffset == 0 && d.moreFragments {
            if fragments.count >= 65_536 { fragments.removeAll(keepingCapacity: true) }
            fragments[FragmentKey(sourceHigh: source.high, sourceLow: source.low, destinationHigh: destination.high,
                                  destinationLow: destination.low, identification: d.fragmentIdentification,
                                  ipProtocol: proto, segment: segment.rawValue)] = i
        }
        let flags = d.tcpFlags
        let solicits = !tcp || d.ipLength > d.payloadOffset - d.networkOffset || flags.contains(.syn)
            || flags.contains(.fin)
        let slot = Int(slots[Int(i)])
        tracking[slot].count(&flows[Int(i)], fromB: fromB, length: length, time: time, source: d.sourceMACAddress,
                             destination: d.destinationMACAddress, followsSilence: true, solicits: solicits,
                             settings: settings)
        if tcp {
            // Segment length from the IP length, so that a snapped capture still counts its data.
            let headers = d.payloadOffset - d.networkOffset
            let segmentLength = max(0, min(d.ipLength - headers, 65_535))
            var window: UInt16 = 0
            let windowOffset = d.transportOffset + 14
            if windowOffset + 2 <= bytes.count { window = FlowTable.readUInt16(bytes, windowOffset) }
            var identification: UInt16 = 0
            if family == .ipv4, d.networkOffset + 6 <= bytes.count {
                identification = FlowTable.readUInt16(bytes, d.networkOffset + 4)
            }
            let closed = tracking[slot].observeTCP(&flows[Int(i)], fromB: fromB, flags: d.tcpFlags,
                                                   sequence: d.sequenceNumber, acknowledgment: d.acknowledgmentNumber,
                                                   window: window, length: segmentLength,
                                                   identification: identification, time: time, settings: settings)
            if closed { scheduleClose(Int(i), slot: slot) }
        } else if d.layers.contains(.embeddedIP) && FlowTable.isUnreachable(d) {
            attributeUnreachable(d, bytes: bytes, segment: segment, time: time)
        }
        return i << 1 | (fromB ? 1 : 0)
    }

    /// `address` keyed as its entry's primary while it is an active post-migration address.
    @inline(__always)
    static func primary(_ address: IPAddress, _ mapping: MigrationMapping, _ time: Timestamp) -> IPAddress {
        mapping.primaryAddress(forPost: address, at: time)?.0 ?? address
    }

    /// The flow of `key`, a new one if none. A routed conversation whose directions are captured
    /// on two segments is one flow: a packet on a segment where its key has no flow joins the IP
    /// flow of the same key on another segment when only the other side has sent on it (a
    /// half-flow); the same direction seen on a second segment (both sides of a router captured)
    /// stays a flow of its own, so no frame counts twice.
    @inline(__always)
    private func lookup(_ key: FlowKey, fromB: Bool, time: Timestamp) -> Int32 {
        if let i = index[key] { return i }
        var plain = key
        plain.segment = FlowTable.anySegment
        if key.family != .arp, let j = acrossSegments[plain] {
            let flow = flows[Int(j)]
            let otherSideOnly = fromB ? flow.b.packets == 0 && flow.a.packets > 0 : flow.a.packets == 0 && flow.b.packets > 0
            if otherSideOnly && flow.key.segment != key.segment && !flow.segments.contains(key.segment) {
                flows[Int(j)].addSegment(key.segment)
                index[key] = j
                return j
            }
        }
        return startFlow(key, fromB: fromB, time: time)
    }

    /// A new flow of `key`, its first frame from `fromB` at `time`: its record, a tracking slot
    /// (a free one when a flow ended), its keys, and its first deadline.
    private func startFlow(_ key: FlowKey, fromB: Bool, time: Timestamp) -> Int32 {
        let i = Int32(flows.count)
        flows.append(FlowState(key: key, initiatorIsB: fromB, time: time))
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            tracking[Int(slot)] = FlowTracking(flow: i)
        } else {
            slot = Int32(tracking.count)
            tracking.append(FlowTracking(flow: i))
        }
        slots.append(slot)
        index[key] = i
        if key.family != .arp {
            var plain = key
            plain.segment = FlowTable.anySegment
            acrossSegments[plain] = i
        }
        if let deadline = tracking[Int(slot)].deadline(flows[Int(i)], settings: settings) {
            schedule(Int(i), slot: Int(slot), deadline: deadline)
        }
        return i
    }

    // MARK: Ends

    /// Queues a deadline for a live flow; its earlier entries become stale.
    private func schedule(_ flow: Int, slot: Int, deadline: Timestamp) {
        tracking[slot].queuedDeadline = deadline
        expiries.insert(FlowExpiry(deadline: deadline, flow: Int32(flow)))
        if nextDeadline.map({ deadline < $0 }) ?? true { nextDeadline = deadline }
    }

    /// A TCP connection just closed: its flow's deadline may now come sooner.
    private func scheduleClose(_ flow: Int, slot: Int) {
        guard let deadline = tracking[slot].deadline(flows[flow], settings: settings) else { return }
        if tracking[slot].queuedDeadline.map({ deadline < $0 }) ?? true {
            schedule(flow, slot: slot, deadline: deadline)
        }
    }

    /// Ends the flows whose deadline passed before `now`; a flow that got frames since its
    /// entry was queued is queued again at its present deadline. Runs only when the clock
    /// passes the first deadline, and each flow is requeued at most once per timeout of
    /// activity, so the cost per packet stays constant.
    private func expire(before now: Timestamp) {
        while let due = expiries.min, due.deadline < now {
            expiries.removeMin()
            let flow = Int(due.flow), slot = Int(slots[flow])
            guard slot >= 0, tracking[slot].queuedDeadline == due.deadline else { continue }  // ended, or stale
            guard let deadline = tracking[slot].deadline(flows[flow], settings: settings) else {
                tracking[slot].queuedDeadline = nil
                continue
            }
            if deadline < now {
                end(flow, at: deadline)
            } else {
                tracking[slot].queuedDeadline = deadline
                expiries.insert(FlowExpiry(deadline: deadline, flow: due.flow))
            }
        }
        nextDeadline = expiries.min?.deadline
    }

    /// Ends a live flow at `time`: finalizes its record as at the end of the input, frees its
    /// tracking slot and forgets its keys, so that its key's next frame starts a new flow.
    private func end(_ flow: Int, at time: Timestamp) {
        let slot = Int(slots[flow])
        tracking[slot].finish(&flows[flow], end: time, settings: settings)
        tracking[slot] = FlowTracking()
        freeSlots.append(Int32(slot))
        slots[flow] = -1
        var key = flows[flow].key
        if index[key] == Int32(flow) { index[key] = nil }
        for segment in flows[flow].otherSegments {
            key.segment = segment
            if index[key] == Int32(flow) { index[key] = nil }
        }
        key.segment = FlowTable.anySegment
        if acrossSegments[key] == Int32(flow) { acrossSegments[key] = nil }
    }

    /// No segment (not a VLAN nor a VNI value).
    static let anySegment = UInt32.max

    // MARK: ICMP

    /// ICMPv4 destination unreachable (3) or ICMPv6 destination unreachable (1).
    static func isUnreachable(_ d: DecodedPacket) -> Bool {
        (d.layers.contains(.icmpv4) && d.icmpType == 3) || (d.layers.contains(.icmpv6) && d.icmpType == 1)
    }

    /// The identifier of an ICMP/ICMPv6 echo request or reply (the flow's "port" on both sides).
    static func echoIdentifier(_ d: DecodedPacket, bytes: UnsafeRawBufferPointer) -> UInt16? {
        let isEcho = (d.layers.contains(.icmpv4) && (d.icmpType == 8 || d.icmpType == 0))
            || (d.layers.contains(.icmpv6) && (d.icmpType == 128 || d.icmpType == 129))
        guard isEcho, d.transportOffset + 6 <= bytes.count else { return nil }
        return readUInt16(bytes, d.transportOffset + 4)
    }

    /// Counts an unreachable in the flow of the packet it quotes (same segment).
    private func attributeUnreachable(_ d: DecodedPacket, bytes: UnsafeRawBufferPointer, segment: Segment, time: Timestamp) {
        guard var quotedSource = d.embeddedSourceAddress, var quotedDestination = d.embeddedDestinationAddress else { return }
        if let addressMapping {
            quotedSource = FlowTable.primary(quotedSource, addressMapping, time)
            quotedDestination = FlowTable.primary(quotedDestination, addressMapping, time)
        }
        let family: FlowFamily
        switch quotedSource {
        case .v4: family = .ipv4
        case .v6: family = .ipv6
        }
        var sourcePort: UInt16 = 0, destinationPort: UInt16 = 0
        let proto = d.embeddedProtocol.rawValue
        if d.layers.contains(.embeddedTransport) && FlowKey.protocolsWithPorts.contains(proto) {
            sourcePort = d.embeddedSourcePort
            destinationPort = d.embeddedDestinationPort
        } else if proto == 1 || proto == 58, d.embeddedTransportOffset + 6 <= d.networkEndOffset,
                  d.embeddedTransportOffset + 6 <= bytes.count {
            let type = bytes[d.embeddedTransportOffset]
            if (proto == 1 && (type == 8 || type == 0)) || (proto == 58 && (type == 128 || type == 129)) {
                sourcePort = FlowTable.readUInt16(bytes, d.embeddedTransportOffset + 4)
                destinationPort = sourcePort
            }
        }
        let (key, fromB) = FlowKey.make(family: family, ipProtocol: proto, segment: segment,
                                        source: quotedSource.halves, sourcePort: sourcePort,
                                        destination: quotedDestination.halves, destinationPort: destinationPort)
        guard let i = index[key] else { return }
        flows[Int(i)].icmpUnreachables += 1
        flows[Int(i)].inferredLost += 1
        flows[Int(i)].addOutage(.icmpUnreachable, fromB: fromB, start: time, end: time, frames: 1,
                                gap: settings.silenceThreshold)
    }

    @inline(__always)
    static func readUInt16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    // MARK: Policy outcomes

    /// Attributes a fabric policy's outcome for one judged frame to a flow: counts it
    /// (`delivered`, `misdelivered`, `dropped`, `inTransit`) and, unless delivered, adds it to
    /// an outage of that cause (`misdelivered`, the drop cause, or `in-transit`) in the frame's
    /// direction, merged like inferred outages.
    public func record(outcome: FlowFrameOutcome, forFlow flow: Int, fromB: Bool, at time: Timestamp) {
        guard flow >= 0 && flow < flows.count else { return }
        let gap = settings.silenceThreshold
        switch outcome {
        case .delivered:
            flows[flow].delivered += 1
        case .misdelivered:
            flows[flow].misdelivered += 1
            flows[flow].addOutage(.misdelivered, fromB: fromB, start: time, end: time, frames: 1, gap: gap)
        case .dropped(let cause):
            flows[flow].dropped += 1
            flows[flow].addOutage(cause, fromB: fromB, start: time, end: time, frames: 1, gap: gap)
        case .inTransit:
            flows[flow].inTransit += 1
            flows[flow].addOutage(.inTransit, fromB: fromB, start: time, end: time, frames: 1, gap: gap)
        }
    }

    /// Forgets the outages inferred from the trace, keeping those a fabric policy's outcomes
    /// recorded (which replace them).
    public func removeInferredOutages() {
        for i in flows.indices { flows[i].outages.removeAll { $0.cause.isInferred } }
    }

    // MARK: End

    /// Ends the flows still live at the end of the input (the last packet's time), closing
    /// their open silences and unanswered SYNs/ARP requests, and frees the tables of live
    /// flows. Call once, after the last `observe` and before reading `flows`.
    public func finish() {
        guard !finished else { return }
        finished = true
        if let end = lastTime {
            for flow in slots.indices where slots[flow] >= 0 { self.end(flow, at: end) }
        }
        index = [:]
        acrossSegments = [:]
        fragments = [:]
        tracking = []
        freeSlots = []
        expiries = Heap()
        nextDeadline = nil
    }
}

/// An entry of `FlowTable`'s expiry queue: the earliest a flow may end, unless a frame comes.
struct FlowExpiry: Comparable {
    var deadline: Timestamp
    var flow: Int32

    static func < (x: FlowExpiry, y: FlowExpiry) -> Bool {
        x.deadline != y.deadline ? x.deadline < y.deadline : x.flow < y.flow
    }
}
