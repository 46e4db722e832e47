// Writing safetensors files deterministically and atomically.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects tensors and writes them as one safetensors file.
///
/// Output is deterministic: tensors are laid out in ascending name order, the header lists keys
/// in that order with no insignificant whitespace, and it is padded with spaces so the data
/// buffer starts at a multiple of 8 bytes. The same tensors always give byte-identical files.
///
/// ```swift
/// var writer = SafetensorsWriter(metadata: ["format": "pt"])
/// try writer.add("proj.weight", floats: weights, shape: [64, 32])
/// try writer.add("labels", integers: [0, 2, 1], shape: [3])
/// try writer.write(to: url)
/// ```
public struct SafetensorsWriter: Sendable {
    /// A tensor waiting to be written: its header fields and little-endian bytes.
    private struct Pending: Sendable {
        var dtype: SafetensorsDType
        var shape: [Int]
        var storage: Storage
        var byteCount: Int {
            switch storage {
            case let .bytes(bytes): return bytes.count
            case let .deferred(count, _): return count
            }
        }
        func bytes() throws(SafetensorsError) -> [UInt8] {
            switch storage {
            case let .bytes(bytes): return bytes
            case let .deferred(count, load):
                let bytes = try load()
                guard bytes.count == count else {
                    throw .writeFailed(path: "(a merged tensor)", reason: "its source gave \(bytes.count) bytes, not \(count): it changed while being written")
                }
                return bytes
            }
        }
    }

    /// A tensor's bytes: held, or read when the file is written (`addDeferred`).
    private enum Storage: Sendable {
        case bytes([UInt8])
        case deferred(count: Int, load: @Sendable () throws(SafetensorsError) -> [UInt8])
    }

    /// The `__metadata__` map to write (omitted from the header when empty).
    public var metadata: [String: String]
    private var tensors: [String: Pending] = [:]

    /// Creates an empty writer. `metadata` becomes the header's `__metadata__` (string → string).
    public init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// The names added so far, in the order they will be written (ascending).
    public var names: [String] { tensors.keys.sorted() }

    /// Adds a floating-point tensor.
    ///
    /// - Parameters:
    ///   - floats: the values in row-major order; `floats.count` must equal the product of `shape`.
    ///   - shape: the dimensions, outermost first; `[]` for a scalar (one value).
    ///   - dtype: storage type: `.float32` (default, exact), `.float16` / `.bfloat16` (rounded to
    ///     nearest even) or `.float64` (exact).
    /// - Throws: `duplicateTensor`, `reservedName`, `invalidShape`, `valueCountMismatch`, or
    ///   `writerDTypeMismatch` for an integer `dtype`.
    public mutating func add(_ name: String, floats: [Float], shape: [Int],
                             dtype: SafetensorsDType = .float32) throws(SafetensorsError)
    {
        // withUnsafeBufferPointer rethrows untyped errors, so the typed error travels out in a Result.
        try floats.withUnsafeBufferPointer { buffer in
            Result { () throws(SafetensorsError) in try add(name, floats: buffer, shape: shape, dtype: dtype) }
        }.get()
    }

    /// Adds a floating-point tensor from memory the caller owns (e.g. a tensor's storage), with the
    /// same rules as the array overload. The values are copied (encoded) before this returns.
    public mutating func add(_ name: String, floats: UnsafeBufferPointer<Float>, shape: [Int],
                             dtype: SafetensorsDType = .float32) throws(SafetensorsError)
    {
        try checkNew(name, count: floats.count, shape: shape)
        guard dtype.isFloatingPoint else {
            throw .writerDTypeMismatch(tensor: name, dtype: dtype, valueKind: "floats")
        }
        let byteCount = floats.count * dtype.byteSize
        let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
            if let base = buffer.baseAddress { safetensorsEncodeFloats(floats, as: dtype, into: UnsafeMutableRawPointer(base)) }
            initialized = byteCount
        }
        tensors[name] = Pending(dtype: dtype, shape: shape, storage: .bytes(bytes))
    }

    /// Adds an integer or boolean tensor.
    ///
    /// - Parameters:
    ///   - integers: the values in row-major order; `integers.count` must equal the product of `shape`.
    ///   - shape: the dimensions, outermost first; `[]` for a scalar.
    ///   - dtype: `.int64` (default), `.int32`, `.int16`, `.int8`, `.uint8` or `.bool` (values 0 or 1).
    /// - Throws: `duplicateTensor`, `reservedName`, `invalidShape`, `valueCountMismatch`,
    ///   `valueOutOfRange` when a value does not fit `dtype`, or `writerDTypeMismatch` for a float `dtype`.
    public mutating func add(_ name: String, integers: [Int], shape: [Int],
                             dtype: SafetensorsDType = .int64) throws(SafetensorsError)
    {
        try checkNew(name, count: integers.count, shape: shape)
        guard let range = dtype.integerRange else {
            throw .writerDTypeMismatch(tensor: name, dtype: dtype, valueKind: "integers")
        }
        if let bad = integers.first(where: { !range.contains($0) }) {
            throw .valueOutOfRange(tensor: name, value: bad, dtype: dtype)
        }
        let byteCount = integers.count * dtype.byteSize
        let bytes = [UInt8](unsafeUninitializedCapacity: byteCount) { buffer, initialized in
            if let base = buffer.baseAddress {
                integers.withUnsafeBufferPointer { safetensorsEncodeIntegers($0, as: dtype, into: UnsafeMutableRawPointer(base)) }
            }
            initialized = byteCount
        }
        tensors[name] = Pending(dtype: dtype, shape: shape, storage: .bytes(bytes))
    }

    /// Adds a tensor whose little-endian bytes (`byteCount` of them, in `dtype`) are read by `load`
    /// only when the file is written, one tensor at a time: merging many files into one this way
    /// keeps memory bounded by the largest tensor instead of the whole output.
    /// - Throws: `duplicateTensor`, `reservedName`, `invalidShape`, `valueCountMismatch` when
    ///   `byteCount` does not fit `shape` and `dtype`.
    public mutating func addDeferred(_ name: String, dtype: SafetensorsDType, shape: [Int], byteCount: Int,
                                     load: @escaping @Sendable () throws(SafetensorsError) -> [UInt8]) throws(SafetensorsError)
    {
        let count = shape.reduce(1, *)
        try checkNew(name, count: count, shape: shape)
        guard byteCount == count * dtype.byteSize else {
            throw .valueCountMismatch(tensor: name, valueCount: byteCount / Swift.max(dtype.byteSize, 1), shape: shape)
        }
        tensors[name] = Pending(dtype: dtype, shape: shape, storage: .deferred(count: byteCount, load: load))
    }

    /// The complete file as bytes: 8-byte header length, padded JSON header, data buffer.
    /// - Throws: what a deferred tensor's `load` throws.
    public func serialized() throws(SafetensorsError) -> Data {
        let (header, order) = headerBytes()
        var data = Data(capacity: header.count + order.reduce(0) { $0 + $1.byteCount })
        data.append(contentsOf: header)
        for pending in order { data.append(contentsOf: try pending.bytes()) }
        return data
    }

    /// Writes the file to `url` atomically.
    ///
    /// The bytes go to a uniquely named temporary file in the same directory, which is flushed to
    /// disk (`fsync`) and then renamed over `url`; a crash or error at any point leaves either the
    /// old file or the complete new one at `url`, and the temporary file is removed on failure.
    /// - Throws: `writeFailed` naming the failing step and the system's reason.
    public func write(to url: URL) throws(SafetensorsError) {
        let (header, order) = headerBytes()
        // Arrays are shared, not copied, so this streams the tensors without building one big buffer.
        try safetensorsAtomicWrite(to: url, count: order.count + 1) { (index) throws(SafetensorsError) -> [UInt8] in
            index == 0 ? header : try order[index - 1].bytes()
        }
    }

    // MARK: - Helpers

    private func checkNew(_ name: String, count: Int, shape: [Int]) throws(SafetensorsError) {
        guard name != "__metadata__" else { throw .reservedName(tensor: name) }
        guard tensors[name] == nil else { throw .duplicateTensor(tensor: name) }
        guard let expected = safetensorsElementCount(shape) else { throw .invalidShape(tensor: name, shape: shape) }
        guard expected == count else { throw .valueCountMismatch(tensor: name, valueCount: count, shape: shape) }
    }

    /// The length prefix plus the space-padded JSON header, and the tensors in layout order.
    private func headerBytes() -> (header: [UInt8], order: [Pending]) {
        var json = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0] ?? ""))" }
            parts.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
        }
        var order: [Pending] = []
        var offset = 0
        for name in names {
            guard let pending = tensors[name] else { continue }
            let shapeText = pending.shape.map(String.init).joined(separator: ",")
            parts.append("\(jsonString(name)):{\"dtype\":\"\(pending.dtype.rawValue)\",\"shape\":[\(shapeText)],"
                + "\"data_offsets\":[\(offset),\(offset + pending.byteCount)]}")
            offset += pending.byteCount
            order.append(pending)
        }
        json += parts.joined(separator: ",") + "}"
        var headerJSON = Array(json.utf8)
        // Pad so 8 + header length is a multiple of 8: the data buffer then starts 8-byte aligned.
        while headerJSON.count % 8 != 0 { headerJSON.append(0x20) }
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: UInt64(headerJSON.count).littleEndian, as: UInt64.self) }
        return (bytes + headerJSON, order)
    }

    /// A JSON string literal for `text`, escaping quotes, backslashes and control characters.
    private func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
