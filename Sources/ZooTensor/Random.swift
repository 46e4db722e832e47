// Seeded, platform-independent random numbers.
import Foundation

/// xoshiro256** seeded through SplitMix64: the same seed yields the same integer stream on every
/// machine. Uniform floats use the top 24 bits, so they are exact and portable; normal
/// samples use Box–Muller through `log`, `sqrt` and `cos`, which may differ in the last bit
/// between C libraries.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The full internal state: saving and restoring it resumes the stream exactly.
    public var state: (UInt64, UInt64, UInt64, UInt64) {
        get { (s0, s1, s2, s3) }
        set { (s0, s1, s2, s3) = newValue }
    }
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1), a multiple of 2^-24.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 0x1p-60)
        let u2 = Double(next() >> 11) * 0x1p-53
        return Float((-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2))
    }

    /// Uniform integer in `0..<bound`, unbiased (rejection sampling).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound")
        return Int(next(upperBound: UInt64(bound)))
    }

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool {
        lhs.s0 == rhs.s0 && lhs.s1 == rhs.s1 && lhs.s2 == rhs.s2 && lhs.s3 == rhs.s3
    }
}

/// The generator used by dropout and default parameter initialisers.
///
/// Seed it once at the start of a run (`GlobalRandom.seed(…)`), or scope a seed to a block with
/// `GlobalRandom.withSeed(…) { }`, which gives that block (and only that task) its own stream, so
/// concurrently running tests or jobs never share one. Checkpoints save `generator.state`.
public enum GlobalRandom {
    /// A mutable generator shared by reference within one scope.
    public final class Stream: @unchecked Sendable {
        public var generator: RandomGenerator
        public init(seed: UInt64) { generator = RandomGenerator(seed: seed) }
    }

    @TaskLocal public static var stream = Stream(seed: 0)

    /// The current scope's generator.
    public static var generator: RandomGenerator {
        get { stream.generator }
        set { stream.generator = newValue }
    }

    /// Reseeds the current scope's generator.
    public static func seed(_ seed: UInt64) { stream.generator = RandomGenerator(seed: seed) }

    /// Runs `body` with a fresh generator seeded with `seed`, private to this task.
    public static func withSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
        try $stream.withValue(Stream(seed: seed)) { try body() }
    }
}

extension Tensor {
    /// Standard-normal values times `standardDeviation` plus `mean`, from `seed`.
    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomNormal(shape, mean: mean, standardDeviation: standardDeviation, using: &generator)
    }

    public static func randomNormal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                                    using generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let p = result.storage.pointer
        for i in 0..<result.count { p[i] = mean + standardDeviation * generator.nextNormal() }
        return result
    }

    /// Uniform values in [low, high) from `seed`.
    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return randomUniform(shape, low: low, high: high, using: &generator)
    }

    public static func randomUniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                                     using generator: inout RandomGenerator) -> Tensor {
        let result = Tensor(uninitializedShape: shape)
        let p = result.storage.pointer
        for i in 0..<result.count { p[i] = low + (high - low) * generator.nextUniform() }
        return result
    }
}
