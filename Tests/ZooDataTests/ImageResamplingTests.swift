// Pillow-style bicubic resizing: hand-computed cases, invariants, and a straightforward
// double-precision re-implementation of Pillow's algorithm as a reference.
import Foundation
import Testing
import ZooData

/// Pillow's BICUBIC resize written the obvious way: double weights over every input pixel,
/// horizontal then vertical, each pass rounded and clamped to a byte. Pillow itself uses 22-bit
/// fixed-point weights, so the two may disagree by one level on rare near-ties.
func referenceResize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    func cubic(_ x: Double) -> Double {
        let x = abs(x), a = -0.5
        if x < 1 { return (a + 2) * x * x * x - (a + 3) * x * x + 1 }
        if x < 2 { return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a }
        return 0
    }
    func weights(input: Int, output: Int) -> [[Double]] {
        let scale = Double(input) / Double(output), stretch = max(scale, 1)
        return (0..<output).map { o in
            let center = (Double(o) + 0.5) * scale
            let raw = (0..<input).map { i in cubic((Double(i) + 0.5 - center) / stretch) }
            let total = raw.reduce(0, +)
            return raw.map { $0 / total }
        }
    }
    func byte(_ value: Double) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
    var current = image
    if width != image.width {
        let w = weights(input: image.width, output: width)
        current = RGBImage(width: width, height: current.height) { x, y in
            var sums = [0.0, 0.0, 0.0]
            for i in 0..<image.width where w[x][i] != 0 {
                let p = image[i, y]
                sums[0] += w[x][i] * Double(p.red); sums[1] += w[x][i] * Double(p.green); sums[2] += w[x][i] * Double(p.blue)
            }
            return (byte(sums[0]), byte(sums[1]), byte(sums[2]))
        }
    }
    if height != image.height {
        let w = weights(input: image.height, output: height), source = current
        current = RGBImage(width: width, height: height) { x, y in
            var sums = [0.0, 0.0, 0.0]
            for i in 0..<source.height where w[y][i] != 0 {
                let p = source[x, i]
                sums[0] += w[y][i] * Double(p.red); sums[1] += w[y][i] * Double(p.green); sums[2] += w[y][i] * Double(p.blue)
            }
            return (byte(sums[0]), byte(sums[1]), byte(sums[2]))
        }
    }
    return current
}

/// A deterministic pseudo-random image (xorshift), optionally smooth.
func noiseImage(width: Int, height: Int, seed: UInt64) -> RGBImage {
    var state = seed | 1
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    for i in pixels.indices {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

func grey(_ values: [UInt8], width: Int) -> RGBImage {
    RGBImage(width: width, height: values.count / width, pixels: values.flatMap { [$0, $0, $0] })
}

@Suite("Bicubic resizing as Pillow does it")
struct ImageResamplingTests {
    @Test("shrinking a row 4 -> 2 gives the hand-computed antialiased values 60 and 221")
    func handComputedShrink() {
        // Scale 2 stretches the a = -0.5 cubic to support 4; output 0 is centred at input 1.0:
        // taps at distances 0.5, 0.5, 1.5, 2.5 scaled by 1/2 -> 0.8671875, 0.8671875, 0.2265625,
        // -0.0703125 (sum 1.890625); on 0, 100, 200, 255 that is 60.35 -> 60, and mirrored 220.68 -> 221.
        let row = grey([0, 100, 200, 255], width: 4)
        #expect(row.resizedBicubic(width: 2, height: 1) == grey([60, 221], width: 2))
    }

    /// A small gradient with a product term in blue, as made in NumPy for the Pillow runs below.
    static func gradient(width: Int, height: Int) -> RGBImage {
        RGBImage(width: width, height: height) { x, y in
            (UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), UInt8((x * y * 37) % 256))
        }
    }

    @Test("small gradients resize to the bytes Pillow 12.3 produced for them", arguments: [
        (11, 7, 4, 3, [24, 30, 30, 91, 30, 87, 164, 30, 68, 231, 30, 56, 24, 127, 89, 91, 127, 143, 164, 127, 98,
                       231, 127, 136, 24, 224, 111, 91, 224, 141, 164, 224, 93, 231, 224, 147] as [UInt8]),
        (5, 4, 8, 2, [0, 50, 0, 22, 50, 8, 67, 50, 23, 107, 50, 36, 147, 50, 54, 187, 50, 74, 233, 50, 71, 255, 50, 65,
                      0, 205, 0, 22, 205, 30, 67, 205, 95, 107, 205, 159, 147, 205, 179, 187, 205, 153, 233, 205, 132, 255, 205, 120]),
    ])
    func pillowBytes(width: Int, height: Int, outputWidth: Int, outputHeight: Int, expected: [UInt8]) {
        // Made by `Image.fromarray(a).resize((ow, oh), Image.BICUBIC)` with Pillow 12.3.
        let image = Self.gradient(width: width, height: height)
        #expect(image.resizedBicubic(width: outputWidth, height: outputHeight).pixels == expected)
    }

    @Test("Pillow 13 runs the vertical pass first when the height shrinks much more, and the bytes follow")
    func pillow13PassOrder() {
        // 5x4 -> 8x2: the height loses 2 rows, the width gains 3, so 2 > 2 * (5 - 8) and Pillow 13
        // resamples vertically first; three blue bytes come out one level apart from Pillow 12.
        let pillow13: [UInt8] = [0, 50, 0, 22, 50, 8, 67, 50, 23, 107, 50, 36, 147, 50, 54, 187, 50, 74, 233, 50, 71, 255, 50, 65,
                                 0, 205, 0, 22, 205, 31, 67, 205, 95, 107, 205, 160, 147, 205, 179, 187, 205, 152, 233, 205, 132, 255, 205, 120]
        let image = Self.gradient(width: 5, height: 4)
        #expect(image.resizedBicubic(width: 8, height: 2, passOrder: .pillow13).pixels == pillow13)
        // Where both axes shrink alike the two orders agree (horizontal first either way).
        let noise = noiseImage(width: 64, height: 48, seed: 4)
        #expect(noise.resizedBicubic(width: 30, height: 22, passOrder: .pillow13) == noise.resizedBicubic(width: 30, height: 22))
        let window = noise.resizedBicubic(width: 90, height: 10, columns: 20..<70, rows: 2..<9, passOrder: .pillow13)
        #expect(window == noise.resizedBicubic(width: 90, height: 10, passOrder: .pillow13).cropped(left: 20, top: 2, width: 50, height: 7))
    }

    @Test("enlarging a row 2 -> 4 gives the hand-computed values with overshoot clamped: 0 53 202 255")
    func handComputedEnlarge() {
        // Output 1 is centred at 0.75: weights 0.8671875, 0.2265625 normalised -> 255 * 0.2071 = 52.8.
        // Outputs 0 and 3 overshoot (-22.5 and 277.5) and are clamped.
        let row = grey([0, 255], width: 2)
        #expect(row.resizedBicubic(width: 4, height: 1) == grey([0, 53, 202, 255], width: 4))
        // The same along the other axis (the vertical pass).
        #expect(grey([0, 255], width: 1).resizedBicubic(width: 1, height: 4) == grey([0, 53, 202, 255], width: 1))
    }

    @Test("a constant image stays exactly constant at any size", arguments: [(640, 480, 298, 224), (5, 7, 224, 224), (300, 2, 3, 9)])
    func constantStaysConstant(sizes: (Int, Int, Int, Int)) {
        for value: UInt8 in [0, 1, 127, 254, 255] {
            let image = RGBImage(width: sizes.0, height: sizes.1, red: value, green: 255 - value, blue: 200)
            let resized = image.resizedBicubic(width: sizes.2, height: sizes.3)
            #expect(resized == RGBImage(width: sizes.2, height: sizes.3, red: value, green: 255 - value, blue: 200))
        }
    }

    @Test("the same size is an exact copy")
    func identity() {
        let image = noiseImage(width: 9, height: 4, seed: 3)
        #expect(image.resizedBicubic(width: 9, height: 4) == image)
    }

    @Test("noise and gradients match the double-precision reference to one level", arguments: [
        (17, 5, 7, 3), (5, 17, 11, 40), (64, 48, 30, 22), (31, 29, 29, 31), (3, 3, 10, 10), (1, 1, 4, 3), (40, 12, 40, 5),
    ])
    func matchesReference(sizes: (Int, Int, Int, Int)) {
        for seed: UInt64 in [1, 2] {
            let image = seed == 1 ? noiseImage(width: sizes.0, height: sizes.1, seed: 42)
                : RGBImage(width: sizes.0, height: sizes.1) { x, y in (UInt8(x * 255 / max(sizes.0 - 1, 1)), UInt8(y * 255 / max(sizes.1 - 1, 1)), UInt8((x * y) % 256)) }
            let ours = image.resizedBicubic(width: sizes.2, height: sizes.3)
            let reference = referenceResize(image, width: sizes.2, height: sizes.3)
            let differences = zip(ours.pixels, reference.pixels).map { abs(Int($0) - Int($1)) }
            #expect(differences.max()! <= 1, "sizes \(sizes), seed \(seed)")
            // Exact ties (common on gradients) may round either way in fixed point: a few percent at most.
            #expect(differences.filter { $0 != 0 }.count * 50 <= differences.count, "more than 2% of bytes differ, sizes \(sizes)")
        }
    }

    @Test("resizing only a window gives exactly the window of the full resize")
    func windowEqualsCrop() {
        let image = noiseImage(width: 97, height: 61, seed: 9)
        let full = image.resizedBicubic(width: 45, height: 30)
        let window = image.resizedBicubic(width: 45, height: 30, columns: 10..<33, rows: 4..<29)
        #expect(window == full.cropped(left: 10, top: 4, width: 23, height: 25))
        let enlarged = image.resizedBicubic(width: 150, height: 61, columns: 140..<150, rows: 0..<61)
        #expect(enlarged == image.resizedBicubic(width: 150, height: 61).cropped(left: 140, top: 0, width: 10, height: 61))
    }

    @Test("the short side becomes the target and the long side is int(target * long / short)")
    func resizedSizes() {
        #expect(RGBImage.resizedSize(width: 640, height: 480, shortSide: 224) == (298, 224))   // 298.67
        #expect(RGBImage.resizedSize(width: 450, height: 655, shortSide: 224) == (224, 326))   // 326.04
        #expect(RGBImage.resizedSize(width: 100, height: 100, shortSide: 224) == (224, 224))
        #expect(RGBImage.resizedSize(width: 3, height: 1000, shortSide: 224) == (224, 74666))
        #expect(RGBImage.resizedSize(width: 1920, height: 1080, shortSide: 336) == (597, 336))  // 597.33
    }
}
