import Foundation

/// A record that the CLI prints as a table row (people) or a JSON object (scripts).
protocol Presentable {
    /// The fields in the schema's column order, under the schema's column names.
    var fields: [(String, JSONValue)] { get }
    /// The columns a table shows, in order.
    static var tableColumns: [String] { get }
    /// The value of one table column (by default the field of that name).
    func field(_ name: String) -> JSONValue
}

extension Presentable {
    var json: JSONValue { .object(fields) }

    func field(_ name: String) -> JSONValue {
        fields.first { $0.0 == name }?.1 ?? .null
    }
}

/// Prints lists and records as tables or JSON.
struct Output {
    let json: Bool

    /// A list: a table with a header, or a JSON array.
    func list<T: Presentable>(_ records: [T], empty: String) {
        if json {
            print(JSONValue.array(records.map(\.json)).serialized())
            return
        }
        guard !records.isEmpty else {
            print(empty)
            return
        }
        let header = T.tableColumns.map { $0.uppercased() }
        let rows = records.map { record in T.tableColumns.map { record.field($0).cellText } }
        printTable(header: header, rows: rows)
    }

    /// One record: `key: value` lines, or a JSON object. `nested` lists go into the JSON
    /// only; people get them as ``section(_:_:)`` tables.
    func record(_ fields: [(String, JSONValue)], nested: [(String, JSONValue)] = []) {
        if json {
            print(JSONValue.object(fields + nested).serialized())
            return
        }
        let width = fields.map(\.0.count).max() ?? 0
        for (key, value) in fields {
            print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + singleLine(value.cellText))
        }
    }

    /// A titled sub-table of a `show`, for people; JSON prints it nested instead.
    func section<T: Presentable>(_ title: String, _ records: [T]) {
        guard !json else { return }
        print("")
        print("\(title):")
        guard !records.isEmpty else {
            print("  (none)")
            return
        }
        let header = T.tableColumns.map { $0.uppercased() }
        let rows = records.map { record in T.tableColumns.map { record.field($0).cellText } }
        printTable(header: header, rows: rows, indent: "  ")
    }

    /// A confirmation for people, or the record for scripts.
    func done(_ message: String, record: JSONValue) {
        print(json ? record.serialized() : message)
    }

    /// Columns padded to their widest cell; the last column is not padded.
    func printTable(header: [String], rows: [[String]], indent: String = "") {
        let cells = ([header] + rows).map { $0.map(singleLine) }
        var widths = Array(repeating: 0, count: header.count)
        for row in cells {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        for row in cells {
            let line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            print(indent + line)
        }
    }

    /// Keeps hostile or multi-line text on one line, its control characters shown, not run.
    private func singleLine(_ text: String) -> String {
        terminalText(text)
    }
}
