// Decoding and validating the header of a safetensors file.
//
// Everything in a file is untrusted: every number is range-checked and every product is
// computed with overflow checks, so a corrupted or hostile file yields a typed error, never a trap.

/// The validated table of contents of a safetensors file.
struct SafetensorsLayout {
    /// Absolute byte position where the data buffer starts (8 + header length).
    var dataStart: Int
    /// All tensors, sorted by offset.
    var entries: [SafetensorsEntry]
    /// The `__metadata__` map, empty when absent.
    var metadata: [String: String]
}

/// One header entry before the layout checks: offsets are relative to the data buffer.
private struct RawEntry {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// Parses and validates the framing, header and data layout of a whole file held in `file`.
func safetensorsReadLayout(_ file: UnsafeRawBufferPointer, source: String) throws(SafetensorsError)
    -> SafetensorsLayout
{
    guard file.count >= 8 else { throw .fileTooShort(source: source, byteCount: file.count) }
    let headerLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
    // Compare in UInt64 so a prefix like 0xFFFF... cannot overflow when converted to Int.
    guard headerLength <= UInt64(file.count - 8) else {
        throw .headerTruncated(source: source, headerLength: headerLength, fileSize: file.count)
    }
    let dataStart = 8 + Int(headerLength)
    let headerBytes = UnsafeBufferPointer(rebasing: file.bindMemory(to: UInt8.self)[8..<dataStart])
    guard safetensorsIsValidUTF8(headerBytes) else { throw .headerNotUTF8(source: source) }

    let json: SafetensorsJSON
    do {
        json = try SafetensorsJSONParser.parse(headerBytes)
    } catch {
        switch error {
        case let .syntax(reason): throw .headerNotJSON(source: source, reason: reason)
        case let .duplicateKey(key): throw .duplicateKey(source: source, key: key)
        }
    }
    guard case let .object(members) = json else { throw .headerNotObject(source: source) }

    var metadata: [String: String] = [:]
    var raw: [RawEntry] = []
    raw.reserveCapacity(members.count)
    for member in members {
        if member.key == "__metadata__" {
            metadata = try decodeMetadata(member.value, source: source)
        } else {
            raw.append(try decodeEntry(name: member.key, member.value, source: source))
        }
    }
    let bufferSize = file.count - dataStart
    raw.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
    try checkCoverage(raw, bufferSize: bufferSize, dataStart: dataStart, source: source)

    let entries = raw.map {
        SafetensorsEntry(name: $0.name, dtype: $0.dtype, shape: $0.shape,
                         byteOffset: dataStart + $0.begin, byteCount: $0.end - $0.begin)
    }
    return SafetensorsLayout(dataStart: dataStart, entries: entries, metadata: metadata)
}

/// `__metadata__` must be an object of strings; `null` is read as "no metadata" as in the reference reader.
private func decodeMetadata(_ value: SafetensorsJSON, source: String) throws(SafetensorsError) -> [String: String] {
    switch value {
    case .null:
        return [:]
    case let .object(pairs):
        var metadata: [String: String] = [:]
        for pair in pairs {
            guard case let .string(text) = pair.value else {
                throw .malformedMetadata(source: source,
                                         reason: "the value of \"\(pair.key)\" is \(pair.value.kindDescription)")
            }
            metadata[pair.key] = text
        }
        return metadata
    default:
        throw .malformedMetadata(source: source, reason: "it is \(value.kindDescription), not an object")
    }
}

/// Checks one entry's fields, types and internal consistency (shape × dtype size = byte span).
/// Unknown extra fields are ignored, as the reference implementation does.
private func decodeEntry(name: String, _ value: SafetensorsJSON, source: String) throws(SafetensorsError)
    -> RawEntry
{
    guard case let .object(fields) = value else {
        throw .malformedEntry(source: source, tensor: name,
                              reason: "expected an object with dtype, shape and data_offsets, found \(value.kindDescription)")
    }
    func field(_ key: String) throws(SafetensorsError) -> SafetensorsJSON {
        guard let found = fields.first(where: { $0.key == key }) else {
            throw .missingField(source: source, tensor: name, field: key)
        }
        return found.value
    }
    let dtypeValue = try field("dtype")
    let shapeValue = try field("shape")
    let offsetsValue = try field("data_offsets")

    guard case let .string(dtypeText) = dtypeValue else {
        throw .malformedEntry(source: source, tensor: name, reason: "dtype is \(dtypeValue.kindDescription), not a string")
    }
    guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
        throw .unknownDType(source: source, tensor: name, dtype: dtypeText)
    }

    guard case let .array(dimValues) = shapeValue else {
        throw .malformedEntry(source: source, tensor: name, reason: "shape is \(shapeValue.kindDescription), not an array")
    }
    var shape: [Int] = []
    shape.reserveCapacity(dimValues.count)
    for (axis, dimValue) in dimValues.enumerated() {
        guard case let .integer(dim) = dimValue else {
            throw .malformedEntry(source: source, tensor: name,
                                  reason: "shape[\(axis)] is \(dimValue.kindDescription), not an integer that fits 64 bits")
        }
        shape.append(dim)
    }
    if shape.contains(where: { $0 < 0 }) { throw .negativeDimension(source: source, tensor: name, shape: shape) }

    guard case let .array(offsetValues) = offsetsValue, offsetValues.count == 2,
          case let .integer(begin) = offsetValues[0], case let .integer(end) = offsetValues[1],
          begin >= 0, end >= 0
    else {
        throw .malformedEntry(source: source, tensor: name,
                              reason: "data_offsets must be two non-negative integers [begin, end]")
    }
    guard begin <= end else { throw .invertedOffsets(source: source, tensor: name, begin: begin, end: end) }

    guard let count = safetensorsElementCount(shape) else {
        throw .shapeTooLarge(source: source, tensor: name, shape: shape)
    }
    let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
    guard !overflow else { throw .shapeTooLarge(source: source, tensor: name, shape: shape) }
    guard byteCount == end - begin else {
        throw .byteCountMismatch(source: source, tensor: name, dtype: dtype, shape: shape,
                                 expected: byteCount, actual: end - begin)
    }
    return RawEntry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
}

/// The data buffer must be tiled exactly: sorted by offset, each tensor starts where the previous
/// one ended and the last ends at the end of the buffer.
///
/// When the tensors tile `0..<maxEnd` perfectly but `maxEnd` exceeds the buffer, the header is
/// self-consistent and the file was cut short, so that is reported as truncation rather than as a
/// bad offset; a lone tensor pointing past the end of an otherwise sound layout is an out-of-range offset.
private func checkCoverage(_ entries: [RawEntry], bufferSize: Int, dataStart: Int, source: String)
    throws(SafetensorsError)
{
    var cursor = 0
    var previousName: String?
    var overlap: (String, String)?
    var hole: Range<Int>?
    for entry in entries {
        if entry.begin < cursor, overlap == nil, let previous = previousName {
            overlap = (previous, entry.name)
        } else if entry.begin > cursor, hole == nil {
            hole = cursor..<entry.begin
        }
        // A zero-length tensor must not move the cursor backwards past a longer predecessor.
        if entry.end >= cursor {
            cursor = entry.end
            previousName = entry.name
        }
    }
    if cursor > bufferSize {
        if overlap == nil && hole == nil {
            throw .dataTruncated(source: source, expectedBytes: dataStart + cursor, actualBytes: dataStart + bufferSize)
        }
        if let outside = entries.first(where: { $0.end > bufferSize }) {
            throw .offsetOutOfRange(source: source, tensor: outside.name, end: outside.end, bufferSize: bufferSize)
        }
    }
    if let (first, second) = overlap { throw .overlappingTensors(source: source, first: first, second: second) }
    if let hole { throw .uncoveredBytes(source: source, begin: hole.lowerBound, end: hole.upperBound) }
    if cursor < bufferSize { throw .uncoveredBytes(source: source, begin: cursor, end: bufferSize) }
}

/// Whether `bytes` is well-formed UTF-8 (no overlongs, surrogates or truncated sequences).
/// Uses the standard library's transcoder, which is available on every platform the package targets.
func safetensorsIsValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var parser = Unicode.UTF8.ForwardParser()
    var iterator = bytes.makeIterator()
    while true {
        switch parser.parseScalar(from: &iterator) {
        case .valid: continue
        case .emptyInput: return true
        case .error: return false
        }
    }
}
