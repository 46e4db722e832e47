import Foundation
import Testing
import ZooTestSupport
@testable import ZooNN

/// Tests of the safetensors reader and writer. Corrupted files are built in memory.
@Suite("Safetensors")
struct SafetensorsTests {
    // MARK: Helpers

    /// A file under the project's `Tests/Fixtures` (copies of the PyTorch-made fixtures).
    static func fixture(_ path: String) throws -> URL {
        let url = fixturesDirectory.appendingPathComponent(path)
        try #require(FileManager.default.fileExists(atPath: url.path), "missing fixture \(url.path)")
        return url
    }

    static func tinyClipBytes() throws -> Data {
        try Data(contentsOf: fixture("tiny-clip/model.safetensors"))
    }

    /// A file with the given header text (unpadded) and `dataBytes` zero bytes of data.
    static func file(_ header: String, dataBytes: Int = 0) -> Data {
        file(headerBytes: Array(header.utf8), data: [UInt8](repeating: 0, count: dataBytes))
    }

    static func file(headerBytes: [UInt8], data: [UInt8]) -> Data {
        var bytes = withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { Array($0) }
        bytes += headerBytes + data
        return Data(bytes)
    }

    /// Splits a real file into header text and data, so a test can edit the header and reassemble.
    static func split(_ data: Data) -> (header: String, data: [UInt8]) {
        let length = Int(data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        let header = String(decoding: data[8..<(8 + length)], as: UTF8.self)
        return (header, Array(data[(8 + length)...]))
    }

    /// The error opening `data` throws (nil if it opens).
    static func openError(_ data: Data) -> SafetensorsError? {
        do {
            _ = try SafetensorsFile(data: data, source: "test.safetensors")
            return nil
        } catch {
            return error
        }
    }

    /// The enum case name of an error, e.g. "offsetOutOfRange", so tests can name the expected case.
    static func caseName(_ error: SafetensorsError?) -> String {
        guard let error else { return "no error" }
        return Mirror(reflecting: error).children.first?.label ?? "\(error)"
    }

    static func entryJSON(_ name: String, _ dtype: String = "F32", _ shape: String = "[2]",
                          _ offsets: String = "[0,8]") -> String {
        "\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(offsets)}"
    }

    // MARK: Round trips

    @Test("every float dtype round-trips values it represents exactly",
          arguments: [SafetensorsDType.float32, .float16, .bfloat16, .float64])
    func floatRoundTrip(dtype: SafetensorsDType) throws {
        let values: [Float] = [0, -0.0, 1, -2.5, 0.15625, 3, 1024, -.infinity, .infinity]
        var writer = SafetensorsWriter()
        try writer.add("t", floats: values, shape: [3, 3], dtype: dtype)
        let file = try SafetensorsFile(data: try writer.serialized(), source: "rt")
        #expect(file.entry("t")?.dtype == dtype)
        #expect(file.entry("t")?.shape == [3, 3])
        #expect(file.entry("t")?.byteCount == 9 * dtype.byteSize)
        let read = try file.floats("t")
        #expect(read.map(\.bitPattern) == values.map(\.bitPattern))
    }

    @Test("every integer dtype round-trips its extreme values",
          arguments: [SafetensorsDType.int64, .int32, .int16, .int8, .uint8, .bool])
    func integerRoundTrip(dtype: SafetensorsDType) throws {
        let range = try #require(dtype.integerRange)
        let values = [range.lowerBound, range.upperBound, 0, 1, range.upperBound, range.lowerBound]
        var writer = SafetensorsWriter()
        try writer.add("t", integers: values, shape: [2, 3], dtype: dtype)
        let file = try SafetensorsFile(data: try writer.serialized(), source: "rt")
        #expect(file.entry("t")?.dtype == dtype)
        #expect(try file.integers("t") == values)
    }

    @Test("scalars and zero-sized tensors round-trip")
    func scalarAndEmpty() throws {
        var writer = SafetensorsWriter()
        try writer.add("scalar", floats: [4.5], shape: [])
        try writer.add("empty", floats: [], shape: [0, 3])
        try writer.add("none", integers: [], shape: [2, 0])
        let file = try SafetensorsFile(data: try writer.serialized(), source: "rt")
        #expect(try file.floats("scalar") == [4.5])
        #expect(file.entry("scalar")?.elementCount == 1)
        #expect(try file.floats("empty").isEmpty)
        #expect(file.entry("empty")?.shape == [0, 3])
        #expect(try file.integers("none").isEmpty)
    }

    @Test("metadata and names with quotes, backslashes and non-ASCII round-trip")
    func metadataRoundTrip() throws {
        let metadata = ["format": "pt", "note": "a \"quoted\" \\ line\nbreak, 東京 🎬\u{1}"]
        var writer = SafetensorsWriter(metadata: metadata)
        try writer.add("weird \"name\" é", floats: [1], shape: [1])
        let file = try SafetensorsFile(data: try writer.serialized(), source: "rt")
        #expect(file.metadata == metadata)
        #expect(file.names == ["weird \"name\" é"])
    }

    // MARK: Fixtures

    @Test("tiny-clip lists its 78 tensors with the expected shapes, ordered by offset")
    func tinyClipEntries() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("tiny-clip/model.safetensors"))
        #expect(file.entries.count == 78)
        #expect(file.metadata == ["format": "pt"])
        let expected: [String: [Int]] = [
            "logit_scale": [],
            "text_model.embeddings.token_embedding.weight": [49408, 64],
            "text_model.embeddings.position_embedding.weight": [77, 64],
            "text_model.encoder.layers.0.mlp.fc1.weight": [128, 64],
            "vision_model.embeddings.patch_embedding.weight": [64, 3, 8, 8],
            "vision_model.embeddings.class_embedding": [64],
            "visual_projection.weight": [32, 64],
        ]
        for (name, shape) in expected {
            #expect(file.entry(name)?.shape == shape, "\(name)")
            #expect(file.entry(name)?.dtype == .float32, "\(name)")
        }
        #expect(file.entries.map(\.byteOffset) == file.entries.map(\.byteOffset).sorted())
        #expect(file.entries.last.map { $0.byteOffset + $0.byteCount } == 13_284_276)
    }

    @Test("tiny-clip F32 values read back as stored")
    func tinyClipValues() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("tiny-clip/model.safetensors"))
        let scale = try file.floats("logit_scale")
        #expect(scale.count == 1 && abs(scale[0] - 2.6592) < 1e-6)
        let name = "text_model.embeddings.token_embedding.weight"
        let values = try file.floats(name)
        #expect(values.count == 49408 * 64)
        let sameBytes = try file.withRawBytes(name) { raw in
            values.withUnsafeBytes { Data(raw) == Data($0) }
        }
        #expect(sameBytes)  // F32 on a little-endian host: the values are the file's bytes
        var copy = [Float](repeating: 0, count: values.count)
        try copy.withUnsafeMutableBufferPointer { try file.copyFloats(name, into: $0) }
        #expect(copy == values)
    }

    @Test("writer reproduces the tiny-clip file byte for byte")
    func tinyClipRewrite() throws {
        let original = try Self.tinyClipBytes()
        let file = try SafetensorsFile(data: original, source: "model.safetensors")
        var writer = SafetensorsWriter(metadata: file.metadata)
        for entry in file.entries { try writer.add(entry.name, floats: try file.floats(entry.name), shape: entry.shape) }
        #expect(try writer.serialized() == original)
    }

    @Test("parity symmetric-ce inputs hold logits as F32 [4, 4]")
    func parityLogits() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("parity/symmetric-ce/inputs.safetensors"))
        #expect(file.entry("logits")?.dtype == .float32)
        #expect(file.entry("logits")?.shape == [4, 4])
        #expect(try file.floats("logits").count == 16)
    }

    @Test("parity clip4clip-meanp video_mask reads as I64 zeros and ones")
    func parityMask() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("parity/clip4clip-meanp/inputs.safetensors"))
        #expect(file.entry("video_mask")?.dtype == .int64)
        #expect(file.entry("video_mask")?.shape == [4, 6])
        let mask = try file.integers("video_mask")
        #expect(mask.count == 24 && mask.allSatisfy { $0 == 0 || $0 == 1 } && mask.contains(1))
    }

    @Test("every parity fixture file opens")
    func parityAll() throws {
        // Cases of methods not built yet wait in parity-planned/ (same format).
        let roots = [try Self.fixture("parity"), try Self.fixture("parity-planned")]
        let cases = try roots.flatMap { root in
            try FileManager.default.contentsOfDirectory(atPath: root.path).filter { !$0.hasSuffix(".md") }.map { root.appendingPathComponent($0) }
        }
        #expect(cases.count == 12)
        for directory in cases {
            let name = directory.lastPathComponent
            for part in ["weights", "inputs", "outputs"] {
                let url = directory.appendingPathComponent("\(part).safetensors")
                #expect(throws: Never.self, "\(name)/\(part)") { _ = try SafetensorsFile(contentsOf: url) }
            }
        }
    }

    @Test("an empty writer produces the same 16 bytes as the empty parity weights file")
    func emptyFile() throws {
        let fixture = try Data(contentsOf: Self.fixture("parity/symmetric-ce/weights.safetensors"))
        #expect(try SafetensorsWriter().serialized() == fixture)
        #expect(try SafetensorsFile(data: fixture, source: "empty").entries.isEmpty)
    }

    @Test("a missing file reports unreadableFile")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/dir/model.safetensors")
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(contentsOf: url) }
        #expect(Self.caseName(error) == "unreadableFile")
        #expect(error?.description.contains(url.path) == true)
    }

    // MARK: Writing

    @Test("writer output is deterministic, sorted by name and 8-byte aligned")
    func deterministic() throws {
        var first = SafetensorsWriter(metadata: ["b": "2", "a": "1"])
        try first.add("zeta", floats: [1, 2, 3], shape: [3])
        try first.add("alpha", integers: [7], shape: [1], dtype: .int8)
        var second = SafetensorsWriter(metadata: ["a": "1", "b": "2"])
        try second.add("alpha", integers: [7], shape: [1], dtype: .int8)
        try second.add("zeta", floats: [1, 2, 3], shape: [3])
        let bytes = try first.serialized()
        #expect(try bytes == second.serialized())
        let (header, data) = Self.split(bytes)
        #expect((8 + header.utf8.count) % 8 == 0)
        #expect(header.hasPrefix(#"{"__metadata__":{"a":"1","b":"2"},"alpha":{"dtype":"I8","shape":[1],"data_offsets":[0,1]},"zeta""#))
        let json = header.reversed().drop { $0 == " " }
        #expect(json.first == "}" && header.count - json.count < 8)  // padded with fewer than 8 spaces
        #expect(data.count == 13)
    }

    @Test("atomic write replaces an existing file and leaves no temporary files")
    func atomicWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("out.safetensors")
        try Data("old".utf8).write(to: url)
        var writer = SafetensorsWriter()
        try writer.add("w", floats: [1, 2], shape: [2])
        try writer.write(to: url)
        #expect(try Data(contentsOf: url) == writer.serialized())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.safetensors"])
        #expect(try SafetensorsFile(contentsOf: url).floats("w") == [1, 2])
    }

    @Test("a failed write reports writeFailed and leaves the target and directory untouched")
    func failedWrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString)")
        let target = directory.appendingPathComponent("taken")
        // A non-empty directory at the target path makes the final rename fail after the data is written.
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: target.appendingPathComponent("inside"))
        defer { try? FileManager.default.removeItem(at: directory) }
        var writer = SafetensorsWriter()
        try writer.add("w", floats: [1], shape: [1])
        let error = #expect(throws: SafetensorsError.self) { try writer.write(to: target) }
        #expect(Self.caseName(error) == "writeFailed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["taken"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path) == ["inside"])
        let missing = directory.appendingPathComponent("no/such/dir/x.safetensors")
        #expect(Self.caseName(#expect(throws: SafetensorsError.self) { try writer.write(to: missing) }) == "writeFailed")
    }

    // MARK: 16-bit conversions

    @Test("F16 widening gives the exact value for known bit patterns")
    func halfKnown() {
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x7BFF, 65504), (0x3555, 0.333251953125), (0x0400, 0x1p-14),
            (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24), (0x8001, -0x1p-24), (0x0000, 0),
            (0x7C00, .infinity), (0xFC00, -.infinity),
        ]
        for (bits, value) in cases { #expect(safetensorsHalfToFloat(bits) == value, "\(bits)") }
        #expect(safetensorsHalfToFloat(0x8000).bitPattern == (-0.0 as Float).bitPattern)
        #expect(safetensorsHalfToFloat(0x7E00).isNaN && safetensorsHalfToFloat(0xFD01).isNaN)
        #expect(safetensorsHalfToFloat(0xFE00).sign == .minus)
    }

    #if !(os(macOS) && arch(x86_64))
    @Test("F16 widening agrees with Float16 for all 65536 bit patterns")
    func halfExhaustive() {
        var mismatches = 0
        for bits in 0...UInt16.max {
            let ours = safetensorsHalfToFloat(bits), reference = Float(Float16(bitPattern: bits))
            if ours.isNaN ? !reference.isNaN : ours.bitPattern != reference.bitPattern { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test("F16 rounding agrees with Float16 on a sweep of float bit patterns")
    func halfRounding() {
        var mismatches = 0
        for step in UInt32(0)..<2_000_003 {
            let value = Float(bitPattern: step &* 2147)  // covers every exponent, both signs, ties
            let ours = safetensorsFloatToHalf(value), reference = Float16(value).bitPattern
            if value.isNaN ? (ours & 0x7FFF) <= 0x7C00 : ours != reference { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
    #endif

    @Test("BF16 widening and rounding handle ties, subnormals, infinity and NaN")
    func bfloat16() {
        #expect(safetensorsBFloat16ToFloat(0x3F80) == 1)
        #expect(safetensorsBFloat16ToFloat(0xC000) == -2)
        #expect(safetensorsBFloat16ToFloat(0x0001) == Float(bitPattern: 0x0001_0000))  // subnormal
        #expect(safetensorsBFloat16ToFloat(0x7F80) == .infinity)
        #expect(safetensorsBFloat16ToFloat(0xFF80) == -.infinity)
        #expect(safetensorsBFloat16ToFloat(0x7FC0).isNaN)
        #expect(safetensorsFloatToBFloat16(1 + 0x1p-8) == 0x3F80)      // tie rounds to even (down)
        #expect(safetensorsFloatToBFloat16(1 + 3 * 0x1p-8) == 0x3F82)  // tie rounds to even (up)
        #expect(safetensorsFloatToBFloat16(.greatestFiniteMagnitude) == 0x7F80)
        #expect(safetensorsFloatToBFloat16(Float(bitPattern: 0x7F80_0001)) & 0x7FFF > 0x7F80)  // NaN stays NaN
    }
}
