import Foundation
import ZooTensor

extension GEMMBenchmark {
    /// Float32 operands for one configuration, stored as its mode says, filled with values in [-1, 1).
    final class Operands {
        let a: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>, c: UnsafeMutablePointer<Float>
        let lda: Int, ldb: Int
        let config: Config

        init(_ config: Config) {
            self.config = config
            let (m, n, k, batch) = (config.m, config.n, config.k, config.batch)
            lda = config.mode.first == "T" ? m : k
            ldb = config.mode.last == "T" ? k : n
            a = .allocate(capacity: batch * m * k)
            b = .allocate(capacity: batch * k * n)
            c = .allocate(capacity: batch * m * n)
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for (p, count) in [(a, batch * m * k), (b, batch * k * n)] {
                for i in 0..<count {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    p[i] = Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
                }
            }
            c.initialize(repeating: 0, count: batch * m * n)
        }

        func free() {
            a.deallocate()
            b.deallocate()
            c.deallocate()
        }

        /// One product (or one batch of them) through the public API.
        func multiply(threads: Int) {
            let cf = config
            let (tA, tB) = (cf.mode.first == "T", cf.mode.last == "T")
            if cf.batch == 1 {
                GEMM.multiply(
                    transposeA: tA, transposeB: tB, m: cf.m, n: cf.n, k: cf.k, a: a, lda: lda, b: b, ldb: ldb,
                    c: c, ldc: cf.n, threads: threads)
            } else {
                GEMM.batchedMultiply(
                    batch: cf.batch, transposeA: tA, transposeB: tB, m: cf.m, n: cf.n, k: cf.k,
                    a: a, lda: lda, strideA: cf.m * cf.k, b: b, ldb: ldb, strideB: cf.k * cf.n,
                    c: c, ldc: cf.n, strideC: cf.m * cf.n, threads: threads)
            }
        }
    }

    /// Takes interleaved samples of zoo and numpy and keeps the medians.
    struct Runner {
        /// Each sample repeats the product until it lasts about this long.
        var sampleSeconds: Double
        var rounds: Int
        /// Keep the fastest sample instead of the median.
        var best = false
        /// OpenBLAS worker threads spin for ~0.1 s after a call (2^28 TSC ticks); a zoo sample taken
        /// meanwhile would share its cores with them, so it waits this long after a numpy sample.
        var settleSeconds = 0.15

        func measure(_ config: Config, operands: Operands, threads: Int, reference: ReferenceProcess?) -> Result {
            // Warm-up (page faults, pooled buffers, helper threads), then calibrate the repetitions
            // on the fastest of the calls made in a fifth of a sample. One timed call used to set
            // them; when it shared a core with something else (a scheduler trace showed numpy's
            // OpenBLAS worker spinning 116-145 ms after its calls), 256^3 got 10 repetitions
            // instead of 200, and samples that short measured thread wake-ups: 0.6-0.8 of numpy
            // in about 1 run out of 10 (24 runs out of 24 at 1.00-1.07 after the change).
            operands.multiply(threads: threads)
            var once = Double.infinity
            let calibrationStart = DispatchTime.now().uptimeNanoseconds
            repeat {
                once = min(once, seconds { operands.multiply(threads: threads) })
            } while Double(DispatchTime.now().uptimeNanoseconds - calibrationStart) / 1e9 < sampleSeconds / 5
            let reps = max(1, min(100_000, Int(sampleSeconds / max(once, 1e-9))))
            var ours: [Double] = []
            var theirs: [Double] = []
            var pairRatios: [Double] = []  // numpy's time over zoo's, one per round with both samples
            for _ in 0..<rounds {
                // Each side warms up for a quarter of its sample first (the Python helper does the
                // same): a sample that starts after the settle sleep would otherwise pay for waking
                // the helper thread and an idle vCPU, which at 256³ cost a third of the 2-thread speed.
                for _ in 0..<max(1, reps / 4) { operands.multiply(threads: threads) }
                ours.append(seconds { for _ in 0..<reps { operands.multiply(threads: threads) } } / Double(reps))
                if let reference,
                    let t = reference.time(
                        m: config.m, n: config.n, k: config.k, mode: config.mode, batch: config.batch, reps: reps)
                {
                    theirs.append(t)
                    pairRatios.append(t / ours.last!)
                    if threads > 1 { Thread.sleep(forTimeInterval: settleSeconds) }
                }
            }
            let flop = 2.0 * Double(config.batch * config.m * config.n) * Double(config.k)
            // Ratio: zoo's speed over numpy's. By default the median over rounds of each pair's
            // ratio (a zoo sample and the numpy sample right after it): a slow spell of this machine,
            // seconds long, hits both samples of a pair alike, whereas the ratio of two medians
            // can mix one side's quiet samples with the other's busy ones. With `best`: fastest
            // over fastest.
            var ratio: Double?
            if !theirs.isEmpty {
                ratio = best ? summary(theirs) / summary(ours) : median(pairRatios)
            }
            return Result(
                config: config, threads: threads, gflops: flop / summary(ours) / 1e9,
                reference: theirs.isEmpty ? nil : flop / summary(theirs) / 1e9, ratio: ratio)
        }

        private func seconds(_ body: () -> Void) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }

        /// The median sample time, or the fastest with `best`.
        private func summary(_ times: [Double]) -> Double {
            best ? times.min()! : median(times)
        }

        private func median(_ xs: [Double]) -> Double {
            let s = xs.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
    }
}
