/// The classic libpcap format.
///
///    File header (24 bytes)                 Record header (16 bytes, 24 in the modified format)
///    +-------------------------------+      +-------------------------------+
///    | magic 0xa1b2c3d4 / 0xa1b23c4d |      | ts_sec                        |
///    | major (2) | minor (2)         |      | ts_usec or ts_nsec            |
///    | thiszone                      |      | incl_len (captured)           |
///    | sigfigs                       |      | orig_len (on the wire)        |
///    | snaplen                       |      +-------------------------------+
///    | FCS bits | reserved | linktype|      | packet data (incl_len bytes)  |
///    +-------------------------------+      +-------------------------------+
struct PcapState {
    let swapped: Bool
    let nanosecond: Bool
    /// 16, or 24 for Alexey Kuznetsov's modified format (0xa1b2cd34).
    let recordHeaderSize: Int
    var maximumCapturedLength = 262_144

    init?(magic: UInt32) {
        switch magic {
        case 0xA1B2_C3D4: (swapped, nanosecond, recordHeaderSize) = (false, false, 16)
        case 0xD4C3_B2A1: (swapped, nanosecond, recordHeaderSize) = (true, false, 16)
        case 0xA1B2_3C4D: (swapped, nanosecond, recordHeaderSize) = (false, true, 16)
        case 0x4D3C_B2A1: (swapped, nanosecond, recordHeaderSize) = (true, true, 16)
        case 0xA1B2_CD34: (swapped, nanosecond, recordHeaderSize) = (false, false, 24)
        case 0x34CD_B2A1: (swapped, nanosecond, recordHeaderSize) = (true, false, 24)
        default: return nil
        }
    }
}

extension CaptureReader {
    func readPcapHeader() throws(CaptureError) {
        guard let state = pcap else { return }
        guard try buffer.ensure(24) else {
            throw error(.truncated, at: 0, block: "file header", "file ends inside the 24-byte pcap header")
        }
        let p = buffer.pointer
        let big = state.swapped  // swapped relative to our little-endian host
        let snapLength = readUInt32(p, 16, big)
        let network = readUInt32(p, 20, big)
        let version = big ? UInt16(bigEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
                          : UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        if version != 2 {
            throw error(.unsupported, at: 4, block: "file header", "unsupported pcap version \(version)")
        }
        if network & 0x03FF_0000 != 0 {
            throw error(.unsupported, at: 20, block: "file header",
                        "link type field has reserved bits set (0x\(String(network, radix: 16)))")
        }
        let linkType = UInt16(network & 0xFFFF)
        var interface = InterfaceDescription(linkType: linkType, snapLength: snapLength,
                                             timestampResolution: state.nanosecond ? 9 : 6)
        if network & 0x0400_0000 != 0 {
            // FCS length present in the top 4 bits, in 16-bit words.
            let words = UInt8((network >> 28) & 0xF)
            interface.options.append(BlockOption(code: InterfaceDescription.OptionCode.fcsLength,
                                                 value: [words * 2]))
        }
        interface.options.append(BlockOption(code: InterfaceDescription.OptionCode.timestampResolution,
                                             value: [interface.timestampResolution]))
        let section = SectionHeader(bigEndian: big)
        sections.append(section)
        interfaces.append(interface)
        pendingHeaderRecords = [.section(section), .interface(interface)]
        buffer.consume(24)
        headerBlocks = [0..<24]
    }

    @inline(__always)
    func nextPcapPacket() throws(CaptureError) -> Packet? {
        guard let state = pcap, !finished else { return nil }
        let headerSize = state.recordHeaderSize
        let offset = buffer.streamOffset
        guard try buffer.ensure(headerSize) else {
            if buffer.available == 0 { try checkEndOfStream(); return nil }
            try endWithError(error(.truncated, at: offset, block: "record header",
                                   "file ends inside a record header (\(buffer.available) of \(headerSize) bytes)"))
            return nil
        }
        var p = buffer.pointer
        let big = state.swapped
        let seconds = readUInt32(p, 0, big)
        var fraction = readUInt32(p, 4, big)
        let captured = Int(readUInt32(p, 8, big))
        let original = Int(readUInt32(p, 12, big))
        if captured > state.maximumCapturedLength {
            try endWithError(error(.corrupt, at: offset, block: "record header",
                                   "captured length \(captured) exceeds the maximum of \(state.maximumCapturedLength)"))
            return nil
        }
        guard try buffer.ensure(headerSize + captured) else {
            try endWithError(error(.truncated, at: offset, block: "record",
                                   "file ends inside a packet (\(buffer.available - headerSize) of \(captured) bytes)"))
            return nil
        }
        p = buffer.pointer
        let unit: UInt32 = state.nanosecond ? 1_000_000_000 : 1_000_000
        var secondsValue = Int64(seconds)
        if fraction >= unit {
            secondsValue += Int64(fraction / unit)
            fraction %= unit
            subsecondCarries += 1
        }
        let timestamp = Timestamp(seconds: secondsValue,
                                  nanoseconds: state.nanosecond ? fraction : fraction &* 1000)
        packetCount += 1
        // The same instant in ticks of the interface's resolution, as a pcapng writer keeps it.
        let ticks = UInt64(secondsValue) &* UInt64(unit) &+ UInt64(fraction)
        let packet = Packet(timestamp: timestamp, interface: 0, originalLength: original,
                            data: UnsafeRawBufferPointer(start: p + headerSize, count: captured),
                            ticks: ticks, number: packetCount, offset: offset)
        buffer.consume(headerSize + captured)
        return packet
    }

    /// A pcap stream cannot be resynchronised after a bad record: stop, counting it under
    /// `--keep-going`, or throw.
    /// Ends the file at an unreadable record: an error, or with `keepGoing` a skipped record —
    /// except before a pcapng file's first section header, where nothing at all is readable
    /// (a trace written from it would be empty and unreadable).
    func endWithError(_ error: CaptureError) throws(CaptureError) {
        finished = true
        if format == .pcapng && !pcapng.sawSection { throw error }
        try skipOrThrow(error)
    }
}
