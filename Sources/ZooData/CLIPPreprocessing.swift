// CLIP's image preprocessing, as OpenAI's `clip.load` builds it with torchvision on PIL images:
// Resize(n, BICUBIC) → CenterCrop(n) → RGB → ToTensor() → Normalize(mean, std).
import Foundation
import ZooTensor

/// Turns an `RGBImage` into the normalised `[3, cropSize, cropSize]` float tensor a CLIP image
/// encoder takes, matching torchvision + PIL:
///
/// 1. resize so the short side is `resizeSize` (the long side becomes
///    `int(resizeSize * long / short)`), with PIL's antialiased BICUBIC filter in 8 bits
///    (`RGBImage.resizedBicubic`);
/// 2. centre-crop `cropSize` x `cropSize` (offsets `int(round((size - crop) / 2.0))`, halves to even);
/// 3. scale bytes to 0...1 (`/ 255`, float32) and normalise each channel: `(v - mean[c]) / std[c]`.
///
/// Only the cropped window is ever resized, which gives the same pixels as resizing everything.
/// Output: channel-first `[3, cropSize, cropSize]`, channels R, G, B; rows top to bottom.
public struct CLIPPreprocessing: Sendable, Equatable {
    /// OpenAI CLIP's per-channel mean (R, G, B) of 0...1 pixel values.
    public static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    /// OpenAI CLIP's per-channel standard deviation (R, G, B) of 0...1 pixel values.
    public static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    /// The short side after resizing, in pixels (224 for ViT-B/32 and ViT-B/16, 336 for ViT-L/14@336px).
    public var resizeSize: Int
    /// The side of the square centre crop, in pixels; at most `resizeSize`.
    public var cropSize: Int
    /// Per-channel mean (R, G, B), subtracted from 0...1 values.
    public var mean: [Float]
    /// Per-channel standard deviation (R, G, B), divided into the centred values.
    public var std: [Float]
    /// Which Pillow the resize reproduces (see `BicubicPassOrder`); Pillow <= 12 by default.
    public var passOrder: BicubicPassOrder

    /// CLIP's preprocessing at 224 pixels.
    public static let clip = CLIPPreprocessing()

    /// - Parameters:
    ///   - imageSize: the model's input resolution, used for both the resize and the crop
    ///     unless `cropSize` is given.
    ///   - cropSize: the crop side if it differs from `imageSize` (must not exceed it).
    ///   - mean, std: three values each, R G B; CLIP's by default.
    ///   - passOrder: `.pillow13` to match Pillow 13 instead of the Pillow CLIP was trained with.
    public init(imageSize: Int = 224, cropSize: Int? = nil, mean: [Float] = CLIPPreprocessing.clipMean,
                std: [Float] = CLIPPreprocessing.clipStd, passOrder: BicubicPassOrder = .horizontalFirst) {
        let crop = cropSize ?? imageSize
        precondition(imageSize > 0 && crop > 0 && crop <= imageSize,
                     "CLIPPreprocessing: need 0 < cropSize (\(crop)) <= imageSize (\(imageSize))")
        precondition(mean.count == 3 && std.count == 3 && std.allSatisfy { $0 != 0 },
                     "CLIPPreprocessing: mean and std need three values (R, G, B), std non-zero")
        self.resizeSize = imageSize
        self.cropSize = crop
        self.mean = mean
        self.std = std
        self.passOrder = passOrder
    }

    /// The size after the resize step for an input of `width` x `height`.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        RGBImage.resizedSize(width: width, height: height, shortSide: resizeSize)
    }

    /// Steps 1 and 2: the resized, centre-cropped `cropSize` x `cropSize` image, still 8-bit.
    public func resizedAndCropped(_ image: RGBImage) -> RGBImage {
        precondition(image.width > 0 && image.height > 0, "CLIPPreprocessing: the image is empty (\(image.width)x\(image.height))")
        let size = resizedSize(width: image.width, height: image.height)
        let (left, top) = RGBImage.centerCropOffsets(width: size.width, height: size.height, cropWidth: cropSize, cropHeight: cropSize)
        return image.resizedBicubic(width: size.width, height: size.height,
                                    columns: left..<(left + cropSize), rows: top..<(top + cropSize), passOrder: passOrder)
    }

    /// The whole pipeline: a `[3, cropSize, cropSize]` tensor (channel-first, normalised).
    public func callAsFunction(_ image: RGBImage) -> Tensor {
        let storage = TensorStorage(count: 3 * cropSize * cropSize)
        write(image, to: storage.pointer)
        return Tensor(shape: [3, cropSize, cropSize], storage: storage)
    }

    /// A batch: `[images.count, 3, cropSize, cropSize]`, one image after the other.
    public func callAsFunction(_ images: [RGBImage]) -> Tensor {
        let plane = 3 * cropSize * cropSize
        let storage = TensorStorage(count: images.count * plane)
        for (index, image) in images.enumerated() { write(image, to: storage.pointer + index * plane) }
        return Tensor(shape: [images.count, 3, cropSize, cropSize], storage: storage)
    }

    /// Reads the image at `url` (see `RGBImage(contentsOf:ffmpeg:)`) and preprocesses it.
    public func callAsFunction(contentsOf url: URL, ffmpeg: FFmpeg = FFmpeg()) throws(ImageError) -> Tensor {
        self(try RGBImage(contentsOf: url, ffmpeg: ffmpeg))
    }

    /// The normalised value of byte `value` in `channel`, computed as torchvision does in float32:
    /// `(Float(value) / 255 - mean) / std`.
    public func normalized(_ value: UInt8, channel: Int) -> Float {
        (Float(value) / 255 - mean[channel]) / std[channel]
    }

    /// Resizes, crops and normalises `image` into `3 * cropSize * cropSize` floats at `target`.
    private func write(_ image: RGBImage, to target: UnsafeMutablePointer<Float>) {
        let cropped = resizedAndCropped(image)
        // One lookup table per channel: 256 float32 results of exactly torchvision's arithmetic.
        var table = [Float](repeating: 0, count: 3 * 256)
        for channel in 0..<3 {
            for value in 0..<256 { table[channel * 256 + value] = normalized(UInt8(value), channel: channel) }
        }
        let planeSize = cropSize * cropSize
        cropped.pixels.withUnsafeBufferPointer { source in
            table.withUnsafeBufferPointer { lookup in
                for channel in 0..<3 {
                    let plane = target + channel * planeSize
                    let values = lookup.baseAddress! + channel * 256
                    for i in 0..<planeSize { plane[i] = values[Int(source[3 * i + channel])] }
                }
            }
        }
    }
}
