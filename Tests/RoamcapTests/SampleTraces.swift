import CaptureFile

/// Small traces written by the tests themselves.
enum SampleTraces {
    /// A GARP of station 9 inside VXLAN (VNI 300) to UDP port 8472, from station 1, then a
    /// plain GARP of station 2 (pcapng, one interface "eth0").
    static func writeVXLANOn8472(_ path: String) {
        var b = PcapngBuilder()
        b.interface(name: "eth0")
        b.packet(ticks: 1_795_168_800_000_000, Frames.udp(1, to: 8472, payload: Frames.vxlan(300) + Frames.garp(9)))
        b.packet(ticks: 1_795_168_800_000_100, Frames.garp(2))
        b.write(path)
    }

    /// 2026-11-20T10:00:00Z.
    static let base: Int64 = 1_795_168_800

    /// Writes `count` IPv4/UDP frames from 10.1.0.1 to 10.1.0.2, starting at `base + start`
    /// seconds and `step` microseconds apart; every `tagEvery`-th frame (from the second) carries
    /// an 802.1Q tag with VLAN 42.
    static func writeEthernetPcap(_ path: String, count: Int, linkType: UInt16 = 1, start: Int64 = 0,
                                  step: Int64 = 1000, tagEvery: Int = 0, marker: UInt8 = 0xAA) throws {
        let output = try OutputFile(path: path, force: true)
        let writer = try PcapWriter(output: output, linkType: linkType, snapLength: 65535, nanosecond: false)
        for i in 0..<count {
            let tagged = tagEvery > 0 && i % tagEvery == 1
            let frame = udpFrame(payload: [marker, UInt8(i & 0xFF)], vlan: tagged ? 42 : nil)
            let ts = Timestamp(seconds: base + start, carryingNanoseconds: Int64(i) * step * 1000)
            try frame.withUnsafeBytes { bytes in
                try writer.write(timestamp: ts, originalLength: bytes.count, data: bytes)
            }
        }
        try output.commit()
    }

    /// An Ethernet/IPv4/UDP frame (checksums left 0: not needed by these tests).
    static func udpFrame(payload: [UInt8], vlan: UInt16? = nil) -> [UInt8] {
        var f: [UInt8] = [0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]
        if let vlan { f += [0x81, 0x00, UInt8(vlan >> 8), UInt8(vlan & 0xFF)] }
        f += [0x08, 0x00]
        let ipLength = 20 + 8 + payload.count
        f += [0x45, 0, UInt8(ipLength >> 8), UInt8(ipLength & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0,
              10, 1, 0, 1, 10, 1, 0, 2]
        let udpLength = 8 + payload.count
        f += [0x30, 0x39, 0x00, 0x35, UInt8(udpLength >> 8), UInt8(udpLength & 0xFF), 0, 0]
        return f + payload
    }
}
