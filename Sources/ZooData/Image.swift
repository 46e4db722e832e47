// The zoo's decoded image: 8-bit RGB, row-major, interleaved. Decoding lives in ImageDecoding.swift
// (PPM natively, anything else through ffmpeg), resizing in ImageResampling.swift.

/// An 8-bit RGB image: `height` rows of `width` pixels, each pixel three bytes R, G, B.
///
/// `pixels[(y * width + x) * 3 + c]` is channel `c` (0 red, 1 green, 2 blue) of the pixel in
/// column `x`, row `y` (row 0 at the top), in 0...255.
public struct RGBImage: Equatable, Hashable, Sendable {
    /// Columns, in pixels.
    public let width: Int
    /// Rows, in pixels.
    public let height: Int
    /// `width * height * 3` bytes, row-major, interleaved RGB.
    public private(set) var pixels: [UInt8]

    /// An image over `pixels` (`width * height * 3` bytes, row-major RGB).
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
        precondition(pixels.count == width * height * 3,
                     "RGBImage: \(pixels.count) bytes cannot hold \(width)x\(height) RGB pixels (need \(width * height * 3))")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of one colour.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        precondition(width >= 0 && height >= 0, "RGBImage: negative size \(width)x\(height)")
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i < buffer.count { buffer[i] = red; buffer[i + 1] = green; buffer[i + 2] = blue; i += 3 }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// Builds an image by asking `body` for the (r, g, b) of each column `x` and row `y`.
    public init(width: Int, height: Int, _ body: (_ x: Int, _ y: Int) -> (UInt8, UInt8, UInt8)) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var i = 0
        for y in 0..<height {
            for x in 0..<width {
                let (r, g, b) = body(x, y)
                pixels[i] = r; pixels[i + 1] = g; pixels[i + 2] = b
                i += 3
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    /// The (r, g, b) of the pixel in column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "RGBImage: pixel (\(x), \(y)) outside \(width)x\(height)")
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The `width` x `height` region whose top-left pixel is (`left`, `top`). The region must lie
    /// inside the image.
    public func cropped(left: Int, top: Int, width: Int, height: Int) -> RGBImage {
        precondition(left >= 0 && top >= 0 && width >= 0 && height >= 0
                     && left + width <= self.width && top + height <= self.height,
                     "RGBImage: crop \(width)x\(height) at (\(left), \(top)) does not fit in \(self.width)x\(self.height)")
        var result = [UInt8](repeating: 0, count: width * height * 3)
        let rowBytes = width * 3
        pixels.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                guard rowBytes > 0, let from = source.baseAddress, let to = target.baseAddress else { return }
                for y in 0..<height {
                    (to + y * rowBytes).update(from: from + ((top + y) * self.width + left) * 3, count: rowBytes)
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: result)
    }

    /// Offsets of a centred `cropWidth` x `cropHeight` window, rounded as torchvision's
    /// `center_crop` does: `int(round((size - crop) / 2.0))`, where Python rounds halves to even
    /// (a 225-pixel side cropped to 224 starts at 0, a 227-pixel side at 2).
    public static func centerCropOffsets(width: Int, height: Int, cropWidth: Int, cropHeight: Int) -> (left: Int, top: Int) {
        func offset(_ size: Int, _ crop: Int) -> Int { Int((Double(size - crop) / 2.0).rounded(.toNearestOrEven)) }
        return (offset(width, cropWidth), offset(height, cropHeight))
    }

    /// The centred `width` x `height` window (torchvision's `CenterCrop` rounding, see
    /// `centerCropOffsets`). The window must not be larger than the image.
    public func centerCropped(width: Int, height: Int) -> RGBImage {
        let (left, top) = RGBImage.centerCropOffsets(width: self.width, height: self.height, cropWidth: width, cropHeight: height)
        return cropped(left: left, top: top, width: width, height: height)
    }
}

extension RGBImage: CustomStringConvertible {
    public var description: String { "RGBImage(\(width)x\(height))" }
}
