import Yams

extension MigrationTableLoader {
    /// A YAML table: a list of `{vm?, primary, new, from?, until?}` mappings.
    ///
    ///     - { vm: web-1, primary: 10.1.0.7, new: 10.9.0.7, from: 12.5 }
    ///     - { primary: 10.1.0.8, new: 10.9.0.8, from: "2026-11-20T10:00:00Z", until: 60 }
    public static func loadYAML(path: String) throws(MigrationInputError) -> [MigrationEntry] {
        let text = try readText(path)
        do {
            try YAMLLimits.check(text, file: path)
        } catch {
            throw MigrationInputError(file: error.file, line: error.line, column: error.column, error.message)
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw yamlError(path, error)
        } catch {
            throw MigrationInputError(file: path, "not YAML: \(error)")
        }
        guard let root else { return [] }
        guard let list = root.sequence else {
            throw MigrationInputError(file: path, line: root.mark?.line, column: root.mark?.column,
                                      "expected a list of entries like - { primary: 10.1.0.7, new: 10.9.0.7 }")
        }
        var entries: [MigrationEntry] = []
        for item in list {
            guard let mapping = item.mapping else {
                throw MigrationInputError(file: path, line: item.mark?.line, column: item.mark?.column,
                                          "expected an entry { vm?, primary, new, from?, until? }")
            }
            let line = item.mark?.line ?? 0
            var fields: [String: MigrationField] = [:]
            for (key, value) in mapping {
                guard let name = key.string, ["vm", "primary", "new", "from", "until"].contains(name) else {
                    throw MigrationInputError(file: path, line: key.mark?.line, column: key.mark?.column,
                                              "unknown key '\(key.string ?? "?")' (expected vm, primary, new, from, until)")
                }
                guard let scalar = value.scalar else {
                    throw MigrationInputError(file: path, line: value.mark?.line, column: value.mark?.column,
                                              "\(name) must be a single value")
                }
                fields[name] = MigrationField(text: scalar.string, line: value.mark?.line ?? line, column: value.mark?.column ?? 0)
            }
            entries.append(try makeEntry(path: path, line: line, fields: fields))
        }
        return entries
    }

    static func yamlError(_ path: String, _ error: YamlError) -> MigrationInputError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return MigrationInputError(file: path, line: mark.line, column: mark.column, "YAML: \(problem)")
        default:
            return MigrationInputError(file: path, "YAML: \(error)")
        }
    }
}
