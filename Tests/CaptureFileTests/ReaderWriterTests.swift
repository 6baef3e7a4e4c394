@testable import CaptureFile
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Readers and writers on byte arrays built here, both byte orders.
@Suite struct ReaderWriterTests {
    static func temporaryPath(_ name: String) -> String {
        var template = Array("/tmp/roamcap-cf-XXXXXX".utf8CString)
        let dir = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: dir!) + "/" + name
    }

    static func write(_ bytes: [UInt8], _ name: String) -> String {
        let path = temporaryPath(name)
        let f = fopen(path, "wb")!
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
        return path
    }

    static func u16(_ v: UInt16, _ big: Bool) -> [UInt8] { big ? [UInt8(v >> 8), UInt8(v & 0xFF)] : [UInt8(v & 0xFF), UInt8(v >> 8)] }
    static func u32(_ v: UInt32, _ big: Bool) -> [UInt8] {
        let le = (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) }
        return big ? le.reversed() : le
    }

    static func block(_ type: UInt32, _ body: [UInt8], _ big: Bool) -> [UInt8] {
        var b = body
        while b.count % 4 != 0 { b.append(0) }
        let total = UInt32(12 + b.count)
        return u32(type, big) + u32(total, big) + b + u32(total, big)
    }

    static func option(_ code: UInt16, _ value: [UInt8], _ big: Bool) -> [UInt8] {
        var v = value
        while v.count % 4 != 0 { v.append(0) }
        return u16(code, big) + u16(UInt16(value.count), big) + v
    }

    /// A pcapng file: SHB with a comment, two interfaces (Ethernet µs named "eth0"; raw IP with
    /// if_tsresol 2^-10 and if_tsoffset 100 s), an EPB with a comment, an SPB, an obsolete PB,
    /// an NRB, an unknown block, and an ISB.
    static func samplePcapng(bigEndian big: Bool) -> [UInt8] {
        var shb = u32(0x1A2B_3C4D, big) + u16(1, big) + u16(0, big) + [UInt8](repeating: 0xFF, count: 8)
        shb += option(1, Array("section comment".utf8), big) + option(0, [], big)
        var idb0 = u16(1, big) + u16(0, big) + u32(1500, big)
        idb0 += option(2, Array("eth0".utf8), big) + option(0, [], big)
        var idb1 = u16(101, big) + u16(0, big) + u32(0, big)
        idb1 += option(9, [0x80 | 10], big)
        idb1 += option(14, big ? [0, 0, 0, 0, 0, 0, 0, 100] : [100, 0, 0, 0, 0, 0, 0, 0], big)
        idb1 += option(0, [], big)
        let data: [UInt8] = [1, 2, 3, 4, 5]
        var epb = u32(0, big) + u32(0, big) + u32(1_000_000, big) + u32(5, big) + u32(60, big) + data
        while epb.count % 4 != 0 { epb.append(0) }
        epb += option(1, Array("hello".utf8), big) + option(2, u32(0x1, big), big) + option(0, [], big)
        let spb = u32(7, big) + [9, 9, 9, 9, 9, 9, 9]
        var pb = u16(1, big) + u16(0, big) + u32(0, big) + u32(2048, big) + u32(2, big) + u32(2, big) + [0x45, 0]
        while pb.count % 4 != 0 { pb.append(0) }
        let nrb = u16(1, big) + u16(8, big) + [10, 0, 0, 1] + Array("a\0\0\0".utf8) + u16(0, big) + u16(0, big)
        let isb = u32(0, big) + u32(0, big) + u32(5, big) + option(4, big ? [0, 0, 0, 0, 0, 0, 0, 42] : [42, 0, 0, 0, 0, 0, 0, 0], big) + option(0, [], big)
        return block(0x0A0D_0D0A, shb, big) + block(1, idb0, big) + block(1, idb1, big) + block(6, epb, big)
            + block(3, spb, big) + block(2, pb, big) + block(4, nrb, big) + block(0x7777, [1, 2, 3, 4], big)
            + block(5, isb, big)
    }

    @Test(arguments: [false, true])
    func readsEveryPcapngBlockKind(bigEndian: Bool) throws {
        let path = Self.write(Self.samplePcapng(bigEndian: bigEndian), "s.pcapng")
        let reader = try CaptureReader(path: path)
        var packets: [(Int, Timestamp, [UInt8], [BlockOption], Bool)] = []
        var others: [OtherBlock] = []
        while let r = try reader.next() {
            switch r {
            case .packet(let p): packets.append((p.interface, p.timestamp, Array(p.data), p.decodedOptions, p.hasTimestamp))
            case .other(let o): others.append(o)
            default: break
            }
        }
        #expect(reader.format == .pcapng)
        #expect(reader.sections.count == 1 && reader.sections[0].options.comments == ["section comment"])
        #expect(reader.interfaces.count == 2)
        #expect(reader.interfaces[0].name == "eth0" && reader.interfaces[0].snapLength == 1500)
        #expect(reader.interfaces[1].linkType == 101 && reader.interfaces[1].unitsPerSecond == 1024)
        #expect(reader.interfaces[1].timestampOffset == 100)
        #expect(packets.count == 3)
        #expect(packets[0].0 == 0 && packets[0].1 == Timestamp(seconds: 1, nanoseconds: 0) && packets[0].2 == [1, 2, 3, 4, 5])
        #expect(packets[0].3 == [BlockOption(code: 1, string: "hello"), BlockOption(code: 2, value: [1, 0, 0, 0])])
        // SPB: captured length is min(original, snaplen, block) = 7; no timestamp.
        #expect(packets[1].2 == [9, 9, 9, 9, 9, 9, 9] && packets[1].4 == false)
        // PB on interface 1: 2048 ticks of 2^-10 s = 2 s, plus if_tsoffset 100 s.
        #expect(packets[2].0 == 1 && packets[2].1 == Timestamp(seconds: 102, nanoseconds: 0))
        #expect(others.map(\.type) == [4, 5])
        #expect(others[1].interface == 0)
        #expect(reader.skippedBlocks == 1)
    }

    @Test(arguments: [false, true])
    func pcapngRewriteIsLittleEndianAndEquivalent(bigEndian: Bool) throws {
        let input = Self.write(Self.samplePcapng(bigEndian: bigEndian), "in.pcapng")
        let outPath = Self.temporaryPath("out.pcapng")
        let reader = try CaptureReader(path: input)
        let output = try OutputFile(path: outPath)
        let writer = PcapngWriter(output: output)
        while let r = try reader.next() {
            switch r {
            case .section(let s): try writer.beginSection(s)
            case .interface(let i): try writer.addInterface(i)
            case .packet(let p): try writer.write(p, interfaceID: p.interface, keepTicks: true)
            case .other(let o): try writer.write(o, interfaceID: o.interface)
            }
        }
        try output.commit()
        let again = try CaptureReader(path: outPath)
        var packets: [(Timestamp, [UInt8], [BlockOption])] = []
        while let p = try again.nextPacket() { packets.append((p.timestamp, Array(p.data), p.decodedOptions)) }
        #expect(again.sections[0].bigEndian == false)
        #expect(again.interfaces.map(\.options) == reader.interfaces.map(\.options))
        // The simple packet block (second) is dated like the packet before it, not 1970.
        #expect(packets.map(\.0) == [Timestamp(seconds: 1, nanoseconds: 0), Timestamp(seconds: 1, nanoseconds: 0),
                                     Timestamp(seconds: 102, nanoseconds: 0)])
        #expect(packets[0].2 == [BlockOption(code: 1, string: "hello"), BlockOption(code: 2, value: [1, 0, 0, 0])])
    }

    @Test(arguments: [(0xA1B2_C3D4 as UInt32, false), (0xA1B2_C3D4, true), (0xA1B2_3C4D, false), (0xA1B2_3C4D, true)])
    func readsPcapBothByteOrdersAndPrecisions(magic: UInt32, big: Bool) throws {
        let nano = magic == 0xA1B2_3C4D
        var file = Self.u32(magic, big) + Self.u16(2, big) + Self.u16(4, big) + Self.u32(0, big) + Self.u32(0, big)
        file += Self.u32(65535, big) + Self.u32(1, big)
        file += Self.u32(1000, big) + Self.u32(nano ? 123_456_789 : 123_456, big) + Self.u32(3, big) + Self.u32(64, big) + [7, 8, 9]
        // Sub-second field out of range: carried into the seconds.
        file += Self.u32(1000, big) + Self.u32(nano ? 2_000_000_001 : 2_000_001, big) + Self.u32(1, big) + Self.u32(1, big) + [1]
        let reader = try CaptureReader(path: Self.write(file, "p.pcap"))
        let first = try #require(try reader.nextPacket())
        #expect(first.timestamp == Timestamp(seconds: 1000, nanoseconds: nano ? 123_456_789 : 123_456_000))
        #expect(Array(first.data) == [7, 8, 9] && first.originalLength == 64)
        let second = try #require(try reader.nextPacket())
        #expect(second.timestamp == Timestamp(seconds: 1002, nanoseconds: nano ? 1 : 1000))
        #expect(reader.subsecondCarries == 1)
        #expect(try reader.nextPacket() == nil)
    }

    @Test func impossibleLengthsAreRejectedBeforeAllocating() throws {
        var file = Self.u32(0xA1B2_C3D4, false) + Self.u16(2, false) + Self.u16(4, false) + Self.u32(0, false)
        file += Self.u32(0, false) + Self.u32(65535, false) + Self.u32(1, false)
        file += Self.u32(1, false) + Self.u32(0, false) + Self.u32(0xFFFF_FFF0, false) + Self.u32(64, false)
        let path = Self.write(file, "huge.pcap")
        let reader = try CaptureReader(path: path)
        #expect(throws: CaptureError.self) { _ = try reader.nextPacket() }
        do { _ = try CaptureReader(path: path).nextPacket() } catch {
            #expect(error.description == "\(path): byte 24, packet 1 (record header): captured length 4294967280 exceeds the maximum of 262144")
        }
        // A pcapng block claiming 2 GiB.
        let shb = Self.block(0x0A0D_0D0A, Self.u32(0x1A2B_3C4D, false) + Self.u16(1, false) + Self.u16(0, false) + [UInt8](repeating: 0xFF, count: 8), false)
        let bad = shb + Self.u32(6, false) + Self.u32(0x8000_0000, false) + [0, 0, 0, 0]
        let ng = try CaptureReader(path: Self.write(bad, "huge.pcapng"))
        #expect(throws: CaptureError.self) { _ = try ng.nextPacket() }
    }

    @Test func compressedInputIsDetectedByContent() throws {
        // Write a pcap compressed with zstd under a misleading name, read it back.
        let path = Self.temporaryPath("looks-plain.pcap")
        let output = try OutputFile(path: path, compressed: true)
        let writer = try PcapWriter(output: output, linkType: 1, snapLength: 100, nanosecond: true)
        let data: [UInt8] = Array(repeating: 0x5A, count: 100)
        for i in 0..<1000 {
            try data.withUnsafeBytes { try writer.write(timestamp: Timestamp(seconds: Int64(i), nanoseconds: 7), originalLength: 100, data: $0) }
        }
        try output.commit()
        let reader = try CaptureReader(path: path)
        #expect(reader.compression == .zstd && reader.format == .pcap)
        var n = 0
        while let p = try reader.nextPacket() {
            #expect(p.timestamp == Timestamp(seconds: Int64(n), nanoseconds: 7))
            n += 1
        }
        #expect(n == 1000)
    }

    @Test func uncommittedOutputLeavesNothing() throws {
        let path = Self.temporaryPath("never.pcap")
        do {
            let output = try OutputFile(path: path)
            try output.write([1, 2, 3])
        }
        #expect(access(path, F_OK) != 0)
        let dir = String(path.dropLast("/never.pcap".count))
        // The temporary file is gone too: the directory is empty, so rmdir succeeds.
        #expect(rmdir(dir) == 0)
    }
}

/// What a write does when the reader of a pipe has gone is the output's own (`brokenPipe`): by
/// default an error naming the output; the command line ends the run quietly instead.
@Suite struct BrokenPipeTests {
    @Test func aClosedPipeThrowsByDefault() throws {
        signal(SIGPIPE, SIG_IGN)  // EPIPE instead of the signal, as in roamcap itself
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        close(ends[0])
        defer { close(ends[1]) }
        let output = try OutputFile(path: "/dev/fd/\(ends[1])")
        #expect(output.brokenPipe == .throwsError)
        #expect(output.isStream)
        try output.write([1, 2, 3])
        #expect {
            try output.commit()
        } throws: { error in
            "\(error)".contains("broken pipe") && "\(error)".contains("/dev/fd/\(ends[1])")
        }
    }
}
