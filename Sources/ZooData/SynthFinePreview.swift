// Contact sheets of synthfine images, to check by eye that the parts are recognisable and the
// descriptions true: one row per image, the image enlarged by whole pixels on the left, its
// index, class and distinguishing parts, descriptions and extracted phrases on the right, in
// BitmapFont. Reuses synthvtt's sheet helpers (fill, blit, wrap).

/// Renders synthfine images with their descriptions for people to look at.
public enum SynthFinePreview {
    static let textColumns = 76
    static let phraseColour: (UInt8, UInt8, UInt8) = (150, 200, 150)

    /// The text beside image `index`: a label line, the descriptions, then the phrases.
    static func lines(_ source: SynthFineSource, image index: Int) -> [(text: String, colour: (UInt8, UInt8, UInt8))] {
        let label = source.label(index)
        let parts = BirdSpecies.distinguishingParts[label].map(\.rawValue).joined(separator: " + ")
        var result = [("#\(index)  \(source.name)  class \(label): \(source.classNames[label])"
                       + (parts.isEmpty ? "" : " (differs in: \(parts))"), SynthVTTPreview.labelColour)]
        for description in source.descriptions(of: index) {
            result += SynthVTTPreview.wrap(description, columns: textColumns).map { ($0, SynthVTTPreview.captionColour) }
        }
        let phrases = "phrases: " + source.phrases(of: index).map(\.text).joined(separator: " | ")
        result += SynthVTTPreview.wrap(phrases, columns: textColumns).map { ($0, phraseColour) }
        return result
    }

    /// A PNG-ready sheet of `images` (indices into `source`), each enlarged `scale` times.
    public static func contactSheet(_ source: SynthFineSource, images: [Int], scale: Int = 4) -> RGBImage {
        let margin = SynthVTTPreview.margin, lineHeight = SynthVTTPreview.lineHeight, fontScale = SynthVTTPreview.fontScale
        let side = source.configuration.imageSize * scale
        let textLeft = margin + side + 2 * margin
        let width = textLeft + textColumns * (BitmapFont.width + 1) * fontScale + margin
        let texts = images.map { lines(source, image: $0) }
        let rowHeights = texts.map { max(side, $0.count * lineHeight) + 2 * margin }
        let height = margin + rowHeights.reduce(0, +)
        var pixels = SynthVTTPreview.filled(width: width, height: height, colour: SynthVTTPreview.sheetColour)
        var y = margin
        for (row, index) in images.enumerated() {
            SynthVTTPreview.blit(source.image(index), scale: scale, x: margin, y: y, into: &pixels, width: width)
            for (k, line) in texts[row].enumerated() {
                BitmapFont.draw(line.text, x: textLeft, y: y + k * lineHeight, scale: fontScale, colour: line.colour,
                                into: &pixels, imageWidth: width, imageHeight: height)
            }
            y += rowHeights[row]
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
