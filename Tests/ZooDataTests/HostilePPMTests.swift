// A PPM header may promise billions of pixels in a few bytes: the reader refuses it from the
// bytes that follow, before it allocates anything for the pixels.
import Foundation
import Testing
import ZooData

@Suite("PPM headers that promise more than the file holds")
struct HostilePPMTests {
    @Test("2³¹ × 2 pixels in a 20-byte file are refused as truncated, at once", arguments: ["P6", "P5", "P3"])
    func hugeHeaderIsRefused(magic: String) {
        let data = Data("\(magic)\n2147483647 2\n255\n\u{1}\u{2}\u{3}".utf8)
        do {
            _ = try RGBImage(ppmData: data, source: "huge.ppm")
            Issue.record("a header promising 2^32 pixels was accepted")
        } catch {
            #expect("\(error)".contains("truncated") || "\(error)".contains("too large"), "\(error)")
        }
    }
}
