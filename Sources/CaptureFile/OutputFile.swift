#if canImport(Glibc)
import Glibc
#endif
import CZstd

/// A capture output: buffered, optionally zstd-compressed, written to a temporary file in the
/// target directory and renamed into place by `commit()`. Dropped without `commit()`, or stopped
/// by SIGINT/SIGTERM/SIGHUP (see `TemporaryFiles`), it leaves nothing behind.
///
/// An output that exists and is not a regular file (`-`, `/dev/null`, a device, a FIFO, a
/// terminal, a process substitution such as `/dev/fd/63`) is written directly and never
/// replaced, with or without `force`.
public final class OutputFile {
    /// What a write does when the reader of a pipe written in place has gone (EPIPE, as with
    /// `roamcap … | head`).
    public enum BrokenPipe: Sendable {
        /// The write throws a `CaptureError` ("broken pipe").
        case throwsError
        /// The run ends quietly with status 0 (`TemporaryFiles.endRunQuietly()`): what the
        /// reader wanted was written.
        case endsRunQuietly
    }

    public let path: String
    public let compressed: Bool
    /// What a write does when the reader of this output (a pipe) has gone.
    public let brokenPipe: BrokenPipe
    private let fd: Int32
    private let temporaryPath: String?
    private var buffer: UnsafeMutableRawPointer
    private let capacity = 1 << 20
    private var used = 0
    private var zstd: OpaquePointer?
    private var zstdOut: UnsafeMutableRawBufferPointer?
    private var finished = false
    /// Written directly: an existing device, FIFO, socket or terminal.
    private var isDirect = false
    /// Whether the output is written in place (standard output, a device, a FIFO) rather than
    /// through a temporary file.
    public var isStream: Bool { temporaryPath == nil }
    /// Bytes handed to `write` so far (before compression).
    public private(set) var bytesWritten: UInt64 = 0

    /// Opens `path` for writing.
    /// - Parameters:
    ///   - compressed: zstd-compress; by default when the name ends in `.zst`.
    ///   - force: replace an existing file.
    ///   - inputs: paths the output must not be (refused even with `force`).
    ///   - brokenPipe: what a write does when the reader of the output (a pipe) has gone.
    public init(path: String, compressed: Bool? = nil, force: Bool = false,
                inputs: [String] = [], brokenPipe: BrokenPipe = .throwsError) throws(CaptureError) {
        self.path = path
        self.brokenPipe = brokenPipe
        self.compressed = compressed ?? path.hasSuffix(".zst")
        var st = stat()
        if path == "-" {
            fd = 1
            temporaryPath = nil
        } else if stat(path, &st) == 0 && (((st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR)
                    || Self.isDescriptorLink(path)) {
            // A device, FIFO, socket or terminal, or /dev/stdout naming a file the shell opened
            // (appended to, as `>>` would): written to, never replaced.
            let descriptor = open(path, O_WRONLY | O_CLOEXEC | ((st.st_mode & S_IFMT) == S_IFREG ? O_APPEND : 0))
            if descriptor < 0 {
                throw CaptureError(.io, file: path, "cannot open for writing: \(errnoText())")
            }
            fd = descriptor
            temporaryPath = nil
            isDirect = true
        } else {
            if stat(path, &st) == 0 {
                for input in inputs where input != "-" {
                    var inputStat = stat()
                    if stat(input, &inputStat) == 0 && inputStat.st_dev == st.st_dev && inputStat.st_ino == st.st_ino {
                        throw CaptureError(.output, file: path, "refusing to overwrite input file \(input)")
                    }
                }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    throw CaptureError(.output, file: path, "is a directory")
                }
                if !force {
                    throw CaptureError(.output, file: path, "already exists (use --force to replace it)")
                }
            }
            let slash = path.lastIndex(of: "/")
            let directory = slash.map { String(path[..<$0]) } ?? "."
            let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
            var template = Array("\(directory.isEmpty ? "/" : directory)/.\(base).roamcap-XXXXXX".utf8CString)
            let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if descriptor < 0 {
                throw CaptureError(.io, file: path, "cannot create a file in \(directory): \(errnoText())")
            }
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            fchmod(descriptor, 0o644 & ~currentUmask())
            fd = descriptor
            let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            guard TemporaryFiles.register(temporary) else {
                unlink(temporary)
                close(descriptor)
                throw CaptureError(.output, file: path, "more than \(TemporaryFiles.capacity) outputs open at once")
            }
            temporaryPath = temporary
        }
        buffer = .allocate(byteCount: capacity, alignment: 16)
        if self.compressed {
            let context = ZSTD_createCCtx()
            ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3)
            ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
            zstd = context
            zstdOut = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
        }
    }

    /// Whether `path` is a link under /dev or /proc (`/dev/stdout`, `/dev/fd/N`,
    /// `/proc/self/fd/N`): renaming over it would replace the link, not what it names.
    private static func isDescriptorLink(_ path: String) -> Bool {
        guard path.hasPrefix("/dev/") || path.hasPrefix("/proc/") else { return false }
        var linkStat = stat()
        return lstat(path, &linkStat) == 0 && (linkStat.st_mode & S_IFMT) == S_IFLNK
    }

    deinit {
        if !finished, let temporaryPath {
            unlink(temporaryPath)
            TemporaryFiles.unregister(temporaryPath)
        }
        if temporaryPath != nil || isDirect { close(fd) }
        buffer.deallocate()
        if let zstd { ZSTD_freeCCtx(zstd) }
        zstdOut?.deallocate()
    }

    /// Space for `count` bytes at the end of the buffer, flushing first if needed. The caller
    /// must fill exactly `count` bytes (counts above the buffer size are not allowed).
    @inline(__always)
    public func reserve(_ count: Int) throws(CaptureError) -> UnsafeMutableRawPointer {
        if used + count > capacity { try flushBuffer() }
        let p = buffer + used
        used += count
        bytesWritten &+= UInt64(count)
        return p
    }

    @inline(__always)
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        if bytes.count <= capacity - used {
            if bytes.count > 0 { (buffer + used).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count) }
            used += bytes.count
            bytesWritten &+= UInt64(bytes.count)
            return
        }
        try flushBuffer()
        if bytes.count >= capacity {
            bytesWritten &+= UInt64(bytes.count)
            try emit(bytes)
        } else {
            try write(bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws(CaptureError) {
        var failure: CaptureError?
        bytes.withUnsafeBytes { b in
            do throws(CaptureError) { try write(b) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private func flushBuffer() throws(CaptureError) {
        if used == 0 { return }
        let n = used
        used = 0
        try emit(UnsafeRawBufferPointer(start: buffer, count: n))
    }

    /// Passes bytes through the compressor (if any) to the file.
    private func emit(_ bytes: UnsafeRawBufferPointer, end: Bool = false) throws(CaptureError) {
        guard let zstd, let zstdOut else {
            try writeAll(bytes)
            return
        }
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        while true {
            var output = ZSTD_outBuffer(dst: zstdOut.baseAddress, size: zstdOut.count, pos: 0)
            let remaining = ZSTD_compressStream2(zstd, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue)
            if ZSTD_isError(remaining) != 0 {
                throw CaptureError(.io, file: path, "zstd: \(String(cString: ZSTD_getErrorName(remaining)))")
            }
            try writeAll(UnsafeRawBufferPointer(start: zstdOut.baseAddress, count: output.pos))
            if end ? remaining == 0 : input.pos == input.size { break }
        }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(CaptureError) {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                if code == EPIPE && temporaryPath == nil {
                    if brokenPipe == .endsRunQuietly { TemporaryFiles.endRunQuietly() }
                    throw CaptureError(.io, file: path, "broken pipe")
                }
                throw CaptureError(.io, file: path, "write failed: \(errnoText(code))")
            }
            done += n
        }
    }

    /// Flushes everything and renames the temporary file into place.
    public func commit() throws(CaptureError) {
        try flushBuffer()
        if zstd != nil { try emit(UnsafeRawBufferPointer(start: buffer, count: 0), end: true) }
        finished = true
        if let temporaryPath {
            defer { TemporaryFiles.unregister(temporaryPath) }
            if rename(temporaryPath, path) != 0 {
                let text = errnoText()
                unlink(temporaryPath)
                throw CaptureError(.io, file: path, "cannot rename the temporary file into place: \(text)")
            }
        }
    }
}

private func currentUmask() -> mode_t {
    let mask = umask(0o022)
    umask(mask)
    return mask
}
