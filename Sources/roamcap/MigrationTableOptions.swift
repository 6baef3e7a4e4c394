import ArgumentParser
import RoamcapKit

/// The migration NAT's table (SPEC §1) as `rewrite`, `flows` and `report` take it:
/// notifications, static tables, and learning from the trace.
struct MigrationTableOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("NCS notification log (NDJSON).", valueName: "file"), completion: .file())
    var notifications: [String] = []

    @Option(name: .long, help: ArgumentHelp("Static migration table: YAML (.yaml/.yml) or CSV.", valueName: "file"), completion: .file())
    var table: [String] = []

    @Flag(name: .long, help: "Learn entries from the trace (gratuitous ARP, unsolicited NA, DHCP ACK).")
    var learn = false

    /// Whether no entry source was given.
    var isEmpty: Bool { notifications.isEmpty && table.isEmpty && !learn }

    /// The entries of every notification log and table, in the order given.
    func loadEntries() throws -> [MigrationEntry] {
        var entries: [MigrationEntry] = []
        do throws(MigrationInputError) {
            for file in notifications { entries += try MigrationTableLoader.loadNotifications(path: file) }
            for file in table {
                let lower = file.lowercased()
                entries += lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
                    ? try MigrationTableLoader.loadYAML(path: file) : try MigrationTableLoader.loadCSV(path: file)
            }
            try MigrationTableLoader.checkConflicts(entries)
        } catch {
            throw RoamcapFailure(message: error.description)
        }
        return entries
    }

    /// The table for `analyzeFlows`, nil when none was given.
    func flowNAT() throws -> FlowMigrationNAT? {
        isEmpty ? nil : FlowMigrationNAT(entries: try loadEntries(), learn: learn)
    }
}
