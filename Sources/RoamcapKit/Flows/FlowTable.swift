import CaptureFile
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
/// Memory grows with the number of flows only; `observe` allocates nothing unless the packet
/// starts a flow or an outage. VXLAN is decapsulated: the outer UDP datagram counts in the tunnel's flow and the
/// inner frame in its own flow, keyed by the VNI.
public final class FlowTable {
    public let settings: FlowSettings
    /// Every flow, in order of first packet (a reused TCP key starts a new flow).
    public private(set) var flows: [FlowState] = []
    /// The time of the latest packet observed.
    public private(set) var lastTime: Timestamp?
    /// Packets observed.
    public private(set) var packets = 0

    private var index: [FlowKey: Int32] = [:]
    /// IP flows by their key on no segment: where a routed conversation's other direction, seen
    /// on another VLAN (or VNI), finds the half-flow it completes.
    private var acrossSegments: [FlowKey: Int32] = [:]
    private var fragments: [FragmentKey: Int32] = [:]
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

    /// The flow of a key, if any (the latest one for a reused TCP key).
    public func flow(for key: FlowKey) -> FlowState? {
        index[key].map { flows[Int($0)] }
    }

    // MARK: Frames

    /// Processes one frame; `packet` is its 1-based number in the time-ordered input and
    /// `originalLength` its length on the wire. Returns the index in `flows` of the frame's
    /// flow (the inner flow for VXLAN), or nil for a frame that belongs to no flow (not IP or
    /// ARP).
    @discardableResult
    public func observe(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, originalLength: Int,
                        time: Timestamp, packet: Int) -> Int? {
        if lastTime.map({ $0 < time }) ?? true { lastTime = time }
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
            flows[Int(i)].count(fromB: fromB, length: length, time: time, source: d.sourceMACAddress,
                                destination: d.destinationMACAddress, followsSilence: false, settings: settings)
            if !arp.isProbe {
                if arp.operation == .request && !arp.isGratuitous {
                    flows[Int(i)].observeARP(fromB: fromB, isRequest: true, time: time, settings: settings)
                } else if arp.operation == .reply && !arp.isGratuitous {
                    flows[Int(i)].observeARP(fromB: fromB, isRequest: false, time: time, settings: settings)
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
                if let i = fragments[fragment] {
                    if !d.moreFragments { fragments[fragment] = nil }
                    let key = flows[Int(i)].key
                    let fromB = key.aHigh != source.high || key.aLow != source.low
                    flows[Int(i)].count(fromB: fromB, length: length, time: time, source: d.sourceMACAddress,
                                        destination: d.destinationMACAddress, followsSilence: true, settings: settings)
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
                && flows[Int(i)].isReusedBy(synFromB: fromB, sequence: d.sequenceNumber) {
                i = Int32(flows.count)
                flows.append(FlowState(key: key, initiatorIsB: fromB, time: time))
                index[key] = i
                var plain = key
                plain.segment = FlowTable.anySegment
                acrossSegments[plain] = i
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
        flows[Int(i)].count(fromB: fromB, length: length, time: time, source: d.sourceMACAddress,
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
            flows[Int(i)].observeTCP(fromB: fromB, flags: d.tcpFlags, sequence: d.sequenceNumber,
                                     acknowledgment: d.acknowledgmentNumber, window: window, length: segmentLength,
                                     identification: identification, time: time, settings: settings)
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
        let i = Int32(flows.count)
        flows.append(FlowState(key: key, initiatorIsB: fromB, time: time))
        index[key] = i
        if key.family != .arp { acrossSegments[plain] = i }
        return i
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

    /// Closes open silences and unanswered SYNs/ARP requests at the end of the input. Call once,
    /// after the last `observe` and before reading `flows`.
    public func finish() {
        guard !finished else { return }
        finished = true
        guard let end = lastTime else { return }
        for i in flows.indices { flows[i].finish(end: end, settings: settings) }
        fragments = [:]
    }
}
