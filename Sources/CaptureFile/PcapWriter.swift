/// Writes the classic pcap format in host (little-endian) byte order.
public final class PcapWriter {
    public let output: OutputFile
    public let nanosecond: Bool
    public let linkType: UInt16

    /// Writes the 24-byte file header.
    public init(output: OutputFile, linkType: UInt16, snapLength: UInt32,
                nanosecond: Bool) throws(CaptureError) {
        self.output = output
        self.nanosecond = nanosecond
        self.linkType = linkType
        var header: [UInt8] = []
        appendUInt32(&header, nanosecond ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        appendUInt16(&header, 2)
        appendUInt16(&header, 4)
        appendUInt32(&header, 0)  // thiszone
        appendUInt32(&header, 0)  // sigfigs
        appendUInt32(&header, snapLength == 0 ? 262_144 : snapLength)
        appendUInt32(&header, UInt32(linkType))
        try output.write(header)
    }

    /// Writes one record. Timestamps before 1970 or after 2106 cannot be represented and are
    /// an error.
    @inline(__always)
    public func write(_ packet: Packet) throws(CaptureError) {
        try write(timestamp: packet.timestamp, originalLength: packet.originalLength, data: packet.data)
    }

    @inline(__always)
    public func write(timestamp: Timestamp, originalLength: Int,
                      data: UnsafeRawBufferPointer) throws(CaptureError) {
        guard timestamp.seconds >= 0 && timestamp.seconds <= Int64(UInt32.max) else {
            throw CaptureError(.output, file: output.path,
                               "timestamp \(timestamp) does not fit in a pcap record")
        }
        let p = try output.reserve(16)
        p.storeBytes(of: UInt32(truncatingIfNeeded: timestamp.seconds).littleEndian, as: UInt32.self)
        let fraction = nanosecond ? timestamp.nanoseconds : timestamp.nanoseconds / 1000
        (p + 4).storeBytes(of: fraction.littleEndian, as: UInt32.self)
        (p + 8).storeBytes(of: UInt32(truncatingIfNeeded: data.count).littleEndian, as: UInt32.self)
        (p + 12).storeBytes(of: UInt32(truncatingIfNeeded: originalLength).littleEndian, as: UInt32.self)
        try output.write(data)
    }
}
