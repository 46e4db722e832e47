// Aligned plain-text columns for human output. No box drawing and no trailing spaces, so the
// output stays readable when piped into grep, less or a diff.

/// A table of left-aligned text columns separated by two spaces.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]

    public init(headers: [String], rows: [[String]] = []) {
        self.headers = headers
        self.rows = rows
    }

    /// The table as lines, headers first; each column as wide as its widest cell.
    /// Rows shorter than the header are padded with empty cells.
    public func render() -> String {
        let columnCount = headers.count
        let allRows = [headers] + rows.map { row in
            Array(row.prefix(columnCount)) + Array(repeating: "", count: max(0, columnCount - row.count))
        }
        var widths = [Int](repeating: 0, count: columnCount)
        for row in allRows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        return allRows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                let isLast = column == columnCount - 1
                line += isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
