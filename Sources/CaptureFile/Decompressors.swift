import CZlib
import CZstd

/// Decompresses a zstd stream (any number of frames) read from another source.
final class ZstdSource: ByteSource {
    private let input: FileSource
    private let name: String
    private let stream: OpaquePointer
    private var inBuffer: UnsafeMutableRawBufferPointer
    private var inBuf = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    private var sawData = false
    private var frameOpen = false
    private var inputEnded = false
    /// Decompressed bytes returned so far.
    private var produced: UInt64 = 0
    private(set) var failure: CaptureError?

    var compressedBytesRead: UInt64 { input.compressedBytesRead }

    /// Ends the stream with `error` (after what was decompressed before it).
    private func fail(_ kind: CaptureError.Kind, _ message: String, compressedOffset: UInt64, pending: Int = 0) {
        failure = CaptureError(kind, file: name, offset: produced + UInt64(pending),
                               "\(message) (compressed byte \(compressedOffset))")
        inputEnded = true
        inBuf = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
    }

    init(_ input: FileSource, name: String) {
        self.input = input
        self.name = name
        stream = ZSTD_createDStream()
        ZSTD_initDStream(stream)
        inBuffer = .allocate(byteCount: ZSTD_DStreamInSize(), alignment: 16)
    }

    deinit {
        ZSTD_freeDStream(stream)
        inBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        var out = ZSTD_outBuffer(dst: buffer.baseAddress, size: buffer.count, pos: 0)
        while out.pos == 0 {
            if inBuf.pos == inBuf.size {
                if inputEnded { break }
                let n = try input.read(into: inBuffer)
                if n == 0 {
                    inputEnded = true
                    if frameOpen {
                        fail(.truncated, "zstd stream ends inside a frame", compressedOffset: input.compressedBytesRead)
                    }
                    break
                }
                inBuf = ZSTD_inBuffer(src: UnsafeRawPointer(inBuffer.baseAddress), size: n, pos: 0)
            }
            let hint = ZSTD_decompressStream(stream, &out, &inBuf)
            if ZSTD_isError(hint) != 0 {
                let at = input.compressedBytesRead - UInt64(inBuf.size - inBuf.pos)
                fail(.corrupt, "zstd: \(String(cString: ZSTD_getErrorName(hint)))", compressedOffset: at, pending: out.pos)
                break
            }
            frameOpen = hint != 0
        }
        produced &+= UInt64(out.pos)
        return out.pos
    }
}

/// Decompresses a gzip stream (any number of members) read from another source.
final class GzipSource: ByteSource {
    private let input: FileSource
    private let name: String
    /// Heap-allocated: zlib keeps a pointer back to the stream, so its address must not change.
    private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    private var inBuffer: UnsafeMutableRawBufferPointer
    private var inputEnded = false
    private var memberOpen = true
    /// Decompressed bytes returned so far.
    private var produced: UInt64 = 0
    private(set) var failure: CaptureError?

    var compressedBytesRead: UInt64 { input.compressedBytesRead }

    /// Ends the stream with `error` (after what was decompressed before it).
    private func fail(_ kind: CaptureError.Kind, _ message: String, compressedOffset: UInt64, pending: UInt64) {
        failure = CaptureError(kind, file: name, offset: produced + pending,
                               "\(message) (compressed byte \(compressedOffset))")
        inputEnded = true
        stream.pointee.avail_in = 0
    }

    init(_ input: FileSource, name: String) throws(CaptureError) {
        self.input = input
        self.name = name
        inBuffer = .allocate(byteCount: 256 * 1024, alignment: 16)
        stream.initialize(to: z_stream())
        // 15 + 16: gzip wrapper only, largest window.
        let rc = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK {
            inBuffer.deallocate()
            stream.deallocate()
            throw CaptureError(.io, file: name, "zlib: cannot initialise (\(rc))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        inBuffer.deallocate()
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_out = UInt32(clamping: buffer.count)
        let capacity = Int(stream.pointee.avail_out)
        while Int(stream.pointee.avail_out) == capacity {
            if stream.pointee.avail_in == 0 {
                if inputEnded { break }
                let n = try input.read(into: inBuffer)
                if n == 0 {
                    inputEnded = true
                    if memberOpen {
                        fail(.truncated, "gzip stream ends inside a member", compressedOffset: input.compressedBytesRead,
                             pending: UInt64(capacity - Int(stream.pointee.avail_out)))
                    }
                    break
                }
                stream.pointee.next_in = inBuffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
                stream.pointee.avail_in = UInt32(n)
            }
            if !memberOpen {
                // Another gzip member follows the previous one.
                inflateReset(stream)
                memberOpen = true
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                memberOpen = false
                continue
            }
            if rc == Z_BUF_ERROR { continue }
            if rc != Z_OK {
                let text = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                let at = input.compressedBytesRead - UInt64(stream.pointee.avail_in)
                fail(.corrupt, "gzip: \(text)", compressedOffset: at,
                     pending: UInt64(capacity - Int(stream.pointee.avail_out)))
                break
            }
        }
        let count = capacity - Int(stream.pointee.avail_out)
        produced &+= UInt64(count)
        return count
    }
}

/// Opens `path` (or `-`) and returns a byte source that undoes any zstd or gzip compression,
/// detected from the first bytes, never from the name.
public func openByteSource(path: String) throws(CaptureError) -> (source: any ByteSource,
                                                                   compression: Compression,
                                                                   file: FileSource) {
    let file = try FileSource(path: path)
    let head = try file.peek(4)
    if head.count >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD {
        return (ZstdSource(file, name: path), .zstd, file)
    }
    if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B {
        return (try GzipSource(file, name: path), .gzip, file)
    }
    return (file, .none, file)
}
