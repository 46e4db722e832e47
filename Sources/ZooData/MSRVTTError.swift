// Why an MSR-VTT style dataset could not be opened: each message names the file (and the line or
// entry), the cause, and the setting that fixes it.
import Foundation

/// A failure to open an MSR-VTT style dataset (`MSRVTTSource`).
public enum MSRVTTError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A file or folder the split needs is not at `path`; `field` says which setting points there.
    case missingFile(field: MSRVTTPaths.Field, path: String, overridden: Bool)
    /// The file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// The annotations JSON is not valid JSON or lacks what is needed; `detail` has the line
    /// (`line 12, column 5: …`) or the entry (`at sentences[41]: …`).
    case malformedJSON(path: String, detail: String)
    /// A split CSV is malformed (its error has the file and line).
    case malformedCSV(CSVError)
    /// A row of a split CSV has an empty `video_id` (or `sentence`); `line` is the file's line.
    case emptyField(path: String, line: Int, column: String)
    /// No video of the split has a caption.
    case emptySplit(split: MSRVTTSplit, path: String)
    /// Videos of the split have no file; `missing` lists the first few ids, `count` all of them.
    case missingVideos(missing: [String], count: Int, folder: String, fileExtension: String, overridden: Bool)

    public var description: String {
        switch self {
        case let .missingFile(field, path, overridden):
            let what = field == .videos ? "the videos folder" : "the MSR-VTT file \(field.defaultName)"
            let how = overridden
                ? "check the path given with \(field.flag)"
                : "put it there, or point \(field.flag) at it (msrvtt:DIR expects \(field.defaultName) inside DIR)"
            return "cannot open MSR-VTT data: \(what) was not found at '\(path)'; \(how)"
        case let .unreadable(path, reason):
            return "cannot read MSR-VTT file '\(path)': \(reason)"
        case let .malformedJSON(path, detail):
            return "\(path): \(detail); the MSR-VTT annotations must be the official MSRVTT_data.json "
                + "({\"sentences\": [{\"caption\": ..., \"video_id\": ...}, ...]})"
        case let .malformedCSV(error):
            return error.description
        case let .emptyField(path, line, column):
            return "\(path):\(line): the '\(column)' field is empty"
        case let .emptySplit(split, path):
            return "MSR-VTT \(split.rawValue) split is empty: no video listed in '\(path)' has a caption; "
                + "check that the CSV and the annotations belong to the same dataset"
        case let .missingVideos(missing, count, folder, fileExtension, overridden):
            let shown = missing.map { "'\($0)'" }.joined(separator: ", ")
            let more = count > missing.count ? " and \(count - missing.count) more" : ""
            let how = overridden ? "check the folder given with --msrvtt-videos"
                : "put the videos there (or in its 'all' subfolder), or point --msrvtt-videos at their folder"
            return "MSR-VTT video\(count == 1 ? "" : "s") \(shown)\(more) not found: expected <video_id>.\(fileExtension) in '\(folder)' "
                + "(\(count) missing); \(how)"
        }
    }

    public var errorDescription: String? { description }
}
