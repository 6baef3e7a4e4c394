/// Writes pcapng in host (little-endian) byte order: sections, interfaces with their options,
/// enhanced packet blocks with their options and comments, and the other blocks a reader passes on.
public final class PcapngWriter {
    public let output: OutputFile
    /// Output interfaces of the current section.
    public private(set) var interfaces: [InterfaceDescription] = []
    private var scratch: [UInt8] = []

    public init(output: OutputFile) {
        self.output = output
    }

    /// Starts a section: writes a Section Header Block with `section`'s options.
    public func beginSection(_ section: SectionHeader) throws(CaptureError) {
        interfaces.removeAll()
        var body: [UInt8] = []
        appendUInt32(&body, 0x1A2B_3C4D)
        appendUInt16(&body, 1)
        appendUInt16(&body, 0)
        appendUInt64(&body, UInt64.max)  // section length not specified
        PcapngOptions.encode(section.options, into: &body)
        try writeBlock(type: 0x0A0D_0D0A, body: body)
    }

    /// Adds an interface to the current section; returns its interface ID.
    @discardableResult
    public func addInterface(_ interface: InterfaceDescription) throws(CaptureError) -> Int {
        var body: [UInt8] = []
        appendUInt16(&body, interface.linkType)
        appendUInt16(&body, 0)
        appendUInt32(&body, interface.snapLength)
        PcapngOptions.encode(interface.options, into: &body)
        try writeBlock(type: 1, body: body)
        interfaces.append(interface)
        return interfaces.count - 1
    }

    /// Writes a name resolution, statistics, secrets or custom block.
    public func write(_ block: OtherBlock, interfaceID: Int? = nil) throws(CaptureError) {
        if block.type == OtherBlock.interfaceStatistics, let interfaceID {
            var body = block.body
            let id = UInt32(interfaceID)
            for i in 0..<4 { body[i] = UInt8((id >> (8 * UInt32(i))) & 0xFF) }
            try writeBlock(type: block.type, body: body)
        } else {
            try writeBlock(type: block.type, body: block.body)
        }
    }

    /// Writes `packet` as an Enhanced Packet Block on output interface `interfaceID`.
    /// - Parameters:
    ///   - keepTicks: write the packet's raw pcapng timestamp (its interface has the same resolution
    ///     and offset as the output's), else convert `packet.timestamp`.
    ///   - extraOptions: options appended after the packet's own (e.g. an annotation comment).
    @inline(__always)
    public func write(_ packet: Packet, interfaceID: Int, keepTicks: Bool,
                      extraOptions: [BlockOption] = []) throws(CaptureError) {
        if !packet.hasTimestamp && interfaceID == 0 && extraOptions.isEmpty {
            try writeSimplePacket(packet)
            return
        }
        let interface = interfaces[interfaceID]
        let ticks: UInt64
        if keepTicks {
            ticks = packet.ticks
        } else {
            var ts = packet.timestamp
            ts.seconds &-= interface.timestampOffset
            guard let t = ts.ticks(unitsPerSecond: interface.unitsPerSecond) else {
                throw CaptureError(.output, file: output.path, packet: packet.number,
                                   "timestamp \(packet.timestamp) cannot be written at this interface's resolution")
            }
            ticks = t
        }
        let captured = packet.data.count
        let padding = (4 - captured % 4) % 4
        if packet.optionsBigEndian || !extraOptions.isEmpty {
            try writeSlowPacket(packet, interfaceID: interfaceID, ticks: ticks, extraOptions: extraOptions)
            return
        }
        let optionsLength = packet.options.count
        let total = 32 + captured + padding + optionsLength
        let p = try output.reserve(28)
        p.storeBytes(of: UInt32(6).littleEndian, as: UInt32.self)
        (p + 4).storeBytes(of: UInt32(truncatingIfNeeded: total).littleEndian, as: UInt32.self)
        (p + 8).storeBytes(of: UInt32(truncatingIfNeeded: interfaceID).littleEndian, as: UInt32.self)
        (p + 12).storeBytes(of: UInt32(truncatingIfNeeded: ticks >> 32).littleEndian, as: UInt32.self)
        (p + 16).storeBytes(of: UInt32(truncatingIfNeeded: ticks).littleEndian, as: UInt32.self)
        (p + 20).storeBytes(of: UInt32(truncatingIfNeeded: captured).littleEndian, as: UInt32.self)
        (p + 24).storeBytes(of: UInt32(truncatingIfNeeded: packet.originalLength).littleEndian, as: UInt32.self)
        try output.write(packet.data)
        let tail = try output.reserve(padding + optionsLength + 4)
        for i in 0..<padding { (tail + i).storeBytes(of: 0, as: UInt8.self) }
        if optionsLength > 0 {
            (tail + padding).copyMemory(from: packet.options.baseAddress!, byteCount: optionsLength)
        }
        (tail + padding + optionsLength).storeBytes(of: UInt32(truncatingIfNeeded: total).littleEndian,
                                                    as: UInt32.self)
    }

    /// A packet without a timestamp, kept as a Simple Packet Block (interface 0, no options).
    ///
    ///    original length | packet data (padded)
    private func writeSimplePacket(_ packet: Packet) throws(CaptureError) {
        scratch.removeAll(keepingCapacity: true)
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: packet.originalLength))
        scratch.append(contentsOf: packet.data)
        let body = scratch
        try writeBlock(type: 3, body: body)
    }

    /// Packets whose options must be re-encoded (big-endian input, added options).
    private func writeSlowPacket(_ packet: Packet, interfaceID: Int, ticks: UInt64,
                                 extraOptions: [BlockOption]) throws(CaptureError) {
        scratch.removeAll(keepingCapacity: true)
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: interfaceID))
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: ticks >> 32))
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: ticks))
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: packet.data.count))
        appendUInt32(&scratch, UInt32(truncatingIfNeeded: packet.originalLength))
        scratch.append(contentsOf: packet.data)
        scratch.append(contentsOf: repeatElement(0, count: (4 - packet.data.count % 4) % 4))
        let options = packet.decodedOptions + extraOptions
        PcapngOptions.encode(options, into: &scratch)
        let body = scratch
        try writeBlock(type: 6, body: body)
    }

    private func writeBlock(type: UInt32, body: [UInt8]) throws(CaptureError) {
        let padded = (body.count + 3) & ~3
        let total = UInt32(12 + padded)
        var header: [UInt8] = []
        appendUInt32(&header, type)
        appendUInt32(&header, total)
        try output.write(header)
        try output.write(body)
        var tail = [UInt8](repeating: 0, count: padded - body.count)
        appendUInt32(&tail, total)
        try output.write(tail)
    }
}
