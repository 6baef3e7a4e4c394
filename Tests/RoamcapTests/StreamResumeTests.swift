import CaptureFile
@testable import RoamcapKit
import Testing

/// A merged stream resumed where another one stood (`position()`, SPEC §9's shard starts)
/// gives the same frames, numbers, interfaces and ports as the one that read everything.
@Suite struct StreamResumeTests {
    struct Seen: Equatable {
        var number: Int
        var file: Int
        var time: Timestamp
        var interface: Int
        var bytes: [UInt8]
        var port: Topology.PortID?
    }

    static func rest(of stream: MergedCaptureStream) throws -> [Seen] {
        var seen: [Seen] = []
        while let (packet, file) = try stream.next() {
            seen.append(Seen(number: stream.number, file: file, time: packet.timestamp, interface: packet.interface,
                             bytes: Array(packet.data), port: stream.portMap.port(file: file, interface: packet.interface)))
        }
        return seen
    }

    /// A pcapng file with what makes resuming hard: interfaces defined between packets, a second
    /// section (its interfaces numbered from 0 again), simple packet blocks dated from their
    /// neighbours, and packets out of time order.
    static func awkwardCapture(_ path: String) {
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        b.packet(ticks: 1_000_000, Frames.garp(1))
        b.packet(ticks: 2_500_000, Frames.garp(2))
        b.interface(name: "eth1")
        b.packet(interface: 1, ticks: 2_000_000, Frames.garp(3))
        b.simplePacket(Frames.garp(4))
        b.packet(ticks: 4_000_000, Frames.garp(5))
        b.section()
        b.interface(name: "eth7", nanoseconds: true)
        b.packet(ticks: 4_200_000_000, Frames.garp(6))
        b.simplePacket(Frames.garp(7))
        b.interface(name: "eth0")
        b.packet(interface: 1, ticks: 5_000_000_000, Frames.garp(8))
        b.packet(ticks: 3_000_000_000, Frames.garp(9))
        b.write(path)
    }

    @Test func resumingAtEveryFrameGivesTheRest() throws {
        let dir = TestSupport.temporaryDirectory()
        defer { TestSupport.removeTree(dir) }
        Self.awkwardCapture(dir + "/awkward.pcapng")
        let fixtures = TestSupport.root + "/fixtures/"
        let inputs = [dir + "/awkward.pcapng", fixtures + "dcC.pcap.zst", fixtures + "dcB.pcapng"]
        let all = try Self.rest(of: try MergedCaptureStream(inputs: inputs, topology: nil, reading: ReadOptions()))
        #expect(all.count > 40)
        let full = try MergedCaptureStream(inputs: inputs, topology: nil, reading: ReadOptions(), tracksPositions: true)
        var positions = [full.position()]
        while try full.next() != nil { positions.append(full.position()) }
        #expect(positions.count == all.count + 1)
        for k in 0...all.count {
            let resumed = try MergedCaptureStream(inputs: inputs, topology: nil, reading: ReadOptions(), resuming: positions[k])
            let rest = try Self.rest(of: resumed)
            #expect(rest == Array(all[k...]), "resumed before frame \(k + 1)")
            #expect(resumed.portMap.topology.sites.map(\.name) == full.portMap.topology.sites.map(\.name),
                    "sites after resuming before frame \(k + 1)")
        }
        // Out-of-order frames are counted where they are met, so the parts add up.
        var total = 0
        var previous = positions[0]
        for k in [7, 30, all.count] {
            let s = try MergedCaptureStream(inputs: inputs, topology: nil, reading: ReadOptions(), resuming: previous)
            while s.number < k, try s.next() != nil {}
            total += s.outOfOrder
            previous = positions[k]
        }
        let single = try MergedCaptureStream(inputs: inputs, topology: nil, reading: ReadOptions())
        while try single.next() != nil {}
        #expect(single.outOfOrder > 0)
        #expect(total == single.outOfOrder)
    }

    @Test func aResumePointPastTheEndIsAnError() throws {
        let path = TestSupport.root + "/fixtures/dcC.pcap.zst"
        let point = CaptureResumePoint(offset: 1 << 40, headerBlocks: [0..<24], packets: 0, lastTimestamp: nil, finished: false)
        #expect(throws: CaptureError.self) { _ = try CaptureReader(path: path, resume: point) }
        let plain = TestSupport.root + "/fixtures/dcA.pcap"
        let misordered = CaptureResumePoint(offset: 10, headerBlocks: [0..<24], packets: 0, lastTimestamp: nil, finished: false)
        #expect(throws: CaptureError.self) { _ = try CaptureReader(path: plain, resume: misordered) }
    }
}
