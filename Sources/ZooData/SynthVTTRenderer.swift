// Draws synthvtt frames from a recipe: a static, seeded, slightly noisy grey background, then each
// visible shape with one pixel of anti-aliasing (coverage from a signed distance, 0.5 - d clamped
// to 0...1). Everything is integer or plain float arithmetic on values the recipe fixes, so the
// same recipe gives the same bytes on every machine.
import ZooTensor

/// Turns `SynthVTTVideo` recipes into 8-bit frames and CLIP-normalised tensors.
public enum SynthVTTRenderer {
    /// The frames of `video` as `frames * size * size * 3` bytes: frame after frame, each
    /// row-major interleaved RGB like `RGBImage.pixels`.
    public static func renderBytes(_ video: SynthVTTVideo, frames: Int, size: Int) -> [UInt8] {
        let frameBytes = size * size * 3
        let background = backgroundBytes(video, size: size)
        var result = [UInt8](repeating: 0, count: frames * frameBytes)
        result.withUnsafeMutableBufferPointer { buffer in
            for frame in 0..<frames {
                let base = buffer.baseAddress! + frame * frameBytes
                background.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: frameBytes) }
                for index in video.objects.indices {
                    let state = video.state(of: index, frame: frame, frames: frames)
                    guard state.visible else { continue }
                    draw(video.objects[index], x: state.x, y: state.y, into: base, size: size)
                }
            }
        }
        return result
    }

    /// The frames of `video` as images.
    public static func render(_ video: SynthVTTVideo, frames: Int, size: Int) -> [RGBImage] {
        let bytes = renderBytes(video, frames: frames, size: size)
        let frameBytes = size * size * 3
        return (0..<frames).map { RGBImage(width: size, height: size, pixels: Array(bytes[$0 * frameBytes..<($0 + 1) * frameBytes])) }
    }

    /// `[frames, 3, size, size]`: the frames channel-first, each byte `v` of channel `c` mapped to
    /// `(v / 255 - clipMean[c]) / clipStd[c]` exactly as `CLIPPreprocessing` computes it.
    public static func tensor(_ video: SynthVTTVideo, frames: Int, size: Int) -> Tensor {
        let bytes = renderBytes(video, frames: frames, size: size)
        let plane = size * size
        let storage = TensorStorage(count: frames * 3 * plane)
        let target = storage.pointer
        normalisationTable.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { source in
                for frame in 0..<frames {
                    let pixels = source.baseAddress! + frame * plane * 3
                    for channel in 0..<3 {
                        let out = target + (frame * 3 + channel) * plane
                        let lookup = table.baseAddress! + channel * 256
                        for i in 0..<plane { out[i] = lookup[Int(pixels[3 * i + channel])] }
                    }
                }
            }
        }
        return Tensor(shape: [frames, 3, size, size], storage: storage)
    }

    /// 3 x 256 normalised values, R then G then B, from `CLIPPreprocessing.normalized`.
    static let normalisationTable: [Float] = (0..<3).flatMap { channel in
        (0..<256).map { CLIPPreprocessing.clip.normalized(UInt8($0), channel: channel) }
    }

    /// The background of every frame: grey `video.background` plus per-pixel noise in -6...6,
    /// the same in every frame (a fixed pattern, like a camera's), so it carries no motion cue.
    static func backgroundBytes(_ video: SynthVTTVideo, size: Int) -> [UInt8] {
        var random = RandomGenerator(seed: video.backgroundSeed)
        var bytes = [UInt8](repeating: 0, count: size * size * 3)
        for pixel in 0..<(size * size) {
            let value = UInt8(clamping: Int(video.background) + random.nextInt(below: 13) - 6)
            bytes[3 * pixel] = value
            bytes[3 * pixel + 1] = value
            bytes[3 * pixel + 2] = value
        }
        return bytes
    }

    /// Blends `object` centred at (`x`, `y`) (1/1024 of the side) into one frame.
    static func draw(_ object: SynthVTTObject, x: Float, y: Float, into frame: UnsafeMutablePointer<UInt8>, size: Int) {
        let scale = Float(size) / Float(SynthVTTVideo.unitsPerSide)
        let centre = (x: x * scale, y: y * scale)
        let radius = Float(object.size.radius) * scale
        let colour = object.colour.rgb
        let ink: [Float] = [Float(colour.red), Float(colour.green), Float(colour.blue)]
        // The diamond reaches 1.15 r, and anti-aliasing half a pixel beyond any edge.
        let reach = 1.2 * radius + 1
        let left = max(0, Int((centre.x - reach).rounded(.down)))
        let right = min(size - 1, Int((centre.x + reach).rounded(.up)))
        let top = max(0, Int((centre.y - reach).rounded(.down)))
        let bottom = min(size - 1, Int((centre.y + reach).rounded(.up)))
        guard left <= right, top <= bottom else { return }
        for row in top...bottom {
            for column in left...right {
                // Pixel centres sit at half-integers.
                let distance = signedDistance(object.shape, x: Float(column) + 0.5 - centre.x,
                                              y: Float(row) + 0.5 - centre.y, radius: radius)
                let coverage = min(1, max(0, 0.5 - distance))
                guard coverage > 0 else { continue }
                let offset = (row * size + column) * 3
                for channel in 0..<3 {
                    let old = Float(frame[offset + channel])
                    frame[offset + channel] = UInt8((old + (ink[channel] - old) * coverage).rounded())
                }
            }
        }
    }

    /// Distance in pixels from (`x`, `y`) (relative to the centre, y down) to the shape's edge,
    /// negative inside. Exact for the circle; the polygon distances are the largest edge-line
    /// distance, exact near edges, which is all one pixel of anti-aliasing needs.
    static func signedDistance(_ shape: SynthVTTShape, x: Float, y: Float, radius r: Float) -> Float {
        switch shape {
        case .circle:
            return (x * x + y * y).squareRoot() - r
        case .square:
            // A slightly smaller half side, so the square's area is close to the circle's.
            return max(abs(x), abs(y)) - 0.88 * r
        case .diamond:
            return (abs(x) + abs(y) - 1.15 * r) * 0.70710678
        case .cross:
            let arm = 0.36 * r
            let horizontal = max(abs(x) - r, abs(y) - arm)
            let vertical = max(abs(x) - arm, abs(y) - r)
            return min(horizontal, vertical)
        case .triangle:
            // Apex up at -r, base at +0.8 r, half base r: edges through (0, -r) and (±r, 0.8 r).
            let base = y - 0.8 * r
            // Outward normal of the right edge (from (0,-r) to (r, 0.8r)) is (1.8, -1) normalised.
            let side = (1.8 * abs(x) - (y + r) * 1.0) / (1.8 * 1.8 + 1).squareRoot()
            return max(base, side)
        }
    }
}
