import Testing
import ZooManifest

@Suite("Glob patterns")
struct GlobTests {
    @Test("* matches any run of characters, including none", arguments: [
        ("clip4clip-*", "clip4clip-meanp", true),
        ("clip4clip-*", "clip4clip-", true),
        ("clip4clip-*", "clip-vit-b32", false),
        ("*", "", true),
        ("*kd", "hinton-kd", true),
        ("clip*b32", "clip-vit-b32", true),
        ("clip*b32", "clip-vit-b32x", false),
        ("*-*-*", "clip-vit-b16", true),
        ("*-*-*", "hinton-kd", false),
        ("a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false),
    ])
    func star(pattern: String, name: String, matches: Bool) throws {
        #expect(try Glob(pattern).matches(name) == matches)
    }

    @Test("? matches exactly one character")
    func question() throws {
        let glob = try Glob("clip-vit-b?2")
        #expect(glob.matches("clip-vit-b32"))
        #expect(!glob.matches("clip-vit-b2"))
        #expect(!glob.matches("clip-vit-b332"))
    }

    @Test("[abc] matches one listed character, [a-z] one in a range, [!a] one not listed")
    func classes() throws {
        #expect(try Glob("clip-vit-[bl]*").matches("clip-vit-l14"))
        #expect(try !Glob("clip-vit-[b]*").matches("clip-vit-l14"))
        #expect(try Glob("layer[0-9]").matches("layer7"))
        #expect(try !Glob("layer[0-9]").matches("layerx"))
        #expect(try Glob("clip-vit-[!b]14").matches("clip-vit-l14"))
        #expect(try !Glob("clip-vit-[^l]14").matches("clip-vit-l14"))
        #expect(try Glob("[]x]").matches("]"))
    }

    @Test("matching covers the whole name, not a substring")
    func wholeName() throws {
        #expect(try !Glob("clip").matches("clip-tiny"))
        #expect(try Glob("clip-tiny").matches("clip-tiny"))
    }

    @Test("a pattern without wildcards is literal; one with them is not")
    func literal() throws {
        #expect(try Glob("xclip").isLiteral)
        #expect(try !Glob("x*").isLiteral)
        #expect(try !Glob("[x]clip").isLiteral)
    }

    @Test("an unclosed [ is an error that says how to fix it")
    func unterminated() {
        #expect(throws: Glob.Error.unterminatedClass(pattern: "clip-[ab")) { try Glob("clip-[ab") }
        #expect(Glob.Error.unterminatedClass(pattern: "[").description.contains("add ']'"))
    }
}
