import Foundation
import Testing
import ZooManifest

@Suite("The zoo.json in this repository")
struct RepositoryManifestTests {
    let manifest: Manifest

    init() throws {
        manifest = try Manifest.parse(repositoryManifestText())
    }

    @Test("lists all seven papers")
    func sevenPapers() {
        let titles = Set(manifest.entries.map(\.paper.title))
        #expect(titles == [
            "Learning Transferable Visual Models From Natural Language Supervision",
            "CLIP4Clip: An Empirical Study of CLIP for End to End Video Clip Retrieval",
            "X-CLIP: End-to-End Multi-grained Contrastive Learning for Video-Text Retrieval",
            "Holistic Features are almost Sufficient for Text-to-Video Retrieval",
            "Contrastive Representation Distillation",
            "Distilling the Knowledge in a Neural Network",
            "Bi-Modal Progressive Mask Attention for Fine-Grained Recognition",
        ])
    }

    @Test("has the four CLIP4Clip heads in target CLIP4Clip")
    func clip4clipHeads() {
        let heads = manifest.entries.filter { $0.target == "CLIP4Clip" }
        #expect(heads.map(\.name) == ["clip4clip-meanp", "clip4clip-seqlstm", "clip4clip-seqtransf", "clip4clip-tighttransf"])
        #expect(heads.allSatisfy { $0.kind == .head && $0.entryType == "CLIP4ClipEntry" })
    }

    @Test("cites the papers' arXiv ids and official code")
    func citations() throws {
        let expected: [String: (String?, String?)] = [
            "CLIP": ("2103.00020", "https://github.com/openai/CLIP"),
            "CLIP4Clip": ("2104.08860", "https://github.com/ArrowLuo/CLIP4Clip"),
            "XCLIP": ("2207.07285", "https://github.com/xuguohai/X-CLIP"),
            "TeachCLIP": ("2308.01217", "https://github.com/ruc-aimc-lab/TeachCLIP"),
            "CRD": ("1910.10699", "https://github.com/HobbitLong/RepDistiller"),
            "HintonKD": ("1503.02531", nil),
            "BiModalPMA": (nil, nil),
        ]
        for entry in manifest.entries {
            let facts = try #require(expected[entry.target], "unexpected target \(entry.target)")
            #expect(entry.paper.arxiv == facts.0, "\(entry.name)")
            #expect(entry.paper.code == facts.1, "\(entry.name)")
        }
    }

    @Test("every built entry's target has its folder, and planned targets declare none")
    func builtTargetsHaveFolders() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for target in manifest.methodTargets {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/Methods/\(target.name)").path),
                    "\(target.name) is built in zoo.json but has no Sources/Methods folder")
        }
        let built = Set(manifest.methodTargets.map(\.name))
        for entry in manifest.entries where entry.status == .planned && !built.contains(entry.target) {
            #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/Methods/\(entry.target)").path))
        }
    }

    @Test("Hinton KD and CRD serve both families; family may be written as a string or an array")
    func families() throws {
        #expect(try #require(manifest.entry(named: "hinton-kd")).families == [.classification, .retrieval])
        #expect(try #require(manifest.entry(named: "bimodal-pma")).families == [.classification])
        #expect(try #require(manifest.entry(named: "xclip")).families == [.retrieval])
    }

    @Test("zoo.json holds run settings and overrides, not the methods' defaults")
    func configsHoldOverridesOnly() throws {
        // The defaults live in each method's typed configuration (ZooCoreTests checks them through
        // the registry); a head's zoo.json config keeps its recipe and backbones only.
        let xclip = try #require(manifest.entry(named: "xclip"))
        #expect(Set(xclip.config.members?.map(\.key) ?? []) == ["backbone", "backboneByDataset", "training"])
        #expect(try #require(manifest.entry(named: "crd")).config.members?.isEmpty == true)
    }
}
