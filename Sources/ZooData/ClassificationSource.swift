// The shape every classification dataset split takes (the shipped digits, the embedded
// synthfine), so that batching, training and evaluation never look at where the data came from.
import ZooTensor

/// One split (train or test) of a classification dataset.
///
/// A batch of it holds the model inputs under the keys the dataset documents (digits: `inputs`
/// `[B, 64]`; image datasets: `images` `[B, C, H, W]`, plus whatever else they carry, e.g.
/// synthfine's phrases), the class ids under `labels` `[B]`, and the split's example indices as
/// `Batch.indices` (CRD's memory banks are indexed by them).
public protocol ClassificationSource {
    /// What it is, for logs and reports: "digits/train".
    var name: String { get }
    /// Number of examples.
    var count: Int { get }
    /// Names of the classes, index = class id.
    var classNames: [String] { get }
    /// The class id of example `index`.
    func label(_ index: Int) -> Int
    /// The examples at `indices`, stacked in that order.
    func batch(_ indices: [Int]) throws -> Batch
}

extension ClassificationSource {
    public var classCount: Int { classNames.count }
    /// Every example's class id, in order.
    public var labels: [Int] { (0..<count).map(label) }
}
