// The UCI optical-recognition digits (the 8×8 set scikit-learn ships as `load_digits`), bundled
// as a resource with its CC BY 4.0 licence, and a fixed seeded stratified split of it.
import Foundation
import ZooTensor

/// Errors of reading the bundled digits file.
public enum DigitsError: Error, CustomStringConvertible {
    case missingResource
    case malformed(line: Int, problem: String)

    public var description: String {
        switch self {
        case .missingResource:
            return "the bundled digits.csv is missing from ZooData's resources; rebuild the package (swift build) so SwiftPM copies it"
        case let .malformed(line, problem):
            return "digits.csv line \(line): \(problem); the bundled file is damaged, restore it from git"
        }
    }
}

/// The 1,797 digits: 64 pixel values in 0…16 (row-major 8×8) and a label 0…9 each.
public struct DigitsDataset: Sendable {
    /// `[1797 × 64]` pixel values, row-major, scaled to 0…1 (value / 16).
    public let pixels: [Float]
    public let labels: [Int]
    public static let pixelCount = 64
    /// Examples per class in the test split (45 × 10 = 450; the other 1,347 train).
    public static let testPerClass = 45

    /// Reads the bundled CSV.
    public static func bundled() throws -> DigitsDataset {
        guard let url = Bundle.module.url(forResource: "digits", withExtension: "csv", subdirectory: "Resources") else {
            throw DigitsError.missingResource
        }
        return try DigitsDataset(csv: String(contentsOf: url, encoding: .utf8))
    }

    /// Parses the CSV: a header, then 64 integers 0…16 and a label 0…9 per row.
    public init(csv: String) throws {
        let table: CSVTable
        do { table = try CSVTable(text: csv, source: "digits.csv") } catch { throw DigitsError.malformed(line: 1, problem: "\(error)") }
        guard table.header.count == Self.pixelCount + 1 else {
            throw DigitsError.malformed(line: 1, problem: "expected 65 columns, found \(table.header.count)")
        }
        var pixels: [Float] = [], labels: [Int] = []
        pixels.reserveCapacity(table.rows.count * Self.pixelCount)
        for row in table.rows {
            for field in row.fields.prefix(Self.pixelCount) {
                guard let value = Int(field), (0...16).contains(value) else {
                    throw DigitsError.malformed(line: row.line, problem: "pixel \"\(field)\" is not an integer in 0…16")
                }
                pixels.append(Float(value) / 16)
            }
            guard let label = Int(row.fields[Self.pixelCount]), (0...9).contains(label) else {
                throw DigitsError.malformed(line: row.line, problem: "label \"\(row.fields[Self.pixelCount])\" is not a digit")
            }
            labels.append(label)
        }
        (self.pixels, self.labels) = (pixels, labels)
    }

    public var count: Int { labels.count }

    /// The fixed stratified split: per class, a seeded shuffle of its examples (seed 0, the same on
    /// every machine), the first 45 to test, the rest to train. Indices are sorted within each split.
    public func split() -> (train: [Int], test: [Int]) {
        var train: [Int] = [], test: [Int] = []
        var generator = RandomGenerator(seed: 0x0D16_1750)
        for digit in 0..<10 {
            var members = labels.indices.filter { labels[$0] == digit }
            for i in stride(from: members.count - 1, to: 0, by: -1) { members.swapAt(i, generator.nextInt(below: i + 1)) }
            test += members.prefix(Self.testPerClass)
            train += members.dropFirst(Self.testPerClass)
        }
        return (train.sorted(), test.sorted())
    }
}

/// One split of the digits: batches hold `inputs` `[B, 64]` (pixels / 16), `images` `[B, 1, 8, 8]`
/// (the same values) and `labels` `[B]`.
public struct DigitsSource: ClassificationSource {
    public let dataset: DigitsDataset
    /// Indices into the full set, in split order.
    public let members: [Int]
    public let name: String

    public init(dataset: DigitsDataset, members: [Int], name: String) {
        (self.dataset, self.members, self.name) = (dataset, members, name)
    }

    /// The train and test splits of the bundled set.
    public static func splits() throws -> (train: DigitsSource, test: DigitsSource) {
        let dataset = try DigitsDataset.bundled()
        let (train, test) = dataset.split()
        return (DigitsSource(dataset: dataset, members: train, name: "digits/train"),
                DigitsSource(dataset: dataset, members: test, name: "digits/test"))
    }

    public var count: Int { members.count }
    public var classNames: [String] { (0..<10).map(String.init) }
    public func label(_ index: Int) -> Int { dataset.labels[members[index]] }

    public func batch(_ indices: [Int]) throws -> Batch {
        let width = DigitsDataset.pixelCount
        var values = [Float](repeating: 0, count: indices.count * width)
        dataset.pixels.withUnsafeBufferPointer { source in
            for (row, index) in indices.enumerated() {
                let start = members[index] * width
                for k in 0..<width { values[row * width + k] = source[start + k] }
            }
        }
        let inputs = Tensor(values, shape: [indices.count, width])
        return Batch(tensors: ["inputs": inputs, "images": inputs.reshaped([indices.count, 1, 8, 8])],
                     integers: ["labels": IntTensor(indices.map(label))], indices: indices)
    }
}
