// Bicubic resizing that reproduces Pillow's `Image.resize(size, Image.BICUBIC)` on 8-bit RGB,
// which is what torchvision's `Resize` runs on PIL images and therefore what CLIP was trained on.
//
// Pillow's algorithm (libImaging/Resample.c, re-derived here, not copied):
//  - separable: a horizontal pass over the rows that the vertical pass will need, into an 8-bit
//    intermediate image, then a vertical pass; an axis whose size does not change is skipped
//    (Pillow 13 sometimes runs the vertical pass first: see `BicubicPassOrder`);
//  - the cubic kernel with a = -0.5 and support 2, stretched by the scale factor when shrinking
//    (this is the antialiasing), evaluated at pixel centres and normalised to sum 1 per output;
//  - weights are turned into fixed point with 22 fractional bits (rounding half away from zero),
//    sums start at one half, and each pass ends with an arithmetic shift and a clamp to 0...255.

/// Per-output-pixel taps of one axis: output `i` reads `counts[i]` input pixels from `starts[i]`
/// with weights `weights[i * kernelSize ..< i * kernelSize + counts[i]]` (fixed point, 22 bits).
struct ResamplingTaps {
    static let precisionBits: Int32 = 22
    let kernelSize: Int
    let starts: [Int]
    let counts: [Int]
    let weights: [Int32]

    /// The cubic convolution kernel with a = -0.5 (Keys), support 2.
    @inline(__always) static func bicubic(_ x: Double) -> Double {
        let a = -0.5, x = abs(x)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Taps mapping `inputSize` pixels onto `outputSize`, for outputs in `outputs` only.
    init(inputSize: Int, outputSize: Int, outputs: Range<Int>) {
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1)
        let support = 2.0 * filterScale
        let kernelSize = Int(support.rounded(.up)) * 2 + 1
        var starts = [Int](), counts = [Int](), weights = [Int32](repeating: 0, count: outputs.count * kernelSize)
        starts.reserveCapacity(outputs.count); counts.reserveCapacity(outputs.count)
        var real = [Double](repeating: 0, count: kernelSize)
        for (slot, output) in outputs.enumerated() {
            let center = (Double(output) + 0.5) * scale
            let inverseScale = 1.0 / filterScale
            // Pillow rounds the window ends with a C cast, i.e. truncation toward zero.
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inputSize) - first
            var total = 0.0
            for i in 0..<count {
                let w = ResamplingTaps.bicubic((Double(i + first) - center + 0.5) * inverseScale)
                real[i] = w
                total += w
            }
            for i in 0..<count {
                let w = total != 0 ? real[i] / total : real[i]
                let fixed = w * Double(1 << ResamplingTaps.precisionBits)
                weights[slot * kernelSize + i] = Int32((fixed < 0 ? -0.5 + fixed : 0.5 + fixed).rounded(.towardZero))
            }
            starts.append(first)
            counts.append(count)
        }
        self.kernelSize = kernelSize
        self.starts = starts
        self.counts = counts
        self.weights = weights
    }

    /// The input pixels the outputs read: from the first tap of the first output to the last
    /// tap of the last (taps move monotonically with the output index).
    var sourceRange: Range<Int> {
        guard let first = starts.first, let last = starts.last, let count = counts.last else { return 0..<0 }
        return first..<(last + count)
    }

    /// The fixed-point sum turned back into a byte: arithmetic shift, then clamp.
    @inline(__always) static func clip8(_ sum: Int32) -> UInt8 {
        let value = sum >> precisionBits
        return value < 0 ? 0 : value > 255 ? 255 : UInt8(truncatingIfNeeded: value)
    }
}

/// Which pass Pillow's separable resize runs first when both axes change.
public enum BicubicPassOrder: Sendable, Equatable {
    /// Horizontal, then vertical: every Pillow release up to 12, and so what CLIP, CLIP4Clip and
    /// the published checkpoints were preprocessed with.
    case horizontalFirst
    /// Pillow 13's rule (python-pillow/Pillow#9549): vertical first when the height shrinks by
    /// more than twice as many pixels as the width does, `h - oh > 2 * (w - ow)`; otherwise
    /// horizontal first. For CLIP's resize this only matters for images more than twice as tall
    /// as wide, and then by at most a level or two on some pixels.
    case pillow13

    func verticalFirst(width: Int, height: Int, outputWidth: Int, outputHeight: Int) -> Bool {
        self == .pillow13 && outputHeight < height && height - outputHeight > 2 * (width - outputWidth)
    }
}

extension RGBImage {
    /// Resizes to `width` x `height` with Pillow's BICUBIC filter, antialiased when shrinking,
    /// bit-for-bit as `PIL.Image.resize((width, height), Image.BICUBIC)` on an RGB image
    /// (Pillow up to 12 with the default `passOrder`, Pillow 13 with `.pillow13`).
    public func resizedBicubic(width: Int, height: Int, passOrder: BicubicPassOrder = .horizontalFirst) -> RGBImage {
        resizedBicubic(width: width, height: height, columns: 0..<width, rows: 0..<height, passOrder: passOrder)
    }

    /// The `columns` x `rows` window of `resizedBicubic(width:height:)`, computing only what the
    /// window needs (each output pixel depends only on its own taps, so the result is identical
    /// to resizing and then cropping).
    public func resizedBicubic(width outputWidth: Int, height outputHeight: Int, columns: Range<Int>, rows: Range<Int>,
                               passOrder: BicubicPassOrder = .horizontalFirst) -> RGBImage {
        precondition(self.width > 0 && self.height > 0, "resizedBicubic: cannot resize an empty \(self.width)x\(self.height) image")
        precondition(outputWidth > 0 && outputHeight > 0, "resizedBicubic: target size \(outputWidth)x\(outputHeight) is empty")
        precondition(columns.lowerBound >= 0 && columns.upperBound <= outputWidth && rows.lowerBound >= 0 && rows.upperBound <= outputHeight,
                     "resizedBicubic: window \(columns) x \(rows) outside \(outputWidth)x\(outputHeight)")
        guard !columns.isEmpty && !rows.isEmpty else { return RGBImage(width: columns.count, height: rows.count, pixels: []) }
        let horizontal = outputWidth != width ? ResamplingTaps(inputSize: width, outputSize: outputWidth, outputs: columns) : nil
        let vertical = outputHeight != height ? ResamplingTaps(inputSize: height, outputSize: outputHeight, outputs: rows) : nil
        // The source columns and rows the window reads (its own when that axis keeps its size).
        let sourceColumns = horizontal?.sourceRange ?? columns
        let sourceRows = vertical?.sourceRange ?? rows

        if let vertical, passOrder.verticalFirst(width: width, height: height, outputWidth: outputWidth, outputHeight: outputHeight) {
            let intermediate = verticalPass(vertical, firstSourceRow: 0, columns: sourceColumns)
            guard let horizontal else { return intermediate }
            return intermediate.horizontalPass(horizontal, rows: 0..<intermediate.height, firstSourceColumn: sourceColumns.lowerBound)
        }
        let intermediate = horizontal.map { horizontalPass($0, rows: sourceRows, firstSourceColumn: 0) }
            ?? cropped(left: columns.lowerBound, top: sourceRows.lowerBound, width: columns.count, height: sourceRows.count)
        guard let vertical else { return intermediate }
        return intermediate.verticalPass(vertical, firstSourceRow: sourceRows.lowerBound, columns: 0..<intermediate.width)
    }

    /// Resamples each row in `rows` horizontally; the result has `rows.count` rows. Column `c` of
    /// `self` is source column `firstSourceColumn + c` of the taps.
    private func horizontalPass(_ taps: ResamplingTaps, rows: Range<Int>, firstSourceColumn: Int) -> RGBImage {
        let outputWidth = taps.starts.count, inputWidth = width
        var result = [UInt8](repeating: 0, count: outputWidth * rows.count * 3)
        let half: Int32 = 1 << (ResamplingTaps.precisionBits - 1)
        pixels.withUnsafeBufferPointer { sourceBuffer in
        result.withUnsafeMutableBufferPointer { targetBuffer in
        taps.weights.withUnsafeBufferPointer { weightBuffer in
        taps.starts.withUnsafeBufferPointer { starts in
        taps.counts.withUnsafeBufferPointer { counts in
            guard let source = sourceBuffer.baseAddress, let target = targetBuffer.baseAddress,
                  let weights = weightBuffer.baseAddress else { return }
            for (slot, row) in rows.enumerated() {
                let sourceRow = source + (row * inputWidth - firstSourceColumn) * 3
                let targetRow = target + slot * outputWidth * 3
                for x in 0..<outputWidth {
                    let k = weights + x * taps.kernelSize
                    var p = sourceRow + starts[x] * 3
                    var r = half, g = half, b = half
                    for i in 0..<counts[x] {
                        let w = k[i]
                        r &+= Int32(p[0]) &* w; g &+= Int32(p[1]) &* w; b &+= Int32(p[2]) &* w
                        p += 3
                    }
                    targetRow[3 * x] = ResamplingTaps.clip8(r)
                    targetRow[3 * x + 1] = ResamplingTaps.clip8(g)
                    targetRow[3 * x + 2] = ResamplingTaps.clip8(b)
                }
            }
        }}}}}
        return RGBImage(width: outputWidth, height: rows.count, pixels: result)
    }

    /// Resamples the pixels in `columns` vertically; row `r` of `self` is source row
    /// `firstSourceRow + r` of the taps. The result is `columns.count` wide.
    private func verticalPass(_ taps: ResamplingTaps, firstSourceRow: Int, columns: Range<Int>) -> RGBImage {
        let outputHeight = taps.starts.count, rowBytes = columns.count * 3, stride = width * 3
        var result = [UInt8](repeating: 0, count: rowBytes * outputHeight)
        var sums = [Int32](repeating: 0, count: rowBytes)
        let half: Int32 = 1 << (ResamplingTaps.precisionBits - 1)
        pixels.withUnsafeBufferPointer { sourceBuffer in
        result.withUnsafeMutableBufferPointer { targetBuffer in
        sums.withUnsafeMutableBufferPointer { sumBuffer in
        taps.weights.withUnsafeBufferPointer { weightBuffer in
            guard let source = sourceBuffer.baseAddress, let target = targetBuffer.baseAddress,
                  let sum = sumBuffer.baseAddress, let weights = weightBuffer.baseAddress else { return }
            let firstColumn = source + columns.lowerBound * 3
            for y in 0..<outputHeight {
                sum.update(repeating: half, count: rowBytes)
                let k = weights + y * taps.kernelSize
                let start = taps.starts[y] - firstSourceRow
                for i in 0..<taps.counts[y] {
                    let w = k[i]
                    let sourceRow = firstColumn + (start + i) * stride
                    for j in 0..<rowBytes { sum[j] &+= Int32(sourceRow[j]) &* w }
                }
                let targetRow = target + y * rowBytes
                for j in 0..<rowBytes { targetRow[j] = ResamplingTaps.clip8(sum[j]) }
            }
        }}}}
        return RGBImage(width: columns.count, height: outputHeight, pixels: result)
    }

    /// The size torchvision's `Resize(shortSide)` gives: the short side becomes `shortSide`, the
    /// long side `int(shortSide * long / short)` (float division, truncated). Ties (a square)
    /// count as "width is short", as in torchvision.
    public static func resizedSize(width: Int, height: Int, shortSide: Int) -> (width: Int, height: Int) {
        precondition(width > 0 && height > 0 && shortSide > 0, "resizedSize: sizes must be positive")
        if width <= height {
            return (shortSide, Int(Double(shortSide * height) / Double(width)))
        } else {
            return (Int(Double(shortSide * width) / Double(height)), shortSide)
        }
    }
}
