import CaptureFile
import HeapModule
import PacketWire

/// Settings of the table rebuild.
public struct TableSettings: Sendable, Equatable {
    /// Aging of every site's MAC entries, in ns (nil: the topology's, per site).
    public var aging: Int64?
    /// `duplicate-mac` after this many moves (RFC 7432 §15's N, default 5)…
    public var duplicateMoves: Int = 5
    /// …within this window, in ns (M, default 180 s).
    public var duplicateWindow: Int64 = 180_000_000_000
    /// `duplicate-ip` when an IP flips back to its previous MAC within this window, in ns.
    public var duplicateIPWindow: Int64 = 180_000_000_000

    public init(aging: Int64? = nil, duplicateMoves: Int = 5, duplicateWindow: Int64 = 180_000_000_000,
                duplicateIPWindow: Int64 = 180_000_000_000) {
        self.aging = aging
        self.duplicateMoves = duplicateMoves
        self.duplicateWindow = duplicateWindow
        self.duplicateIPWindow = duplicateIPWindow
    }
}

/// A site's MAC table entry: learned from frames entering on an access port.
public struct MACEntry: Sendable, Equatable {
    public var port: Int32
    /// When the entry was created or last changed port.
    public var learned: Timestamp
    /// The last frame that refreshed it.
    public var lastSeen: Timestamp
    public var lastPacket: Int
    /// Whether the entry is in the aging queue.
    var queued: Bool
    /// Whether the frame that last refreshed it was reported (its aging-out is reported alike).
    var lastReported = true

    /// Refreshes the entry with a frame from `port`; returns true when the entry was fresh
    /// (`lastPacket` 0: just created by the caller's default value).
    @inline(__always)
    mutating func refresh(port newPort: Int32, time: Timestamp, packet: Int, reported: Bool) -> Bool {
        let fresh = lastPacket == 0
        lastSeen = time
        lastPacket = packet
        lastReported = reported
        if newPort != port {
            port = newPort
            learned = time
        }
        return fresh
    }
}

/// An IP binding: the MACs that answered for it, most recent first (arpwatch's list).
public struct Binding: Sendable {
    public var macs: [MACAddress]
    public var via: BindingSource
    /// Where the binding was last announced (nil for DHCP, which the server sends).
    public var place: Topology.PortID?
    /// When the current MAC took the address.
    public var since: Timestamp
    public var lastSeen: Timestamp
    public var sincePacket: Int
    /// Whether a `duplicate-ip` was reported and the flapping has not calmed down since.
    var duplicateReported: Bool
}

/// Where a station was last seen, and its recent moves.
struct StationState {
    var place: Topology.PortID
    var lastSeen: Timestamp
    var moveTimes: [Timestamp]
    var duplicateReported: Bool
    /// Just created by `see` (never seen before).
    var isNew = false

    /// Notes a frame from the station at `port`; returns where it was before (nil when new).
    @inline(__always)
    mutating func see(at port: Topology.PortID, time: Timestamp) -> Topology.PortID? {
        lastSeen = time
        if isNew {
            isNew = false
            return nil
        }
        let from = place
        place = port
        return from
    }
}

/// Rebuilds every site's MAC table and the ARP/ND bindings from frames, emitting events.
///
/// Feed it decoded frames in time order (`observe`); nothing allocates per frame except when
/// a table gains an entry or an event is recorded.
public final class TableTracker {
    public private(set) var topology: Topology
    public let settings: TableSettings
    /// Per site: (segment, MAC) → entry.
    public private(set) var macTables: [[StationKey: MACEntry]] = []
    /// (segment, IP) → binding.
    public private(set) var bindings: [BindingKey: Binding] = [:]
    /// The timeline, in time order.
    public private(set) var events: [TableEvent] = []
    /// Frames observed, and those whose source was learned.
    public private(set) var frames = 0
    /// Whether the events of the frames observed now are reported: a display filter (SPEC §5)
    /// turns it off for the frames it does not select; the tables still learn from them.
    public var reporting = true
    /// The time of the last frame or aging step.
    public private(set) var now = Timestamp(seconds: .min, nanoseconds: 0)

    private var stations: [StationKey: StationState] = [:]
    /// The captured control plane (SPEC §8): `EVPNTables.swift`.
    var evpnState = EVPNTableState()
    private var agingQueue = AgingQueue()

    public init(topology: Topology, settings: TableSettings = TableSettings()) {
        self.topology = topology
        self.settings = settings
    }

    /// Adopts a topology that gained sites (the default topology grows as interfaces appear).
    public func update(topology: Topology) {
        self.topology = topology
    }

    @inline(__always)
    private func aging(site: Int) -> Int64 {
        settings.aging ?? (site < topology.sites.count ? topology.aging(site: site) : topology.controlPlane.aging)
    }

    // MARK: Frames

    @inline(__always)
    func report(_ event: TableEvent) {
        if reporting { events.append(event) }
    }

    /// Processes one frame captured at `port`; `packet` is its 1-based number in time order.
    public func observe(_ decoded: DecodedPacket, bytes: UnsafeRawBufferPointer, port: Topology.PortID,
                        time: Timestamp, packet: Int) {
        advance(to: time)
        frames += 1
        learn(decoded, bytes: bytes, port: port, time: time, packet: packet, segment: Segment(vlan: decoded.outerVLANIdentifier))
        // The VXLAN inner frame, decoded by the decoder (SPEC §4), is a station of the VNI's segment.
        if let inner = decoded.inner {
            let innerBytes = UnsafeRawBufferPointer(rebasing: bytes[decoded.innerFrameOffset...])
            learn(inner, bytes: innerBytes, port: port, time: time, packet: packet,
                  segment: Segment(vni: decoded.vxlanNetworkIdentifier))
        }
    }

    /// Ages out every entry whose time has come at or before `time`.
    public func advance(to time: Timestamp) {
        if now < time { now = time }
        while let top = agingQueue.peek, !(time < top.expiry) {
            agingQueue.pop()
            let site = Int(top.site)
            guard var entry = macTables[site][top.key] else { continue }
            let expiry = entry.lastSeen.adding(nanoseconds: aging(site: site))
            if top.expiry < expiry {
                agingQueue.push(expiry: expiry, site: top.site, key: top.key)
                continue
            }
            entry.queued = false
            macTables[site][top.key] = nil
            if entry.lastReported { events.append(TableEvent(time: expiry, packet: entry.lastPacket, kind: .agedOut, segment: top.key.segment,
                                     mac: top.key.mac, from: Topology.PortID(site: site, port: Int(entry.port)))) }
        }
    }

    @inline(__always)
    private func learn(_ frame: DecodedPacket, bytes: UnsafeRawBufferPointer, port: Topology.PortID,
                       time: Timestamp, packet: Int, segment: Segment) {
        guard let source = frame.sourceMACAddress, source.isUnicast, !source.isZero else {
            learnBindings(frame, bytes: bytes, port: port, time: time, packet: packet, segment: segment)
            return
        }
        let key = StationKey(segment: segment, mac: source)
        let site = Int(port.site)
        while macTables.count <= site { macTables.append([:]) }

        // The site's MAC table: one hash per frame, the entry updated in place (a fresh one
        // is marked by packet 0, as packets count from 1).
        let relearned = macTables[site][key, default: MACEntry(port: port.port, learned: time, lastSeen: time,
                                                               lastPacket: 0, queued: true)]
            .refresh(port: port.port, time: time, packet: packet, reported: reporting)
        if relearned {
            agingQueue.push(expiry: time.adding(nanoseconds: aging(site: site)), site: port.site, key: key)
        }

        // Where the station is (again one hash when it has not moved).
        let from = stations[key, default: StationState(place: port, lastSeen: time, moveTimes: [], duplicateReported: false,
                                                         isNew: true)].see(at: port, time: time)
        if let from {
            if from != port {
                let kind: TableEventKind = from.site == port.site ? .moved : .migration
                report(TableEvent(time: time, packet: packet, kind: kind, segment: segment, mac: source,
                                         from: from, to: port, evidence: evidence(frame, bytes: bytes)))
                noteMove(&stations[key]!, key: key, time: time, packet: packet, port: port)
            } else if relearned {
                report(TableEvent(time: time, packet: packet, kind: .newStation, segment: segment, mac: source,
                                         to: port, evidence: evidence(frame, bytes: bytes)))
            }
        } else {
            report(TableEvent(time: time, packet: packet, kind: .newStation, segment: segment, mac: source,
                                     to: port, evidence: evidence(frame, bytes: bytes)))
        }
        learnBindings(frame, bytes: bytes, port: port, time: time, packet: packet, segment: segment)
    }

    /// Counts a move and reports `duplicate-mac` at the Nth move within the window (once, until
    /// the moves slow down).
    private func noteMove(_ state: inout StationState, key: StationKey, time: Timestamp, packet: Int,
                          port: Topology.PortID) {
        let n = max(settings.duplicateMoves, 1)
        state.moveTimes.append(time)
        if state.moveTimes.count > n { state.moveTimes.removeFirst(state.moveTimes.count - n) }
        guard state.moveTimes.count == n else { return }
        let inWindow = time.nanoseconds(since: state.moveTimes[0]) <= settings.duplicateWindow
        if inWindow && !state.duplicateReported {
            state.duplicateReported = true
            report(TableEvent(time: time, packet: packet, kind: .duplicateMAC, segment: key.segment, mac: key.mac,
                                     to: port, moves: n))
        } else if !inWindow {
            state.duplicateReported = false
        }
    }

    // MARK: Evidence

    /// The kind of a frame, as evidence of where its sender is.
    @inline(__always)
    func evidence(_ frame: DecodedPacket, bytes: UnsafeRawBufferPointer) -> Evidence {
        if frame.etherType == .rarp { return .rarp }
        if let arp = frame.arp, frame.etherType == .arp {
            if arp.isGratuitous && !arp.isProbe && (arp.operation == .request || arp.operation == .reply) { return .garp }
            return .frame
        }
        if frame.layers.contains(.icmpv6), frame.icmpv6Type == .neighborAdvertisement,
           !frame.neighborAdvertisementFlags.contains(.solicited) {
            return .unsolicitedNA
        }
        if frame.layers.contains(.udp) {
            if frame.sourcePort == 68 && frame.destinationPort == 67 { return .dhcp }
            if frame.sourcePort == 546 && frame.destinationPort == 547 { return .dhcp }
        }
        return .frame
    }

    // MARK: Bindings

    @inline(__always)
    private func learnBindings(_ frame: DecodedPacket, bytes: UnsafeRawBufferPointer, port: Topology.PortID,
                               time: Timestamp, packet: Int, segment: Segment) {
        if let arp = frame.arp {
            // arpwatch's checks: ARP request/reply or RARP reply, a real sender MAC equal to the
            // frame's source, and (unlike arpwatch) a sender IP other than 0.0.0.0 (RFC 5227 probes).
            let isARP = frame.etherType == .arp && (arp.operation == .request || arp.operation == .reply)
            let isRARPReply = frame.etherType == .rarp && arp.operation == .reverseReply
            guard isARP || isRARPReply else { return }
            let via: BindingSource = isARP ? .arp : .rarp
            let sender = arp.senderHardwareAddress
            if sender.isUnicast && !sender.isZero && !arp.senderProtocolAddress.isUnspecified
                && (frame.sourceMACAddress == nil || frame.sourceMACAddress == sender) {
                bind(BindingKey(segment: segment, ip: .v4(arp.senderProtocolAddress)), sender, via: via,
                     place: port, time: time, packet: packet)
            }
            if isRARPReply {
                let target = arp.targetHardwareAddress
                if target.isUnicast && !target.isZero && !arp.targetProtocolAddress.isUnspecified {
                    bind(BindingKey(segment: segment, ip: .v4(arp.targetProtocolAddress)), target, via: .rarp,
                         place: nil, time: time, packet: packet)
                }
            }
            return
        }
        if frame.layers.contains(.icmpv6) {
            switch frame.icmpv6Type {
            case .neighborSolicitation:
                if let mac = frame.ndpSourceLinkLayerAddress, case .v6(let source)? = frame.sourceAddress,
                   !source.isUnspecified, mac.isUnicast, !mac.isZero {
                    bind(BindingKey(segment: segment, ip: .v6(source)), mac, via: .nd, place: port, time: time, packet: packet)
                }
            case .neighborAdvertisement:
                if let target = frame.ndpTargetAddress, !target.isUnspecified, !target.isMulticast,
                   let mac = frame.ndpTargetLinkLayerAddress ?? frame.sourceMACAddress, mac.isUnicast, !mac.isZero {
                    bind(BindingKey(segment: segment, ip: .v6(target)), mac, via: .nd, place: port, time: time, packet: packet)
                }
            default:
                break
            }
            return
        }
        if frame.layers.contains(.udp), frame.sourcePort == 67, frame.destinationPort == 68,
           let ack = DHCPAck(bytes, at: frame.payloadOffset, length: frame.payloadLength) {
            bind(BindingKey(segment: segment, ip: .v4(ack.yourAddress)), ack.clientHardwareAddress, via: .dhcp,
                 place: nil, time: time, packet: packet)
        }
    }

    /// arpwatch's `ent_add`: refresh, new station, flip flop, reused or changed address.
    private func bind(_ key: BindingKey, _ mac: MACAddress, via: BindingSource, place: Topology.PortID?,
                      time: Timestamp, packet: Int) {
        guard var binding = bindings[key] else {
            bindings[key] = Binding(macs: [mac], via: via, place: place, since: time, lastSeen: time,
                                    sincePacket: packet, duplicateReported: false)
            report(TableEvent(time: time, packet: packet, kind: .newStation, segment: key.segment, mac: mac,
                                     ip: key.ip, to: place, via: via))
            return
        }
        binding.lastSeen = time
        if place != nil { binding.place = place }
        if binding.macs[0] == mac {
            bindings[key] = binding
            return
        }
        let previous = binding.macs[0]
        let sinceChange = time.nanoseconds(since: binding.since)
        if binding.macs.count > 1 && binding.macs[1] == mac {
            binding.macs.swapAt(0, 1)
            report(TableEvent(time: time, packet: packet, kind: .flipFlop, segment: key.segment, mac: mac,
                                     ip: key.ip, to: place, previousMAC: previous, via: via))
            if sinceChange <= settings.duplicateIPWindow {
                if !binding.duplicateReported {
                    binding.duplicateReported = true
                    report(TableEvent(time: time, packet: packet, kind: .duplicateIP, segment: key.segment,
                                             mac: mac, ip: key.ip, to: place, previousMAC: previous, via: via))
                }
            } else {
                binding.duplicateReported = false
            }
        } else {
            if let index = binding.macs.firstIndex(of: mac) {
                binding.macs.remove(at: index)
            }
            binding.macs.insert(mac, at: 0)
            if binding.macs.count > 16 { binding.macs.removeLast() }
            binding.duplicateReported = false
            report(TableEvent(time: time, packet: packet, kind: .changedMAC, segment: key.segment, mac: mac,
                                     ip: key.ip, to: place, previousMAC: previous, via: via))
        }
        binding.via = via
        binding.since = time
        binding.sincePacket = packet
        bindings[key] = binding
    }

    // MARK: Snapshot

    /// The tables as they stand now: every site's MAC entries and every binding, sorted.
    public func snapshot() -> TableSnapshot {
        var mac: [TableSnapshot.MACRow] = []
        for (site, table) in macTables.enumerated() {
            for (key, entry) in table {
                mac.append(TableSnapshot.MACRow(site: site, station: key, port: Int(entry.port), learned: entry.learned,
                                                lastSeen: entry.lastSeen))
            }
        }
        mac.sort { ($0.site, $0.station) < ($1.site, $1.station) }
        var ip: [TableSnapshot.BindingRow] = []
        for (key, binding) in bindings {
            ip.append(TableSnapshot.BindingRow(key: key, mac: binding.macs[0], via: binding.via, place: binding.place,
                                               since: binding.since, lastSeen: binding.lastSeen))
        }
        ip.sort { $0.key < $1.key }
        return TableSnapshot(time: now, mac: mac, bindings: ip, evpn: evpnRows())
    }
}

/// The MAC tables of every site and the IP bindings at one moment.
public struct TableSnapshot: Sendable {
    public struct MACRow: Sendable, Equatable {
        public var site: Int
        public var station: StationKey
        public var port: Int
        public var learned: Timestamp
        public var lastSeen: Timestamp
    }

    public struct BindingRow: Sendable, Equatable {
        public var key: BindingKey
        public var mac: MACAddress
        public var via: BindingSource
        public var place: Topology.PortID?
        public var since: Timestamp
        public var lastSeen: Timestamp
    }

    public var time: Timestamp
    public var mac: [MACRow]
    public var bindings: [BindingRow]
    /// The EVPN MAC/IP routes standing, by site (SPEC §8).
    public var evpn: [EVPNRouteRow] = []
}

/// Aging deadlines, earliest first (ties: by site, then station); each (site, station) is in
/// it at most once.
struct AgingQueue {
    struct Item: Comparable {
        var expiry: Timestamp
        var site: Int32
        var key: StationKey

        static func < (a: Item, b: Item) -> Bool {
            if a.expiry != b.expiry { return a.expiry < b.expiry }
            if a.site != b.site { return a.site < b.site }
            return a.key < b.key
        }
    }

    private var heap = Heap<Item>()

    var peek: Item? { heap.min }

    mutating func push(expiry: Timestamp, site: Int32, key: StationKey) {
        heap.insert(Item(expiry: expiry, site: site, key: key))
    }

    mutating func pop() { _ = heap.popMin() }
}
