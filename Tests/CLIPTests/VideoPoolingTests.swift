// CLIP's video vector is the normalised mean of its real frames' normalised features: padding,
// zero rows included, takes no part (a zero row once normalised to NaN and made the vector NaN).
import Testing
import ZooCore
import ZooTensor
@testable import CLIP

@Suite("CLIP video pooling")
struct VideoPoolingTests {
    @Test("zero padding leaves a video's vector exactly that of its real frames")
    func zeroPaddingIsIgnored() {
        let real = Tensor.randomNormal([1, 2, 8], seed: 3)
        let padded = Tensor.concatenate([real, Tensor.zeros([1, 3, 8])], axis: 1)
        let alone = CLIPModel.meanPooledEmbedding(VideoFeatures(frames: real, mask: Tensor.ones([1, 2])))
        let withPadding = CLIPModel.meanPooledEmbedding(VideoFeatures(frames: padded, mask: Tensor([1, 1, 0, 0, 0], shape: [1, 5])))
        #expect(withPadding.scalars.allSatisfy { $0.isFinite })
        #expect(withPadding.scalars == alone.scalars)
    }

    @Test("what padding holds does not matter")
    func paddingValuesAreIgnored() {
        let frames = Tensor.randomNormal([2, 4, 8], seed: 4)
        let mask = Tensor([1, 0, 0, 0, 1, 1, 1, 0], shape: [2, 4])
        let noise = Tensor.randomNormal([2, 4, 8], seed: 5) * (1 - mask.expandingDimension(at: -1))
        let first = CLIPModel.meanPooledEmbedding(VideoFeatures(frames: frames, mask: mask))
        let second = CLIPModel.meanPooledEmbedding(VideoFeatures(frames: frames * mask.expandingDimension(at: -1) + noise, mask: mask))
        #expect(first.scalars == second.scalars)
    }
}
