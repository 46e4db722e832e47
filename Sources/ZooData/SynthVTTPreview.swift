// Contact sheets of synthvtt videos, to check by eye that shapes are recognisable, motion shows
// and captions match: one row per video, its index and caption above its frames from left to
// right, scaled up by whole pixels (nearest neighbour) so no blur hides what a model sees.
// As PNG (captions in BitmapFont) or as SVG (frames as embedded PNGs, captions as real text).
import Foundation

/// Renders synthvtt videos with their captions for people to look at.
public enum SynthVTTPreview {
    static let margin = 10
    static let frameGap = 4
    static let fontScale = 2
    static let lineHeight = 18
    static let sheetColour: (UInt8, UInt8, UInt8) = (20, 20, 24)
    static let labelColour: (UInt8, UInt8, UInt8) = (150, 150, 160)
    static let captionColour: (UInt8, UInt8, UInt8) = (245, 245, 245)

    /// Which videos to show: the first `count`, or with `pairs` the videos of the first
    /// `(count + 1) / 2` temporal pairs, each next to its twin (fewer if the split has fewer).
    public static func videos(in split: SynthVTTSplit, count: Int, pairs: Bool) -> [Int] {
        guard pairs else { return Array(0..<min(count, split.videoCount)) }
        return split.temporalPairs.prefix((count + 1) / 2).flatMap { [$0.0, $0.1] }
    }

    /// The frames of video `index` side by side, each scaled `scale` times, `frameGap` apart.
    public static func frameStrip(_ split: SynthVTTSplit, video index: Int, scale: Int = 3) -> RGBImage {
        let frames = split.frameImages(index)
        let side = split.configuration.imageSize * scale
        let width = frames.count * side + (frames.count - 1) * frameGap
        var pixels = filled(width: width, height: side, colour: sheetColour)
        for (k, frame) in frames.enumerated() {
            blit(frame, scale: scale, x: k * (side + frameGap), y: 0, into: &pixels, width: width)
        }
        return RGBImage(width: width, height: side, pixels: pixels)
    }

    /// The text lines above a video's frames: its label, then its captions wrapped to
    /// `columns` characters.
    static func lines(_ split: SynthVTTSplit, video index: Int, columns: Int) -> [(text: String, isLabel: Bool)] {
        var label = "#\(index)  \(split.name)"
        if let twin = split.twin(of: index) { label += "  temporal pair with #\(twin)" }
        var result = [(label, true)]
        for caption in split.captions(ofVideo: index) { result += wrap(caption, columns: columns).map { ($0, false) } }
        return result
    }

    /// A PNG-ready contact sheet of `videos`, one row each.
    public static func contactSheet(_ split: SynthVTTSplit, videos: [Int], scale: Int = 3) -> RGBImage {
        let strips = videos.map { frameStrip(split, video: $0, scale: scale) }
        let stripWidth = strips.first?.width ?? 200
        let width = max(stripWidth, 200) + 2 * margin
        let columns = (width - 2 * margin) / ((BitmapFont.width + 1) * fontScale)
        let texts = videos.map { lines(split, video: $0, columns: columns) }
        let height = margin + zip(strips, texts).map { $1.count * lineHeight + $0.height + 2 * margin }.reduce(0, +)
        var pixels = filled(width: width, height: height, colour: sheetColour)
        var y = margin
        for (strip, text) in zip(strips, texts) {
            for line in text {
                BitmapFont.draw(line.text, x: margin, y: y, scale: fontScale, colour: line.isLabel ? labelColour : captionColour,
                                into: &pixels, imageWidth: width, imageHeight: height)
                y += lineHeight
            }
            blit(strip, scale: 1, x: margin, y: y, into: &pixels, width: width)
            y += strip.height + 2 * margin
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// The same sheet as SVG: each row's frames one embedded PNG `<image>`, captions `<text>`.
    public static func svg(_ split: SynthVTTSplit, videos: [Int], scale: Int = 3) -> String {
        let strips = videos.map { frameStrip(split, video: $0, scale: scale) }
        let width = max(strips.first?.width ?? 200, 200) + 2 * margin
        // Real text is narrower than the bitmap font: about 8.4 pixels a character at 14 px.
        let columns = (width - 2 * margin) * 10 / 84
        var body = ""
        var y = margin
        for (index, strip) in zip(videos, strips) {
            for line in lines(split, video: index, columns: columns) {
                let fill = line.isLabel ? "#9696a0" : "#f5f5f5"
                body += "  <text x=\"\(margin)\" y=\"\(y + 14)\" fill=\"\(fill)\">\(escapeXML(line.text))</text>\n"
                y += lineHeight
            }
            let png = Data(PNGWriter.encode(strip)).base64EncodedString()
            body += "  <image x=\"\(margin)\" y=\"\(y)\" width=\"\(strip.width)\" height=\"\(strip.height)\" "
                + "style=\"image-rendering:pixelated\" href=\"data:image/png;base64,\(png)\"/>\n"
            y += strip.height + 2 * margin
        }
        let height = y - margin
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" \
        font-family="DejaVu Sans Mono, Menlo, monospace" font-size="14">
          <rect width="100%" height="100%" fill="#141418"/>
        \(body)</svg>

        """
    }

    /// `text` broken at spaces into lines of at most `columns` characters (longer words cut).
    static func wrap(_ text: String, columns: Int) -> [String] {
        let limit = max(columns, 1)
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            var word = String(word)
            if !current.isEmpty && current.count + 1 + word.count > limit {
                lines.append(current)
                current = ""
            }
            while word.count > limit {
                lines.append(String(word.prefix(limit)))
                word = String(word.dropFirst(limit))
            }
            current += current.isEmpty ? word : " " + word
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    static func escapeXML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func filled(width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for i in stride(from: 0, to: pixels.count, by: 3) { pixels[i] = colour.0; pixels[i + 1] = colour.1; pixels[i + 2] = colour.2 }
        return pixels
    }

    /// Copies `image`, each pixel as a `scale` x `scale` block, with its top-left at (`x`, `y`)
    /// into `pixels` (`width` pixels a row); the caller keeps it inside.
    static func blit(_ image: RGBImage, scale: Int, x: Int, y: Int, into pixels: inout [UInt8], width: Int) {
        for row in 0..<(image.height * scale) {
            for column in 0..<(image.width * scale) {
                let source = ((row / scale) * image.width + column / scale) * 3
                let target = ((y + row) * width + x + column) * 3
                pixels[target] = image.pixels[source]
                pixels[target + 1] = image.pixels[source + 1]
                pixels[target + 2] = image.pixels[source + 2]
            }
        }
    }
}
