import Testing
import ZooManifest

@Suite("Did you mean")
struct SuggestionsTests {
    let names = ["clip-vit-b32", "clip-vit-b16", "clip-vit-l14", "clip-tiny", "clip4clip-meanp", "clip4clip-seqlstm",
                 "clip4clip-seqtransf", "clip4clip-tighttransf", "xclip", "teachclip", "hinton-kd", "crd", "bimodal-pma"]

    @Test("distance counts insertions, deletions, substitutions and adjacent swaps as one edit each", arguments: [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "abc", 0),
        ("ab", "ba", 1),
        ("xclpi", "xclip", 1),
        ("ca", "abc", 3),
    ])
    func distance(lhs: String, rhs: String, expected: Int) {
        #expect(Suggestions.distance(lhs, rhs) == expected)
    }

    @Test("suggests the closest names first for a typo")
    func typos() {
        #expect(Suggestions.closest(to: "clip4clip-seqtrnsf", in: names).first == "clip4clip-seqtransf")
        #expect(Suggestions.best(for: "xclpi", in: names) == "xclip")
        #expect(Suggestions.best(for: "hinton_kd", in: names) == "hinton-kd")
        #expect(Suggestions.best(for: "CRD", in: names) == "crd")
    }

    @Test("a prefix suggests the names it starts")
    func prefix() {
        #expect(Suggestions.closest(to: "clip4clip", in: names, limit: 4)
            == ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf"])
    }

    @Test("suggests nothing when no name is close")
    func nothingClose() {
        #expect(Suggestions.closest(to: "nosuchmodel", in: names).isEmpty)
        #expect(Suggestions.didYouMean("zzz", in: names) == "")
    }

    @Test("the threshold grows with the length of the query")
    func threshold() {
        #expect(Suggestions.threshold(forLength: 3) == 1)
        #expect(Suggestions.threshold(forLength: 9) == 3)
        #expect(Suggestions.threshold(forLength: 30) == 4)
    }

    @Test("formats one or several suggestions as a sentence")
    func sentence() {
        #expect(Suggestions.didYouMean("lst", in: ["list", "info"]) == " Did you mean \"list\"?")
        #expect(Suggestions.didYouMean("clip-vit-b3", in: names) == " Did you mean \"clip-vit-b32\", \"clip-vit-b16\" or \"clip-vit-l14\"?")
    }
}
