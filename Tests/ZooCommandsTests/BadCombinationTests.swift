// Settings that cannot mean what they say are refused with the fix instead of being ignored:
// a `--set` of a run setting, a teacher without a loss, absurd frame counts, frame features of
// another width, and a similarity mask that is not 0/1.
import Foundation
import Testing
import ZooCommandLine
import ZooCommands
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip").path

private func zoo(_ arguments: String...) -> (status: Int32, output: String, errors: String) {
    runZoo([TrainCommand(registry: commandTestRegistry), EvalCommand(registry: commandTestRegistry),
            SimilarityCommand(registry: commandTestRegistry)], arguments)
}

@Suite("Settings that would be silently ignored")
struct BadCombinationTests {
    @Test("--set of a run setting names the flag to use")
    func setOfARunSetting() {
        let result = zoo("train", "mlp-student", "--set", "training=5", "--steps", "1")
        #expect(result.status == 1 && result.errors.contains("is a run setting"), "\(result.errors)")
    }

    @Test("a teacher without a distillation loss is refused before anything trains")
    func teacherWithoutLoss() {
        let result = zoo("train", "mlp-student", "--teacher", "mlp-teacher", "--teacher-weights", "unused.safetensors", "--steps", "1")
        #expect(result.status == 1 && result.errors.contains("no effect without a distillation loss"), "\(result.errors)")
    }

    @Test("frame counts past what the data can hold are refused at once")
    func absurdFrames() {
        let result = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--frames", "1000000")
        #expect(result.status == 1 && result.errors.contains("between 1 and 64"), "\(result.errors)")
    }

    @Test("--frames on image data, and another dataset's file option, are refused instead of ignored")
    func flagsOfAnotherDataset() {
        let frames = zoo("train", "mlp-student", "--frames", "4", "--steps", "1")
        #expect(frames.status == 1 && frames.errors.contains("--frames must be left out: digits holds images"), "\(frames.errors)")
        let path = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "synthvtt", "--features-file", "x.safetensors")
        #expect(path.status == 1 && path.errors.contains("--features-file must be left out: it moves a file of features:DIR"), "\(path.errors)")
    }

    @Test("a fractional or out-of-range number for an integer setting names the key")
    func fractionalIntegerSetting() {
        for value in ["1.5", "3.4e38", "99999999999999999999999"] {
            let result = zoo("train", "mlp-student", "--set", "hidden=[\(value)]", "--steps", "1")
            #expect(result.status == 1 && result.errors.contains("'hidden[0]' must be a whole number"), "\(value): \(result.errors)")
        }
    }

    @Test("--set embedDim on a head composed over a backbone of another width is refused, not replaced")
    func embedDimAgainstTheBackbone() {
        let result = zoo("train", "clip4clip-meanp", "--set", "embedDim=48", "--steps", "1")
        #expect(result.status == 1 && result.errors.contains("works at clip-tiny's embedding width (32)"), "\(result.errors)")
    }

    @Test("sizes of 10^12 are refused with the bytes asked for and the memory there is")
    func absurdSizes() {
        let result = zoo("train", "mlp-student", "--set", "hidden=[1000000000000]", "--steps", "1")
        #expect(result.status == 1 && result.errors.contains("TB for the weights") && result.errors.contains("available"), "\(result.errors)")
    }

    @Test("frame features of another width than the model reads are refused with both widths")
    func featureWidth() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("width-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        var writer = SafetensorsWriter()
        try writer.add("v0", floats: [Float](repeating: 0.5, count: 2 * 16), shape: [2, 16])
        try writer.write(to: folder.appendingPathComponent("features.safetensors"))
        try Data(#"{"test": [{"video": "v0", "caption": "a thing"}]}"#.utf8).write(to: folder.appendingPathComponent("captions.json"))
        let result = zoo("eval", "clip-tiny", "--weights", tinyCLIP, "--data", "features:\(folder.path)")
        #expect(result.status == 1 && result.errors.contains("16 wide") && result.errors.contains("32 wide"), "\(result.errors)")
    }

    @Test("similarity features holding NaN or infinity are refused with the tensor's name")
    func similarityNonFiniteFeatures() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nonfinite-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        for (key, value) in [("text", Float.nan), ("frames", Float.infinity)] {
            var text = [Float](repeating: 0.1, count: 2 * 4), frames = [Float](repeating: 0.2, count: 2 * 2 * 4)
            if key == "text" { text[5] = value } else { frames[5] = value }
            var writer = SafetensorsWriter()
            try writer.add("text", floats: text, shape: [2, 4])
            try writer.add("frames", floats: frames, shape: [2, 2, 4])
            let inputs = folder.appendingPathComponent("\(key).safetensors")
            try writer.write(to: inputs)
            let result = zoo("similarity", "clip4clip-meanp", "--weights", "unused.safetensors", "--inputs", inputs.path, "--json")
            #expect(result.status == 1, "\(key): \(result.errors)")
            #expect(result.errors.contains("'\(key)' holds") && result.errors.contains("flat index 5"), "\(key): \(result.errors)")
        }
    }

    @Test("a similarity mask that is not 0/1, or a video without a real frame, is refused")
    func similarityMasks() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mask-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        for (name, mask) in [("negative", [Float(1), -1, 1, 1]), ("empty", [Float(1), 1, 0, 0])] {
            var writer = SafetensorsWriter()
            try writer.add("text", floats: [Float](repeating: 0.1, count: 2 * 4), shape: [2, 4])
            try writer.add("frames", floats: [Float](repeating: 0.2, count: 2 * 2 * 4), shape: [2, 2, 4])
            try writer.add("video_mask", floats: mask, shape: [2, 2])
            let inputs = folder.appendingPathComponent("\(name).safetensors")
            try writer.write(to: inputs)
            let result = zoo("similarity", "clip4clip-meanp", "--weights", "unused.safetensors", "--inputs", inputs.path, "--json")
            #expect(result.status == 1, "\(name): \(result.errors)")
            #expect(result.errors.contains(name == "negative" ? "is -1.0" : "has no real frame"), "\(name): \(result.errors)")
        }
    }
}
