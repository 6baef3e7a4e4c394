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

    /// The table as a request value.
    var request: MigrationTableRequest {
        MigrationTableRequest(notifications: notifications, tables: table, learn: learn)
    }

    /// The entries of every notification log and table, in the order given.
    func loadEntries() throws -> [MigrationEntry] { try request.loadEntries() }

    /// The table for `analyzeFlows`, nil when none was given.
    func flowNAT() throws -> FlowMigrationNAT? { try request.flowNAT() }
}
