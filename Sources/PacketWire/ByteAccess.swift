// Unchecked big-endian loads and stores used by every view after its one bounds check.
//
// Each view proves in its checked constructor that the bytes it reads exist; these helpers then
// read without a second check. They must never be reached from a path that skipped that proof.

extension UnsafeRawBufferPointer {
    /// Reads the byte at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func readUInt8(at offset: Int) -> UInt8 {
        baseAddress.unsafelyUnwrapped.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Reads a big-endian 16-bit integer at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func readUInt16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// Reads a big-endian 32-bit integer at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func readUInt32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Reads a big-endian 64-bit integer at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func readUInt64(at offset: Int) -> UInt64 {
        UInt64(bigEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The bytes in `start..<end` without a bounds check; `start <= end <= count` must hold.
    @inlinable @inline(__always)
    internal func slice(from start: Int, to end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: baseAddress.unsafelyUnwrapped + start, count: end - start)
    }

    /// The bytes from `start` to the end without a bounds check; `start <= count` must hold.
    @inlinable @inline(__always)
    internal func slice(from start: Int) -> UnsafeRawBufferPointer {
        slice(from: start, to: count)
    }
}

extension UnsafeMutableRawBufferPointer {
    /// Writes a byte at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func writeUInt8(_ value: UInt8, at offset: Int) {
        baseAddress.unsafelyUnwrapped.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
    }

    /// Writes a 16-bit integer in big-endian order at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func writeUInt16(_ value: UInt16, at offset: Int) {
        baseAddress.unsafelyUnwrapped.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    /// Writes a 32-bit integer in big-endian order at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func writeUInt32(_ value: UInt32, at offset: Int) {
        baseAddress.unsafelyUnwrapped.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    /// Writes a 64-bit integer in big-endian order at `offset` without a bounds check.
    @inlinable @inline(__always)
    internal func writeUInt64(_ value: UInt64, at offset: Int) {
        baseAddress.unsafelyUnwrapped.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
    }

    /// Sets `count` bytes from `offset` to zero without a bounds check.
    @inlinable @inline(__always)
    internal func zero(from offset: Int, count: Int) {
        (baseAddress.unsafelyUnwrapped + offset).initializeMemory(as: UInt8.self, repeating: 0, count: count)
    }

    /// A read-only view of the same bytes.
    @inlinable @inline(__always)
    internal var readOnly: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(self)
    }
}

/// Throws `truncated` unless a buffer of `count` bytes holds at least `needed` bytes.
@inlinable @inline(__always)
internal func requireLength(_ count: Int, _ needed: Int) throws(WireError) {
    if count < needed { throw WireError(.truncated, at: count) }
}

/// Text helpers shared by the address types (no Foundation).
@usableFromInline
internal enum TextFormat {
    /// The value of one ASCII hexadecimal digit, or nil.
    @usableFromInline
    static func hexDigitValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Lower-case hexadecimal of `value`, left-padded with zeros to `width` digits.
    static func hex<T: BinaryInteger>(_ value: T, width: Int) -> String {
        let digits = String(value, radix: 16)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
