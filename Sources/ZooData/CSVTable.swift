// Comma-separated tables as MSR-VTT's split files use them (MSRVTT_train.9k.csv,
// MSRVTT_JSFUSION_test.csv), read as pandas' `read_csv` reads them: RFC 4180 quoting (a quoted
// field may hold commas, newlines and doubled quotes `""`), a header row, blank lines skipped.
import Foundation

/// A CSV file: a header and rows of string fields.
public struct CSVTable: Sendable, Equatable {
    /// One data row and where it starts in the file.
    public struct Row: Sendable, Equatable {
        /// The fields, unquoted, one per header column.
        public var fields: [String]
        /// The 1-based line of the file on which the row starts.
        public var line: Int
    }

    /// Names the file in error messages (usually its path).
    public var source: String
    /// The column names from the first non-blank line.
    public var header: [String]
    /// The data rows, in file order, each with `header.count` fields.
    public var rows: [Row]

    /// Parses `text`. A UTF-8 byte-order mark and `\r\n` line ends are accepted; blank lines are
    /// skipped; every row must have as many fields as the header.
    /// - Throws: `CSVError` with the file and line: `.empty`, `.unterminatedQuote`,
    ///   `.textAfterQuote`, `.fieldCountMismatch`.
    public init(text: String, source: String) throws(CSVError) {
        self.source = source
        var records: [Row] = []
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        var line = 1
        var fields: [String] = [], field = String.UnicodeScalarView()
        var recordLine = 1, inQuotes = false, quotedField = false, afterQuote = false, quoteLine = 1
        var quotedFieldSeen = false                                 // in the current record
        func endField() { fields.append(String(field)); field = String.UnicodeScalarView(); quotedField = false; afterQuote = false }
        func endRecord() {
            endField()
            // A line with nothing on it is blank, not a row with one empty field.
            if !(fields.count == 1 && fields[0].isEmpty && !quotedFieldSeen) { records.append(Row(fields: fields, line: recordLine)) }
            fields = []
            quotedFieldSeen = false
        }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { inQuotes = false; afterQuote = true; pending = next }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",": endField()
            case "\r", "\n":
                if scalar == "\r" {
                    let next = iterator.next()
                    if next != "\n" { pending = next }
                }
                endRecord()
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !quotedField:
                inQuotes = true; quotedField = true; quotedFieldSeen = true; quoteLine = line
            default:
                if afterQuote { throw .textAfterQuote(source: source, line: line) }
                field.append(scalar)
            }
        }
        if inQuotes { throw .unterminatedQuote(source: source, line: quoteLine) }
        if !fields.isEmpty || !field.isEmpty || quotedField { endRecord() }

        guard let first = records.first else { throw .empty(source: source) }
        header = first.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        rows = Array(records.dropFirst())
        for row in rows where row.fields.count != header.count {
            throw .fieldCountMismatch(source: source, line: row.line, expected: header.count, found: row.fields.count)
        }
    }

    /// Reads and parses the file at `url` (UTF-8).
    /// - Throws: `CSVError.unreadable`, or a parse error as `init(text:source:)`.
    public init(contentsOf url: URL) throws(CSVError) {
        let path = url.path
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(source: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(source: path, reason: "it is not UTF-8 text")
        }
        try self.init(text: text, source: path)
    }

    /// The position of column `name` in `header`.
    /// - Throws: `CSVError.missingColumn` listing the columns the file has.
    public func column(_ name: String) throws(CSVError) -> Int {
        guard let index = header.firstIndex(of: name) else { throw .missingColumn(source: source, column: name, header: header) }
        return index
    }

    /// Every value of column `name`, in row order.
    public func values(of name: String) throws(CSVError) -> [String] {
        let index = try column(name)
        return rows.map { $0.fields[index] }
    }
}

/// A CSV file that cannot be used; every case names the file and, where it applies, the line.
public enum CSVError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case unreadable(source: String, reason: String)
    /// The file has no header line.
    case empty(source: String)
    /// A quoted field opened on `line` never closes.
    case unterminatedQuote(source: String, line: Int)
    /// Characters follow a closing quote before the next comma or line end (`"a"b`).
    case textAfterQuote(source: String, line: Int)
    /// The row starting on `line` has `found` fields where the header has `expected`.
    case fieldCountMismatch(source: String, line: Int, expected: Int, found: Int)
    /// No column is called `column`.
    case missingColumn(source: String, column: String, header: [String])

    public var description: String {
        switch self {
        case let .unreadable(source, reason):
            return "cannot read CSV file '\(source)': \(reason)"
        case let .empty(source):
            return "\(source): the CSV file is empty; it needs a header line naming its columns"
        case let .unterminatedQuote(source, line):
            return "\(source):\(line): a quoted field opened on this line is never closed; "
                + "quotes inside a quoted field must be doubled (\"\")"
        case let .textAfterQuote(source, line):
            return "\(source):\(line): text follows a closing quote before the next comma; "
                + "quote the whole field and double the quotes inside it (\"\")"
        case let .fieldCountMismatch(source, line, expected, found):
            return "\(source):\(line): this row has \(found) fields but the header has \(expected); "
                + "a field containing a comma must be quoted"
        case let .missingColumn(source, column, header):
            return "\(source): no column named '\(column)' (the header has: \(header.joined(separator: ", ")))"
        }
    }

    public var errorDescription: String? { description }
}
