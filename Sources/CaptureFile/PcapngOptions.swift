/// Reading and writing pcapng option lists, with the byte swapping of numeric options.
///
///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |      Option Code              |         Option Length         |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    /                       Option Value (padded to 32 bits)        /
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
public enum PcapngOptions {
    /// Parses an option list; stops at opt_endofopt or at the end of the bytes.
    /// Returns nil when an option runs past the end (the caller reports the error).
    public static func parseChecked(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool,
                                    blockType: UInt32) -> [BlockOption]? {
        var options: [BlockOption] = []
        var at = 0
        while at + 4 <= bytes.count {
            let code = readUInt16(bytes, at, bigEndian)
            let length = Int(readUInt16(bytes, at + 2, bigEndian))
            if code == 0 { break }
            if at + 4 + length > bytes.count { return nil }
            var value = Array(bytes[(at + 4)..<(at + 4 + length)])
            if bigEndian { swapNumericFields(&value, code: code, blockType: blockType) }
            options.append(BlockOption(code: code, value: value))
            at += 4 + ((length + 3) & ~3)
        }
        return options
    }

    /// Like `parseChecked`, keeping what could be read when the list is damaged.
    public static func parse(_ bytes: UnsafeRawBufferPointer, bigEndian: Bool,
                             blockType: UInt32) -> [BlockOption] {
        if let all = parseChecked(bytes, bigEndian: bigEndian, blockType: blockType) { return all }
        return []
    }

    /// The encoded size of `options` including opt_endofopt (0 when there are none).
    public static func encodedSize(_ options: [BlockOption]) -> Int {
        if options.isEmpty { return 0 }
        return options.reduce(4) { $0 + 4 + (($1.value.count + 3) & ~3) }
    }

    /// Appends `options` in little-endian byte order with opt_endofopt.
    public static func encode(_ options: [BlockOption], into out: inout [UInt8]) {
        if options.isEmpty { return }
        for option in options {
            let length = min(option.value.count, 0xFFFF)
            appendUInt16(&out, option.code)
            appendUInt16(&out, UInt16(length))
            out.append(contentsOf: option.value[0..<length])
            out.append(contentsOf: repeatElement(0, count: (4 - length % 4) % 4))
        }
        out.append(contentsOf: [0, 0, 0, 0])
    }

    /// Byte-reverses the numeric fields of an option value read from a big-endian section.
    static func swapNumericFields(_ value: inout [UInt8], code: UInt16, blockType: UInt32) {
        func swap(_ offset: Int, _ size: Int) {
            guard offset + size <= value.count else { return }
            value[offset..<(offset + size)].reverse()
        }
        switch code {
        case 2988, 2989, 19372, 19373:  // opt_custom: Private Enterprise Number first
            swap(0, 4)
            return
        default: break
        }
        switch blockType {
        case 1:  // IDB
            switch code {
            case 8, 16, 17: swap(0, 8)       // if_speed, if_txspeed, if_rxspeed
            case 10: swap(0, 4)              // if_tzone
            case 14: swap(0, 8)              // if_tsoffset
            default: break
            }
        case 6, 2:  // EPB, obsolete PB
            switch code {
            case 2, 6: swap(0, 4)            // epb_flags, epb_queue
            case 4, 5: swap(0, 8)            // epb_dropcount, epb_packetid
            case 7: if value.first == 1 || value.first == 2 { swap(1, 8) }  // epb_verdict: eBPF TC, XDP
            default: break
            }
        case 5:  // ISB
            switch code {
            case 2, 3: swap(0, 4); swap(4, 4)  // isb_starttime, isb_endtime: high, low
            case 4, 5, 6, 7, 8: swap(0, 8)
            default: break
            }
        default: break
        }
    }
}

@inline(__always)
func readUInt16(_ b: UnsafeRawBufferPointer, _ at: Int, _ bigEndian: Bool) -> UInt16 {
    let v = b.loadUnaligned(fromByteOffset: at, as: UInt16.self)
    return bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
}

@inline(__always)
func readUInt32(_ b: UnsafeRawBufferPointer, _ at: Int, _ bigEndian: Bool) -> UInt32 {
    let v = b.loadUnaligned(fromByteOffset: at, as: UInt32.self)
    return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
}

@inline(__always)
func readUInt32(_ p: UnsafeRawPointer, _ at: Int, _ bigEndian: Bool) -> UInt32 {
    let v = p.loadUnaligned(fromByteOffset: at, as: UInt32.self)
    return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
}

func appendUInt16(_ out: inout [UInt8], _ v: UInt16) {
    out.append(UInt8(v & 0xFF)); out.append(UInt8(v >> 8))
}

func appendUInt32(_ out: inout [UInt8], _ v: UInt32) {
    for i in 0..<4 { out.append(UInt8((v >> (8 * UInt32(i))) & 0xFF)) }
}

func appendUInt64(_ out: inout [UInt8], _ v: UInt64) {
    for i in 0..<8 { out.append(UInt8((v >> (8 * UInt64(i))) & 0xFF)) }
}
