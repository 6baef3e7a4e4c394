#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes: a file, standard input, or a decompressor over one of those.
///
/// Readers never see compression: it is a stream layer below every format reader.
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int
    /// Bytes consumed from the underlying file so far (for progress reports).
    var compressedBytesRead: UInt64 { get }
    /// Why the stream ended early (a compressed stream cut short or corrupt), once `read` has
    /// returned 0 for it: the bytes before the failure are delivered first, so a reader yields
    /// every record before the cut and then reports this.
    var failure: CaptureError? { get }
}

extension ByteSource {
    public var failure: CaptureError? { nil }
}

/// The compression of an input, detected from its first bytes.
public enum Compression: String, Sendable {
    case none, zstd, gzip
}

/// Reads a file descriptor with `read(2)`, after first returning any bytes already peeked.
public final class FileSource: ByteSource {
    let fd: Int32
    let ownsDescriptor: Bool
    let name: String
    var peeked: [UInt8] = []
    var peekedOffset = 0
    public private(set) var compressedBytesRead: UInt64 = 0
    /// Size of the file in bytes when it is a regular file (for progress), else nil.
    public let size: UInt64?

    /// Opens `path`, or standard input for `-`.
    public init(path: String) throws(CaptureError) {
        name = path
        if path == "-" {
            fd = 0
            ownsDescriptor = false
        } else {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            ownsDescriptor = true
            if fd < 0 { throw CaptureError(.io, file: path, "cannot open: \(errnoText())") }
        }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG {
            size = UInt64(st.st_size)
        } else if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            if ownsDescriptor { close(fd) }
            throw CaptureError(.io, file: path, "is a directory")
        } else {
            size = nil
        }
        posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
    }

    deinit { if ownsDescriptor { close(fd) } }

    /// Reads up to `count` bytes ahead without consuming them (used to detect the format).
    func peek(_ count: Int) throws(CaptureError) -> [UInt8] {
        while peeked.count < count {
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: count - peeked.count, alignment: 1)
            defer { chunk.deallocate() }
            let n = try rawRead(chunk)
            if n == 0 { break }
            peeked.append(contentsOf: chunk[0..<n])
        }
        return peeked
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        if peekedOffset < peeked.count {
            let n = min(buffer.count, peeked.count - peekedOffset)
            peeked.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + peekedOffset, byteCount: n)
            }
            peekedOffset += n
            return n
        }
        return try rawRead(buffer)
    }

    private func rawRead(_ buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 {
                compressedBytesRead += UInt64(n)
                return n
            }
            if errno == EINTR { continue }
            throw CaptureError(.io, file: name, "read failed: \(errnoText())")
        }
    }
}

/// The text of the current `errno`.
func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}
