// libFuzzer target: the migration table loaders (YAML, CSV, NDJSON), chosen by the first byte.
import RoamcapKit
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMigrationTable(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let path = "/tmp/roamcap-fuzz-table-\(getpid())"
    guard let f = fopen(path, "wb") else { return 0 }
    fwrite(data + 1, 1, size - 1, f)
    fclose(f)
    defer { unlink(path) }
    switch data[0] % 3 {
    case 0: _ = try? MigrationTableLoader.loadYAML(path: path)
    case 1: _ = try? MigrationTableLoader.loadCSV(path: path)
    default: _ = try? MigrationTableLoader.loadNotifications(path: path)
    }
    if let entries = try? MigrationTableLoader.loadCSV(path: path) { try? MigrationTableLoader.checkConflicts(entries) }
    return 0
}
