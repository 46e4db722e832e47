// Draws synthfine birds. The bird is a few primitives in its own coordinates (1/32 of the image
// side before scaling, facing right, y down): tail behind the body, a body whose lower part is the
// belly and upper part a neutral mantle, a wing over it, a head with eye and beak, an optional
// crest; then pose (centre, scale, facing) maps it onto the image. Each pixel averages a 2×2
// grid of samples (one level of anti-aliasing) and gets ±5 of seeded noise. Only + − × ÷ and
// comparisons on floats the recipe fixes, so every machine produces the same bytes.
import ZooTensor

/// Turns `SynthFineImage` recipes into 8-bit images and normalised tensors.
public enum SynthFineRenderer {
    /// Background colours (sky, meadow, sand, fog, dusk); a vertical gradient is added.
    static let backgrounds: [(Int, Int, Int)] = [(170, 200, 230), (190, 215, 170), (222, 206, 172), (200, 200, 206), (205, 192, 222)]
    static let mantle = (112, 104, 92), beak = (232, 150, 40), branchColour = (100, 68, 40)
    /// Per-channel mean and standard deviation of `tensor`'s normalisation: (v/255 − 0.5) / 0.25.
    public static let mean: Float = 0.5, standardDeviation: Float = 0.25

    /// `size * size * 3` bytes, row-major interleaved RGB (like `RGBImage.pixels`).
    public static func renderBytes(_ image: SynthFineImage, size: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: size * size * 3)
        var noise = RandomGenerator(seed: image.noiseSeed)
        let unit = 32 / Float(size)                                   // canvas units per pixel
        let background = backgrounds[image.background]
        let palette = Palette(image)
        bytes.withUnsafeMutableBufferPointer { out in
            for row in 0..<size {
                let shade = 10 - (20 * row) / size
                let sky = (Float(background.0 + shade), Float(background.1 + shade), Float(background.2 + shade))
                for column in 0..<size {
                    var total = (Float(0), Float(0), Float(0))
                    for sy in 0..<2 {
                        for sx in 0..<2 {
                            let u = (Float(column) + 0.25 + 0.5 * Float(sx)) * unit
                            let v = (Float(row) + 0.25 + 0.5 * Float(sy)) * unit
                            let colour = sample(image, palette, x: u, y: v) ?? sky
                            total = (total.0 + colour.0, total.1 + colour.1, total.2 + colour.2)
                        }
                    }
                    let grain = Float(noise.nextInt(below: 11) - 5)
                    let offset = (row * size + column) * 3
                    out[offset] = byte(total.0 * 0.25 + grain)
                    out[offset + 1] = byte(total.1 * 0.25 + grain)
                    out[offset + 2] = byte(total.2 * 0.25 + grain)
                }
            }
        }
        return bytes
    }

    /// The image for people (previews).
    public static func render(_ image: SynthFineImage, size: Int) -> RGBImage {
        RGBImage(width: size, height: size, pixels: renderBytes(image, size: size))
    }

    /// Writes `[3, size, size]` channel-first floats `(v/255 − 0.5)/0.25` at `destination`.
    public static func write(_ image: SynthFineImage, size: Int, into destination: UnsafeMutablePointer<Float>) {
        let bytes = renderBytes(image, size: size)
        let plane = size * size
        bytes.withUnsafeBufferPointer { source in
            for channel in 0..<3 {
                let out = destination + channel * plane
                for i in 0..<plane { out[i] = (Float(source[3 * i + channel]) / 255 - mean) / standardDeviation }
            }
        }
    }

    /// `[3, size, size]`, normalised as `write` does.
    public static func tensor(_ image: SynthFineImage, size: Int) -> Tensor {
        let result = Tensor.zeros([3, size, size])
        write(image, size: size, into: result.storage.pointer)
        return result
    }

    static func byte(_ value: Float) -> UInt8 { UInt8(max(0, min(255, Int(value.rounded())))) }

    /// Jittered part colours of one image.
    struct Palette {
        /// Head, wing, tail, belly (`BirdPart.allCases` order).
        let parts: [(Float, Float, Float)]
        let mantle: (Float, Float, Float)
        let species: BirdSpecies

        init(_ image: SynthFineImage) {
            let species = BirdSpecies.all[image.label]
            self.species = species
            func jittered(_ rgb: (Int, Int, Int), _ slot: Int) -> (Float, Float, Float) {
                let j = image.jitter
                return (Float(max(0, min(255, rgb.0 + j[3 * slot]))), Float(max(0, min(255, rgb.1 + j[3 * slot + 1]))),
                        Float(max(0, min(255, rgb.2 + j[3 * slot + 2]))))
            }
            parts = BirdPart.allCases.enumerated().map { slot, part in
                let rgb = species[part].colour.rgb
                return jittered((rgb.red, rgb.green, rgb.blue), slot)
            }
            mantle = jittered(SynthFineRenderer.mantle, 4)
        }

        /// `part`'s colour at bird coordinates (x, y), its pattern applied.
        func colour(_ part: BirdPart, x: Float, y: Float) -> (Float, Float, Float) {
            let base: (Float, Float, Float)
            switch part {
            case .head: base = parts[0]
            case .wing: base = parts[1]
            case .tail: base = parts[2]
            case .belly: base = parts[3]
            }
            let inked: Bool
            switch species[part].pattern {
            case .plain: return base
            case .striped: inked = Int((x + 40) / 1.3) % 2 == 1                          // bars across the part
            case .spotted:
                let qx = (x + 40) / 3.2, qy = (y + 40) / 3.2 + (Int((x + 40) / 3.2) % 2 == 0 ? 0 : 0.5)
                let dx = (qx - Float(Int(qx)) - 0.5) * 3.2, dy = (qy - Float(Int(qy)) - 0.5) * 3.2
                inked = dx * dx + dy * dy <= 1.05 * 1.05
            }
            guard inked else { return base }
            let dark = base.0 + base.1 + base.2 < 200
            return dark ? (min(255, base.0 + 150), min(255, base.1 + 150), min(255, base.2 + 150)) : (base.0 * 0.35, base.1 * 0.35, base.2 * 0.35)
        }
    }

    /// The colour of the bird or branch at canvas position (x, y) in 1/32 of the side; nil where
    /// the background shows. Layers from front to back.
    static func sample(_ image: SynthFineImage, _ palette: Palette, x: Float, y: Float) -> (Float, Float, Float)? {
        let lx = (x - image.centreX) / image.scale * (image.facingLeft ? -1 : 1)
        let ly = (y - image.centreY) / image.scale
        let species = palette.species
        if inTriangle(lx, ly, (12.0, -4.9), (12.0, -2.3), (15.8, -3.5)) {
            return (Float(beak.0), Float(beak.1), Float(beak.2))
        }
        if inEllipse(lx, ly, cx: 10.2, cy: -4.4, rx: 1.05, ry: 1.05) {
            return species.head.colour == .black ? (235, 235, 235) : (15, 15, 18)
        }
        if inEllipse(lx, ly, cx: 8.5, cy: -3.6, rx: 4.3, ry: 4.3)
            || (species.head.shape == .crested && inTriangle(lx, ly, (5.6, -6.6), (10.2, -6.6), (5.0, -11.6))) {
            return palette.colour(.head, x: lx, y: ly)
        }
        let long = species.wing.shape == .long
        let (wx, wy, wrx) = long ? (Float(-4.0), Float(0.0), Float(8.6)) : (Float(-1.5), Float(0.3), Float(5.8))
        if inEllipse(lx, ly - 0.15 * (lx - wx), cx: wx, cy: wy, rx: wrx, ry: long ? 2.9 : 3.1) {
            return palette.colour(.wing, x: lx, y: ly)
        }
        if inEllipse(lx, ly, cx: 0, cy: 1.0, rx: 8.8, ry: 5.6) {
            return ly >= 1.6 ? palette.colour(.belly, x: lx, y: ly) : palette.mantle
        }
        if inTail(species.tail.shape, t: -8.0 - lx, offset: ly + 0.6 + 0.1 * (-8.0 - lx)) {
            return palette.colour(.tail, x: lx, y: ly)
        }
        if image.branch && ly >= 6.2 && ly <= 7.6 {
            return (Float(branchColour.0), Float(branchColour.1), Float(branchColour.2))
        }
        return nil
    }

    /// Whether a point `t` behind the body joint and `offset` off the tail's centre line is tail.
    static func inTail(_ shape: BirdShape, t: Float, offset: Float) -> Bool {
        let d = abs(offset)
        switch shape {
        case .forked:
            guard t >= -1, t <= 9.5, d <= 1.5 + 0.28 * t else { return false }
            return !(t > 5.5 && d < (t - 5.5) * 0.6)                                  // the notch
        case .fanned:
            return t >= -1 && t <= 7.5 && d <= 1.5 + 0.6 * t
        default:                                                                     // pointed
            return t >= -1 && t <= 9 && d <= 2.4 * (1 - t / 9) + 0.3
        }
    }

    static func inEllipse(_ x: Float, _ y: Float, cx: Float, cy: Float, rx: Float, ry: Float) -> Bool {
        let dx = (x - cx) / rx, dy = (y - cy) / ry
        return dx * dx + dy * dy <= 1
    }

    static func inTriangle(_ x: Float, _ y: Float, _ a: (Float, Float), _ b: (Float, Float), _ c: (Float, Float)) -> Bool {
        func side(_ p: (Float, Float), _ q: (Float, Float)) -> Float { (q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0) }
        let (s1, s2, s3) = (side(a, b), side(b, c), side(c, a))
        return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
    }
}
