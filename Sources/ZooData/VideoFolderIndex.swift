// The official loaders find videos by walking the videos folder recursively (`os.walk`) and
// keying each file by its name without the last extension (DiDeMo: the whole name). This is that
// walk, done once per split.
import Foundation

/// Every file under a folder, keyed as an official loader keys it.
public struct VideoFolderIndex: Sendable {
    /// How a file name becomes a video id.
    public enum Key: Sendable {
        /// The name without its last extension (`a.b.avi` → `a.b`), as MSVD, LSMDC and ActivityNet do.
        case stem
        /// The whole file name, as DiDeMo does.
        case fileName
    }

    public let folder: URL
    public let key: Key
    private let files: [String: URL]
    /// Ids that more than one file gave (the one kept is the last in sorted path order).
    public let duplicates: [String]

    /// Walks `folder` recursively (following `folder` itself when it is a symbolic link but no link
    /// below it, as os.walk does; skipping hidden files).
    /// - Throws: `DatasetError.missingFolder` when `folder` is not a folder.
    public init(folder: URL, key: Key) throws(DatasetError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFolder(what: "the videos folder", path: folder.path, flag: "--videos-folder DIR")
        }
        var files: [String: URL] = [:], duplicates: [String] = []
        for url in Self.regularFiles(under: folder) {
            let name = url.lastPathComponent
            let id: String
            switch key {
            case .fileName: id = name
            case .stem:
                guard let dot = name.lastIndex(of: ".") else { continue }   // Python's join of split[:-1] gives ""
                id = String(name[..<dot])
            }
            if files[id] != nil { duplicates.append(id) }
            files[id] = url
        }
        (self.folder, self.key, self.files, self.duplicates) = (folder, key, files, duplicates)
    }

    /// Every regular file under `folder`, recursively, in path order, hidden files left out. The
    /// folder itself may be a symbolic link (datasets often live on another disk); links below it
    /// to folders are not followed, as os.walk does not follow them.
    public static func regularFiles(under folder: URL) -> [URL] {
        var paths: [URL] = []
        if let walker = FileManager.default.enumerator(at: folder.resolvingSymlinksInPath(), includingPropertiesForKeys: nil,
                                                        options: [.skipsHiddenFiles]) {
            for case let url as URL in walker {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), !isFolder.boolValue { paths.append(url) }
            }
        }
        return paths.sorted { $0.path < $1.path }
    }

    /// The file of video `id`, if the walk found one.
    public func file(for id: String) -> URL? { files[id] }

    /// How messages describe where `id` was looked for.
    public func expected(for id: String) -> String {
        key == .fileName ? "\(folder.path)/**/\(id)" : "\(folder.path)/**/\(id).*"
    }

    /// The annotated video `id`, with its file when found.
    public func video(_ id: String, lastSecond: Int? = nil) -> AnnotatedVideo {
        AnnotatedVideo(id: id, file: file(for: id), expected: expected(for: id), lastSecond: lastSecond)
    }
}
