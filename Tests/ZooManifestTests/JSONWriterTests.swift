import Testing
import ZooManifest

@Suite("JSON output")
struct JSONWriterTests {
    @Test("pretty output indents by two, keeps key order and puts scalar arrays on one line")
    func pretty() throws {
        let node = try JSONParser.parse(#"{"b": [0.9, 0.98], "a": {"x": null, "y": [{"z": true}]}, "e": {}, "f": []}"#)
        #expect(JSONWriter.pretty(node) == """
            {
              "b": [0.9, 0.98],
              "a": {
                "x": null,
                "y": [
                  {
                    "z": true
                  }
                ]
              },
              "e": {},
              "f": []
            }

            """)
    }

    @Test("numbers keep the exact text they were written with")
    func numbersVerbatim() throws {
        #expect(JSONWriter.compact(try JSONParser.parse("[1e-4, 1.0, -0]")) == "[1e-4, 1.0, -0]")
    }

    @Test("strings are escaped so that the output parses back to the same value")
    func escaping() throws {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{07} é"
        let quoted = JSONWriter.quoted(text)
        #expect(quoted == #""quote \" backslash \\ newline \n tab \t bell \u0007 é""#)
        #expect(try JSONParser.parse(quoted).stringValue == text)
    }

    @Test("a parsed document written out parses back to an equal tree")
    func roundTrip() throws {
        let original = try JSONParser.parse(repositoryManifestText())
        #expect(try JSONParser.parse(JSONWriter.pretty(original)) == original)
    }
}
