import CaptureFile
import PacketWire

/// A move the synthesized trace contains, as `roamcap tables` must report it.
public struct SynthExpectation: Sendable, Equatable {
    public var host: String
    /// `.migration` (another site) or `.moved` (another port of the same site).
    public var kind: TableEventKind
    public var segment: Segment
    public var mac: MACAddress
    public var from: Topology.PortID
    public var to: Topology.PortID
    public var time: Timestamp
    /// 1-based number of the first frame at the new place.
    public var packet: Int
    public var evidence: Evidence
}

/// What `synthesize` wrote.
public struct SynthResult: Sendable {
    public var packets: Int
    public var topology: Topology
    /// Every move, in time order.
    public var expected: [SynthExpectation]
}

/// One generated frame.
public struct SynthFrame: Sendable {
    /// ns after the scenario start.
    public var time: Int64
    /// Creation order, to break ties.
    public var order: Int
    public var port: Topology.PortID
    public var bytes: [UInt8]
    /// The host that sent it.
    public var sender: Int
    public var evidence: Evidence
    /// A segment of the BGP sessions (`bgp-evpn`), on the `rr-span` interface; `port` is unused.
    public var controlPlane = false
}

/// Generates the frames of a scenario, in time order (ties: creation order).
///
/// Every capture interface sees the frames its hosts send (an ingress tap on each access port).
/// A migrating host is silent from `at` to `at + gap`, then sends its announcement (if any) at
/// its new place and resumes its flows there; frames to it keep coming from its peers.
public func synthesizeFrames(_ scenario: Scenario) throws(ScenarioError) -> [SynthFrame] {
    var builder = FrameBuilder(scenario: scenario)
    var random = SplitMix64(seed: scenario.seed)
    var frames: [SynthFrame] = []
    let limit = 5_000_000

    func add(_ time: Int64, _ sender: Int, _ evidence: Evidence = .frame, _ make: (inout FrameBuilder, Topology.PortID) -> [UInt8]) {
        guard time >= 0, time < scenario.duration, let port = builder.place(of: sender, at: time) else { return }
        let bytes = make(&builder, port)
        frames.append(SynthFrame(time: time, order: frames.count, port: port, bytes: bytes, sender: sender, evidence: evidence))
    }

    for flow in scenario.flows {
        let interval = 1e9 / flow.rate
        let expected = Double(flow.end - flow.start) / interval * (flow.reply ? 2 : 1)
        if Double(frames.count) + expected > Double(limit) {
            throw ScenarioError(file: scenario.file, "the scenario makes more than \(limit) frames; lower the rates or the duration")
        }
        // Address resolution first, then the packets.
        add(flow.start, flow.from) { b, port in b.resolutionRequest(flow, port: port) }
        add(flow.start + 100_000, flow.to) { b, port in b.resolutionReply(flow, port: port) }
        var k = 0
        while true {
            var t = flow.start + 1_000_000 + Int64(Double(k) * interval)
            if scenario.jitter > 0 { t += Int64(random.next() % UInt64(scenario.jitter + 1)) }
            if t >= flow.end { break }
            add(t, flow.from) { b, port in b.data(flow, forward: true, index: k, port: port) }
            if flow.reply {
                add(t + 200_000, flow.to) { b, port in b.data(flow, forward: false, index: k, port: port) }
            }
            k += 1
        }
    }
    for migration in scenario.migrations where migration.announce != .none {
        let evidence: Evidence
        switch migration.announce {
        case .garp: evidence = .garp
        case .rarp: evidence = .rarp
        case .unsolicitedNA: evidence = .unsolicitedNA
        default: evidence = .dhcp
        }
        add(migration.at + migration.gap, migration.host, evidence) { b, port in
            b.announcement(migration.announce, host: migration.host, port: port)
        }
    }
    frames.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
    if scenario.bgpEVPN {
        // One session per site (SYN at the start), one UPDATE per learning (SynthControlPlane).
        let learnings = SynthControlPlane.learnings(scenario, frames: frames, builder: builder)
        var next = scenario.topology.sites.indices.map { UInt32(1000 * ($0 + 1)) }
        func control(_ time: Int64, site: Int, flags: TCPFlags, payload: [UInt8]) {
            guard time >= 0, time < scenario.duration else { return }
            let bytes = SynthControlPlane.segment(site: site, sequence: next[site], flags: flags, payload: payload,
                                                  builder: &builder)
            next[site] &+= UInt32(payload.count) + (flags.contains(.syn) ? 1 : 0)
            frames.append(SynthFrame(time: time, order: frames.count, port: Topology.PortID(site: site, port: 0), bytes: bytes,
                                     sender: -1, evidence: .frame, controlPlane: true))
        }
        for site in scenario.topology.sites.indices { control(0, site: site, flags: [.syn], payload: []) }
        for learning in learnings.enumerated().sorted(by: { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }) {
            control(learning.element.time, site: learning.element.site, flags: [.ack, .psh],
                    payload: SynthControlPlane.update(learning.element))
        }
        frames.sort { $0.time != $1.time ? $0.time < $1.time : $0.order < $1.order }
    }
    return frames
}

/// The moves in a list of frames (sorted as `synthesizeFrames` returns them).
public func expectedMoves(_ scenario: Scenario, frames: [SynthFrame]) -> [SynthExpectation] {
    var place: [Int: Topology.PortID] = [:]
    var out: [SynthExpectation] = []
    for (index, frame) in frames.enumerated() where !frame.controlPlane {
        let host = scenario.hosts[frame.sender]
        if let previous = place[frame.sender], previous != frame.port {
            out.append(SynthExpectation(
                host: host.name, kind: previous.site == frame.port.site ? .moved : .migration, segment: host.segment,
                mac: host.mac, from: previous, to: frame.port, time: scenario.start.adding(nanoseconds: frame.time),
                packet: index + 1, evidence: frame.evidence))
        }
        place[frame.sender] = frame.port
    }
    return out
}

/// `roamcap synth`: writes the scenario's trace as pcapng, one interface per port (`SITE-PORT`,
/// nanosecond timestamps), and returns the topology and the moves it contains.
public func synthesize(_ scenario: Scenario, output: OutputFile, comment: String? = nil) throws(ConversionError) -> SynthResult {
    let frames: [SynthFrame]
    do { frames = try synthesizeFrames(scenario) } catch {
        throw .capture(CaptureError(.unsupported, file: error.file, error.message))
    }
    do throws(CaptureError) {
        let writer = TraceWriter(output: output, format: .pcapng)
        var options: [BlockOption] = []
        if let comment { options.append(BlockOption(code: BlockOption.commentCode, string: comment)) }
        try writer.beginSection(SectionHeader(options: options))
        var ids: [Topology.PortID: Int] = [:]
        for (s, site) in scenario.topology.sites.enumerated() {
            for (p, port) in site.ports.enumerated() {
                let interface = InterfaceDescription(
                    linkType: 1, snapLength: 262_144,
                    options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: port.capture),
                              BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                    timestampResolution: 9)
                ids[Topology.PortID(site: s, port: p)] = try writer.addInterface(interface)
            }
        }
        var controlInterface = -1
        if scenario.bgpEVPN {
            controlInterface = try writer.addInterface(InterfaceDescription(
                linkType: 1, snapLength: 262_144,
                options: [BlockOption(code: InterfaceDescription.OptionCode.name, string: SynthControlPlane.interfaceName),
                          BlockOption(code: InterfaceDescription.OptionCode.timestampResolution, value: [9])],
                timestampResolution: 9))
        }
        for (index, frame) in frames.enumerated() {
            var failure: CaptureError?
            frame.bytes.withUnsafeBytes { bytes in
                let id = frame.controlPlane ? controlInterface : ids[frame.port]!
                let packet = Packet(timestamp: scenario.start.adding(nanoseconds: frame.time), interface: id,
                                    originalLength: bytes.count, data: bytes, number: index + 1)
                do { try writer.write(packet, interfaceID: id, keepTicks: false) } catch let error as CaptureError { failure = error } catch { fatalError("\(error)") }
            }
            if let failure { throw failure }
        }
        try writer.finish()
    } catch {
        throw .capture(error)
    }
    return SynthResult(packets: frames.count, topology: scenario.topology, expected: expectedMoves(scenario, frames: frames))
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds the frames of a scenario.
struct FrameBuilder {
    let scenario: Scenario
    /// Per flow direction: the next TCP sequence number.
    var sequence: [Int: UInt32] = [:]
    var ipIdentification: UInt16 = 1

    init(scenario: Scenario) { self.scenario = scenario }

    /// Where a host is at `time` (nil while in transit).
    func place(of host: Int, at time: Int64) -> Topology.PortID? {
        let h = scenario.hosts[host]
        var place = Topology.PortID(site: h.site, port: h.port)
        for m in scenario.migrations where m.host == host {
            if time >= m.at + m.gap { place = Topology.PortID(site: m.site, port: m.port) }
            else if time >= m.at { return nil }
            else { break }
        }
        return place
    }

    // MARK: Frames

    mutating func resolutionRequest(_ flow: Scenario.Flow, port: Topology.PortID) -> [UInt8] {
        let a = scenario.hosts[flow.from], b = scenario.hosts[flow.to]
        if flow.ipv6 {
            let target = b.ipv6!
            let ns = NeighborSolicitation(targetAddress: target, sourceLinkLayerAddress: a.mac)
            let body = emit(ns.length) { try ns.emit(into: $0) }
            let group = target.solicitedNodeMulticast
            return ethernet(from: a, to: multicastMAC(group), port: port,
                            ipv6(a.ipv6!, group, .icmpv6, body, checksumAt: 2, hopLimit: 255), type: .ipv6)
        }
        let arp = ARPHeader(operation: .request, senderHardwareAddress: a.mac, senderProtocolAddress: a.ipv4!,
                            targetHardwareAddress: .zero, targetProtocolAddress: b.ipv4!)
        return ethernet(from: a, to: .broadcast, port: port, emit(28) { try arp.emit(into: $0) }, type: .arp)
    }

    mutating func resolutionReply(_ flow: Scenario.Flow, port: Topology.PortID) -> [UInt8] {
        let a = scenario.hosts[flow.from], b = scenario.hosts[flow.to]
        if flow.ipv6 {
            let na = NeighborAdvertisement(flags: [.solicited, .override], targetAddress: b.ipv6!, targetLinkLayerAddress: b.mac)
            let body = emit(na.length) { try na.emit(into: $0) }
            return ethernet(from: b, to: a.mac, port: port, ipv6(b.ipv6!, a.ipv6!, .icmpv6, body, checksumAt: 2, hopLimit: 255),
                            type: .ipv6)
        }
        let arp = ARPHeader(operation: .reply, senderHardwareAddress: b.mac, senderProtocolAddress: b.ipv4!,
                            targetHardwareAddress: a.mac, targetProtocolAddress: a.ipv4!)
        return ethernet(from: b, to: a.mac, port: port, emit(28) { try arp.emit(into: $0) }, type: .arp)
    }

    mutating func data(_ flow: Scenario.Flow, forward: Bool, index: Int, port: Topology.PortID) -> [UInt8] {
        let source = scenario.hosts[forward ? flow.from : flow.to]
        let destination = scenario.hosts[forward ? flow.to : flow.from]
        let sourcePort = forward ? flow.sourcePort : flow.destinationPort
        let destinationPort = forward ? flow.destinationPort : flow.sourcePort
        let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index == 0 && flow.proto == .tcp ? 0 : flow.size)
        var transport: [UInt8]
        let proto: IPProtocol
        let checksumAt: Int
        switch flow.proto {
        case .tcp:
            let key = (flow.from * 65_536 + flow.to) * 2 + (forward ? 1 : 0)
            let seq = sequence[key] ?? UInt32(truncatingIfNeeded: key &* 0x9E37_79B1)
            let otherKey = (flow.from * 65_536 + flow.to) * 2 + (forward ? 0 : 1)
            let ack = sequence[otherKey] ?? 0
            let flags: TCPFlags = index == 0 ? (forward ? [.syn] : [.syn, .ack]) : [.ack, .psh]
            let header = TCPHeader(sourcePort: sourcePort, destinationPort: destinationPort, sequenceNumber: seq,
                                   acknowledgmentNumber: index == 0 && forward ? 0 : ack, flags: flags, window: 65_535)
            sequence[key] = seq &+ UInt32(payload.count) &+ (index == 0 ? 1 : 0)
            transport = emit(20) { try header.emit(into: $0) } + payload
            proto = .tcp
            checksumAt = 16
        case .udp:
            let header = UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort, payloadLength: payload.count)
            transport = emit(8) { try header.emit(into: $0) } + payload
            proto = .udp
            checksumAt = 6
        }
        let packet = flow.ipv6
            ? ipv6(source.ipv6!, destination.ipv6!, proto, transport, checksumAt: checksumAt)
            : ipv4(source.ipv4!, destination.ipv4!, proto, transport, checksumAt: checksumAt)
        return ethernet(from: source, to: destination.mac, port: port, packet, type: flow.ipv6 ? .ipv6 : .ipv4,
                        peer: destination)
    }

    mutating func announcement(_ kind: Scenario.Announcement, host: Int, port: Topology.PortID) -> [UInt8] {
        let h = scenario.hosts[host]
        switch kind {
        case .garp:
            let arp = ARPHeader(operation: .request, senderHardwareAddress: h.mac, senderProtocolAddress: h.ipv4!,
                                targetHardwareAddress: .zero, targetProtocolAddress: h.ipv4!)
            return ethernet(from: h, to: .broadcast, port: port, emit(28) { try arp.emit(into: $0) }, type: .arp)
        case .rarp:
            // What hypervisors send after a live migration: a RARP request for the VM's own MAC.
            let arp = ARPHeader(operation: .reverseRequest, senderHardwareAddress: h.mac, senderProtocolAddress: .any,
                                targetHardwareAddress: h.mac, targetProtocolAddress: .any)
            return ethernet(from: h, to: .broadcast, port: port, emit(28) { try arp.emit(into: $0) }, type: .rarp)
        case .unsolicitedNA:
            let na = NeighborAdvertisement(flags: [.override], targetAddress: h.ipv6!, targetLinkLayerAddress: h.mac)
            let body = emit(na.length) { try na.emit(into: $0) }
            let all = IPv6Address.linkLocalAllNodes
            return ethernet(from: h, to: multicastMAC(all), port: port,
                            ipv6(h.ipv6!, all, .icmpv6, body, checksumAt: 2, hopLimit: 255), type: .ipv6)
        case .dhcp, .none:
            // DHCPREQUEST for its address, broadcast from 0.0.0.0:68 to 255.255.255.255:67.
            var body = [UInt8](repeating: 0, count: 244)
            body[0] = 1; body[1] = 1; body[2] = 6
            body[4] = 0x52; body[5] = 0x4F; body[6] = 0x41; body[7] = UInt8(truncatingIfNeeded: host)
            for i in 0..<6 { body[28 + i] = h.mac.octet(i) }
            body[236] = 99; body[237] = 130; body[238] = 83; body[239] = 99
            body += [53, 1, 3, 50, 4, h.ipv4!.octet(0), h.ipv4!.octet(1), h.ipv4!.octet(2), h.ipv4!.octet(3), 255]
            let udp = UDPHeader(sourcePort: 68, destinationPort: 67, payloadLength: body.count)
            let transport = emit(8) { try udp.emit(into: $0) } + body
            return ethernet(from: h, to: .broadcast, port: port,
                            ipv4(.any, .broadcast, .udp, transport, checksumAt: 6), type: .ipv4)
        }
    }

    // MARK: Layers

    func emit(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Void) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { buffer in
            do { try body(buffer) } catch { fatalError("synth: emit into \(count) bytes failed: \(error)") }
        }
        return bytes
    }

    /// Writes the transport checksum at `offset` of `transport`.
    func fillChecksum(_ transport: inout [UInt8], at offset: Int, pseudoHeaderSum: UInt16, udp: Bool) {
        transport[offset] = 0
        transport[offset + 1] = 0
        let computed = transport.withUnsafeBytes { Checksum.compute($0, pseudoHeaderSum: pseudoHeaderSum) }
        let sum = udp ? Checksum.udpField(computed) : computed
        transport[offset] = UInt8(sum >> 8)
        transport[offset + 1] = UInt8(sum & 0xFF)
    }

    mutating func ipv4(_ source: IPv4Address, _ destination: IPv4Address, _ proto: IPProtocol, _ transport: [UInt8],
                       checksumAt: Int) -> [UInt8] {
        var transport = transport
        fillChecksum(&transport, at: checksumAt,
                     pseudoHeaderSum: Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto,
                                                               length: transport.count), udp: proto == .udp)
        let header = IPv4Header(sourceAddress: source, destinationAddress: destination, protocol: proto,
                                payloadLength: transport.count, identification: ipIdentification, dontFragment: true)
        ipIdentification &+= 1
        return emit(20) { try header.emit(into: $0) } + transport
    }

    func ipv6(_ source: IPv6Address, _ destination: IPv6Address, _ proto: IPProtocol, _ transport: [UInt8],
              checksumAt: Int, hopLimit: UInt8 = 64) -> [UInt8] {
        var transport = transport
        fillChecksum(&transport, at: checksumAt,
                     pseudoHeaderSum: Checksum.pseudoHeaderSum(source: source, destination: destination, protocol: proto,
                                                               length: transport.count), udp: proto == .udp)
        let header = IPv6Header(sourceAddress: source, destinationAddress: destination, nextHeader: proto,
                                payloadLength: transport.count, hopLimit: hopLimit)
        return emit(40) { try header.emit(into: $0) } + transport
    }

    func multicastMAC(_ group: IPv6Address) -> MACAddress {
        MACAddress(0x33, 0x33, group.octet(12), group.octet(13), group.octet(14), group.octet(15))
    }

    /// The MAC of the VTEP behind a port (unique per port, so it never moves).
    func vtepMAC(_ port: Topology.PortID) -> MACAddress {
        MACAddress(0x02, 0xFE, 0, 0, UInt8(truncatingIfNeeded: port.site), UInt8(truncatingIfNeeded: port.port))
    }

    func vtepAddress(_ port: Topology.PortID) -> IPv4Address {
        IPv4Address(192, 0, UInt8(truncatingIfNeeded: 2 + port.site), UInt8(truncatingIfNeeded: 1 + port.port))
    }

    /// An Ethernet frame from `host` (tagged with its VLAN, or VXLAN-encapsulated for a VNI
    /// host), padded to 60 bytes.
    mutating func ethernet(from host: Scenario.Host, to destination: MACAddress, port: Topology.PortID, _ payload: [UInt8],
                           type: EtherType, peer: Scenario.Host? = nil) -> [UInt8] {
        var frame: [UInt8]
        if host.vlan != 0 {
            frame = emit(14) { try EthernetHeader(destinationAddress: destination, sourceAddress: host.mac, etherType: .vlan).emit(into: $0) }
            frame += emit(4) { try VLANHeader(identifier: host.vlan, etherType: type).emit(into: $0) }
        } else {
            frame = emit(14) { try EthernetHeader(destinationAddress: destination, sourceAddress: host.mac, etherType: type).emit(into: $0) }
        }
        frame += payload
        if frame.count < 60 { frame += [UInt8](repeating: 0, count: 60 - frame.count) }
        guard let vni = host.vni else { return frame }
        // VXLAN between the VTEPs of the two ports (broadcast and multicast to a group).
        let remote: Topology.PortID? = destination.isMulticast ? nil : peer.flatMap { place(of: scenarioIndex($0), at: 0) }
        let vxlan = emit(8) { try VXLANHeader(networkIdentifier: vni).emit(into: $0) } + frame
        let udp = UDPHeader(sourcePort: UInt16(49_152 + Int(host.mac.rawValue % 16_384)), destinationPort: VXLANPacket.udpPort,
                            payloadLength: vxlan.count)
        let datagram = emit(8) { try udp.emit(into: $0) } + vxlan
        let outerDestination = remote.map(vtepAddress) ?? IPv4Address(239, 1, 1, 1)
        let header = IPv4Header(sourceAddress: vtepAddress(port), destinationAddress: outerDestination, protocol: .udp,
                                payloadLength: datagram.count, identification: ipIdentification)
        ipIdentification &+= 1
        let outerMAC = remote.map(vtepMAC) ?? MACAddress(0x01, 0x00, 0x5E, 0x01, 0x01, 0x01)
        return emit(14) { try EthernetHeader(destinationAddress: outerMAC, sourceAddress: vtepMAC(port), etherType: .ipv4).emit(into: $0) }
            + emit(20) { try header.emit(into: $0) } + datagram
    }

    func scenarioIndex(_ host: Scenario.Host) -> Int {
        scenario.hosts.firstIndex { $0.name == host.name } ?? 0
    }
}
