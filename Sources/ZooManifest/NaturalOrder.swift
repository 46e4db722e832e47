// Human ordering of names: runs of digits compare as numbers, so "layer2" < "layer10" and
// "clip-vit-b16" < "clip-vit-b32" < "clip-vit-l14", as a person reading `zoo list` expects.

/// Natural ("human") string ordering.
public enum NaturalOrder {
    /// Compares two strings naturally. Returns a negative number, zero or a positive number.
    ///
    /// Digit runs compare by value (`2` < `10`); other characters compare case-insensitively by
    /// Unicode scalar. Ties (`a01` vs `a1`, `A` vs `a`) fall back to plain scalar order, so the
    /// order is total and deterministic.
    public static func compare(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs.unicodeScalars)
        let right = Array(rhs.unicodeScalars)
        var i = 0
        var j = 0
        while i < left.count, j < right.count {
            if isDigit(left[i]), isDigit(right[j]) {
                let leftEnd = digitRunEnd(left, from: i)
                let rightEnd = digitRunEnd(right, from: j)
                let order = compareNumbers(left[i..<leftEnd], right[j..<rightEnd])
                if order != 0 { return order }
                i = leftEnd
                j = rightEnd
            } else {
                let a = folded(left[i])
                let b = folded(right[j])
                if a != b { return a < b ? -1 : 1 }
                i += 1
                j += 1
            }
        }
        if i < left.count { return 1 }
        if j < right.count { return -1 }
        // Equal under the natural rules: break the tie deterministically.
        return lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars) ? -1 : (lhs == rhs ? 0 : 1)
    }

    /// Whether `lhs` sorts before `rhs` naturally; suitable for `sorted(by:)`.
    public static func areInIncreasingOrder(_ lhs: String, _ rhs: String) -> Bool {
        compare(lhs, rhs) < 0
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func folded(_ scalar: Unicode.Scalar) -> UInt32 {
        ("A"..."Z").contains(scalar) ? scalar.value + 32 : scalar.value
    }

    private static func digitRunEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count, isDigit(scalars[end]) { end += 1 }
        return end
    }

    /// Compares two digit runs by value without converting (runs can exceed `Int`).
    private static func compareNumbers(_ a: ArraySlice<Unicode.Scalar>, _ b: ArraySlice<Unicode.Scalar>) -> Int {
        let a = a.drop { $0 == "0" }
        let b = b.drop { $0 == "0" }
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for (x, y) in zip(a, b) where x != y { return x.value < y.value ? -1 : 1 }
        return 0
    }
}

extension Sequence where Element == String {
    /// The strings in natural order.
    public func naturallySorted() -> [String] {
        sorted(by: NaturalOrder.areInIncreasingOrder)
    }
}
