// Contrastive Representation Distillation.
// Tian, Krishnan, Isola — 2019, arXiv:1910.10699. Code: HobbitLong/RepDistiller
// dataset/cifar100.py `CIFAR100InstanceSample` (is_sample=True, mode "exact").
// Each example contrasts its own memory row (the positive) with K rows of other classes.
// Deviations:
// - The official dataset draws K negatives without replacement when its class has enough
//   others, and with replacement otherwise. Here K is capped once at N − (size of the largest
//   class), so every row of every batch has K distinct negatives and the NCE's m = K is the same
//   for all of them. With the default K = 16384 and a set smaller than that (digits: 1,347
//   examples, 10 classes) the cap is what decides K.
// - The official draws come from numpy's global random stream inside the data loader; these come
//   from a generator seeded by (seed, call number), so a resumed run draws the same negatives.
import ZooCore
import ZooTensor

/// Draws CRD's contrast indices: per example, its own row then K distinct rows of other classes.
public struct NegativeSampler: Sendable {
    /// Class of every memory row (`labels.count` = N). Retrieval: every row its own class.
    public let labels: [Int]
    /// K after the cap: `min(requested, N − largest class size)`.
    public let negatives: Int
    public let seed: UInt64

    /// Fails when no row has another class to contrast with.
    public init(labels: [Int], requested: Int, seed: UInt64) throws {
        let available = Self.availableNegatives(labels: labels)
        guard available >= 1 else {
            throw ZooError.invalidConfig(entry: "crd", key: "negatives",
                                         problem: "cannot be met: every one of the \(labels.count) training examples is in the same class, so none has negatives from another class. CRD needs at least two classes (retrieval: two videos)")
        }
        self.labels = labels
        negatives = Swift.min(requested, available)
        self.seed = seed
    }

    /// N − (size of the largest class): the most negatives every row can have without repeats.
    public static func availableNegatives(labels: [Int]) -> Int {
        var sizes: [Int: Int] = [:]
        for label in labels { sizes[label, default: 0] += 1 }
        return labels.count - (sizes.values.max() ?? 0)
    }

    /// `[rows.count · (K+1)]` indices, row-major `[B, K+1]`: for example b, `rows[b]` then K
    /// distinct rows whose class differs from `labels[rows[b]]`, in random order. The draw
    /// depends only on (seed, call, rows).
    public func draw(rows: [Int], call: Int) -> [Int] {
        var generator = RandomGenerator(seed: Self.mix(seed, UInt64(call)))
        let count = labels.count, k = negatives
        var pool = Array(0..<count)
        var result = [Int](repeating: 0, count: rows.count * (k + 1))
        labels.withUnsafeBufferPointer { classes in
            pool.withUnsafeMutableBufferPointer { pool in
                for (b, row) in rows.enumerated() {
                    let own = classes[row]
                    let base = b * (k + 1)
                    result[base] = row
                    var taken = 0, t = 0
                    // A partial Fisher–Yates shuffle of the pool, keeping the rows of other classes:
                    // a uniform sample without replacement. The pool need not be reset between
                    // examples: any order of it is a valid start.
                    while taken < k {
                        let j = t + generator.nextInt(below: count - t)
                        pool.swapAt(t, j)
                        if classes[pool[t]] != own {
                            taken += 1
                            result[base + taken] = pool[t]
                        }
                        t += 1
                    }
                }
            }
        }
        return result
    }

    /// A 64-bit mix of two words (SplitMix64's finaliser over a combination), so that
    /// neighbouring calls get unrelated streams.
    static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var z = a &+ 0x9E37_79B9_7F4A_7C15 &* (b &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z ^ (a &* 0xD6E8_FEB8_6659_FD93)
    }
}
