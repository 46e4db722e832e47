import Testing
import ZooManifest

@Suite("Manifest decoding")
struct ManifestDecodingTests {
    @Test("reads every field of an entry, with defaults for the optional ones")
    func fields() throws {
        let text = document([.valid().setting("tags", "[\"video\"]").setting("summary", "\"mean pooling\"")])
        let entry = try #require(Manifest.parse(text).entries.first)
        #expect(entry.name == "clip4clip-meanp")
        #expect(entry.kind == .head)
        #expect(entry.families == [.retrieval])
        #expect(entry.target == "CLIP4Clip")
        #expect(entry.entryType == "CLIP4ClipEntry")
        #expect(entry.summary == "mean pooling")
        #expect(entry.paper.authors == ["Huaishao Luo", "Lei Ji"])
        #expect(entry.paper.arxivURL == "https://arxiv.org/abs/2104.08860")
        #expect(entry.config["training"]?["lr"]?.description == "1e-4")
        #expect(entry.tinyConfig["frames"]?.intValue == 4)
        #expect(entry.variants.isEmpty)
        #expect(entry.tags == ["video"])
        #expect(entry.status == .planned)
        #expect(entry.line == line(of: "    {", in: text))
    }

    @Test("arxiv and code may be null")
    func nullablePaperFields() throws {
        let paper = #"{"title": "T", "authors": ["A B"], "year": 2020, "arxiv": null, "code": null}"#
        let entry = try #require(Manifest.parse(document([.valid().setting("paper", paper)])).entries.first)
        #expect(entry.paper.arxiv == nil)
        #expect(entry.paper.code == nil)
    }

    @Test("variants carry a name, an optional summary and config overrides")
    func variants() throws {
        let variants = #"[{"name": "vit-b16", "summary": "B/16", "config": {"backbone": "clip-vit-b16"}}, {"name": "plain"}]"#
        let entry = try #require(Manifest.parse(document([.valid().setting("variants", variants)])).entries.first)
        #expect(entry.variants.map(\.name) == ["vit-b16", "plain"])
        #expect(entry.variants[0].config["backbone"]?.stringValue == "clip-vit-b16")
        #expect(entry.variants[1].config.members?.isEmpty == true)
    }

    @Test("short citations name the first author, both authors, or one")
    func shortCitation() {
        #expect(Paper(title: "", authors: ["Huaishao Luo", "Lei Ji", "Ming Zhong"], year: 2021).shortCitation == "Luo et al. 2021")
        #expect(Paper(title: "", authors: ["Yonglong Tian", "Phillip Isola"], year: 2019).shortCitation == "Tian and Isola 2019")
        #expect(Paper(title: "", authors: ["Geoffrey Hinton"], year: 2015).shortCitation == "Hinton 2015")
    }

    @Test("list and info JSON always carry every documented key")
    func jsonKeys() throws {
        let entry = try #require(Manifest.parse(document([.valid()])).entries.first)
        #expect(entry.listJSON.members?.map(\.key) == ["name", "kind", "family", "status", "target", "entry", "summary", "paper", "tags"])
        let info = entry.infoJSON(extra: [.init(key: "parameters", value: .number(7))])
        #expect(info.members?.map(\.key) == ["name", "kind", "family", "status", "target", "entry", "summary", "paper", "tags",
                                             "variants", "config", "tinyConfig", "parameters"])
        #expect(entry.paper.json.members?.map(\.key) == ["title", "authors", "year", "arxiv", "code", "venue", "note"])
        #expect(entry.listJSON["family"] == .array([.string("retrieval")]))
        #expect(entry.listJSON["summary"] == .null)
    }
}
