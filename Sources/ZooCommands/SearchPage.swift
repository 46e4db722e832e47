// `zoo search --html FILE`: one self-contained page (thumbnails inlined as data URIs) that a person
// can open without a server: each query, then its hits with a frame of the video, rank, score, id.
import Foundation
import ZooCore
import ZooData

enum SearchPage {
    /// One query and its hits, as the page shows them.
    struct Section {
        var query: String
        var hits: [SearchHit]
    }

    /// The page. `thumbnail(id)` gives a JPEG of the video, or nil (a grey box is shown).
    static func html(title: String, subtitle: String, sections: [Section], thumbnail: (String) -> Data?) -> String {
        var cache: [String: String] = [:]
        func image(_ id: String) -> String {
            if let known = cache[id] { return known }
            let tag = thumbnail(id).map { "<img src=\"data:image/jpeg;base64,\($0.base64EncodedString())\" alt=\"\(escape(id))\">" }
                ?? "<div class=\"none\">no thumbnail</div>"
            cache[id] = tag
            return tag
        }
        var body = ""
        for section in sections {
            body += "<section><h2>\(escape(section.query))</h2><ol>\n"
            for hit in section.hits {
                body += "<li>\(image(hit.id))<div class=\"meta\"><span class=\"rank\">#\(hit.rank)</span> "
                    + "<span class=\"score\">\(String(format: "%.4f", hit.score))</span><br><span class=\"id\">\(escape(hit.id))</span></div></li>\n"
            }
            body += "</ol></section>\n"
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        h1 { font-size: 1.4em; } p.sub { color: #666; }
        h2 { font-size: 1.1em; margin-top: 1.5em; }
        ol { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 12px; }
        li { width: 176px; border: 1px solid #ddd; border-radius: 6px; padding: 8px; }
        img, .none { width: 160px; height: 120px; object-fit: contain; background: #eee; display: block; }
        .none { line-height: 120px; text-align: center; color: #999; font-size: 0.8em; }
        .meta { font-size: 0.85em; margin-top: 4px; word-break: break-all; }
        .rank { font-weight: bold; } .score { color: #06c; } .id { color: #444; }
        </style></head><body>
        <h1>\(escape(title))</h1><p class="sub">\(escape(subtitle))</p>
        \(body)</body></html>

        """
    }

    /// A 160-pixel-wide JPEG of the frame at 1 s (or the first frame of a shorter video), by ffmpeg.
    static func thumbnail(of path: String, ffmpeg: FFmpeg) -> Data? {
        guard ffmpeg.isAvailable, FileManager.default.fileExists(atPath: path) else { return nil }
        for seek in ["1", "0"] {
            do {
                let data = try ffmpeg.run(.ffmpeg, ["-nostdin", "-v", "error", "-ss", seek, "-i", path, "-frames:v", "1",
                                                    "-vf", "scale=160:-2", "-f", "image2pipe", "-c:v", "mjpeg", "-"], input: path)
                if !data.isEmpty { return data }
            } catch {
                continue   // a video too short for the seek, or one ffmpeg cannot read: try the first frame, then show none
            }
        }
        return nil
    }

    /// Text safe inside HTML elements and attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
