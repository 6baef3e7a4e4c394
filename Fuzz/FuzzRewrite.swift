// libFuzzer target: the migration NAT over a fuzzed capture (IPv4 and IPv6 entries, learning
// on), written to /dev/null so every rewritten frame is also emitted.
import CaptureFile
import PacketWire
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRewrite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = "/tmp/roamcap-fuzz-rewrite-\(getpid())"
    guard let f = fopen(path, "wb") else { return 0 }
    fwrite(data, 1, size, f)
    fclose(f)
    defer { unlink(path) }
    var options = RewriteOptions()
    options.entries = [
        MigrationEntry(primary: IPAddress("10.1.0.7")!, new: IPAddress("10.9.0.7")!, origin: "fuzz:1"),
        MigrationEntry(primary: IPAddress("2001:db8:1::7")!, new: IPAddress("2001:db8:9::7")!, origin: "fuzz:2"),
        MigrationEntry(primary: IPAddress("192.168.1.1")!, new: IPAddress("10.0.0.1")!,
                       from: .relative(nanoseconds: 1_000_000), origin: "fuzz:3"),
    ]
    options.learn = size % 2 == 0
    options.annotate = true
    options.reading.keepGoing = true
    guard let output = try? OutputFile(path: "/dev/null") else { return 0 }
    _ = try? rewriteTrace(input: path, output: output, options: options, selection: PacketSelection())
    return 0
}
