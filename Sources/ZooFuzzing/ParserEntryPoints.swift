// The entry points of FuzzTarget.all. Each decodes its input as the product would (the same
// initialiser a command calls) and, when the input is accepted, checks the result's promises
// with `require`, which traps so that libFuzzer records the input as a crash.
#if canImport(CLIP)
import CLIP
#endif
import Foundation
import ZooCore
import ZooData
import ZooManifest
import ZooNN

enum ParserEntryPoints {
    /// A broken promise of an accepted input: a crash, which is what the fuzzer looks for.
    static func require(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("fuzzing invariant broken: \(message())") }
    }

    /// The parsers reject such inputs anyway; libFuzzer's default -max_len is far below it.
    static let largestInput = 1 << 20

    @Sendable static func safetensors(_ bytes: [UInt8]) -> FuzzOutcome {
        let file: SafetensorsFile
        do { file = try SafetensorsFile(data: Data(bytes), source: "fuzz.safetensors") } catch { return .refused(error) }
        for entry in file.entries {
            require(entry.byteOffset >= 0 && entry.byteCount >= 0, "\(entry.name): negative offset or size")
            require(entry.shape.reduce(1, *) * entry.dtype.byteSize == entry.byteCount, "\(entry.name): shape and size disagree")
            do {
                let count = entry.dtype.isFloatingPoint ? try file.floats(entry.name).count : try file.integers(entry.name).count
                require(count == entry.elementCount, "\(entry.name): read \(count) of \(entry.elementCount) values")
            } catch {
                require(false, "\(entry.name): an accepted tensor cannot be read: \(error)")
            }
        }
        return .accepted
    }

#if canImport(CLIP)
    @Sendable static func clipState(_ bytes: [UInt8]) -> FuzzOutcome {
        do {
            let state = try SafetensorsFile(data: Data(bytes), source: "fuzz.safetensors").tensors()
            // The initialiser validates every size it infers (positive, divides) before anything is built.
            // One head each, so that the seeds can be narrow (an OpenAI file stores no head count).
            var heads = CLIPConfiguration.Settings()
            (heads.visionHeads, heads.textHeads) = (1, 1)
            _ = try CLIPConfiguration(openAIState: state, headsFrom: CLIPConfiguration(settings: heads), source: "fuzz.safetensors")
        } catch {
            return .refused(error)
        }
        return .accepted
    }

    @Sendable static func clipConfig(_ bytes: [UInt8]) -> FuzzOutcome {
        do {
            _ = try CLIPConfiguration(huggingFaceConfig: Data(bytes), source: "config.json")
        } catch {
            return .refused(error)
        }
        return .accepted
    }
#endif

    @Sendable static func json(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .refused("not UTF-8") }
        let node: JSONNode
        do { node = try JSONParser.parse(text) } catch { return .refused(error) }
        // What the writer prints reads back as the same document (positions aside).
        for written in [JSONWriter.compact(node), JSONWriter.pretty(node)] {
            do {
                let again = try JSONParser.parse(written)
                require(JSONWriter.compact(again) == JSONWriter.compact(node), "a written document reads back differently")
            } catch {
                require(false, "the writer's output does not parse: \(error)")
            }
        }
        return .accepted
    }

    @Sendable static func manifest(_ bytes: [UInt8]) -> FuzzOutcome {
        do { _ = try Manifest.parse(utf8: bytes) } catch { return .refused(error) }
        return .accepted
    }

    @Sendable static func experiment(_ bytes: [UInt8]) -> FuzzOutcome {
        let experiment: Experiment
        do { experiment = try JSONDecoder().decode(Experiment.self, from: Data(bytes)) } catch { return .refused(error) }
        do {
            let written = try experiment.jsonData()
            let again = try JSONDecoder().decode(Experiment.self, from: written)
            require(try again.jsonData() == written, "an experiment written back reads differently")
        } catch {
            require(false, "an accepted experiment cannot be written back: \(error)")
        }
        return .accepted
    }

    /// Built once: reading the bundled vocabulary takes ~0.1 s.
    private static let tokenizer: CLIPTokenizer? = {
        do { return try CLIPTokenizer.shared() } catch { fatalError("the bundled BPE vocabulary does not load: \(error)") }
    }()

    @Sendable static func tokenizer(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let tokenizer, bytes.count <= 4096 else { return .refused("longer than 4096 bytes") }
        let text = String(decoding: bytes, as: UTF8.self)   // as the CLI reads a caption: invalid bytes become U+FFFD
        let vocabulary = tokenizer.vocabularySize
        let ids = tokenizer.ids(for: text)
        require(ids.allSatisfy { (0..<vocabulary).contains($0) }, "a token id outside the vocabulary")
        do {
            let truncated = try tokenizer.encode(text, truncate: true)
            require(truncated.count == tokenizer.contextLength, "a truncated caption is \(truncated.count) tokens")
            require(truncated.first == tokenizer.startOfTextID, "a caption does not start with <|startoftext|>")
            require(truncated.contains(tokenizer.endOfTextID), "a caption has no <|endoftext|>")
        } catch {
            require(false, "truncating encode threw: \(error)")
        }
        do {
            let full = try tokenizer.encode(text, truncate: false)
            require(full.count == tokenizer.contextLength, "an encoded caption is \(full.count) tokens")
        } catch {
            return .refused(error)   // too long for the context without truncation: refused, as it should be
        }
        return .accepted
    }

    @Sendable static func pnm(_ bytes: [UInt8]) -> FuzzOutcome {
        guard bytes.count <= largestInput else { return .refused("larger than 1 MiB") }
        let image: RGBImage
        do { image = try RGBImage(ppmData: Data(bytes), source: "fuzz.ppm") } catch { return .refused(error) }
        require(image.width > 0 && image.height > 0, "an image of \(image.width)x\(image.height)")
        require(image.pixels.count == image.width * image.height * 3, "pixels do not match the size")
        return .accepted
    }

    @Sendable static func csv(_ bytes: [UInt8]) -> FuzzOutcome {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .refused("not UTF-8") }
        let table: CSVTable
        do { table = try CSVTable(text: text, source: "fuzz.csv") } catch { return .refused(error) }
        for row in table.rows {
            require(row.fields.count == table.header.count, "row at line \(row.line) has \(row.fields.count) fields for \(table.header.count) columns")
        }
        return .accepted
    }

    @Sendable static func msrvttJSON(_ bytes: [UInt8]) -> FuzzOutcome {
        do { _ = try MSRVTTAnnotations.sentences(annotationJSON: Data(bytes), path: "MSRVTT_data.json") } catch { return .refused(error) }
        return .accepted
    }

    /// A caption pickle (MSVD's raw-captions.pkl): the restricted reader never runs code, and an
    /// accepted pickle's plain value survives the caption-table reading without a crash.
    @Sendable static func pickle(_ bytes: [UInt8]) -> FuzzOutcome {
        let value: PickleValue
        do { value = try PickleReader.value(from: bytes, source: "fuzz.pkl") } catch { return .refused(error) }
        require(!value.description.isEmpty, "an accepted pickle has no description")
        do { _ = try MSVDAnnotations.captionTable(Data(bytes), path: "fuzz.pkl") } catch { return .refused(error) }
        return .accepted
    }
}
