/// One reusable read buffer over a byte source.
///
/// Bytes `[start, end)` of `storage` are read but not yet consumed. A view handed out by
/// `bytes(_:)` is valid until the next call to `ensure`, which may move the data.
final class InputBuffer {
    private(set) var storage: UnsafeMutableRawPointer
    private(set) var capacity: Int
    private(set) var start = 0
    private(set) var end = 0
    /// Offset in the (decompressed) stream of `storage[start]`.
    private(set) var streamOffset: UInt64 = 0
    private(set) var atEnd = false
    private let source: any ByteSource
    /// The largest size the buffer may grow to; larger records are rejected before allocating.
    let maximumCapacity: Int

    init(source: any ByteSource, capacity: Int = 1 << 20, maximumCapacity: Int = 64 << 20, streamOffset: UInt64 = 0) {
        self.source = source
        self.streamOffset = streamOffset
        self.capacity = capacity
        self.maximumCapacity = maximumCapacity
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    @inline(__always) var available: Int { end - start }

    /// Why the stream ended early, once it has ended (see `ByteSource.failure`).
    var sourceFailure: CaptureError? { atEnd ? source.failure : nil }

    @inline(__always) var pointer: UnsafeRawPointer { UnsafeRawPointer(storage + start) }

    /// Makes at least `count` bytes available; false when the stream ends first.
    @inline(__always)
    func ensure(_ count: Int) throws(CaptureError) -> Bool {
        if end - start >= count { return true }
        return try fill(count)
    }

    private func fill(_ count: Int) throws(CaptureError) -> Bool {
        precondition(count <= maximumCapacity, "record size must be validated before ensure")
        if count > capacity {
            var newCapacity = capacity
            while newCapacity < count { newCapacity *= 2 }
            let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
            newStorage.copyMemory(from: storage + start, byteCount: end - start)
            storage.deallocate()
            storage = newStorage
            capacity = newCapacity
            end -= start
            start = 0
        } else if start > 0 {
            // Move the unread tail to the front so one large read fills the rest.
            (storage).copyMemory(from: storage + start, byteCount: end - start)
            end -= start
            start = 0
        }
        while end - start < count && !atEnd {
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: storage + end,
                                                                      count: capacity - end))
            if n == 0 { atEnd = true } else { end += n }
        }
        return end - start >= count
    }

    @inline(__always)
    func consume(_ count: Int) {
        start += count
        streamOffset &+= UInt64(count)
    }
}
