// Every way reading or writing a safetensors file can fail, each with a message that names the
// file, the tensor, the cause and the fix, so a user can act without reading this code.

/// A failure while reading, accessing or writing a safetensors file.
///
/// `source` is the file's path (or the name given to `SafetensorsFile(data:source:)`);
/// `tensor` is the header key involved. Byte counts and offsets are in bytes.
public enum SafetensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    // MARK: Opening and framing

    /// The file could not be opened or mapped (missing, unreadable, a directory, ...).
    case unreadableFile(path: String, reason: String)
    /// The file has fewer than the 8 bytes of the header-length prefix.
    case fileTooShort(source: String, byteCount: Int)
    /// The 8-byte prefix announces a header longer than the rest of the file.
    case headerTruncated(source: String, headerLength: UInt64, fileSize: Int)
    /// The header bytes are not valid UTF-8.
    case headerNotUTF8(source: String)
    /// The header is not well-formed JSON; `reason` says what and at which byte of the header.
    case headerNotJSON(source: String, reason: String)
    /// The header is valid JSON but not an object (`{...}`).
    case headerNotObject(source: String)
    /// A JSON object in the header repeats a key; `key` is its path, e.g. `w` or `w.dtype`.
    case duplicateKey(source: String, key: String)

    // MARK: Entries

    /// A tensor entry lacks `dtype`, `shape` or `data_offsets`.
    case missingField(source: String, tensor: String, field: String)
    /// A tensor entry has a field of the wrong JSON type or form; `reason` says which.
    case malformedEntry(source: String, tensor: String, reason: String)
    /// `__metadata__` is not an object of string values.
    case malformedMetadata(source: String, reason: String)
    /// A shape has a negative dimension.
    case negativeDimension(source: String, tensor: String, shape: [Int])
    /// The product of the shape's dimensions (times the element size) overflows `Int`.
    case shapeTooLarge(source: String, tensor: String, shape: [Int])
    /// The `dtype` string is not one this reader supports.
    case unknownDType(source: String, tensor: String, dtype: String)
    /// `data_offsets` has begin > end.
    case invertedOffsets(source: String, tensor: String, begin: Int, end: Int)
    /// The byte range `data_offsets` describes does not match shape × element size.
    case byteCountMismatch(source: String, tensor: String, dtype: SafetensorsDType, shape: [Int],
                           expected: Int, actual: Int)

    // MARK: Layout of the data buffer

    /// The tensors tile the buffer correctly but the file ends early: a cut-off download or copy.
    /// `expectedBytes` is the file size the header implies, `actualBytes` the real file size.
    case dataTruncated(source: String, expectedBytes: Int, actualBytes: Int)
    /// One tensor's `data_offsets` end lies past the end of the data buffer.
    case offsetOutOfRange(source: String, tensor: String, end: Int, bufferSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(source: String, first: String, second: String)
    /// Bytes `begin..<end` of the data buffer belong to no tensor (the format forbids holes).
    case uncoveredBytes(source: String, begin: Int, end: Int)

    // MARK: Access

    /// No tensor has this name; `suggestions` are the closest names in the file.
    case tensorNotFound(source: String, name: String, suggestions: [String])
    /// The accessor (`floats`, `integers`) cannot read this tensor's type.
    case wrongDType(source: String, tensor: String, dtype: SafetensorsDType, accessor: String)
    /// A destination buffer's element count differs from the tensor's.
    case destinationSizeMismatch(source: String, tensor: String, expected: Int, actual: Int)

    // MARK: Writing

    /// The number of values given to the writer differs from the product of the shape.
    case valueCountMismatch(tensor: String, valueCount: Int, shape: [Int])
    /// The writer was given a shape with a negative dimension or an overflowing product.
    case invalidShape(tensor: String, shape: [Int])
    /// The writer already holds a tensor with this name.
    case duplicateTensor(tensor: String)
    /// The name `__metadata__` is reserved by the format for the metadata map.
    case reservedName(tensor: String)
    /// An integer value does not fit the requested storage type.
    case valueOutOfRange(tensor: String, value: Int, dtype: SafetensorsDType)
    /// The writer was asked to store floats as an integer type or integers as a float type.
    case writerDTypeMismatch(tensor: String, dtype: SafetensorsDType, valueKind: String)
    /// Creating, writing, syncing or renaming the output file failed.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadableFile(path, reason):
            return "\(path) could not be opened as a safetensors file: \(reason). Check the path and permissions."
        case let .fileTooShort(source, count):
            return "\(source) is not a safetensors file: it holds \(count) bytes, fewer than the 8-byte header length. "
                + "Re-download or re-export the checkpoint."
        case let .headerTruncated(source, length, size):
            return "\(source) is truncated or not a safetensors file: its first 8 bytes announce a header of \(length) "
                + "bytes but only \(max(0, size - 8)) bytes follow. Re-download or re-export the checkpoint."
        case let .headerNotUTF8(source):
            return "\(source) has a corrupted header: it is not valid UTF-8. Re-download or re-export the checkpoint."
        case let .headerNotJSON(source, reason):
            return "\(source) has a corrupted header: it is not valid JSON (\(reason)). "
                + "Re-download or re-export the checkpoint."
        case let .headerNotObject(source):
            return "\(source) has an invalid header: the JSON is not an object mapping tensor names to entries. "
                + "Re-export the checkpoint with a safetensors writer."
        case let .duplicateKey(source, key):
            return "\(source) has an invalid header: the key \"\(key)\" appears twice, so it is ambiguous which to use. "
                + "Re-export the checkpoint."
        case let .missingField(source, tensor, field):
            return "\(source): tensor \"\(tensor)\" has no \"\(field)\" field; every entry needs dtype, shape and "
                + "data_offsets. Re-export the checkpoint."
        case let .malformedEntry(source, tensor, reason):
            return "\(source): tensor \"\(tensor)\" has a malformed entry: \(reason). Re-export the checkpoint."
        case let .malformedMetadata(source, reason):
            return "\(source): __metadata__ is malformed: \(reason); it must map strings to strings. "
                + "Re-export the checkpoint."
        case let .negativeDimension(source, tensor, shape):
            return "\(source): tensor \"\(tensor)\" has a negative dimension in shape \(safetensorsShapeText(shape)). "
                + "Re-export the checkpoint."
        case let .shapeTooLarge(source, tensor, shape):
            return "\(source): tensor \"\(tensor)\" has shape \(safetensorsShapeText(shape)), whose byte size overflows "
                + "a 64-bit integer; the header is corrupted. Re-download or re-export the checkpoint."
        case let .unknownDType(source, tensor, dtype):
            return "\(source): tensor \"\(tensor)\" has dtype \"\(dtype)\", which this reader does not support "
                + "(supported: \(SafetensorsDType.supportedList)). Convert the tensor, e.g. to F32, before exporting."
        case let .invertedOffsets(source, tensor, begin, end):
            return "\(source): tensor \"\(tensor)\" has data_offsets [\(begin), \(end)] with begin after end; "
                + "the header is corrupted. Re-download or re-export the checkpoint."
        case let .byteCountMismatch(source, tensor, dtype, shape, expected, actual):
            return "\(source): tensor \"\(tensor)\" is \(dtype.rawValue) \(safetensorsShapeText(shape)), which needs "
                + "\(expected) bytes, but its data_offsets span \(actual). Re-export the checkpoint."
        case let .dataTruncated(source, expected, actual):
            return "\(source) is truncated: its header promises \(expected) bytes but the file holds \(actual). "
                + "Re-download or re-export the checkpoint."
        case let .offsetOutOfRange(source, tensor, end, size):
            return "\(source): tensor \"\(tensor)\" ends at data byte \(end) but the data buffer holds only \(size) "
                + "bytes; the header is corrupted or the file truncated. Re-download or re-export the checkpoint."
        case let .overlappingTensors(source, first, second):
            return "\(source): the bytes of tensors \"\(first)\" and \"\(second)\" overlap; the header is corrupted. "
                + "Re-export the checkpoint."
        case let .uncoveredBytes(source, begin, end):
            return "\(source): data bytes \(begin)..<\(end) belong to no tensor, which the format forbids; "
                + "the header is corrupted or tensors were removed by hand. Re-export the checkpoint."
        case let .tensorNotFound(source, name, suggestions):
            let hint = suggestions.isEmpty
                ? "List the available names with `names`."
                : "Did you mean " + suggestions.map { "\"\($0)\"" }.joined(separator: ", ") + "?"
            return "\(source) has no tensor named \"\(name)\". \(hint)"
        case let .wrongDType(source, tensor, dtype, accessor):
            let other = dtype.isFloatingPoint ? "floats" : "integers"
            return "\(source): tensor \"\(tensor)\" is \(dtype.rawValue), which `\(accessor)` cannot read. "
                + "Use `\(other)` instead."
        case let .destinationSizeMismatch(source, tensor, expected, actual):
            return "\(source): tensor \"\(tensor)\" has \(expected) elements but the destination holds \(actual). "
                + "Allocate the destination with the entry's elementCount."
        case let .valueCountMismatch(tensor, count, shape):
            return "Cannot add tensor \"\(tensor)\": \(count) values were given but shape \(safetensorsShapeText(shape)) "
                + "needs \(safetensorsElementCount(shape).map(String.init) ?? "an impossible number of"). "
                + "Pass a shape whose product equals the value count."
        case let .invalidShape(tensor, shape):
            return "Cannot add tensor \"\(tensor)\": shape \(safetensorsShapeText(shape)) has a negative dimension or "
                + "an element count that overflows. Pass non-negative dimensions."
        case let .duplicateTensor(tensor):
            return "Cannot add tensor \"\(tensor)\": the writer already holds a tensor with that name. "
                + "Give each tensor a unique name."
        case let .reservedName(tensor):
            return "Cannot add tensor \"\(tensor)\": that name is reserved for the file's metadata. "
                + "Rename the tensor, or pass metadata to the writer's initialiser."
        case let .valueOutOfRange(tensor, value, dtype):
            return "Cannot add tensor \"\(tensor)\": the value \(value) does not fit in \(dtype.rawValue) "
                + "(range \(dtype.integerRange.map { "\($0.lowerBound)...\($0.upperBound)" } ?? "n/a")). "
                + "Choose a wider dtype."
        case let .writerDTypeMismatch(tensor, dtype, kind):
            return "Cannot add tensor \"\(tensor)\": \(kind) cannot be stored as \(dtype.rawValue). "
                + "Use the `add` overload for \(dtype.isFloatingPoint ? "floats" : "integers") or another dtype."
        case let .writeFailed(path, reason):
            return "Could not write \(path): \(reason). Check that the directory exists, is writable and has space; "
                + "any existing file at that path was left unchanged."
        }
    }
}

/// Up to three names from `candidates` closest to `name`, for "did you mean" hints.
///
/// Ranks by edit distance, favouring names that contain the query or share its last
/// component, and drops names so different that suggesting them would mislead.
func safetensorsSuggestions(for name: String, in candidates: [String]) -> [String] {
    let query = Array(name.utf8)
    let lastComponent = name.split(separator: ".").last.map(String.init) ?? name
    var scored: [(score: Int, name: String)] = []
    for candidate in candidates {
        let bytes = Array(candidate.utf8)
        var score = safetensorsEditDistance(query, bytes)
        if candidate.contains(name) || name.contains(candidate) { score = min(score, 1) }
        let limit = max(3, query.count / 3)
        if score <= limit || (candidate.hasSuffix(lastComponent) && score <= 2 * limit) {
            scored.append((score, candidate))
        }
    }
    scored.sort { $0.score != $1.score ? $0.score < $1.score : $0.name < $1.name }
    return scored.prefix(3).map(\.name)
}

/// Levenshtein distance over bytes with a rolling row (O(min) memory); only used on error paths.
func safetensorsEditDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
