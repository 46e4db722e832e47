// The zoo.json entry of a scaffolded method: the facts the registry and `zoo list` need, with
// the configuration keys the generated skeleton reads.
import ZooManifest

extension ScaffoldRequest {
    /// The defaults the skeleton's typed `Config` declares (placeholders for a researcher to
    /// replace by the paper's). zoo.json's `config` starts empty (it holds only what differs from
    /// them); `tinyConfig` only uses these keys: the registry rejects others.
    public var defaultConfig: JSONNode {
        switch (kind, family) {
        case (.head, _):
            return .object(["embedDim": .number(512), "logitScaleInit": number("2.659260036932778")])
        case (.loss, _):
            return .object(["temperature": number("4.0")])
        case (.model, .retrieval):
            return .object([
                "vocabSize": .number(49408), "words": .number(32), "featureDim": .number(512),
                "frames": .number(12), "embedDim": .number(512), "logitScaleInit": number("2.659260036932778"),
            ])
        case (.model, .classification):
            return .object(["inputs": .number(64), "width": .number(128), "classes": .number(10)])
        }
    }

    /// Small sizes for unit tests and the registry-driven checks.
    public var tinyConfig: JSONNode {
        switch (kind, family) {
        case (.head, _): return .object(["embedDim": .number(8)])
        case (.loss, _): return .object([:])
        case (.model, .retrieval):
            return .object(["vocabSize": .number(64), "words": .number(6), "featureDim": .number(12),
                            "frames": .number(4), "embedDim": .number(8)])
        case (.model, .classification):
            return .object(["inputs": .number(6), "width": .number(16), "classes": .number(3)])
        }
    }

    /// The zoo.json entry, status `experimental`, keys in the order the schema documents them.
    public var manifestEntry: JSONNode {
        var paperMembers: [JSONNode.Member] = [
            .init(key: "title", value: .string(paper.title)),
            .init(key: "authors", value: .array(paper.authors.map(JSONNode.string))),
            .init(key: "year", value: .number(paper.year)),
            .init(key: "arxiv", value: paper.arxiv.map(JSONNode.string) ?? .null),
            .init(key: "code", value: paper.code.map(JSONNode.string) ?? .null),
        ]
        if paper.title == Self.titlePlaceholder || paper.authors == [Self.authorsPlaceholder] {
            paperMembers.append(.init(key: "note", value: .string("Scaffolded by zoo-new-method: replace the TODO fields with the paper's.")))
        }
        return .object(members: [
            .init(key: "name", value: .string(name)),
            .init(key: "kind", value: .string(kind.rawValue)),
            .init(key: "family", value: .string(family.rawValue)),
            .init(key: "target", value: .string(target)),
            .init(key: "entry", value: .string(entryType)),
            .init(key: "summary", value: .string(summary)),
            .init(key: "paper", value: .object(members: paperMembers)),
            .init(key: "config", value: .object([:])),
            .init(key: "tinyConfig", value: tinyConfig),
            .init(key: "tags", value: .array([.string(kind.rawValue), .string("scaffolded")])),
            .init(key: "status", value: .string(Status.experimental.rawValue)),
        ])
    }

    /// A summary that says it is a placeholder, so `zoo info` shows what is left to do.
    var summary: String {
        "TODO: one sentence saying what \(name) computes (scaffolded \(family.rawValue) \(kind.rawValue): \(skeletonSummary))."
    }

    /// What the generated skeleton computes until a researcher replaces it.
    var skeletonSummary: String {
        switch (kind, family) {
        case (.head, _): "cosine similarity of the sentence and the mean frame, times a learnable scale"
        case (.loss, _): "temperature-softened KL divergence between student and teacher logits"
        case (.model, .retrieval): "mean-pooled token embeddings against linearly projected mean frames"
        case (.model, .classification): "a two-layer perceptron on input vectors"
        }
    }
}

/// A number node with the exact literal text (`JSONNode.number` only takes integers).
private func number(_ literal: String) -> JSONNode { JSONNode(.number(literal)) }
