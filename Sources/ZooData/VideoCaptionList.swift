// A user's own (video, caption) pairs (`--data list:FILE`): a CSV with the header
// `video,caption[,split]` or a JSONL file of {"video", "caption"[, "split"]} objects; video
// paths are relative to the list's folder (or absolute). A video may have several captions.
// Without a split column every pair is in the split `all`, which then trains and evaluates.
import Foundation

/// Reads a list of (video, caption[, split]) pairs (`--data list:FILE`).
public enum VideoCaptionList {
    static let layout = "list:FILE expects a CSV with the header video,caption[,split] or a JSONL file of "
        + "{\"video\": PATH, \"caption\": TEXT, \"split\": NAME} lines; video paths are relative to FILE's folder"

    /// One row of the list.
    public struct Pair: Sendable, Equatable {
        public var video: String
        public var caption: String
        public var split: String?
    }

    struct JSONLine: Decodable {
        var video: String
        var caption: String
        var split: String?
    }

    /// Every pair of the list at `url`, in file order.
    public static func pairs(_ url: URL) throws(DatasetError) -> [Pair] {
        if url.pathExtension.lowercased() == "jsonl" {
            var pairs: [Pair] = []
            for (number, line) in try DatasetFiles.lines(url, layout: layout) {
                let row: JSONLine
                do { row = try AnnotationJSON.decode(JSONLine.self, from: Data(line.utf8)) } catch {
                    throw .malformed(path: url.path, place: "line \(number)", detail: "\(error.text); expected \(layout)")
                }
                pairs.append(Pair(video: row.video, caption: row.caption, split: row.split))
            }
            return pairs
        }
        let text = try DatasetFiles.text(url, layout: layout)
        let table: CSVTable
        do { table = try CSVTable(text: text, source: url.path) } catch {
            throw .malformed(path: url.path, place: "", detail: "\(error.description); expected \(layout)")
        }
        let video: Int, caption: Int
        do { (video, caption) = (try table.column("video"), try table.column("caption")) } catch {
            throw .malformed(path: url.path, place: "line 1", detail: "\(error.description); expected \(layout)")
        }
        let split = table.header.firstIndex(of: "split")
        return table.rows.map { row in Pair(video: row.fields[video], caption: row.fields[caption], split: split.map { row.fields[$0] }) }
    }

    /// The split names the list at `url` has: its `split` values in order of appearance, or `all`.
    public static func splitNames(_ pairs: [Pair]) -> [String] {
        var names: [String] = []
        for pair in pairs { let name = pair.split ?? "all"; if !names.contains(name) { names.append(name) } }
        return names
    }

    /// The pairs of split `split` (`all` when the list has no split column) as an annotated split.
    public static func split(_ split: String, list url: URL) throws(DatasetError) -> AnnotatedSplit {
        let pairs = try pairs(url)
        let known = splitNames(pairs)
        guard known.contains(split) else { throw .unknownSplit(dataset: "list:\(url.path)", split: split, known: known) }
        let folder = url.deletingLastPathComponent()
        var videos: [AnnotatedVideo] = [], index: [String: Int] = [:], captions: [Caption] = []
        for pair in pairs where (pair.split ?? "all") == split {
            let path = pair.video.trimmingCharacters(in: .whitespaces)
            let video: Int
            if let known = index[path] { video = known } else {
                let file = path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
                video = videos.count
                index[path] = video
                videos.append(AnnotatedVideo(id: path, file: FileManager.default.fileExists(atPath: file.path) ? file : nil, expected: file.path))
            }
            captions.append(Caption(text: pair.caption, video: video))
        }
        return AnnotatedSplit(name: "list:\(url.path)/\(split)", videos: videos, captions: captions)
    }
}
