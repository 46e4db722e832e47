// CLIP preprocessing: torchvision's sizes and crop rounding, float32 normalisation, and the
// whole pipeline against the reference tensor that PIL + torchvision produced for a JPEG.
import Foundation
import Testing
import ZooData
import ZooTensor
import ZooTestSupport

@Suite("CLIP preprocessing")
struct CLIPPreprocessingTests {
    static let fixtures = fixturesDirectory.appendingPathComponent("clip-preprocess")

    @Test("franz-kafka.jpg decoded by ffmpeg and preprocessed matches CLIP's PIL/torchvision tensor",
          .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: install it with `apt-get install ffmpeg` to compare against the CLIP fixture"))
    func fixture() throws {
        let expected = try NumpyFile(contentsOf: Self.fixtures.appendingPathComponent("expected_preprocessed_image.npy"))
        #expect(expected.shape == [1, 3, 224, 224])
        let image = try RGBImage(contentsOf: Self.fixtures.appendingPathComponent("franz-kafka.jpg"))
        #expect(image.width == 450 && image.height == 655)
        let tensor = CLIPPreprocessing.clip(image)
        #expect(tensor.shape == [3, 224, 224])
        let errors = zip(tensor.scalars, expected.values).map { Double(abs($0 - $1)) }
        let meanError = errors.reduce(0, +) / Double(errors.count), maxError = errors.max() ?? .infinity
        // One 8-bit level is 1/255/std ≈ 0.0146 to 0.0150; the difference is JPEG decoding alone
        // (ffmpeg's IDCT vs libjpeg-turbo's), since resizing and normalising are exact.
        print("CLIP fixture: mean absolute error \(meanError), max error \(maxError)")
        #expect(meanError <= 0.01)
        #expect(maxError <= 0.1)
    }

    @Test("the same JPEG through PPM, i.e. identical pixels, gives a bit-identical tensor", .enabled(if: FFmpeg.isAvailable, "ffmpeg is not installed: install it with `apt-get install ffmpeg` to decode the fixture JPEG"))
    func deterministic() throws {
        let image = try RGBImage(contentsOf: Self.fixtures.appendingPathComponent("franz-kafka.jpg"))
        let folder = try TemporaryFolder()
        let viaPPM = try RGBImage(contentsOf: folder.write(image.ppmData(), to: "kafka.ppm"))
        #expect(CLIPPreprocessing.clip(viaPPM).scalars == CLIPPreprocessing.clip(image).scalars)
    }

    @Test("a known pixel is normalised with CLIP's mean and std in float32")
    func normalisation() {
        let clip = CLIPPreprocessing.clip
        // White: (1 - mean) / std; black: -mean / std; 128: (128/255 - mean) / std.
        let white: [Float] = [1.9303361, 2.0748837, 2.145897], black: [Float] = [-1.7922626, -1.7520971, -1.4802198]
        for c in 0..<3 {
            #expect(abs(clip.normalized(255, channel: c) - white[c]) < 1e-6)
            #expect(abs(clip.normalized(0, channel: c) - black[c]) < 1e-6)
            #expect(clip.normalized(128, channel: c) == (Float(128) / 255 - CLIPPreprocessing.clipMean[c]) / CLIPPreprocessing.clipStd[c])
        }
        // A constant image gives constant planes with exactly those values.
        let tensor = clip(RGBImage(width: 300, height: 250, red: 255, green: 0, blue: 128))
        #expect(tensor.shape == [3, 224, 224])
        let values = tensor.scalars, plane = 224 * 224
        #expect(values[0..<plane].allSatisfy { $0 == clip.normalized(255, channel: 0) })
        #expect(values[plane..<(2 * plane)].allSatisfy { $0 == clip.normalized(0, channel: 1) })
        #expect(values[(2 * plane)...].allSatisfy { $0 == clip.normalized(128, channel: 2) })
    }

    @Test("the tensor is channel-first R, G, B of the resized, centre-cropped image")
    func layout() {
        let image = noiseImage(width: 320, height: 240, seed: 5)
        let clip = CLIPPreprocessing.clip
        let expected = image.resizedBicubic(width: 298, height: 224).cropped(left: 37, top: 0, width: 224, height: 224)
        let cropped = clip.resizedAndCropped(image)
        #expect(cropped == expected)
        let values = clip(image).scalars
        for (x, y) in [(0, 0), (223, 0), (17, 101), (223, 223)] {
            let pixel = expected[x, y], index = y * 224 + x
            #expect(values[index] == clip.normalized(pixel.red, channel: 0))
            #expect(values[224 * 224 + index] == clip.normalized(pixel.green, channel: 1))
            #expect(values[2 * 224 * 224 + index] == clip.normalized(pixel.blue, channel: 2))
        }
    }

    @Test("other resolutions and crops, small images enlarged, and batches")
    func configurations() {
        let wide = noiseImage(width: 500, height: 200, seed: 8)
        let large = CLIPPreprocessing(imageSize: 336)
        #expect(large(wide).shape == [3, 336, 336])
        #expect(large.resizedSize(width: 500, height: 200) == (840, 336))
        let resizeThenCrop = CLIPPreprocessing(imageSize: 256, cropSize: 224)
        #expect(resizeThenCrop.resizedAndCropped(wide) == wide.resizedBicubic(width: 640, height: 256).centerCropped(width: 224, height: 224))
        let tiny = noiseImage(width: 3, height: 5, seed: 2)
        #expect(CLIPPreprocessing.clip(tiny).shape == [3, 224, 224])
        let batch = CLIPPreprocessing.clip([wide, tiny])
        #expect(batch.shape == [2, 3, 224, 224])
        #expect(Array(batch.scalars[(3 * 224 * 224)...]) == CLIPPreprocessing.clip(tiny).scalars)
    }

    @Test("reading a missing file throws, it does not crash")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/kafka.jpg")
        #expect(throws: ImageError.fileNotFound(path: url.path)) { try CLIPPreprocessing.clip(contentsOf: url) }
    }
}
