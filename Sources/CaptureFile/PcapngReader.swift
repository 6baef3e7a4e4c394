/// pcapng (draft-ietf-opsawg-pcapng): a sequence of sections, each a Section Header Block
/// followed by interface descriptions, packets and other blocks in the section's byte order.
///
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +---------------------------------------------------------------+
///    |                          Block Type                           |
///    +---------------------------------------------------------------+
///    |                      Block Total Length                       |
///    +---------------------------------------------------------------+
///    /                          Block Body                           /
///    +---------------------------------------------------------------+
///    |                      Block Total Length                       |
///    +---------------------------------------------------------------+
struct PcapngState {
    var bigEndian = false
    /// Global index of the current section's first interface.
    var interfaceBase = 0
    /// Interfaces defined in the current section.
    var interfaceCount = 0
    var sawSection = false
    /// The time of the last packet that had one (for simple packet blocks, which have none).
    var lastTimestamp: Timestamp?
}

enum PcapngBlockType {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let obsoletePacket: UInt32 = 2
    static let simplePacket: UInt32 = 3
    static let nameResolution: UInt32 = 4
    static let interfaceStatistics: UInt32 = 5
    static let enhancedPacket: UInt32 = 6
    static let decryptionSecrets: UInt32 = 10
    static let customCopyable: UInt32 = 0x0000_0BAD
    static let customNoCopy: UInt32 = 0x4000_0BAD

    static func name(_ type: UInt32) -> String {
        switch type {
        case sectionHeader: return "SHB"
        case interfaceDescription: return "IDB"
        case obsoletePacket: return "PB"
        case simplePacket: return "SPB"
        case nameResolution: return "NRB"
        case interfaceStatistics: return "ISB"
        case enhancedPacket: return "EPB"
        case decryptionSecrets: return "DSB"
        case customCopyable, customNoCopy: return "CB"
        default: return "block 0x" + String(type, radix: 16)
        }
    }
}

extension CaptureReader {
    func nextPcapngRecord() throws(CaptureError) -> CaptureRecord? {
        while !finished {
            let offset = buffer.streamOffset
            guard try buffer.ensure(8) else {
                if buffer.available == 0 { try checkEndOfStream(); return nil }
                try endWithError(error(.truncated, at: offset, block: "block header",
                                       "file ends inside a block header"))
                return nil
            }
            let rawType = buffer.pointer.loadUnaligned(as: UInt32.self)
            if rawType == PcapngBlockType.sectionHeader {
                guard try readSectionByteOrder(offset: offset) else { return nil }
            } else if !pcapng.sawSection {
                throw error(.corrupt, at: offset, "pcapng file does not start with a section header")
            }
            let big = pcapng.bigEndian
            let type = readUInt32(buffer.pointer, 0, big)
            let length = Int(readUInt32(buffer.pointer, 4, big))
            let name = PcapngBlockType.name(type)
            let minimum = type == PcapngBlockType.sectionHeader ? 28 : 12
            if length < minimum || length % 4 != 0 || length > Self.maximumBlockLength {
                try endWithError(error(.corrupt, at: offset, block: name,
                                       "impossible block length \(length)"))
                return nil
            }
            guard try buffer.ensure(length) else {
                try endWithError(error(.truncated, at: offset, block: name,
                                       "file ends inside a block (\(buffer.available) of \(length) bytes)"))
                return nil
            }
            let block = buffer.pointer
            let trailer = Int(readUInt32(block, length - 4, big))
            if trailer != length {
                try endWithError(error(.corrupt, at: offset, block: name,
                                       "block length \(length) does not match its trailer \(trailer)"))
                return nil
            }
            let body = UnsafeRawBufferPointer(start: block + 8, count: length - 12)
            let record: CaptureRecord?
            do {
                record = try decodeBlock(type: type, body: body, offset: offset)
            } catch {
                let unrecoverable = type == PcapngBlockType.sectionHeader && (keepGoing || !pcapng.sawSection)
                if unrecoverable || (!keepGoing && !endsAtFirstError) { throw error }
                try skipOrThrow(error)
                record = nil
            }
            buffer.consume(length)
            switch record {
            case .section?, .interface?: headerBlocks.append(offset..<(offset + UInt64(length)))
            default: break
            }
            if let record { return record }
        }
        return nil
    }

    /// Reads the byte-order magic of a section header; false if the file ends first.
    private func readSectionByteOrder(offset: UInt64) throws(CaptureError) -> Bool {
        guard try buffer.ensure(12) else {
            try endWithError(error(.truncated, at: offset, block: "SHB", "file ends inside a section header"))
            return false
        }
        switch buffer.pointer.loadUnaligned(fromByteOffset: 8, as: UInt32.self) {
        case 0x1A2B_3C4D: pcapng.bigEndian = false
        case 0x4D3C_2B1A: pcapng.bigEndian = true
        default:
            throw error(.corrupt, at: offset + 8, block: "SHB", "bad byte-order magic")
        }
        return true
    }

    private func decodeBlock(type: UInt32, body: UnsafeRawBufferPointer,
                             offset: UInt64) throws(CaptureError) -> CaptureRecord? {
        let big = pcapng.bigEndian
        switch type {
        case PcapngBlockType.enhancedPacket:
            //  interface id | timestamp high | timestamp low | captured len | original len | data | options
            guard body.count >= 20 else { throw tooShort(type, offset) }
            let interfaceID = Int(readUInt32(body, 0, big))
            let high = UInt64(readUInt32(body, 4, big))
            let low = UInt64(readUInt32(body, 8, big))
            let captured = Int(readUInt32(body, 12, big))
            let original = Int(readUInt32(body, 16, big))
            guard captured <= body.count - 20 else {
                throw error(.corrupt, at: offset, block: "EPB",
                            "captured length \(captured) runs past the block (\(body.count - 20) bytes of data)")
            }
            let optionsStart = min(body.count, 20 + ((captured + 3) & ~3))
            return .packet(try makePacket(interfaceID: interfaceID, ticks: high << 32 | low,
                                          original: original,
                                          data: UnsafeRawBufferPointer(rebasing: body[20..<(20 + captured)]),
                                          options: UnsafeRawBufferPointer(rebasing: body[optionsStart...]),
                                          offset: offset, block: "EPB"))

        case PcapngBlockType.simplePacket:
            //  original len | data
            guard body.count >= 4 else { throw tooShort(type, offset) }
            guard pcapng.interfaceCount > 0 else {
                throw error(.corrupt, at: offset, block: "SPB", "simple packet before any interface description")
            }
            let original = Int(readUInt32(body, 0, big))
            var captured = min(original, body.count - 4)
            let snap = Int(interfaces[pcapng.interfaceBase].snapLength)
            if snap > 0 { captured = min(captured, snap) }
            return .packet(try makePacket(interfaceID: 0, ticks: 0, original: original,
                                          data: UnsafeRawBufferPointer(rebasing: body[4..<(4 + captured)]),
                                          options: UnsafeRawBufferPointer(rebasing: body[body.count...]),
                                          offset: offset, block: "SPB", hasTimestamp: false))

        case PcapngBlockType.obsoletePacket:
            //  interface id (16) | drops (16) | ts high | ts low | captured len | original len | data | options
            guard body.count >= 20 else { throw tooShort(type, offset) }
            let interfaceID = Int(big ? UInt16(bigEndian: body.loadUnaligned(as: UInt16.self))
                                      : UInt16(littleEndian: body.loadUnaligned(as: UInt16.self)))
            let high = UInt64(readUInt32(body, 4, big))
            let low = UInt64(readUInt32(body, 8, big))
            let captured = Int(readUInt32(body, 12, big))
            let original = Int(readUInt32(body, 16, big))
            guard captured <= body.count - 20 else {
                throw error(.corrupt, at: offset, block: "PB", "captured length \(captured) runs past the block")
            }
            let optionsStart = min(body.count, 20 + ((captured + 3) & ~3))
            return .packet(try makePacket(interfaceID: interfaceID, ticks: high << 32 | low,
                                          original: original,
                                          data: UnsafeRawBufferPointer(rebasing: body[20..<(20 + captured)]),
                                          options: UnsafeRawBufferPointer(rebasing: body[optionsStart...]),
                                          offset: offset, block: "PB"))

        case PcapngBlockType.sectionHeader:
            return .section(try decodeSectionHeader(body, offset: offset))

        case PcapngBlockType.interfaceDescription:
            return .interface(try decodeInterface(body, offset: offset))

        case PcapngBlockType.nameResolution, PcapngBlockType.interfaceStatistics,
             PcapngBlockType.decryptionSecrets, PcapngBlockType.customCopyable:
            return .other(try decodeOtherBlock(type: type, body, offset: offset))

        default:
            // Unknown, or custom blocks that must not be copied: skipped.
            skippedBlocks += 1
            return nil
        }
    }

    @inline(__always)
    private func makePacket(interfaceID: Int, ticks: UInt64, original: Int, data: UnsafeRawBufferPointer,
                            options: UnsafeRawBufferPointer, offset: UInt64, block: String,
                            hasTimestamp: Bool = true) throws(CaptureError) -> Packet {
        guard interfaceID < pcapng.interfaceCount else {
            throw error(.corrupt, at: offset, block: block,
                        "interface ID \(interfaceID) is not defined (section has \(pcapng.interfaceCount))")
        }
        let global = pcapng.interfaceBase + interfaceID
        let interface = interfaces[global]
        var timestamp: Timestamp
        if hasTimestamp {
            timestamp = Timestamp(ticks: ticks, unitsPerSecond: interface.unitsPerSecond)
            if interface.timestampOffset != 0 { timestamp.seconds &+= interface.timestampOffset }
            pcapng.lastTimestamp = timestamp
        } else {
            timestamp = pcapng.lastTimestamp ?? peekNextTimestamp(after: offset) ?? Timestamp(seconds: 0, nanoseconds: 0)
        }
        packetCount += 1
        return Packet(timestamp: timestamp, interface: global, originalLength: original, data: data,
                      ticks: ticks, options: options, optionsBigEndian: pcapng.bigEndian,
                      number: packetCount, offset: offset, hasTimestamp: hasTimestamp)
    }

    /// The time of the first dated packet (EPB or PB of a known interface) after the block at
    /// `offset`, looking only through bytes already read (up to a buffer, 1 MiB or more) and
    /// within the current section; nil when there is none there.
    ///
    /// The rule for simple packet blocks, which carry no time: an SPB is dated like the dated
    /// packet before it in the file, or, at the start of a file, like the first dated packet
    /// after it (when found in the bytes already read); failing both, at the epoch. Dating them
    /// at the epoch between dated packets made tables see stations age out and come back.
    private func peekNextTimestamp(after offset: UInt64) -> Timestamp? {
        let big = pcapng.bigEndian
        let base = buffer.pointer
        let available = buffer.available
        guard offset == buffer.streamOffset, available >= 12 else { return nil }
        var at = Int(readUInt32(base, 4, big))  // past the SPB itself
        while at + 28 <= available {
            let type = readUInt32(base, at, big)
            let length = Int(readUInt32(base, at + 4, big))
            guard length >= 12, length % 4 == 0, at + length <= available,
                  type != PcapngBlockType.sectionHeader else { return nil }
            if type == PcapngBlockType.enhancedPacket || type == PcapngBlockType.obsoletePacket {
                let id = type == PcapngBlockType.enhancedPacket
                    ? Int(readUInt32(base, at + 8, big))
                    : Int(big ? UInt16(bigEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt16.self))
                              : UInt16(littleEndian: base.loadUnaligned(fromByteOffset: at + 8, as: UInt16.self)))
                guard id < pcapng.interfaceCount else { return nil }
                let interface = interfaces[pcapng.interfaceBase + id]
                let ticks = UInt64(readUInt32(base, at + 12, big)) << 32 | UInt64(readUInt32(base, at + 16, big))
                var timestamp = Timestamp(ticks: ticks, unitsPerSecond: interface.unitsPerSecond)
                if interface.timestampOffset != 0 { timestamp.seconds &+= interface.timestampOffset }
                return timestamp
            }
            at += length
        }
        return nil
    }

    private func tooShort(_ type: UInt32, _ offset: UInt64) -> CaptureError {
        error(.corrupt, at: offset, block: PcapngBlockType.name(type), "block too short for its fixed fields")
    }

    /// byte-order magic | major | minor | section length (64) | options
    private func decodeSectionHeader(_ body: UnsafeRawBufferPointer,
                                     offset: UInt64) throws(CaptureError) -> SectionHeader {
        let big = pcapng.bigEndian
        let major = big ? UInt16(bigEndian: body.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
                        : UInt16(littleEndian: body.loadUnaligned(fromByteOffset: 4, as: UInt16.self))
        let minor = big ? UInt16(bigEndian: body.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
                        : UInt16(littleEndian: body.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
        guard major == 1 && (minor == 0 || minor == 2) else {
            throw error(.unsupported, at: offset + 12, block: "SHB", "unsupported pcapng version \(major).\(minor)")
        }
        guard let options = PcapngOptions.parseChecked(UnsafeRawBufferPointer(rebasing: body[16...]),
                                                       bigEndian: big, blockType: PcapngBlockType.sectionHeader)
        else {
            throw error(.corrupt, at: offset, block: "SHB", "an option runs past the end of the block")
        }
        let section = SectionHeader(majorVersion: major, minorVersion: minor, bigEndian: big, options: options)
        sections.append(section)
        pcapng.sawSection = true
        pcapng.interfaceBase = interfaces.count
        pcapng.interfaceCount = 0
        return section
    }

    /// link type (16) | reserved (16) | snaplen | options
    private func decodeInterface(_ body: UnsafeRawBufferPointer,
                                 offset: UInt64) throws(CaptureError) -> InterfaceDescription {
        let big = pcapng.bigEndian
        guard body.count >= 8 else { throw tooShort(PcapngBlockType.interfaceDescription, offset) }
        guard interfaces.count < Self.maximumInterfaces else {
            throw error(.unsupported, at: offset, block: "IDB",
                        "more than \(Self.maximumInterfaces) interface descriptions (roamcap's limit per file)")
        }
        let linkType = big ? UInt16(bigEndian: body.loadUnaligned(as: UInt16.self))
                           : UInt16(littleEndian: body.loadUnaligned(as: UInt16.self))
        let snapLength = readUInt32(body, 4, big)
        guard let options = PcapngOptions.parseChecked(UnsafeRawBufferPointer(rebasing: body[8...]),
                                                       bigEndian: big, blockType: 1)
        else {
            throw error(.corrupt, at: offset, block: "IDB", "an option runs past the end of the block")
        }
        var interface = InterfaceDescription(linkType: linkType, snapLength: snapLength, options: options,
                                             section: sections.count - 1)
        if let resolution = options.first(where: { $0.code == InterfaceDescription.OptionCode.timestampResolution }),
           let byte = resolution.value.first {
            guard let units = InterfaceDescription.unitsPerSecond(resolution: byte) else {
                throw error(.unsupported, at: offset, block: "IDB", "if_tsresol 0x\(String(byte, radix: 16)) is too fine")
            }
            interface.timestampResolution = byte
            interface.unitsPerSecond = units
        }
        if let tsOffset = options.first(where: { $0.code == InterfaceDescription.OptionCode.timestampOffset }),
           tsOffset.value.count == 8 {
            var v: UInt64 = 0
            for (i, b) in tsOffset.value.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
            interface.timestampOffset = Int64(bitPattern: v)
        }
        interfaces.append(interface)
        pcapng.interfaceCount += 1
        return interface
    }

    /// NRB, ISB, DSB and copyable custom blocks, normalised to host byte order.
    private func decodeOtherBlock(type: UInt32, _ body: UnsafeRawBufferPointer,
                                  offset: UInt64) throws(CaptureError) -> OtherBlock {
        let big = pcapng.bigEndian
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var optionsStart = body.count
        var interface: Int?
        let name = PcapngBlockType.name(type)
        switch type {
        case PcapngBlockType.nameResolution:
            // records: type (16) | length (16) | value (padded), ending with nrb_record_end
            var at = 0
            while true {
                guard at + 4 <= body.count else {
                    throw error(.corrupt, at: offset, block: name, "name resolution records run past the block")
                }
                let recordType = big ? UInt16(bigEndian: body.loadUnaligned(fromByteOffset: at, as: UInt16.self))
                                     : UInt16(littleEndian: body.loadUnaligned(fromByteOffset: at, as: UInt16.self))
                let length = Int(big ? UInt16(bigEndian: body.loadUnaligned(fromByteOffset: at + 2, as: UInt16.self))
                                     : UInt16(littleEndian: body.loadUnaligned(fromByteOffset: at + 2, as: UInt16.self)))
                let padded = (length + 3) & ~3
                guard at + 4 + padded <= body.count else {
                    throw error(.corrupt, at: offset, block: name, "name resolution record runs past the block")
                }
                appendUInt16(&out, recordType)
                appendUInt16(&out, UInt16(length))
                out.append(contentsOf: body[(at + 4)..<(at + 4 + padded)])
                at += 4 + padded
                if recordType == 0 { break }
            }
            optionsStart = at
        case PcapngBlockType.interfaceStatistics:
            // interface id | timestamp high | timestamp low | options
            guard body.count >= 12 else { throw tooShort(type, offset) }
            let id = Int(readUInt32(body, 0, big))
            guard id < pcapng.interfaceCount else {
                throw error(.corrupt, at: offset, block: name, "interface ID \(id) is not defined")
            }
            interface = pcapng.interfaceBase + id
            for field in 0..<3 { appendUInt32(&out, readUInt32(body, field * 4, big)) }
            optionsStart = 12
        case PcapngBlockType.decryptionSecrets:
            // secrets type | secrets length | secrets data (padded) | options
            guard body.count >= 8 else { throw tooShort(type, offset) }
            let length = Int(readUInt32(body, 4, big))
            let padded = (length + 3) & ~3
            guard 8 + padded <= body.count else {
                throw error(.corrupt, at: offset, block: name, "secrets run past the block")
            }
            appendUInt32(&out, readUInt32(body, 0, big))
            appendUInt32(&out, UInt32(length))
            out.append(contentsOf: body[8..<(8 + padded)])
            optionsStart = 8 + padded
        default:
            // Custom block: Private Enterprise Number | opaque data (copied as is).
            guard body.count >= 4 else { throw tooShort(type, offset) }
            appendUInt32(&out, readUInt32(body, 0, big))
            out.append(contentsOf: body[4...])
            return OtherBlock(type: type, body: out, section: sections.count - 1, interface: nil)
        }
        guard let options = PcapngOptions.parseChecked(UnsafeRawBufferPointer(rebasing: body[optionsStart...]),
                                                       bigEndian: big, blockType: type)
        else {
            throw error(.corrupt, at: offset, block: name, "an option runs past the end of the block")
        }
        PcapngOptions.encode(options, into: &out)
        return OtherBlock(type: type, body: out, section: sections.count - 1, interface: interface)
    }
}
