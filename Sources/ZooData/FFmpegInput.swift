// Handing a file name to ffmpeg so that it is read literally.
import Foundation

extension FFmpeg {
    /// Calls `body` with a path through which ffmpeg reads the file at `path` literally.
    ///
    /// ffmpeg's image demuxer takes a name like `img%03d.jpg` for a numbered sequence (`img000.jpg`,
    /// `img001.jpg`, …) and then fails to find the file itself; its `-pattern_type none` option is
    /// rejected by every other demuxer. So a path whose file name contains `%` is reached through a
    /// symbolic link with a plain name (keeping the extension, which ffmpeg uses to pick a format)
    /// in a fresh temporary folder, removed afterwards. Other paths are passed unchanged.
    public func withLiteralInputPath<R>(_ path: String, _ body: (String) throws(FFmpegError) -> R) throws(FFmpegError) -> R {
        let url = URL(fileURLWithPath: path)
        guard url.lastPathComponent.contains("%") else { return try body(path) }
        let fileManager = FileManager.default
        let folder = fileManager.temporaryDirectory.appendingPathComponent("zoo-ffmpeg-\(UUID().uuidString)")
        let extensionText = url.pathExtension
        let safeExtension = extensionText.count <= 12 && extensionText.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
            ? extensionText : ""
        let link = folder.appendingPathComponent(safeExtension.isEmpty ? "input" : "input.\(safeExtension)")
        do {
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            try fileManager.createSymbolicLink(atPath: link.path, withDestinationPath: url.standardizedFileURL.path)
        } catch {
            try? fileManager.removeItem(at: folder)
            return try body(path)                    // no temporary folder: let ffmpeg try the name as it is
        }
        defer { try? fileManager.removeItem(at: folder) }
        return try body(link.path)
    }
}
