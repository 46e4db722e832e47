// Reading safetensors files: https://github.com/huggingface/safetensors#format
//
// Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON describing each tensor
// (dtype, shape, data_offsets relative to the data buffer), then the data buffer.

import Foundation
import ZooTensor

/// A validated, read-only safetensors file.
///
/// Opening a file checks the whole header and the layout of the data buffer up front, so the
/// accessors afterwards only fail for a wrong name or a wrong dtype. The bytes are memory-mapped
/// when opened from a URL, so a large checkpoint is not copied until a tensor is read (and only
/// that tensor's pages are touched). As with any mapping, the file must not be truncated by
/// another process while this value is alive; replace it with a rename instead (as
/// `SafetensorsWriter.write(to:)` does).
///
/// ```swift
/// let file = try SafetensorsFile(contentsOf: url)
/// let weight = try file.floats("text_model.embeddings.token_embedding.weight")  // 49408 × 64 values
/// let shape = file.entry("text_model.embeddings.token_embedding.weight")?.shape   // [49408, 64]
/// ```
public struct SafetensorsFile: Sendable {
    /// Names the file in error messages: the path for `init(contentsOf:)`, else the caller's label.
    public let source: String
    /// The header's `__metadata__` map (e.g. `["format": "pt"]`); empty when absent.
    public let metadata: [String: String]
    /// Every tensor, ordered by its position in the data buffer.
    public let entries: [SafetensorsEntry]

    /// The whole file (header included); `SafetensorsEntry.byteOffset` indexes into it.
    private let data: Data
    /// Maps names to positions in `entries`.
    private let index: [String: Int]

    /// Opens and validates the file at `url`, memory-mapping it rather than reading it into memory.
    ///
    /// - Throws: `SafetensorsError.unreadableFile` if it cannot be opened, or the specific
    ///   validation error (`headerTruncated`, `headerNotJSON`, `offsetOutOfRange`, ...).
    public init(contentsOf url: URL) throws(SafetensorsError) {
        // Data(contentsOf:) would fetch a remote URL over the network; a checkpoint must be local.
        guard url.isFileURL else {
            throw .unreadableFile(path: url.absoluteString, reason: "it is not a local file URL; download it first")
        }
        let path = url.path
        // Foundation's errors for these two common mistakes are opaque ("error 256"), so name them here.
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadableFile(path: path, reason: "it is a directory") }
        let data: Data
        do {
            // .alwaysMapped: pages are loaded lazily by the OS and never duplicated in our heap.
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw .unreadableFile(path: path, reason: Self.reason(for: error))
        }
        try self.init(data: data, source: path)
    }

    /// Validates `data` as a complete safetensors file.
    ///
    /// - Parameters:
    ///   - data: the whole file, header length prefix included. Not copied.
    ///   - source: how error messages name the file, e.g. `"model.safetensors"`.
    public init(data: Data, source: String) throws(SafetensorsError) {
        // withUnsafeBytes only rethrows untyped errors, so the typed error travels out in a Result.
        let layout = try data.withUnsafeBytes { raw in
            Result { () throws(SafetensorsError) in try safetensorsReadLayout(raw, source: source) }
        }.get()
        self.source = source
        self.data = data
        self.metadata = layout.metadata
        self.entries = layout.entries
        var index: [String: Int] = [:]
        index.reserveCapacity(layout.entries.count)
        for (position, entry) in layout.entries.enumerated() { index[entry.name] = position }
        self.index = index
    }

    /// The tensor names, ordered by position in the file (use `.sorted()` for alphabetical order).
    public var names: [String] { entries.map(\.name) }

    /// The entry named `name`, or `nil` if the file has none.
    public func entry(_ name: String) -> SafetensorsEntry? {
        index[name].map { entries[$0] }
    }

    /// The entry named `name`, or `tensorNotFound` listing the closest names in the file.
    ///
    /// Prefer this to `entry(_:)` when a missing tensor is an error: the message then suggests fixes.
    public func requireEntry(_ name: String) throws(SafetensorsError) -> SafetensorsEntry {
        guard let position = index[name] else {
            throw .tensorNotFound(source: source, name: name, suggestions: safetensorsSuggestions(for: name, in: names))
        }
        return entries[position]
    }

    /// The values of a floating-point tensor as `Float`s, in row-major order (`entry.elementCount` values).
    ///
    /// F32 is copied as is; F16 and BF16 are widened exactly; F64 is rounded to the nearest `Float`.
    /// - Throws: `tensorNotFound` (with close names) or `wrongDType` for integer tensors.
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        let entry = try floatEntry(name, accessor: "floats")
        return [Float](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
            if let base = buffer.baseAddress { convertFloats(entry, into: base) }
            initialized = entry.elementCount
        }
    }

    /// Writes the values of a floating-point tensor into `destination`, converting as `floats` does.
    ///
    /// Lets a caller fill its own storage (e.g. a tensor's buffer) without an intermediate array.
    /// - Throws: `tensorNotFound`, `wrongDType`, or `destinationSizeMismatch` when
    ///   `destination.count` differs from the tensor's element count.
    public func copyFloats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>)
        throws(SafetensorsError)
    {
        let entry = try floatEntry(name, accessor: "copyFloats")
        guard destination.count == entry.elementCount else {
            throw .destinationSizeMismatch(source: source, tensor: name, expected: entry.elementCount,
                                           actual: destination.count)
        }
        if let base = destination.baseAddress { convertFloats(entry, into: base) }
    }

    /// The values of an F16 tensor as stored, in row-major order (no widening).
    ///
    /// - Parameter hugePages: ask for huge pages for the array (`HugePages.advise`), for values
    ///   that are kept and scanned repeatedly, such as an index's vectors.
    /// - Throws: `tensorNotFound` (with close names) or `wrongDType` for any other dtype.
    public func float16s(_ name: String, hugePages: Bool = false) throws(SafetensorsError) -> [Float16] {
        let entry = try requireEntry(name)
        guard entry.dtype == .float16 else { throw .wrongDType(source: source, tensor: name, dtype: entry.dtype, accessor: "float16s") }
        return [Float16](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
            if hugePages, let target = buffer.baseAddress { HugePages.advise(target, byteCount: entry.byteCount) }
            data.withUnsafeBytes { raw in
                if let start = raw.baseAddress, let target = buffer.baseAddress {
                    UnsafeMutableRawPointer(target).copyMemory(from: start + entry.byteOffset, byteCount: entry.byteCount)
                    #if _endian(big)
                    for i in 0..<entry.elementCount { target[i] = Float16(bitPattern: UInt16(littleEndian: target[i].bitPattern)) }
                    #endif
                }
            }
            initialized = entry.elementCount
        }
    }

    /// The values of an integer or boolean tensor widened to `Int`, in row-major order.
    ///
    /// I64, I32, I16, I8 and U8 keep their values; BOOL reads as 0 or 1.
    /// - Throws: `tensorNotFound` (with close names) or `wrongDType` for floating-point tensors.
    public func integers(_ name: String) throws(SafetensorsError) -> [Int] {
        let entry = try requireEntry(name)
        guard !entry.dtype.isFloatingPoint else {
            throw .wrongDType(source: source, tensor: name, dtype: entry.dtype, accessor: "integers")
        }
        return [Int](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
            if let base = buffer.baseAddress {
                data.withUnsafeBytes { raw in
                    if let start = raw.baseAddress {
                        safetensorsConvertToInt(start + entry.byteOffset, dtype: entry.dtype,
                                                count: entry.elementCount, into: base)
                    }
                }
            }
            initialized = entry.elementCount
        }
    }

    /// Calls `body` with the tensor's raw little-endian bytes (`entry.byteCount` of them, possibly
    /// unaligned), without copying. The pointer is valid only inside `body`.
    ///
    /// - Throws: `tensorNotFound`, or whatever `body` throws.
    public func withRawBytes<R>(_ name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let entry = try requireEntry(name)
        return try data.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[entry.byteOffset..<(entry.byteOffset + entry.byteCount)]))
        }
    }

    // MARK: - Helpers

    private func floatEntry(_ name: String, accessor: String) throws(SafetensorsError) -> SafetensorsEntry {
        let entry = try requireEntry(name)
        guard entry.dtype.isFloatingPoint else {
            throw .wrongDType(source: source, tensor: name, dtype: entry.dtype, accessor: accessor)
        }
        return entry
    }

    /// The entry was validated to lie inside `data`, so the pointer arithmetic stays in bounds.
    private func convertFloats(_ entry: SafetensorsEntry, into destination: UnsafeMutablePointer<Float>) {
        data.withUnsafeBytes { raw in
            guard let start = raw.baseAddress else { return }  // only for empty data, which never validates
            safetensorsConvertToFloat(start + entry.byteOffset, dtype: entry.dtype, count: entry.elementCount,
                                      into: destination)
        }
    }

    /// A short reason for a Foundation read error, without the long NSError dump.
    private static func reason(for error: Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError: return "no such file"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code)) {
            return String(cString: message)
        }
        return nsError.localizedDescription
    }
}
