#if canImport(Glibc)
import Glibc
#endif
import CaptureFile

/// xorshift64* with a fixed seed: the only source of "randomness" in the generator, so the
/// trace is the same byte for byte on every machine and every run.
struct XorShift64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state &* 0x2545_F491_4F6C_DD1D
    }

    /// A number in `0..<n` (n > 0).
    @inline(__always)
    mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// A number in `low...high`.
    @inline(__always)
    mutating func within(_ low: Int, _ high: Int) -> Int { low + below(high - low + 1) }

    /// True `percent` times out of a hundred.
    @inline(__always)
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }
}

/// One segment seen by the capture point, a trunk port of a top-of-rack switch.
struct Segment: Sendable {
    /// 802.1Q VLAN id; 0 for the native VLAN, whose frames are untagged.
    let vid: UInt16
    /// 802.1ad (QinQ, 0x88a8) outer tag; 0 for none.
    let outerVID: UInt16
    /// Addresses: 10.net.0.0/16 and fd00:0:0:net::/64.
    let net: UInt8
    /// Share of client traffic, per mille.
    let weight: Int
}

/// The data center: six segments of 80 hosts each (480 hosts), a gateway (.254) per segment.
/// In each segment hosts 1...10 are servers and 11...80 clients. A host is coded as
/// `segment << 8 | k`; its MAC is 02:dc:00:SS:00:kk, its addresses 10.net.0.k and fd00:0:0:net::k.
enum Network {
    static let segments: [Segment] = [
        Segment(vid: 0, outerVID: 0, net: 1, weight: 600),
        Segment(vid: 10, outerVID: 0, net: 10, weight: 120),
        Segment(vid: 20, outerVID: 0, net: 20, weight: 100),
        Segment(vid: 30, outerVID: 0, net: 30, weight: 80),
        Segment(vid: 40, outerVID: 0, net: 40, weight: 70),
        Segment(vid: 50, outerVID: 300, net: 50, weight: 30),
    ]
    static let hostsPerSegment = 80
    static let serversPerSegment = 10
    static let gateway = 254
    /// The host `tcp and host 10.1.0.7` selects: a busy server on the native (untagged) VLAN.
    static let filterHost = 0 << 8 | 7
    static let filterAddress = "10.1.0.7"

    static let tcpPorts: [UInt16] = [443, 443, 443, 80, 22, 3306, 5432, 6379, 9092, 8080, 2049, 9200]
    static let udpProfiles: [UDPProfile] = [
        UDPProfile(port: 53, requestLow: 28, requestHigh: 60, responseLow: 60, responseHigh: 480, oneWay: false),
        UDPProfile(port: 123, requestLow: 48, requestHigh: 48, responseLow: 48, responseHigh: 48, oneWay: false),
        UDPProfile(port: 514, requestLow: 60, requestHigh: 700, responseLow: 0, responseHigh: 0, oneWay: true),
        UDPProfile(port: 8125, requestLow: 20, requestHigh: 240, responseLow: 0, responseHigh: 0, oneWay: true),
        UDPProfile(port: 4789, requestLow: 110, requestHigh: 1450, responseLow: 110, responseHigh: 1450, oneWay: false),
        UDPProfile(port: 5060, requestLow: 300, requestHigh: 1100, responseLow: 300, responseHigh: 900, oneWay: false),
        UDPProfile(port: 2055, requestLow: 1000, requestHigh: 1464, responseLow: 0, responseHigh: 0, oneWay: true),
    ]
}

struct UDPProfile: Sendable {
    let port: UInt16
    let requestLow: Int, requestHigh: Int
    let responseLow: Int, responseHigh: Int
    let oneWay: Bool
}

/// A flow between a client and a server, TCP (with handshake and teardown) or UDP.
struct Flow {
    var client: Int
    var server: Int
    var tcp: Bool
    var v6: Bool
    var bulk: Bool
    var udpProfile: Int
    var clientPort: UInt16
    var serverPort: UInt16
    var clientSeq: UInt32
    var serverSeq: UInt32
    var clientIPID: UInt16
    var serverIPID: UInt16
    var label: UInt32
    /// TCP: 0 SYN, 1 SYN-ACK, 2 ACK, 3 data, 4 FIN, 5 FIN-ACK, 6 last ACK.
    var state: UInt8
    var remaining: Int
}

/// Everything needed to lay out one frame; produced by `TraceGenerator.next()`.
struct Frame {
    enum Kind { case tcp, udp, arp }
    var kind: Kind = .tcp
    var micros: Int64 = 0
    var segment = 0
    /// Host codes; -1 is the broadcast address, 0 the all-zero MAC.
    var sourceMAC = 0
    var destinationMAC = 0
    var v6 = false
    var source = 0
    var destination = 0
    var ttl: UInt8 = 64
    var ipID: UInt16 = 0
    var flowLabel: UInt32 = 0
    var sourcePort: UInt16 = 0
    var destinationPort: UInt16 = 0
    var seq: UInt32 = 0
    var ack: UInt32 = 0
    var flags: UInt8 = 0
    var window: UInt16 = 0
    var tsVal: UInt32 = 0
    var tsEcr: UInt32 = 0
    var payload = 0
    var arpOperation: UInt16 = 0
    var arpTargetMAC = 0

    static let fin: UInt8 = 0x01, syn: UInt8 = 0x02, psh: UInt8 = 0x08, ackFlag: UInt8 = 0x10

    var tagged: Bool { Network.segments[segment].vid != 0 }
    var qinq: Bool { Network.segments[segment].outerVID != 0 }

    /// Captured length in bytes (Ethernet without FCS, padded to 60).
    var length: Int {
        let seg = Network.segments[segment]
        let l2 = 14 + (seg.vid != 0 ? 4 : 0) + (seg.outerVID != 0 ? 4 : 0)
        let l3: Int
        switch kind {
        case .arp: l3 = 28
        case .tcp: l3 = (v6 ? 40 : 20) + (flags & Frame.syn != 0 ? 40 : 32) + payload
        case .udp: l3 = (v6 ? 40 : 20) + 8 + payload
        }
        return max(60, l2 + l3)
    }
}

/// Deterministic data-center traffic: `next()` draws every decision from the seeded PRNG,
/// `render` lays the bytes out (no PRNG use), so sizes can be computed without rendering.
struct TraceGenerator {
    static let seed: UInt64 = 0x5EED_DC01_2026_0001
    /// 2025-11-20 00:53:20 UTC.
    static let startSeconds: Int64 = 1_763_600_000
    static let flowSlots = 2048
    static let elephantSlots = 48

    private var rng = XorShift64(seed: TraceGenerator.seed)
    private var flows: [Flow] = []
    private var micros: Int64 = 0
    private var pendingReply: Frame?

    init() {
        flows.reserveCapacity(TraceGenerator.flowSlots)
        for slot in 0..<TraceGenerator.flowSlots {
            flows.append(makeFlow(slot: slot, established: true))
        }
    }

    private mutating func pickSegment() -> Int {
        var r = rng.below(1000)
        for (i, seg) in Network.segments.enumerated() {
            if r < seg.weight { return i }
            r -= seg.weight
        }
        return 0
    }

    private mutating func makeFlow(slot: Int, established: Bool) -> Flow {
        let seg = pickSegment()
        let client = seg << 8 | rng.within(Network.serversPerSegment + 1, Network.hostsPerSegment)
        let serverSeg = rng.chance(30) ? rng.below(Network.segments.count) : seg
        let serverK = rng.chance(40) ? rng.within(1, 3) : rng.within(1, Network.serversPerSegment)
        let elephant = slot < TraceGenerator.elephantSlots
        let tcp = elephant || rng.chance(72)
        let v6 = rng.chance(20)
        let profile = tcp ? 0 : rng.below(Network.udpProfiles.count)
        let serverPort = tcp ? Network.tcpPorts[rng.below(Network.tcpPorts.count)] : Network.udpProfiles[profile].port
        let remaining = elephant ? rng.within(400, 4400) : (tcp ? rng.within(3, 60) : rng.within(1, 150))
        return Flow(client: client, server: serverSeg << 8 | serverK, tcp: tcp, v6: v6,
                    bulk: elephant || (tcp && rng.chance(40)), udpProfile: profile,
                    clientPort: UInt16(rng.within(32768, 60999)), serverPort: serverPort,
                    clientSeq: UInt32(truncatingIfNeeded: rng.next()),
                    serverSeq: UInt32(truncatingIfNeeded: rng.next()),
                    clientIPID: UInt16(truncatingIfNeeded: rng.next()),
                    serverIPID: UInt16(truncatingIfNeeded: rng.next()),
                    label: UInt32(truncatingIfNeeded: rng.next()) & 0xF_FFFF,
                    state: established ? 3 : 0, remaining: remaining)
    }

    /// The next frame, in time order.
    mutating func next() -> Frame {
        micros += Int64(rng.within(1, 30))
        if var reply = pendingReply {
            pendingReply = nil
            reply.micros = micros
            return reply
        }
        let r = rng.below(1000)
        if r < 12 { return arp(gratuitous: r >= 10) }
        let slot = rng.chance(35) ? rng.below(TraceGenerator.elephantSlots) : rng.below(flows.count)
        return flows[slot].tcp ? tcpStep(slot) : udpStep(slot)
    }

    private mutating func arp(gratuitous: Bool) -> Frame {
        let seg = pickSegment()
        let sender = seg << 8 | rng.within(1, Network.hostsPerSegment)
        var f = Frame()
        f.kind = .arp
        f.micros = micros
        f.segment = seg
        f.sourceMAC = sender
        f.destinationMAC = -1
        f.source = sender
        if gratuitous {
            let reply = rng.chance(30)
            f.arpOperation = reply ? 2 : 1
            f.destination = sender
            f.arpTargetMAC = reply ? sender : 0
            return f
        }
        var target = seg << 8 | Network.gateway
        if rng.chance(50) {
            target = seg << 8 | rng.within(1, Network.hostsPerSegment)
            if target == sender { target = seg << 8 | Network.gateway }
        }
        f.arpOperation = 1
        f.destination = target
        f.arpTargetMAC = 0
        var reply = f
        reply.sourceMAC = target
        reply.destinationMAC = sender
        reply.arpOperation = 2
        reply.source = target
        reply.destination = sender
        reply.arpTargetMAC = sender
        pendingReply = reply
        return f
    }

    /// Addresses, MACs, TTL and IP id for a frame of `flow` in one direction. A server in
    /// another segment is reached through the client segment's gateway.
    private mutating func frame(of slot: Int, fromClient: Bool) -> Frame {
        let flow = flows[slot]
        let clientSeg = flow.client >> 8
        let same = clientSeg == flow.server >> 8
        let gateway = clientSeg << 8 | Network.gateway
        var f = Frame()
        f.kind = flow.tcp ? .tcp : .udp
        f.micros = micros
        f.segment = clientSeg
        f.v6 = flow.v6
        f.flowLabel = flow.label
        if fromClient {
            f.sourceMAC = flow.client
            f.destinationMAC = same ? flow.server : gateway
            f.source = flow.client
            f.destination = flow.server
            f.sourcePort = flow.clientPort
            f.destinationPort = flow.serverPort
            f.ipID = flow.clientIPID
            flows[slot].clientIPID &+= 1
            f.window = UInt16(truncatingIfNeeded: 501 + (flow.label & 0x3FF))
        } else {
            f.sourceMAC = same ? flow.server : gateway
            f.destinationMAC = flow.client
            f.source = flow.server
            f.destination = flow.client
            f.sourcePort = flow.serverPort
            f.destinationPort = flow.clientPort
            f.ttl = same ? 64 : 63
            f.ipID = flow.serverIPID
            flows[slot].serverIPID &+= 1
            f.window = UInt16(truncatingIfNeeded: 1024 + (flow.label >> 6 & 0x7FF))
        }
        let ms = UInt32(truncatingIfNeeded: micros / 1000)
        let clientClock = ms &+ flow.label &* 2_654_435_761
        let serverClock = ms &+ flow.label &* 40_503
        f.tsVal = fromClient ? clientClock : serverClock
        f.tsEcr = (fromClient ? serverClock : clientClock) &- 1
        return f
    }

    private mutating func tcpStep(_ slot: Int) -> Frame {
        let flow = flows[slot]
        let mss = flow.v6 ? 1428 : 1448
        var f: Frame
        switch flow.state {
        case 0:
            f = frame(of: slot, fromClient: true)
            f.flags = Frame.syn
            f.seq = flow.clientSeq
            f.window = 64240
            flows[slot].clientSeq &+= 1
            flows[slot].state = 1
        case 1:
            f = frame(of: slot, fromClient: false)
            f.flags = Frame.syn | Frame.ackFlag
            f.seq = flow.serverSeq
            f.ack = flow.clientSeq
            f.window = 65160
            flows[slot].serverSeq &+= 1
            flows[slot].state = 2
        case 2:
            f = frame(of: slot, fromClient: true)
            f.flags = Frame.ackFlag
            f.seq = flow.clientSeq
            f.ack = flow.serverSeq
            flows[slot].state = 3
        case 3:
            let fromClient: Bool
            var payload = 0
            let r = rng.below(100)
            if flow.bulk {
                fromClient = rng.chance(38)
                if fromClient {
                    payload = r < 8 ? rng.within(20, 320) : 0
                } else {
                    payload = r < 48 ? mss : (r < 68 ? 0 : rng.within(1, mss))
                }
            } else {
                fromClient = rng.chance(50)
                if fromClient {
                    payload = r < 55 ? rng.within(20, 620) : 0
                } else {
                    payload = r < 12 ? mss : (r < 70 ? rng.within(40, 1240) : 0)
                }
            }
            f = frame(of: slot, fromClient: fromClient)
            f.payload = payload
            f.flags = Frame.ackFlag | (payload > 0 && payload < mss ? Frame.psh : 0)
            if fromClient {
                f.seq = flow.clientSeq
                f.ack = flow.serverSeq
                flows[slot].clientSeq &+= UInt32(payload)
            } else {
                f.seq = flow.serverSeq
                f.ack = flow.clientSeq
                flows[slot].serverSeq &+= UInt32(payload)
            }
            flows[slot].remaining -= 1
            if flows[slot].remaining <= 0 { flows[slot].state = 4 }
        case 4:
            f = frame(of: slot, fromClient: true)
            f.flags = Frame.fin | Frame.ackFlag
            f.seq = flow.clientSeq
            f.ack = flow.serverSeq
            flows[slot].clientSeq &+= 1
            flows[slot].state = 5
        case 5:
            f = frame(of: slot, fromClient: false)
            f.flags = Frame.fin | Frame.ackFlag
            f.seq = flow.serverSeq
            f.ack = flow.clientSeq
            flows[slot].serverSeq &+= 1
            flows[slot].state = 6
        default:
            f = frame(of: slot, fromClient: true)
            f.flags = Frame.ackFlag
            f.seq = flow.clientSeq
            f.ack = flow.serverSeq
            flows[slot] = makeFlow(slot: slot, established: false)
        }
        return f
    }

    private mutating func udpStep(_ slot: Int) -> Frame {
        let flow = flows[slot]
        let profile = Network.udpProfiles[flow.udpProfile]
        let fromClient = profile.oneWay || rng.chance(55)
        var payload = fromClient ? rng.within(profile.requestLow, profile.requestHigh)
                                 : rng.within(profile.responseLow, profile.responseHigh)
        payload = min(payload, flow.v6 ? 1452 : 1472)
        var f = frame(of: slot, fromClient: fromClient)
        f.payload = payload
        flows[slot].remaining -= 1
        if flows[slot].remaining <= 0 { flows[slot] = makeFlow(slot: slot, established: false) }
        return f
    }
}

// MARK: - Rendering

/// Bytes of one frame, laid out by `FrameRenderer.render`. Owns a payload pattern (from its
/// own fixed-seed PRNG, so rendering never touches the generator's sequence).
final class FrameRenderer {
    let buffer: UnsafeMutableRawPointer
    private let pattern: UnsafeMutableRawPointer
    private static let patternSize = 8192

    init() {
        buffer = .allocate(byteCount: 2048, alignment: 16)
        pattern = .allocate(byteCount: FrameRenderer.patternSize + 2048, alignment: 16)
        var rng = XorShift64(seed: 0xC0FF_EE00_DA7A_0001)
        for i in stride(from: 0, to: FrameRenderer.patternSize + 2048, by: 8) {
            pattern.storeBytes(of: rng.next(), toByteOffset: i, as: UInt64.self)
        }
    }

    deinit {
        buffer.deallocate()
        pattern.deallocate()
    }

    /// Renders `f` into `buffer` and returns its length (`f.length`).
    func render(_ f: Frame) -> Int {
        let p = buffer
        var o = 0
        func u8(_ v: UInt8) { p.storeBytes(of: v, toByteOffset: o, as: UInt8.self); o += 1 }
        func be16(_ v: UInt16) { p.storeBytes(of: v.bigEndian, toByteOffset: o, as: UInt16.self); o += 2 }
        func be32(_ v: UInt32) { p.storeBytes(of: v.bigEndian, toByteOffset: o, as: UInt32.self); o += 4 }
        func mac(_ code: Int) {
            if code == -1 {
                for _ in 0..<6 { u8(0xFF) }
            } else if code == 0 {
                for _ in 0..<6 { u8(0) }
            } else {
                u8(0x02); u8(0xDC); u8(0); u8(UInt8(code >> 8)); u8(0); u8(UInt8(code & 0xFF))
            }
        }
        func ipv4(_ code: Int) {
            u8(10); u8(Network.segments[code >> 8].net); u8(0); u8(UInt8(code & 0xFF))
        }
        func ipv6(_ code: Int) {
            be32(0xFD00_0000); be32(UInt32(Network.segments[code >> 8].net))
            be32(0); be32(UInt32(code & 0xFF))
        }

        let seg = Network.segments[f.segment]
        mac(f.destinationMAC)
        mac(f.sourceMAC)
        if seg.outerVID != 0 { be16(0x88A8); be16(seg.outerVID) }
        if seg.vid != 0 { be16(0x8100); be16(seg.vid) }

        switch f.kind {
        case .arp:
            be16(0x0806)
            be16(1); be16(0x0800); u8(6); u8(4); be16(f.arpOperation)
            mac(f.sourceMAC); ipv4(f.source)
            mac(f.arpTargetMAC); ipv4(f.destination)
        case .tcp, .udp:
            let tcp = f.kind == .tcp
            let syn = f.flags & Frame.syn != 0
            let l4Length = (tcp ? (syn ? 40 : 32) : 8) + f.payload
            let proto: UInt8 = tcp ? 6 : 17
            let ipStart: Int
            let addressStart: Int
            let addressBytes: Int
            if f.v6 {
                be16(0x86DD)
                ipStart = o
                be32(0x6000_0000 | (f.flowLabel & 0xF_FFFF))
                be16(UInt16(l4Length)); u8(proto); u8(f.ttl)
                addressStart = o
                addressBytes = 32
                ipv6(f.source); ipv6(f.destination)
            } else {
                be16(0x0800)
                ipStart = o
                u8(0x45); u8(0); be16(UInt16(20 + l4Length)); be16(f.ipID); be16(0x4000)
                u8(f.ttl); u8(proto); be16(0)
                addressStart = o
                addressBytes = 8
                ipv4(f.source); ipv4(f.destination)
                let sum = Checksum.finish(Checksum.add(p + ipStart, 20))
                (p + ipStart + 10).storeBytes(of: sum, as: UInt16.self)
            }
            let l4Start = o
            if tcp {
                be16(f.sourcePort); be16(f.destinationPort); be32(f.seq); be32(f.ack)
                u8(syn ? 0xA0 : 0x80); u8(f.flags); be16(f.window); be16(0); be16(0)
                if syn {
                    u8(2); u8(4); be16(f.v6 ? 1440 : 1460)    // MSS
                    u8(4); u8(2)                               // SACK permitted
                    u8(8); u8(10); be32(f.tsVal); be32(f.tsEcr) // timestamps
                    u8(1); u8(3); u8(3); u8(7)                 // NOP, window scale 7
                } else {
                    u8(1); u8(1); u8(8); u8(10); be32(f.tsVal); be32(f.tsEcr)
                }
            } else {
                be16(f.sourcePort); be16(f.destinationPort); be16(UInt16(l4Length)); be16(0)
            }
            if f.payload > 0 {
                let offset = Int(truncatingIfNeeded: UInt64(bitPattern: f.micros) &* 2_654_435_761) & (FrameRenderer.patternSize - 1)
                (p + o).copyMemory(from: pattern + offset, byteCount: f.payload)
                o += f.payload
            }
            // Checksum over the pseudo-header (addresses, protocol, length) and the segment.
            var sum = Checksum.add(p + addressStart, addressBytes)
            sum &+= UInt64(UInt16(proto).bigEndian) &+ UInt64(UInt16(l4Length).bigEndian)
            sum = Checksum.add(p + l4Start, l4Length, sum)
            var value = Checksum.finish(sum)
            if !tcp && value == 0 { value = 0xFFFF }
            (p + l4Start + (tcp ? 16 : 6)).storeBytes(of: value, as: UInt16.self)
        }
        if o < 60 {
            (p + o).initializeMemory(as: UInt8.self, repeating: 0, count: 60 - o)
            o = 60
        }
        return o
    }
}

/// The Internet checksum (RFC 1071), summed in host byte order: the folded complement is
/// stored back in host order, which puts the right bytes on the wire on any host.
enum Checksum {
    @inline(__always)
    static func add(_ p: UnsafeRawPointer, _ count: Int, _ initial: UInt64 = 0) -> UInt64 {
        var sum = initial
        var i = 0
        while i + 8 <= count {
            sum &+= UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            sum &+= UInt64(p.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            i += 8
        }
        if i + 4 <= count {
            sum &+= UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
            i += 4
        }
        if i + 2 <= count {
            sum &+= UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt16.self))
            i += 2
        }
        if i < count {
            // A last odd byte is the high byte of a zero-padded network-order word.
            sum &+= UInt64((UInt16(p.load(fromByteOffset: i, as: UInt8.self)) << 8).bigEndian)
        }
        return sum
    }

    @inline(__always)
    static func finish(_ sum: UInt64) -> UInt16 {
        var s = sum
        while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
        return ~UInt16(truncatingIfNeeded: s)
    }
}

// MARK: - The trace file

/// What a trace of N packets holds, computed without rendering.
struct TraceMix {
    var packets = 0
    var fileBytes: UInt64 = 24
    var frameBytes: UInt64 = 0
    var tagged = 0
    var qinq = 0
    var ipv6 = 0
    var tcp = 0
    var udp = 0
    var arp = 0
    var gratuitousARP = 0
    var minLength = Int.max
    var maxLength = 0
    /// `tcp and host 10.1.0.7` on untagged frames only (what tcpdump sees)…
    var filterUntagged = 0
    /// …and on every frame (what a VLAN-aware filter sees).
    var filterAll = 0

    static func of(packets: Int) -> TraceMix {
        var generator = TraceGenerator()
        var mix = TraceMix()
        for _ in 0..<packets {
            mix.count(generator.next())
        }
        return mix
    }

    mutating func count(_ f: Frame) {
        let n = f.length
        packets += 1
        fileBytes += UInt64(16 + n)
        frameBytes += UInt64(n)
        minLength = min(minLength, n)
        maxLength = max(maxLength, n)
        if f.tagged { tagged += 1 }
        if f.qinq { qinq += 1 }
        switch f.kind {
        case .arp:
            arp += 1
            if f.source == f.destination { gratuitousARP += 1 }
        case .tcp:
            tcp += 1
            if !f.v6 && (f.source == Network.filterHost || f.destination == Network.filterHost) {
                filterAll += 1
                if !f.tagged { filterUntagged += 1 }
            }
        case .udp:
            udp += 1
        }
        if f.kind != .arp && f.v6 { ipv6 += 1 }
    }

    var meanLength: Double { packets == 0 ? 0 : Double(frameBytes) / Double(packets) }
}

enum TraceWriter {
    /// Writes the first `packets` frames as a microsecond Ethernet pcap at `path`.
    static func write(path: String, packets: Int) throws(CaptureError) {
        let out = try OutputFile(path: path, compressed: false, force: true)
        let writer = try PcapWriter(output: out, linkType: 1, snapLength: 262_144, nanosecond: false)
        var generator = TraceGenerator()
        let renderer = FrameRenderer()
        for _ in 0..<packets {
            let f = generator.next()
            let n = renderer.render(f)
            let timestamp = Timestamp(seconds: TraceGenerator.startSeconds + f.micros / 1_000_000,
                                      nanoseconds: UInt32(f.micros % 1_000_000) * 1000)
            try writer.write(timestamp: timestamp, originalLength: n,
                             data: UnsafeRawBufferPointer(start: renderer.buffer, count: n))
        }
        try out.commit()
    }
}
