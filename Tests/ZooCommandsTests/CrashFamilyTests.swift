// Issue #19's crash families, each driven through the real `zoo` program in its own process (so
// that a trap would show as a signal here, not take the test runner down): every one must end
// with exit 1 or 2 and a message naming the cause, never a signal or a Swift "Fatal error".
import Foundation
import Testing
import ZooNN
import ZooTestSupport

/// One hostile invocation: how to prepare it in a scratch folder, and what the refusal says.
struct CrashFamilyCase: CustomStringConvertible, Sendable {
    let family: String
    let expected: String
    let environment: [String: String]
    let prepare: @Sendable (URL) throws -> [String]

    init(_ family: String, expect expected: String, environment: [String: String] = [:], _ prepare: @escaping @Sendable (URL) throws -> [String]) {
        (self.family, self.expected, self.environment, self.prepare) = (family, expected, environment, prepare)
    }

    var description: String { family }
}

private let tinyCLIP = fixturesDirectory.appendingPathComponent("tiny-clip")

/// The tiny CLIP folder with one edit of its config.json (the weights linked, not copied).
private func editedCLIP(in folder: URL, _ edit: (inout [String: Any]) -> Void) throws -> String {
    let copy = folder.appendingPathComponent("clip")
    try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
    var config = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: tinyCLIP.appendingPathComponent("config.json"))) as? [String: Any])
    edit(&config)
    try JSONSerialization.data(withJSONObject: config).write(to: copy.appendingPathComponent("config.json"))
    try FileManager.default.createSymbolicLink(at: copy.appendingPathComponent("model.safetensors"),
                                               withDestinationURL: tinyCLIP.appendingPathComponent("model.safetensors"))
    return copy.path
}

private func features(in folder: URL, text: [Int], frames: [Int], mask: [Float]? = nil) throws -> String {
    var writer = SafetensorsWriter()
    try writer.add("text", floats: [Float](repeating: 0.1, count: text.reduce(1, *)), shape: text)
    try writer.add("frames", floats: [Float](repeating: 0.2, count: frames.reduce(1, *)), shape: frames)
    if let mask { try writer.add("video_mask", floats: mask, shape: Array(frames.prefix(2))) }
    let url = folder.appendingPathComponent("inputs.safetensors")
    try writer.write(to: url)
    return url.path
}

private let meanPWeights = fixturesDirectory.appendingPathComponent("parity/clip4clip-meanp/weights.safetensors").path

let crashFamilies: [CrashFamilyCase] = [
    CrashFamilyCase("zero patch_size in a Hugging Face config", expect: "patchSize") { folder in
        ["embed", "clip-tiny", "--text", "a dog", "--json", "--weights",
         try editedCLIP(in: folder) { config in var vision = config["vision_config"] as! [String: Any]; vision["patch_size"] = 0; config["vision_config"] = vision }]
    },
    CrashFamilyCase("negative layer count in a Hugging Face config", expect: "textLayers") { folder in
        ["embed", "clip-tiny", "--text", "a dog", "--json", "--weights",
         try editedCLIP(in: folder) { config in var text = config["text_config"] as! [String: Any]; text["num_hidden_layers"] = -1; config["text_config"] = text }]
    },
    CrashFamilyCase("a width of 10^12", expect: "available") { _ in
        ["train", "clip-tiny", "--set", "visionWidth=1000000000000", "--set", "visionHeads=1", "--steps", "1"]
    },
    CrashFamilyCase("a token embedding reshaped to 1-D in an OpenAI-layout file", expect: "token_embedding.weight has shape") { folder in
        var writer = SafetensorsWriter()
        try writer.add("visual.conv1.weight", floats: [Float](repeating: 0, count: 64 * 3 * 16 * 16), shape: [64, 3, 16, 16])
        try writer.add("visual.positional_embedding", floats: [Float](repeating: 0, count: 5 * 64), shape: [5, 64])
        try writer.add("visual.transformer.resblocks.0.mlp.c_fc.weight", floats: [Float](repeating: 0, count: 128 * 64), shape: [128, 64])
        try writer.add("token_embedding.weight", floats: [Float](repeating: 0, count: 640), shape: [640])
        let url = folder.appendingPathComponent("openai.safetensors")
        try writer.write(to: url)
        return ["embed", "clip-tiny", "--text", "a dog", "--json", "--weights", url.path]
    },
    CrashFamilyCase("a vocabulary smaller than the tokenizer's ids", expect: "at least 49408") { _ in
        ["train", "clip-tiny", "--set", "vocabSize=10", "--steps", "1"]
    },
    CrashFamilyCase("a --set that the checkpoint overrules", expect: "the checkpoint's own value wins") { _ in
        ["embed", "clip-tiny", "--weights", tinyCLIP.path, "--set", "textLayers=3", "--text", "a dog", "--json"]
    },
    CrashFamilyCase("a context of 10^9 tokens", expect: "from 2 to 4096") { _ in ["tokenize", "a dog", "--context", "1000000000"] },
    CrashFamilyCase("a PPM header promising 2^31 x 2 pixels", expect: "truncated") { folder in
        let url = folder.appendingPathComponent("huge.ppm")
        try Data("P6\n2147483648 2\n255\n".utf8).write(to: url)
        return ["embed", "clip-tiny", "--weights", tinyCLIP.path, "--image", url.path, "--json"]
    },
    CrashFamilyCase("a million frames per video", expect: "between 1 and 64") { _ in
        ["eval", "clip-tiny", "--weights", tinyCLIP.path, "--frames", "1000000"]
    },
    CrashFamilyCase("similarity with zero captions", expect: "nothing to score") { folder in
        ["similarity", "clip4clip-meanp", "--weights", meanPWeights, "--json", "--inputs", try features(in: folder, text: [0, 8], frames: [2, 2, 8])]
    },
    CrashFamilyCase("a video mask of -1", expect: "is -1.0") { folder in
        ["similarity", "clip4clip-meanp", "--weights", meanPWeights, "--json",
         "--inputs", try features(in: folder, text: [2, 8], frames: [2, 2, 8], mask: [1, -1, 1, 1])]
    },
    CrashFamilyCase("frame features narrower than the backbone, in training", expect: "16 wide") { folder in
        var writer = SafetensorsWriter()
        try writer.add("v0", floats: [Float](repeating: 0.5, count: 2 * 16), shape: [2, 16])
        try writer.write(to: folder.appendingPathComponent("features.safetensors"))
        try Data(#"{"train": [{"video": "v0", "caption": "a"}], "test": [{"video": "v0", "caption": "a"}]}"#.utf8)
            .write(to: folder.appendingPathComponent("captions.json"))
        return ["train", "clip-tiny", "--data", "features:\(folder.path)", "--steps", "1"]
    },
    CrashFamilyCase("a features folder without a training split, in training (never the test split instead)", expect: "no split 'train'") { folder in
        var writer = SafetensorsWriter()
        try writer.add("v0", floats: [Float](repeating: 0.5, count: 2 * 32), shape: [2, 32])
        try writer.write(to: folder.appendingPathComponent("features.safetensors"))
        try Data(#"{"test": [{"video": "v0", "caption": "a"}]}"#.utf8).write(to: folder.appendingPathComponent("captions.json"))
        return ["train", "clip-tiny", "--data", "features:\(folder.path)", "--steps", "1"]
    },
    CrashFamilyCase("--out naming the weights it reads", expect: "--force") { folder in
        let weights = folder.appendingPathComponent("weights.safetensors")
        try FileManager.default.copyItem(at: URL(fileURLWithPath: meanPWeights), to: weights)
        return ["similarity", "clip4clip-meanp", "--weights", weights.path, "--out", weights.path,
                "--inputs", fixturesDirectory.appendingPathComponent("parity/clip4clip-meanp/inputs.safetensors").path]
    },
    CrashFamilyCase("an MLP ratio of Int.max (the widths it multiplies would overflow)", expect: "more than 9 EB") { _ in
        ["train", "clip-tiny", "--set", "mlpRatio=9223372036854775807", "--steps", "1"]
    },
    CrashFamilyCase("X-CLIP with Int.max words (its square matrices)", expect: "more than 9 EB") { _ in
        ["similarity", "xclip", "--weights", meanPWeights, "--json", "--set", "words=9223372036854775807",
         "--inputs", fixturesDirectory.appendingPathComponent("parity/xclip/inputs.safetensors").path]
    },
    CrashFamilyCase("Int.max epochs (the planned steps would overflow)", expect: "a run may take") { _ in
        ["train", "mlp-student", "--epochs", "9223372036854775807"]
    },
    CrashFamilyCase("an initial value that loaded weights replace", expect: "only sets the starting value") { _ in
        ["similarity", "clip4clip-meanp", "--weights", meanPWeights, "--json", "--set", "logitScaleInit=-1",
         "--inputs", fixturesDirectory.appendingPathComponent("parity/clip4clip-meanp/inputs.safetensors").path]
    },
    CrashFamilyCase("a Hugging Face config whose towers disagree on projection_dim", expect: "must agree") { folder in
        ["embed", "clip-tiny", "--text", "a dog", "--json", "--weights",
         try editedCLIP(in: folder) { config in var text = config["text_config"] as! [String: Any]; text["projection_dim"] = -64; config["text_config"] = text }]
    },
    CrashFamilyCase("a negative learning rate", expect: "--lr") { _ in ["train", "mlp-student", "--lr", "-1", "--steps", "1"] },
    CrashFamilyCase("an empty seed list", expect: "--seeds") { _ in ["compare", "mlp-student", "--seeds", ""] },
]

@Suite("Crash families, through the real program")
struct CrashFamilyTests {
    @Test("each ends with a message and exit 1 or 2, never a signal or a fatal error", arguments: crashFamilies)
    func refusedWithAMessage(_ family: CrashFamilyCase) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crash-family-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // best-effort cleanup
        let process = Process()
        process.executableURL = try zooExecutable()
        let arguments = try family.prepare(folder)
        // Runs write into the scratch folder, never into runs/ of the working directory.
        process.arguments = arguments + (["train", "compare"].contains(arguments.first ?? "") ? ["--out", folder.appendingPathComponent("run").path] : [])
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"].merging(family.environment) { $1 }) { $1 }
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "\(family): ended by a signal\n\(stderr)")
        #expect([1, 2].contains(process.terminationStatus), "\(family): exit \(process.terminationStatus)\n\(stderr)")
        #expect(!stderr.contains("Fatal error"), "\(stderr)")
        #expect(stderr.contains(family.expected), "\(family): \(stderr)")
    }
}
