// CLIP: Learning Transferable Visual Models From Natural Language Supervision.
// Radford, Kim, Hallacy, Ramesh, Goh, Agarwal, Sastry, Askell, Mishkin, Clark, Krueger,
// Sutskever — 2021, arXiv:2103.00020. Code: openai/CLIP (clip/model.py, clip/simple_tokenizer.py).
// The registry entry: each zoo.json CLIP name builds a `CLIPModel` from its config, and is a
// backbone that similarity heads compose with (`ComposedRetrievalModel`).
import ZooCore

public enum CLIPEntry: MethodEntry {
    public static func register(in registry: inout Registry) throws {
        for name in ["clip-vit-b32", "clip-vit-b16", "clip-vit-l14", "clip-tiny"] {
            try registry.add(model: name, configuration: CLIPConfiguration.Settings.self,
                             { CLIPModel(try CLIPConfiguration(settings: $0, entry: name)) },
                             pretrained: { settings, url in try CLIPCheckpoint.load(url, base: try CLIPConfiguration(settings: settings, entry: name)) })
            try registry.add(composer: name, ComposedRetrievalModel.compose)
        }
    }
}
