/// The migration NAT's table (SPEC §1) as `rewrite`, `flows` and `report` take it:
/// notification logs, static tables (YAML or CSV), and learning from the trace.
public struct MigrationTableRequest: Sendable {
    public var notifications: [String] = []
    public var tables: [String] = []
    public var learn = false

    public init(notifications: [String] = [], tables: [String] = [], learn: Bool = false) {
        self.notifications = notifications
        self.tables = tables
        self.learn = learn
    }

    /// Whether no entry source was given.
    public var isEmpty: Bool { notifications.isEmpty && tables.isEmpty && !learn }

    /// The entries of every notification log and table, in the order given.
    public func loadEntries() throws(RequestError) -> [MigrationEntry] {
        var entries: [MigrationEntry] = []
        do throws(MigrationInputError) {
            for file in notifications { entries += try MigrationTableLoader.loadNotifications(path: file) }
            for file in tables {
                let lower = file.lowercased()
                entries += lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
                    ? try MigrationTableLoader.loadYAML(path: file) : try MigrationTableLoader.loadCSV(path: file)
            }
            try MigrationTableLoader.checkConflicts(entries)
        } catch {
            throw RequestError(error.description)
        }
        return entries
    }

    /// The table for `analyzeFlows`, nil when none was given.
    public func flowNAT() throws(RequestError) -> FlowMigrationNAT? {
        isEmpty ? nil : FlowMigrationNAT(entries: try loadEntries(), learn: learn)
    }
}
