// X-CLIP's frame–word tensor is Bt·T·Bv·F floats: scoring a 1,000 × 1,000 test set in one block
// would need several GB. These tests pin the tiled bound, and (on request) measure the real peak.
import Foundation
import Testing
import ZooCore
import ZooNN
import ZooTensor
import ZooTestSupport
@testable import XCLIP

/// Peak and current resident memory of this process in bytes (`VmHWM`, `VmRSS` of
/// /proc/self/status; Linux only, nil elsewhere).
private func residentMemory() -> (peak: Int, current: Int)? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    func kilobytes(_ field: String) -> Int? {
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        return line.split(separator: " ").compactMap { Int($0) }.first
    }
    guard let peak = kilobytes("VmHWM"), let current = kilobytes("VmRSS") else { return nil }
    return (peak * 1024, current * 1024)
}

/// Resets `VmHWM` to the current resident size (Linux ≥ 4.0); false when not permitted.
private func resetPeakMemory() -> Bool {
    FileManager.default.isWritableFile(atPath: "/proc/self/clear_refs")
        && (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
}

@Suite("X-CLIP evaluation memory")
struct XCLIPEvaluationMemoryTests {
    @Test("scoring 1,000 × 1,000 (T 32, F 12, D 512) is bounded well under 2 GB; one block would not be")
    func boundForATestSet() {
        let tiled = XCLIPHead.peakEvaluationBytes(textCount: 1_000, videoCount: 1_000, words: 32, frames: 12, width: 512)
        let oneBlock = XCLIPHead.peakEvaluationBytes(textCount: 1_000, videoCount: 1_000, words: 32, frames: 12, width: 512,
                                                     pairsPerBlock: 1_000_000)
        #expect(tiled == 742_448_000)
        #expect(tiled < 2_000_000_000)
        #expect(oneBlock > 7_000_000_000)
    }

    @Test("with a fixed block the bound grows with the number of texts and videos, not with their product")
    func boundIsLinear() {
        func bound(_ count: Int) -> Int {
            XCLIPHead.peakEvaluationBytes(textCount: count, videoCount: 1_000, words: 32, frames: 12, width: 512)
        }
        let perThousandTexts = bound(2_000) - bound(1_000)
        #expect(bound(10_000) - bound(9_000) == perThousandTexts)
        #expect(perThousandTexts < 400_000_000)
    }

    /// Run on request, alone (the whole test process shares one resident size):
    /// `ZOO_XCLIP_MEASURE_MEMORY=1 swift test --filter XCLIPEvaluationMemoryTests/measuredPeak`.
    /// `ZOO_XCLIP_TEXTS`, `ZOO_XCLIP_VIDEOS` and `ZOO_XCLIP_LAYERS` change the sizes (default
    /// 1,000 × 1,000, 4 layers; depth changes the time, not the peak, since without gradients
    /// the blocks run one after the other). A debug build on one thread needs about 40 minutes
    /// for 1,000 × 1,000 with one layer; it measured a growth of 741 MB (bound 742 MB).
    /// It prints the peak growth of the resident size, which includes what the allocator keeps
    /// after frees, next to `peakEvaluationBytes` (live tensors only).
    @Test("measured peak of scoring 1,000 × 1,000 stays under 2 GB",
          .enabled(if: ProcessInfo.processInfo.environment["ZOO_XCLIP_MEASURE_MEMORY"] == "1"))
    func measuredPeak() throws {
        let environment = ProcessInfo.processInfo.environment
        let (texts, videos) = (Int(environment["ZOO_XCLIP_TEXTS"] ?? "") ?? 1_000, Int(environment["ZOO_XCLIP_VIDEOS"] ?? "") ?? 1_000)
        let layers = Int(environment["ZOO_XCLIP_LAYERS"] ?? "") ?? 4
        let configuration = XCLIPConfiguration(width: 512, frames: 12, words: 32, layers: layers, heads: 8)
        let head = GlobalRandom.withSeed(1) { XCLIPHead(configuration) }
        head.eval()
        let (text, video) = head.exampleFeatures(textCount: texts, videoCount: videos, seed: 2)
        let reset = resetPeakMemory()
        let before = try #require(residentMemory())
        let start = Date()
        let logits = noGrad { head.similarity(text: text, video: video)[.logits]! }
        let seconds = Date().timeIntervalSince(start)
        let after = try #require(residentMemory())
        let growth = after.peak - before.current
        let bound = XCLIPHead.peakEvaluationBytes(textCount: texts, videoCount: videos, words: 32, frames: 12, width: 512)
        print("""
            X-CLIP \(texts)×\(videos) (T 32, F 12, D 512, \(layers) layers, \(head.pairsPerBlock) pairs per block): \
            peak resident growth \(growth / 1_000_000) MB (resident before \(before.current / 1_000_000) MB, \
            peak after \(after.peak / 1_000_000) MB, peak reset: \(reset)); bound \(bound / 1_000_000) MB; \(Int(seconds)) s
            """)
        #expect(logits.shape == [texts, videos])
        #expect(growth < 2_000_000_000)
    }
}
