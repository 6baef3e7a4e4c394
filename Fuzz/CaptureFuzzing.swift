// Shared by the capture reader targets: reads every record of `bytes` as a capture file
// (through a scratch file, as a path, like any input), with and without --keep-going.
#if canImport(Glibc)
import Glibc
#endif

/// One scratch file per process, in memory where /dev/shm exists.
nonisolated(unsafe) let scratchPath: String = {
    let dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
    return "\(dir)/roamcap-fuzz-\(getpid())"
}()

func readCapture(_ bytes: UnsafeRawBufferPointer) {
    let fd = open(scratchPath, O_RDWR | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return }
    defer { close(fd); unlink(scratchPath) }
    var done = 0
    while done < bytes.count {
        let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
        if n <= 0 { return }
        done += n
    }
    for keepGoing in [false, true] {
        guard let reader = try? CaptureReader(path: scratchPath) else { return }
        reader.keepGoing = keepGoing
        var records = 0
        while let record = try? reader.next() {
            if case .packet(let packet) = record {
                _ = packet.data.reduce(0, &+)
                _ = packet.decodedOptions
            }
            records += 1
            if records > 100_000 { break }
        }
    }
}

/// `data` with `magic` in front unless it starts with it (keeps mutations in one format).
func withMagic(_ magic: [UInt8], _ data: UnsafePointer<UInt8>, _ size: Int, _ body: (UnsafeRawBufferPointer) -> Void) {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    if input.starts(with: magic) { body(input); return }
    (magic + Array(input)).withUnsafeBytes(body)
}
