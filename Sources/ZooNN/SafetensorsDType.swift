// Element types and tensor descriptors of the safetensors format.

/// The element type of one tensor in a safetensors file, spelled as in the header's `"dtype"` field.
///
/// All multi-byte types are stored little-endian, as the format requires.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    /// IEEE 754 binary32 (4 bytes).
    case float32 = "F32"
    /// IEEE 754 binary16 (2 bytes): 1 sign, 5 exponent, 10 mantissa bits.
    case float16 = "F16"
    /// bfloat16 (2 bytes): the upper half of a binary32.
    case bfloat16 = "BF16"
    /// IEEE 754 binary64 (8 bytes).
    case float64 = "F64"
    /// Signed 64-bit integer.
    case int64 = "I64"
    /// Signed 32-bit integer.
    case int32 = "I32"
    /// Signed 16-bit integer.
    case int16 = "I16"
    /// Signed 8-bit integer.
    case int8 = "I8"
    /// Unsigned 8-bit integer.
    case uint8 = "U8"
    /// Boolean, one byte per element (0 = false, anything else = true).
    case bool = "BOOL"

    /// Bytes per element (1, 2, 4 or 8).
    public var byteSize: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }

    /// Whether the type holds floating-point values (read them with `SafetensorsFile.floats`).
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16, .float64: return true
        case .int64, .int32, .int16, .int8, .uint8, .bool: return false
        }
    }

    /// The inclusive range of values this integer type can store, or `nil` for floating-point types.
    /// Used by the writer to refuse values that would wrap around.
    var integerRange: ClosedRange<Int>? {
        switch self {
        case .int64: return Int(Int64.min)...Int(Int64.max)
        case .int32: return Int(Int32.min)...Int(Int32.max)
        case .int16: return Int(Int16.min)...Int(Int16.max)
        case .int8: return Int(Int8.min)...Int(Int8.max)
        case .uint8: return 0...255
        case .bool: return 0...1
        case .float32, .float16, .bfloat16, .float64: return nil
        }
    }

    /// The header spellings of every supported type, for error messages.
    static var supportedList: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// One tensor of a safetensors file: its name, type, shape and where its bytes lie.
///
/// Entries are produced by `SafetensorsFile`, which has already checked that the shape,
/// type and byte range agree and that the range lies inside the file.
public struct SafetensorsEntry: Sendable, Equatable {
    /// The tensor's key in the header, e.g. `text_model.embeddings.token_embedding.weight`.
    public let name: String
    /// The element type.
    public let dtype: SafetensorsDType
    /// The dimensions, outermost first (row-major). `[]` is a scalar holding one element.
    public let shape: [Int]
    /// Absolute position of the first byte in the file (8 + header length + `data_offsets[0]`).
    public let byteOffset: Int
    /// Length of the tensor's data in bytes (`elementCount × dtype.byteSize`).
    public let byteCount: Int

    /// Number of elements: the product of `shape` (1 for a scalar, 0 if any dimension is 0).
    public var elementCount: Int { byteCount / dtype.byteSize }
}

/// Multiplies the dimensions of `shape` with overflow checks.
/// Returns `nil` if a dimension is negative or the product does not fit in `Int`.
func safetensorsElementCount(_ shape: [Int]) -> Int? {
    var product = 1
    for dim in shape {
        guard dim >= 0 else { return nil }
        let (next, overflow) = product.multipliedReportingOverflow(by: dim)
        guard !overflow else { return nil }
        product = next
    }
    return product
}

/// Formats a shape as `[2, 3]` for messages.
func safetensorsShapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}
