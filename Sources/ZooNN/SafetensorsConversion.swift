// Bit-level conversions between Float and the 16-bit float formats, plus bulk little-endian loads.
//
// Why bit manipulation instead of the `Float16` type: `Float16` is unavailable on Intel macOS,
// and without F16C its conversions are out-of-line runtime calls per element. The branch-free
// forms below are exact, portable and let the compiler vectorise the loops.

/// Widens an IEEE binary16 bit pattern to the `Float` with exactly the same value.
///
/// Exact for every input: normals and subnormals map to the same real number, ±0, ±∞ keep
/// their sign, and NaNs stay NaN with sign and payload kept (shifted into the top mantissa bits).
@inline(__always)
public func safetensorsHalfToFloat(_ bits: UInt16) -> Float {
    let magnitude = UInt32(bits & 0x7FFF) << 13   // exponent and mantissa moved to binary32 places
    let exponent = magnitude & 0x0F80_0000         // the 5 half exponent bits, in place
    var result = magnitude &+ ((127 - 15) << 23)   // re-bias the exponent from 15 to 127
    if exponent == 0x0F80_0000 {
        // Inf/NaN: push the exponent to all ones (add another 128 - 16).
        result = result &+ ((128 - 16) << 23)
    } else if exponent == 0 {
        // Zero/subnormal: treat the mantissa as a normal number with exponent 2^-14, then subtract
        // the implicit leading one (2^-14) in float arithmetic, which is exact here.
        result = result &+ (1 << 23)
        result = (Float(bitPattern: result) - Float(bitPattern: 113 << 23)).bitPattern
    }
    return Float(bitPattern: result | UInt32(bits & 0x8000) << 16)
}

/// Widens a bfloat16 bit pattern to `Float`; exact, since bfloat16 is the top half of a binary32.
@inline(__always)
public func safetensorsBFloat16ToFloat(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) << 16)
}

/// Rounds a `Float` to the nearest binary16 bit pattern (ties to even), as PyTorch's `.half()` does.
///
/// Values beyond the half range (|x| ≥ 65520) become ±∞; tiny values become subnormals or ±0;
/// NaN becomes the quiet NaN 0x7E00 with the input's sign.
@inline(__always)
public func safetensorsFloatToHalf(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let magnitude = bits & 0x7FFF_FFFF
    if magnitude >= 0x4780_0000 {  // |x| ≥ 65536 (or Inf/NaN): always overflows
        return sign | (magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00)
    }
    if magnitude < 0x3880_0000 {  // |x| < 2^-14: result is subnormal or zero
        // Adding 0.5 (exponent 126) aligns bit 2^-24 with the float's last mantissa bit, so the
        // hardware's round-to-nearest-even does the rounding; then strip the 0.5 again.
        let shifted = Float(bitPattern: magnitude) + Float(bitPattern: 126 << 23)
        return sign | UInt16(truncatingIfNeeded: shifted.bitPattern &- (126 << 23))
    }
    // Normal: re-bias the exponent, round the 13 dropped bits to nearest even. A carry out of the
    // mantissa correctly bumps the exponent, and past 65504 lands exactly on the Inf pattern.
    let odd = (magnitude >> 13) & 1
    let rounded = magnitude &+ 0xFFF &+ odd &- ((127 - 15) << 23)
    return sign | UInt16(truncatingIfNeeded: rounded >> 13)
}

/// Rounds a `Float` to the nearest bfloat16 bit pattern (ties to even); NaN stays a quiet NaN.
@inline(__always)
public func safetensorsFloatToBFloat16(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if bits & 0x7FFF_FFFF > 0x7F80_0000 {
        return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040  // keep sign and payload, force quiet
    }
    let odd = (bits >> 16) & 1
    return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ odd) >> 16)
}

// MARK: - Bulk conversion of a byte range

/// Converts `count` little-endian elements of `dtype` starting at `source` into `Float`s.
/// The source may be unaligned (tensors in a file start at arbitrary byte offsets).
func safetensorsConvertToFloat(_ source: UnsafeRawPointer, dtype: SafetensorsDType, count: Int,
                               into destination: UnsafeMutablePointer<Float>)
{
    switch dtype {
    case .float32:
        #if _endian(little)
        // Same layout as Float in memory: a plain byte copy, no per-element work.
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
        #else
        for i in 0..<count {
            let bits = UInt32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))
            destination[i] = Float(bitPattern: bits)
        }
        #endif
    case .float16:
        for i in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            destination[i] = safetensorsHalfToFloat(bits)
        }
    case .bfloat16:
        for i in 0..<count {
            let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
            destination[i] = safetensorsBFloat16ToFloat(bits)
        }
    case .float64:
        for i in 0..<count {
            let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self))
            destination[i] = Float(Double(bitPattern: bits))  // rounds to nearest Float
        }
    case .int64, .int32, .int16, .int8, .uint8, .bool:
        preconditionFailure("integer dtypes are rejected before conversion")
    }
}

/// Converts `count` little-endian integer elements of `dtype` at `source` into `Int`s.
/// BOOL bytes read as 0 (zero) or 1 (anything else).
func safetensorsConvertToInt(_ source: UnsafeRawPointer, dtype: SafetensorsDType, count: Int,
                             into destination: UnsafeMutablePointer<Int>)
{
    switch dtype {
    case .int64:
        for i in 0..<count {
            // Int is 64 bits on every platform this package builds for, so this never truncates.
            let value = Int64(littleEndian: source.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
            destination[i] = Int(truncatingIfNeeded: value)
        }
    case .int32:
        for i in 0..<count {
            destination[i] = Int(Int32(littleEndian: source.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
        }
    case .int16:
        for i in 0..<count {
            destination[i] = Int(Int16(littleEndian: source.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
        }
    case .int8:
        for i in 0..<count { destination[i] = Int(source.load(fromByteOffset: i, as: Int8.self)) }
    case .uint8:
        for i in 0..<count { destination[i] = Int(source.load(fromByteOffset: i, as: UInt8.self)) }
    case .bool:
        for i in 0..<count { destination[i] = source.load(fromByteOffset: i, as: UInt8.self) == 0 ? 0 : 1 }
    case .float32, .float16, .bfloat16, .float64:
        preconditionFailure("float dtypes are rejected before conversion")
    }
}

/// Encodes `values` as little-endian `dtype` elements at `destination` (`values.count × byteSize` bytes).
/// One loop per dtype, with the dtype test hoisted out, so each loop is a straight copy or vectorises.
func safetensorsEncodeFloats(_ values: UnsafeBufferPointer<Float>, as dtype: SafetensorsDType,
                             into destination: UnsafeMutableRawPointer)
{
    guard let source = values.baseAddress else { return }
    switch dtype {
    case .float32:
        #if _endian(little)
        destination.copyMemory(from: source, byteCount: values.count * 4)
        #else
        for i in 0..<values.count {
            destination.storeBytes(of: source[i].bitPattern.littleEndian, toByteOffset: i * 4, as: UInt32.self)
        }
        #endif
    case .float16:
        for i in 0..<values.count {
            destination.storeBytes(of: safetensorsFloatToHalf(source[i]).littleEndian, toByteOffset: i * 2, as: UInt16.self)
        }
    case .bfloat16:
        for i in 0..<values.count {
            destination.storeBytes(of: safetensorsFloatToBFloat16(source[i]).littleEndian, toByteOffset: i * 2,
                                   as: UInt16.self)
        }
    case .float64:
        for i in 0..<values.count {
            destination.storeBytes(of: Double(source[i]).bitPattern.littleEndian, toByteOffset: i * 8, as: UInt64.self)
        }
    case .int64, .int32, .int16, .int8, .uint8, .bool:
        preconditionFailure("the writer rejects integer dtypes for floats before encoding")
    }
}

/// Encodes `values` (already range-checked for `dtype`) as little-endian two's-complement integers.
func safetensorsEncodeIntegers(_ values: UnsafeBufferPointer<Int>, as dtype: SafetensorsDType,
                               into destination: UnsafeMutableRawPointer)
{
    switch dtype.byteSize {
    case 8:
        for (i, value) in values.enumerated() {
            destination.storeBytes(of: Int64(value).littleEndian, toByteOffset: i * 8, as: Int64.self)
        }
    case 4:
        for (i, value) in values.enumerated() {
            destination.storeBytes(of: Int32(truncatingIfNeeded: value).littleEndian, toByteOffset: i * 4, as: Int32.self)
        }
    case 2:
        for (i, value) in values.enumerated() {
            destination.storeBytes(of: Int16(truncatingIfNeeded: value).littleEndian, toByteOffset: i * 2, as: Int16.self)
        }
    default:
        for (i, value) in values.enumerated() {
            destination.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: i, as: UInt8.self)
        }
    }
}
