import Foundation
import Testing
@testable import ZooNN

/// Every rejection path of the reader, the accessors and the writer, each with its own error case.
extension SafetensorsTests {
    // MARK: Framing

    @Test("a tiny-clip copy cut short inside the data reports dataTruncated")
    func truncatedData() throws {
        let error = Self.openError(try Self.tinyClipBytes().prefix(1_000_000))
        #expect(Self.caseName(error) == "dataTruncated")
        #expect(error == .dataTruncated(source: "test.safetensors", expectedBytes: 13_284_276, actualBytes: 1_000_000))
        #expect(error?.description.contains("truncated") == true)
    }

    @Test("a tiny-clip copy cut short inside the header reports headerTruncated")
    func truncatedHeader() throws {
        #expect(Self.caseName(Self.openError(try Self.tinyClipBytes().prefix(100))) == "headerTruncated")
        var huge = Data(repeating: 0xFF, count: 8)  // a length prefix of 2^64 - 1 must not trap
        huge.append(contentsOf: Array("{}".utf8))
        #expect(Self.caseName(Self.openError(huge)) == "headerTruncated")
    }

    @Test("a file shorter than 8 bytes reports fileTooShort")
    func tooShort() {
        #expect(Self.openError(Data([1, 2, 3])) == .fileTooShort(source: "test.safetensors", byteCount: 3))
    }

    @Test("a tiny-clip copy with corrupted header bytes reports headerNotJSON")
    func corruptedHeader() throws {
        var bytes = try Self.tinyClipBytes()
        bytes.replaceSubrange(40..<44, with: Array("}}]]".utf8))
        #expect(Self.caseName(Self.openError(bytes)) == "headerNotJSON")
        for header in ["", "{", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":\"\\x\"}", "{\"a\":01}", "{} x", "{\"a\":\"\u{1}\"}"] {
            #expect(Self.caseName(Self.openError(Self.file(header))) == "headerNotJSON", "\(header)")
        }
    }

    @Test("a header that is not valid UTF-8 reports headerNotUTF8")
    func notUTF8() {
        let error = Self.openError(Self.file(headerBytes: Array("{\"".utf8) + [0xC3, 0x28] + Array("\":1}".utf8), data: []))
        #expect(error == .headerNotUTF8(source: "test.safetensors"))
    }

    @Test("a header that is JSON but not an object reports headerNotObject")
    func notObject() {
        for header in ["[1,2]", "\"text\"", "42", "null"] {
            #expect(Self.openError(Self.file(header)) == .headerNotObject(source: "test.safetensors"))
        }
    }

    @Test("nesting thousands of levels deep is refused without crashing")
    func deepNesting() {
        let header = "{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(Self.caseName(Self.openError(Self.file(header))) == "headerNotJSON")
    }

    @Test("a repeated key, at top level or inside an entry, reports duplicateKey")
    func duplicateKey() {
        let top = "{\(Self.entryJSON("w")),\(Self.entryJSON("w"))}"
        #expect(Self.openError(Self.file(top, dataBytes: 8)) == .duplicateKey(source: "test.safetensors", key: "w"))
        let nested = #"{"w":{"dtype":"F32","dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#
        #expect(Self.openError(Self.file(nested, dataBytes: 8)) == .duplicateKey(source: "test.safetensors", key: "w.dtype"))
    }

    // MARK: Entries

    @Test("an entry without dtype, shape or data_offsets reports missingField",
          arguments: ["dtype", "shape", "data_offsets"])
    func missingField(field: String) {
        let all = ["dtype": "\"F32\"", "shape": "[2]", "data_offsets": "[0,8]"]
        let body = all.filter { $0.key != field }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",")
        let error = Self.openError(Self.file("{\"w\":{\(body)}}", dataBytes: 8))
        #expect(error == .missingField(source: "test.safetensors", tensor: "w", field: field))
    }

    @Test("entry fields of the wrong JSON type report malformedEntry",
          arguments: [
              #"{"w":5}"#, #"{"w":{"dtype":5,"shape":[2],"data_offsets":[0,8]}}"#,
              #"{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#,
              #"{"w":{"dtype":"F32","shape":[2.0],"data_offsets":[0,8]}}"#,
              #"{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,8]}}"#,
              #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8]}}"#,
              #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#,
              #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8,16]}}"#,
              #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,1e1]}}"#,
          ])
    func malformedEntry(header: String) {
        #expect(Self.caseName(Self.openError(Self.file(header, dataBytes: 8))) == "malformedEntry")
    }

    @Test("metadata that is not a string map reports malformedMetadata")
    func malformedMetadata() {
        for metadata in [#"{"k":1}"#, #"[]"#, #""text""#] {
            let header = "{\"__metadata__\":\(metadata)}"
            #expect(Self.caseName(Self.openError(Self.file(header))) == "malformedMetadata", "\(metadata)")
        }
    }

    @Test("a negative dimension reports negativeDimension")
    func negativeDimension() {
        let error = Self.openError(Self.file("{\(Self.entryJSON("w", "F32", "[-2,-1]", "[0,8]"))}", dataBytes: 8))
        #expect(error == .negativeDimension(source: "test.safetensors", tensor: "w", shape: [-2, -1]))
    }

    @Test("a shape whose byte size overflows reports shapeTooLarge instead of trapping")
    func shapeTooLarge() {
        for shape in ["[9223372036854775807,2]", "[4611686018427387904]", "[3037000500,3037000500]"] {
            let error = Self.openError(Self.file("{\(Self.entryJSON("w", "F32", shape, "[0,8]"))}", dataBytes: 8))
            #expect(Self.caseName(error) == "shapeTooLarge", "\(shape)")
        }
    }

    @Test("an unsupported dtype reports unknownDType")
    func unknownDType() {
        let error = Self.openError(Self.file("{\(Self.entryJSON("w", "F8_E4M3", "[8]", "[0,8]"))}", dataBytes: 8))
        #expect(error == .unknownDType(source: "test.safetensors", tensor: "w", dtype: "F8_E4M3"))
    }

    @Test("data_offsets with begin after end report invertedOffsets")
    func invertedOffsets() {
        let error = Self.openError(Self.file("{\(Self.entryJSON("w", "F32", "[2]", "[8,0]"))}", dataBytes: 8))
        #expect(error == .invertedOffsets(source: "test.safetensors", tensor: "w", begin: 8, end: 0))
    }

    @Test("a byte span that disagrees with shape and dtype reports byteCountMismatch")
    func byteCountMismatch() {
        let error = Self.openError(Self.file("{\(Self.entryJSON("w", "F16", "[2]", "[0,8]"))}", dataBytes: 8))
        #expect(error == .byteCountMismatch(source: "test.safetensors", tensor: "w", dtype: .float16, shape: [2],
                                            expected: 4, actual: 8))
    }

    // MARK: Layout

    @Test("a tiny-clip copy with an offset past the data reports offsetOutOfRange")
    func outOfRange() throws {
        let (header, data) = Self.split(try Self.tinyClipBytes())
        let edited = header.replacingOccurrences(of: #""data_offsets":[0,4]"#, with: #""data_offsets":[20000000,20000004]"#)
        #expect(edited != header)
        let error = Self.openError(Self.file(headerBytes: Array(edited.utf8), data: data))
        #expect(error == .offsetOutOfRange(source: "test.safetensors", tensor: "logit_scale", end: 20_000_004,
                                           bufferSize: data.count))
    }

    @Test("tensors sharing bytes report overlappingTensors")
    func overlapping() {
        let header = "{\(Self.entryJSON("a", "F32", "[2]", "[0,8]")),\(Self.entryJSON("b", "F32", "[2]", "[4,12]"))}"
        #expect(Self.openError(Self.file(header, dataBytes: 12))
            == .overlappingTensors(source: "test.safetensors", first: "a", second: "b"))
    }

    @Test("a gap between tensors or trailing bytes report uncoveredBytes")
    func uncovered() {
        let gap = "{\(Self.entryJSON("a", "F32", "[1]", "[0,4]")),\(Self.entryJSON("b", "F32", "[1]", "[8,12]"))}"
        #expect(Self.openError(Self.file(gap, dataBytes: 12)) == .uncoveredBytes(source: "test.safetensors", begin: 4, end: 8))
        let trailing = "{\(Self.entryJSON("a", "F32", "[1]", "[0,4]"))}"
        #expect(Self.openError(Self.file(trailing, dataBytes: 6)) == .uncoveredBytes(source: "test.safetensors", begin: 4, end: 6))
    }

    @Test("every proper prefix of a valid file is rejected")
    func everyPrefix() throws {
        let bytes = try Data(contentsOf: Self.fixture("parity/clip4clip-meanp/inputs.safetensors"))
        for length in 0..<bytes.count { #expect(Self.openError(bytes.prefix(length)) != nil, "\(length)") }
    }

    @Test("randomly corrupted headers never crash the reader")
    func fuzz() throws {
        let bytes = try Data(contentsOf: Self.fixture("parity/clip4clip-meanp/inputs.safetensors"))
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15  // SplitMix64: deterministic, so failures reproduce
        func next() -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        let alphabet = Array("{}[]\",:0123456789-e.\\ FIU".utf8)
        for _ in 0..<3000 {
            var copy = bytes
            for _ in 0..<(1 + next() % 3) {
                copy[8 + next() % 200] = alphabet[next() % alphabet.count]  // header is 200 bytes
            }
            guard let file = try? SafetensorsFile(data: copy, source: "fuzz") else { continue }
            for entry in file.entries {  // whatever validated must also read
                _ = entry.dtype.isFloatingPoint ? try file.floats(entry.name).count : try file.integers(entry.name).count
            }
        }
    }

    // MARK: Accessors

    @Test("an unknown tensor name reports tensorNotFound with close names")
    func notFound() throws {
        let file = try SafetensorsFile(data: Self.tinyClipBytes(), source: "model.safetensors")
        let error = #expect(throws: SafetensorsError.self) { try file.floats("text_model.embeddings.token_embeding.weight") }
        guard case let .tensorNotFound(_, name, suggestions) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(name == "text_model.embeddings.token_embeding.weight")
        #expect(suggestions.first == "text_model.embeddings.token_embedding.weight")
        #expect(error?.description.contains("Did you mean") == true)
        let fromEntry = #expect(throws: SafetensorsError.self) { try file.requireEntry("text_model.embeddings.token_embeding.weight") }
        #expect(fromEntry == error)
    }

    @Test("reading floats from an integer tensor or integers from a float tensor reports wrongDType")
    func wrongDType() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("parity/clip4clip-meanp/inputs.safetensors"))
        #expect(Self.caseName(#expect(throws: SafetensorsError.self) { try file.floats("video_mask") }) == "wrongDType")
        #expect(Self.caseName(#expect(throws: SafetensorsError.self) { try file.integers("text") }) == "wrongDType")
    }

    @Test("copyFloats into a buffer of the wrong size reports destinationSizeMismatch")
    func destinationSize() throws {
        let file = try SafetensorsFile(contentsOf: Self.fixture("parity/symmetric-ce/inputs.safetensors"))
        var buffer = [Float](repeating: 0, count: 15)
        let error = #expect(throws: SafetensorsError.self) {
            try buffer.withUnsafeMutableBufferPointer { try file.copyFloats("logits", into: $0) }
        }
        #expect(Self.caseName(error) == "destinationSizeMismatch")
    }

    @Test("F64 tensors are rounded to the nearest Float")
    func float64Narrowing() throws {
        let bits = withUnsafeBytes(of: (0.1 as Double).bitPattern.littleEndian) { Array($0) }
        let header = "{\(Self.entryJSON("d", "F64", "[1]", "[0,8]"))}      "
        #expect(try SafetensorsFile(data: Self.file(headerBytes: Array(header.utf8), data: bits), source: "d").floats("d")
            == [Float(0.1)])
    }

    // MARK: Writer validation

    @Test("the writer rejects a value count that differs from the shape's product")
    func writerCount() {
        var writer = SafetensorsWriter()
        #expect(throws: SafetensorsError.valueCountMismatch(tensor: "w", valueCount: 3, shape: [2, 2])) {
            try writer.add("w", floats: [1, 2, 3], shape: [2, 2])
        }
        #expect(throws: SafetensorsError.invalidShape(tensor: "w", shape: [-1])) { try writer.add("w", integers: [], shape: [-1]) }
    }

    @Test("the writer rejects a duplicate name and the reserved name __metadata__")
    func writerNames() throws {
        var writer = SafetensorsWriter()
        try writer.add("w", floats: [1], shape: [1])
        #expect(throws: SafetensorsError.duplicateTensor(tensor: "w")) { try writer.add("w", integers: [1], shape: [1]) }
        #expect(throws: SafetensorsError.reservedName(tensor: "__metadata__")) {
            try writer.add("__metadata__", floats: [1], shape: [1])
        }
    }

    @Test("the writer rejects integers outside the dtype's range and mismatched value kinds")
    func writerRanges() {
        var writer = SafetensorsWriter()
        #expect(throws: SafetensorsError.valueOutOfRange(tensor: "u", value: 256, dtype: .uint8)) {
            try writer.add("u", integers: [0, 256], shape: [2], dtype: .uint8)
        }
        #expect(throws: SafetensorsError.valueOutOfRange(tensor: "b", value: 2, dtype: .bool)) {
            try writer.add("b", integers: [2], shape: [1], dtype: .bool)
        }
        #expect(throws: SafetensorsError.writerDTypeMismatch(tensor: "f", dtype: .int32, valueKind: "floats")) {
            try writer.add("f", floats: [1], shape: [1], dtype: .int32)
        }
        #expect(throws: SafetensorsError.writerDTypeMismatch(tensor: "i", dtype: .float32, valueKind: "integers")) {
            try writer.add("i", integers: [1], shape: [1], dtype: .float32)
        }
    }
}
