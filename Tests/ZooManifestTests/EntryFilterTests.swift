import Testing
import ZooManifest

@Suite("Listing with patterns and filters")
struct EntryFilterTests {
    let manifest: Manifest

    init() throws {
        manifest = try Manifest.parse(repositoryManifestText())
    }

    func names(_ filter: EntryFilter) -> [String] { manifest.entries(matching: filter).map(\.name) }

    @Test("no conditions lists every entry in natural order")
    func everything() {
        let all = names(EntryFilter())
        #expect(all.count == manifest.entries.count)
        #expect(all == all.naturallySorted())
        #expect(all.firstIndex(of: "clip-vit-b16")! < all.firstIndex(of: "clip-vit-b32")!)
    }

    @Test("include patterns keep names matching any of them")
    func include() throws {
        #expect(try names(EntryFilter(including: ["clip4clip-*"]))
            == ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf"])
        #expect(try names(EntryFilter(including: ["xclip", "crd"])) == ["crd", "xclip"])
    }

    @Test("exclude patterns drop names even when an include matches them")
    func exclude() throws {
        #expect(try names(EntryFilter(including: ["clip-*"], excluding: ["clip-tiny", "*l14"])) == ["clip-vit-b16", "clip-vit-b32"])
    }

    @Test("kind, family and status filters keep entries matching any requested value")
    func enumFilters() throws {
        #expect(names(EntryFilter(kinds: [.loss])) == ["bimodal-pma-kd", "crd", "hinton-kd", "teachclip-coarse", "teachclip-fine"])
        #expect(names(EntryFilter(kinds: [.loss, .model], families: [.classification]))
            == ["bimodal-pma", "bimodal-pma-kd", "cnn-small", "crd", "hinton-kd", "mlp-student", "mlp-teacher"])
        let planned = manifest.entries.filter { $0.status == .planned }.count
        #expect(names(EntryFilter(statuses: [.planned])).count == planned)
        #expect(names(EntryFilter(statuses: [.planned, .experimental, .stable])).count == manifest.entries.count)
    }

    @Test("an entry with several families matches a filter on any of them")
    func multipleFamilies() {
        #expect(names(EntryFilter(families: [.retrieval])).contains("hinton-kd"))
        #expect(names(EntryFilter(families: [.classification])).contains("hinton-kd"))
    }

    @Test("reports include patterns that match no name at all")
    func unmatched() throws {
        let filter = try EntryFilter(including: ["clip*", "nosuch*"])
        #expect(filter.unmatchedIncludes(in: manifest.entries).map(\.pattern) == ["nosuch*"])
    }

    @Test("a malformed pattern is rejected")
    func malformed() {
        #expect(throws: Glob.Error.self) { try EntryFilter(including: ["clip-[a"]) }
    }
}
