// No paper's code below the method targets: the shared layers (ZooTensor, ZooNN, ZooCore) and
// the command-line targets hold no paper-specific type, checkpoint prefix, registry name or
// constant. A comment may cite a paper, and so may a command's help page (its multi-line
// `discussion`, documentation for people, examples included); code and messages may not. ZooData
// keeps CLIP's tokenizer and preprocessing, which are data formats, so their names are allowed.
import Foundation
import Testing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The targets that must stay paper-free, by source folder.
private let sharedTargets = ["ZooTensor", "ZooTensorAVX512", "ZooNN", "ZooCore", "ZooCommandLine", "ZooCommands", "zoo"]

/// What betrays a paper in code: its names (types, registry names), the `clip.` checkpoint
/// prefix, and constants of its models (CLIP's vocabulary size, TeachCLIP's AFA layer names).
private let forbidden: [(pattern: String, what: String)] = [
    (#"(?i)clip4clip"#, "CLIP4Clip"), (#"(?i)x-?clip"#, "X-CLIP"), (#"(?i)teach-?clip"#, "TeachCLIP"),
    (#"\bCRD|\bcrd\b"#, "CRD"), (#"(?i)hinton"#, "Hinton KD"), (#"(?i)bi-?modal|\bPMA|\bpma\b"#, "Bi-modal PMA"),
    (#"CLIP(?!Tokenizer|Preprocessing| BPE)"#, "CLIP"), (#"\bclip[-.]"#, "a CLIP key prefix or registry name"),
    (#"49408"#, "CLIP's vocabulary size"), (#"frameLinear"#, "TeachCLIP's AFA layers"), (#"logit_scale"#, "CLIP's logit-scale key"),
]

/// `text` with comments removed (`//` to the end of a line outside string literals, `/* … */`)
/// and multi-line string literals (help pages) emptied.
func codeWithoutComments(_ text: String) -> String {
    var result = "", inString = false, index = text.startIndex
    while index < text.endIndex {
        let character = text[index], rest = text[index...]
        if !inString && rest.hasPrefix("\"\"\"") {
            let body = rest.index(rest.startIndex, offsetBy: 3)
            let end = text[body...].range(of: "\"\"\"").map(\.upperBound) ?? text.endIndex
            result += "\"\"\"" + String(repeating: "\n", count: text[index..<end].filter { $0 == "\n" }.count) + "\"\"\""
            index = end
            continue
        }
        if !inString && rest.hasPrefix("//") {
            index = rest.firstIndex(of: "\n") ?? text.endIndex
            continue
        }
        if !inString && rest.hasPrefix("/*") {
            index = rest.range(of: "*/").map(\.upperBound) ?? text.endIndex
            continue
        }
        if character == "\"" && (index == text.startIndex || text[text.index(before: index)] != "\\") { inString.toggle() }
        if character == "\n" { inString = false }   // multi-line literals hold no comments worth keeping
        result.append(character)
        index = text.index(after: index)
    }
    return result
}

@Suite("Layering")
struct LayeringTests {
    @Test("the shared layers and the CLI hold no paper's code", arguments: sharedTargets)
    func noPaperCode(target: String) throws {
        let folder = packageRoot.appendingPathComponent("Sources/\(target)")
        let files = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.allObjects as? [URL])
            .filter { $0.pathExtension == "swift" }
        #expect(!files.isEmpty, "no sources under \(folder.path)")
        for file in files {
            let lines = codeWithoutComments(try String(contentsOf: file, encoding: .utf8)).split(separator: "\n", omittingEmptySubsequences: false)
            for (number, line) in lines.enumerated() {
                for (pattern, what) in forbidden where line.range(of: pattern, options: .regularExpression) != nil {
                    Issue.record("\(target)/\(file.lastPathComponent):\(number + 1) holds \(what): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
    }

    @Test("comments are stripped, code and strings are kept")
    func commentStripping() {
        #expect(codeWithoutComments("let a = 1 // CLIP\n/* X-CLIP */let b = \"// kept\"") == "let a = 1 \nlet b = \"// kept\"")
        #expect(codeWithoutComments("let help = \"\"\"\n  zoo train clip-tiny\n  \"\"\"\nlet c = 2") == "let help = \"\"\"\n\n\"\"\"\nlet c = 2")
    }
}
