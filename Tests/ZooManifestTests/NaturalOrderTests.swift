import Testing
import ZooManifest

@Suite("Natural sort")
struct NaturalOrderTests {
    @Test("digit runs compare by value", arguments: [
        ("layer2", "layer10"),
        ("clip-vit-b16", "clip-vit-b32"),
        ("clip-vit-b32", "clip-vit-l14"),
        ("clip-vit-b16", "clip-vit-l14"),
        ("x9", "x10"),
        ("a", "a1"),
        ("a99999999999999999999", "a100000000000000000000"),
    ])
    func ordered(smaller: String, larger: String) {
        #expect(NaturalOrder.areInIncreasingOrder(smaller, larger))
        #expect(!NaturalOrder.areInIncreasingOrder(larger, smaller))
    }

    @Test("sorts a list of names the way a person expects")
    func sortsNames() {
        let names = ["layer10", "clip-vit-l14", "layer2", "clip-vit-b32", "clip4clip-meanp", "clip-vit-b16", "layer1"]
        #expect(names.naturallySorted() == ["clip-vit-b16", "clip-vit-b32", "clip-vit-l14", "clip4clip-meanp", "layer1", "layer2", "layer10"])
    }

    @Test("equal-valued numbers and case differences still give a total, stable order")
    func ties() {
        #expect(NaturalOrder.compare("a01", "a1") != 0)
        #expect(NaturalOrder.compare("a01", "a1") == -NaturalOrder.compare("a1", "a01"))
        #expect(NaturalOrder.compare("Layer2", "layer10") < 0)
        #expect(NaturalOrder.compare("same", "same") == 0)
    }
}
