// A user's own videos (or still images) to embed: a folder searched recursively for media files,
// or a list (CSV `path[,id][,caption][,split]` or JSONL) with paths relative to the list.
import Foundation

/// One video (or image) of a collection, and the captions the list gave it.
public struct CollectionItem: Sendable, Equatable {
    /// Its id in the features file: the path relative to the folder (or the list's `id`, else its `path`).
    public var id: String
    public var file: URL
    /// Captions from the list, each with its split (`test` when the list has no split column).
    public var captions: [(split: String, text: String)]

    public static func == (lhs: CollectionItem, rhs: CollectionItem) -> Bool {
        lhs.id == rhs.id && lhs.file == rhs.file && lhs.captions.elementsEqual(rhs.captions) { $0 == $1 }
    }
}

/// Lists what `zoo embed --videos SOURCE` (or `--images SOURCE`) embeds.
public enum VideoCollection {
    /// File extensions taken as videos when a folder is searched (lower case).
    public static let videoExtensions: Set<String> = ["mp4", "m4v", "mov", "avi", "mkv", "webm", "mpg", "mpeg", "wmv", "flv",
                                                      "ogv", "3gp", "ts", "mts", "m2ts"]
    /// File extensions taken as images.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff", "ppm", "pgm", "pnm"]

    static let listLayout = "a list is a CSV with the header path[,id][,caption][,split] or a JSONL file of "
        + "{\"path\": FILE, \"id\": ID, \"caption\": TEXT, \"split\": NAME} lines, paths relative to the list"

    /// The items of `source`: a folder (every file with one of `extensions`, recursively, in path
    /// order; its id the path relative to the folder) or a `.csv` / `.jsonl` list (in list order;
    /// a path repeated with another caption is one item with two captions).
    /// - Throws: `DatasetError` naming the source, the line, a repeated id.
    public static func items(_ source: URL, extensions: Set<String>) throws(DatasetError) -> [CollectionItem] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source.path, isDirectory: &isDirectory) else {
            throw .missingFile(path: source.path, layout: "give a folder of videos or a list (.csv, .jsonl)")
        }
        if isDirectory.boolValue { return folderItems(source, extensions: extensions) }
        let rows = try listRows(source)
        var items: [CollectionItem] = [], position: [String: Int] = [:], pathOfID: [String: String] = [:]
        let folder = source.deletingLastPathComponent()
        for row in rows {
            let id = row.id ?? row.path
            if let known = pathOfID[id], known != row.path {
                throw .malformed(path: source.path, place: row.place, detail: "id '\(id)' is given to both '\(known)' and '\(row.path)'")
            }
            pathOfID[id] = row.path
            let slot: Int
            if let known = position[id] { slot = known } else {
                slot = items.count
                position[id] = slot
                let file = row.path.hasPrefix("/") ? URL(fileURLWithPath: row.path) : folder.appendingPathComponent(row.path)
                items.append(CollectionItem(id: id, file: file, captions: []))
            }
            if let caption = row.caption { items[slot].captions.append((row.split ?? "test", caption)) }
        }
        guard !items.isEmpty else { throw .emptySplit(name: source.path, detail: "the list has no rows") }
        return items
    }

    private static func folderItems(_ folder: URL, extensions: Set<String>) -> [CollectionItem] {
        let root = folder.resolvingSymlinksInPath().standardizedFileURL.path
        return VideoFolderIndex.regularFiles(under: folder).filter { extensions.contains($0.pathExtension.lowercased()) }.map { url in
            CollectionItem(id: String(url.standardizedFileURL.path.dropFirst(root.count + 1)), file: url, captions: [])
        }
    }

    private struct Row {
        var path: String
        var id: String?
        var caption: String?
        var split: String?
        var place: String
    }

    private struct JSONRow: Decodable {
        var path: String
        var id: String?
        var caption: String?
        var split: String?
    }

    private static func listRows(_ url: URL) throws(DatasetError) -> [Row] {
        switch url.pathExtension.lowercased() {
        case "jsonl":
            var rows: [Row] = []
            for (number, line) in try DatasetFiles.lines(url, layout: listLayout) {
                let row: JSONRow
                do { row = try AnnotationJSON.decode(JSONRow.self, from: Data(line.utf8)) } catch {
                    throw .malformed(path: url.path, place: "line \(number)", detail: "\(error.text); \(listLayout)")
                }
                rows.append(Row(path: row.path, id: row.id, caption: row.caption, split: row.split, place: "line \(number)"))
            }
            return rows
        case "csv":
            let text = try DatasetFiles.text(url, layout: listLayout)
            let table: CSVTable
            do { table = try CSVTable(text: text, source: url.path) } catch {
                throw .malformed(path: url.path, place: "", detail: "\(error.description); \(listLayout)")
            }
            guard let path = table.header.firstIndex(of: "path") else {
                throw .malformed(path: url.path, place: "line 1", detail: "no 'path' column; \(listLayout)")
            }
            let id = table.header.firstIndex(of: "id"), caption = table.header.firstIndex(of: "caption"), split = table.header.firstIndex(of: "split")
            return table.rows.map { row in
                Row(path: row.fields[path], id: id.map { row.fields[$0] }.flatMap { $0.isEmpty ? nil : $0 },
                    caption: caption.map { row.fields[$0] }, split: split.map { row.fields[$0] }, place: "line \(row.line)")
            }
        default:
            throw .malformed(path: url.path, place: "", detail: "not a folder, a .csv or a .jsonl list; \(listLayout)")
        }
    }
}
