// `zoo attention bimodal-pma`: an "attention picture" of Bi-modal PMA on a few synthfine images,
// to see what each stage of the PMA head looked at. For each image: the image enlarged, the 2×2
// feature-map block each stage picked (the `selected_block` tap, argmax of a^v) outlined in that
// stage's colour, and the image's noun phrases, each marked with the stage that masked it (the
// slots `text_masked` sets at that stage and not before), plus the true and predicted class. Every
// image also gets one line on stdout with the same facts.
// Blocks are numbered as Tests/Fixtures/parity/README.md §2 (and BlockPartition.swift) number
// them: the h×w feature map (the CNN trunk's output) cut into 2×2 blocks, block
// i = (row/2)·(w/2) + (col/2), row-major. Block i therefore covers feature rows 2·(i / (w/2)) and
// the next one and feature columns 2·(i mod (w/2)) and the next one; one feature cell spans
// imageSize / h pixels (8 × 8 pixels a block for 32-pixel images and the 8×8 map of cnn-small).
import Foundation
import ZooCommandLine
import ZooCore
import ZooData
import ZooManifest
import ZooNN
import ZooTensor

/// `zoo attention bimodal-pma [--weights CKPT] [--count N] [--split test|train] [--scale K] [--out FILE]`:
/// a PNG of the blocks and phrases each Bi-modal PMA stage picked on the first synthfine images.
public struct AttentionPictureCommand: Command {
    /// Models whose stage traces the picture can draw.
    static let models = ["bimodal-pma"]
    /// Outline, tag and text colours of stages 1, 2, 3 (a model with more stages cycles them).
    static let stageColours: [(UInt8, UInt8, UInt8)] = [(255, 90, 90), (255, 210, 40), (80, 200, 255)]
    static let background: (UInt8, UInt8, UInt8) = (20, 20, 24)
    static let labelColour: (UInt8, UInt8, UInt8) = (170, 170, 180)
    static let plainColour: (UInt8, UInt8, UInt8) = (235, 235, 235)
    static let dimColour: (UInt8, UInt8, UInt8) = (120, 120, 130)
    static let rightColour: (UInt8, UInt8, UInt8) = (120, 220, 120)
    static let wrongColour: (UInt8, UInt8, UInt8) = (255, 120, 120)
    static let margin = 10, fontScale = 2, lineHeight = 18

    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public var name: String { "attention" }
    public var summary: String { "Picture Bi-modal PMA's stages: the 2x2 block and the phrases each one picked" }

    public var arguments: ArgumentSpec {
        ArgumentSpec(
            options: [
                .value("weights", valueName: "CKPT", help: "A zoo train checkpoint of the model (default: random weights, with a note)"),
                .value("count", valueName: "N", help: "How many images, the first N of the split (default 6)"),
                .value("split", valueName: "NAME", help: "synthfine split: test (default) or train"),
                .value("scale", valueName: "K", help: "Enlarge each image K times, nearest neighbour (default 4)"),
                .value("out", valueName: "FILE", help: "Where to write the picture, .png (default pma-attention.png)"),
            ],
            positionals: [PositionalSpec("MODEL", help: "The model: bimodal-pma")])
    }

    public var discussion: String {
        """
        Runs the model in eval mode on the first N images of a synthfine split. Each stage's
        selected 2x2 feature-map block (numbered row-major over the (h/2)x(w/2) block grid, as in
        Tests/Fixtures/parity/README.md) is outlined on the image in the stage's colour; each
        phrase is tagged s1/s2/s3 with the stage that masked it. Prints one line per image:
          image K: class C predicted P; blocks s1=a s2=b s3=c; masked phrases s1=[...] s2=[...] s3=[...]

        Example:
          zoo attention bimodal-pma --weights runs/pma/best.safetensors --count 6 --out pma-attention.png
        """
    }

    public func run(_ arguments: ParsedArguments, console: Console) throws -> Int32 {
        let name = arguments.positionals[0]
        guard Self.models.contains(name) else {
            throw RuntimeError("`zoo attention` draws Bi-modal PMA's stage traces; \"\(name)\" is not bimodal-pma "
                               + "(it needs the selected_block and text_masked taps of a PMA head)."
                               + Suggestions.didYouMeanNearest(name, in: Self.models, limit: 1))
        }
        let splitName = arguments.value("split") ?? "test"
        guard let split = SynthFine.Split(rawValue: splitName) else {
            throw UsageError("--split must be train or test, got \"\(splitName)\"." + Suggestions.didYouMean(splitName, in: ["train", "test"]))
        }
        let count = try arguments.integer("count", default: 6, in: 1...100)
        let scale = try arguments.integer("scale", default: 4, in: 1...16)
        let out = arguments.value("out") ?? "pma-attention.png"
        guard URL(fileURLWithPath: out).pathExtension.lowercased() == "png" else {
            throw UsageError("--out must end in .png, got \"\(out)\"")
        }

        let module: Module
        let weightsName: String
        if let weights = arguments.value("weights") {
            guard FileManager.default.fileExists(atPath: weights) else {
                throw RuntimeError("--weights \(weights): no such file; give a checkpoint written by `zoo train \(name)` (e.g. RUN/best.safetensors)")
            }
            module = try registry.createFromWeights(name, weights: URL(fileURLWithPath: weights))
            weightsName = URL(fileURLWithPath: weights).lastPathComponent
        } else {
            module = try registry.create(name)
            weightsName = "random weights"
            console.writeError("note: no --weights given, so \(name) has random weights: the blocks and phrases it picks mean nothing yet\n")
        }
        guard let model = module as? any ZooModel else { throw RuntimeError("\(name) did not build a model") }
        let imageSize = try registry.config(for: name).positiveInt("imageSize", default: 32)
        let source = try SynthFineSource(split, configuration: SynthFineConfiguration(imageSize: imageSize))
        let indices = Array(0..<min(count, source.count))

        module.eval()
        let outputs = try noGrad { try model.forward(try source.batch(indices)) }
        let traces = try Self.traces(outputs, source: source, indices: indices, model: name)
        for trace in traces { console.write(trace.line + "\n") }
        let picture = Self.picture(traces, source: source, scale: scale,
                                   title: "\(name) (\(weightsName)) on \(source.name)")
        try PNGWriter.write(picture, to: URL(fileURLWithPath: out))
        console.write("wrote \(out): \(traces.count) images of \(source.name), \(traces.first?.blocks.count ?? 0) stages, "
                      + "\(imageSize)x\(imageSize) at \(scale)x\n")
        return ExitStatus.success
    }
}

/// What the PMA head decided for one image.
struct AttentionTrace {
    /// Index of the image in its split, its class and the predicted class.
    let index: Int, label: Int, predicted: Int
    /// Per stage: the selected block and its visual attention weight.
    let blocks: [Int], blockWeights: [Float]
    /// Side of the block grid, w/2 (the feature map is square), and pixels per block side.
    let gridSide: Int, blockPixels: Int
    /// The image's phrases, and per phrase the stage (0-based) that masked it, nil if none did.
    let phrases: [String], maskedBy: [Int?]

    /// `image K: class C predicted P; blocks s1=a s2=b s3=c; masked phrases s1=[…] s2=[…] s3=[…]`.
    var line: String {
        let stages = blocks.indices
        let blockText = stages.map { "s\($0 + 1)=\(blocks[$0])" }.joined(separator: " ")
        let maskedText = stages.map { stage in
            "s\(stage + 1)=[" + phrases.indices.filter { maskedBy[$0] == stage }.map { phrases[$0] }.joined(separator: ", ") + "]"
        }.joined(separator: " ")
        return "image \(index): class \(label) predicted \(predicted); blocks \(blockText); masked phrases \(maskedText)"
    }
}

extension AttentionPictureCommand {
    /// Reads the stage taps of `outputs` (a forward on `indices` of `source`) into one trace per image.
    static func traces(_ outputs: Outputs, source: SynthFineSource, indices: [Int], model: String) throws -> [AttentionTrace] {
        let logits = try outputs.require(.logits, from: model)                  // [B, C]
        let selected = try outputs.require("selected_block", from: model)      // [S, B]
        let visual = try outputs.require("attn_visual", from: model)           // [S, B, n]
        let masked = try outputs.require("text_masked", from: model)           // [S, B, p]
        let (stages, batch, n, p) = (selected.shape[0], selected.shape[1], visual.shape[2], masked.shape[2])
        // Block i = (row/2)·(w/2) + (col/2) over a square h = w map, so n = (w/2)².
        let gridSide = Int(Double(n).squareRoot().rounded())
        let imageSize = source.configuration.imageSize
        guard gridSide * gridSide == n, imageSize % gridSide == 0 else {
            throw RuntimeError("\(model): \(n) blocks do not form a square grid dividing \(imageSize) pixels; cannot place them on the image")
        }
        let predicted = logits.argmax(axis: 1).scalars
        let (selectedValues, visualValues, maskedValues) = (selected.scalars, visual.scalars, masked.scalars)
        return (0..<batch).map { b in
            let blocks = (0..<stages).map { Int(selectedValues[$0 * batch + b]) }
            let weights = (0..<stages).map { visualValues[($0 * batch + b) * n + blocks[$0]] }
            let phrases = source.phrases(of: indices[b]).prefix(p).map(\.text)
            // text_masked is cumulative (after stage s's update); a phrase belongs to the first stage that masks it.
            let maskedBy = phrases.indices.map { slot in (0..<stages).first { maskedValues[($0 * batch + b) * p + slot] > 0.5 } }
            return AttentionTrace(index: indices[b], label: source.label(indices[b]), predicted: predicted[b], blocks: blocks,
                                  blockWeights: weights, gridSide: gridSide, blockPixels: imageSize / gridSide,
                                  phrases: Array(phrases), maskedBy: maskedBy)
        }
    }

    static func stageColour(_ stage: Int) -> (UInt8, UInt8, UInt8) { stageColours[stage % stageColours.count] }

    /// The text lines beside one image, each a run of coloured segments.
    static func lines(_ trace: AttentionTrace, classNames: [String]) -> [[(String, (UInt8, UInt8, UInt8))]] {
        let stages = trace.blocks.indices
        var result: [[(String, (UInt8, UInt8, UInt8))]] = [
            [("#\(trace.index)  true \(trace.label): \(classNames[trace.label])", labelColour)],
            [("predicted \(trace.predicted): \(classNames[trace.predicted])", trace.predicted == trace.label ? rightColour : wrongColour)],
            [("blocks", labelColour)] + stages.map { stage in
                (String(format: "  s%d=%d (a=%.2f)", stage + 1, trace.blocks[stage], trace.blockWeights[stage]), stageColour(stage))
            },
        ]
        for (slot, phrase) in trace.phrases.enumerated() {
            var line: [(String, (UInt8, UInt8, UInt8))] = stages.map { stage in
                (trace.maskedBy[slot] == stage ? "s\(stage + 1) " : "   ", stageColour(stage))
            }
            line.append((phrase, trace.maskedBy[slot].map(stageColour) ?? dimColour))
            result.append(line)
        }
        return result
    }

    /// The whole picture: a title and legend, then one row per image.
    static func picture(_ traces: [AttentionTrace], source: SynthFineSource, scale: Int, title: String) -> RGBImage {
        let characterWidth = (BitmapFont.width + 1) * fontScale
        let stageCount = traces.first?.blocks.count ?? 0
        var legend: [(String, (UInt8, UInt8, UInt8))] = [("outline = 2x2 block picked by", labelColour)]
        legend += (0..<stageCount).map { ("  stage \($0 + 1)", stageColour($0)) }
        let header: [[(String, (UInt8, UInt8, UInt8))]] = [
            [(title, plainColour)], legend,
            [("sN = phrase masked by stage N; grey = never masked; a = visual attention", labelColour)],
        ]
        let side = source.configuration.imageSize * scale
        let textLeft = 3 * margin + side
        let texts = traces.map { lines($0, classNames: source.classNames) }
        func length(_ line: [(String, (UInt8, UInt8, UInt8))]) -> Int { line.reduce(0) { $0 + $1.0.count } }
        let headerWidth = margin + (header.map(length).max() ?? 0) * characterWidth
        let textWidth = textLeft + (texts.flatMap { $0 }.map(length).max() ?? 0) * characterWidth
        let width = max(headerWidth, textWidth) + margin
        let rowHeights = texts.map { max(side, $0.count * lineHeight) + 2 * margin }
        let headerHeight = margin + header.count * lineHeight + margin
        var canvas = Canvas(width: width, height: headerHeight + rowHeights.reduce(0, +), colour: background)
        for (k, line) in header.enumerated() { canvas.draw(line, x: margin, y: margin + k * lineHeight) }
        var y = headerHeight
        for (row, trace) in traces.enumerated() {
            canvas.fill(x: 0, y: y, width: width, height: 1, colour: (50, 50, 56))   // a thin rule between rows
            let top = y + margin
            canvas.blit(source.image(trace.index), scale: scale, x: margin, y: top)
            let blockSide = trace.blockPixels * scale, thickness = max(1, scale / 2)
            for (stage, block) in trace.blocks.enumerated() {
                let (blockRow, blockColumn) = (block / trace.gridSide, block % trace.gridSide)
                canvas.outline(x: margin + blockColumn * blockSide, y: top + blockRow * blockSide, side: blockSide,
                               thickness: thickness, colour: stageColour(stage))
            }
            for (k, line) in texts[row].enumerated() { canvas.draw(line, x: textLeft, y: top + k * lineHeight) }
            y += rowHeights[row]
        }
        return canvas.image
    }
}

/// An RGB pixel buffer to draw the picture into.
struct Canvas {
    let width: Int, height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, colour: (UInt8, UInt8, UInt8)) {
        (self.width, self.height) = (width, height)
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, colour: colour)
    }

    var image: RGBImage { RGBImage(width: width, height: height, pixels: pixels) }

    /// Fills the rectangle, clipped to the canvas.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, colour: (UInt8, UInt8, UInt8)) {
        let (left, right, top, bottom) = (max(x, 0), min(x + w, width), max(y, 0), min(y + h, height))
        guard left < right, top < bottom else { return }
        for py in top..<bottom {
            for px in left..<right {
                let offset = (py * width + px) * 3
                (pixels[offset], pixels[offset + 1], pixels[offset + 2]) = colour
            }
        }
    }

    /// A square frame `thickness` pixels wide, drawn inside the square at (x, y) of side `side`.
    mutating func outline(x: Int, y: Int, side: Int, thickness: Int, colour: (UInt8, UInt8, UInt8)) {
        fill(x: x, y: y, width: side, height: thickness, colour: colour)
        fill(x: x, y: y + side - thickness, width: side, height: thickness, colour: colour)
        fill(x: x, y: y, width: thickness, height: side, colour: colour)
        fill(x: x + side - thickness, y: y, width: thickness, height: side, colour: colour)
    }

    /// `image` enlarged `scale` times (nearest neighbour) with its top-left corner at (x, y).
    mutating func blit(_ image: RGBImage, scale: Int, x: Int, y: Int) {
        for sy in 0..<image.height {
            for sx in 0..<image.width {
                let source = (sy * image.width + sx) * 3
                fill(x: x + sx * scale, y: y + sy * scale, width: scale, height: scale,
                     colour: (image.pixels[source], image.pixels[source + 1], image.pixels[source + 2]))
            }
        }
    }

    /// Text segments one after the other in their colours, top-left at (x, y).
    mutating func draw(_ segments: [(String, (UInt8, UInt8, UInt8))], x: Int, y: Int) {
        var left = x
        for (text, colour) in segments {
            BitmapFont.draw(text, x: left, y: y, scale: AttentionPictureCommand.fontScale, colour: colour,
                            into: &pixels, imageWidth: width, imageHeight: height)
            left += text.count * (BitmapFont.width + 1) * AttentionPictureCommand.fontScale
        }
    }
}
