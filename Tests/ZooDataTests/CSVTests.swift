// CSV parsing as MSR-VTT's split files need it: quoted fields with commas, doubled quotes and
// newlines, CRLF and BOM, blank lines, and errors that name the file and line.
import Foundation
import Testing
import ZooData

@Suite("CSV tables")
struct CSVTests {
    @Test("quoted fields keep commas, doubled quotes and newlines; plain fields are taken as they are")
    func quoting() throws {
        let text = """
        key,vid_key,video_id,sentence
        ret0,msr7579,video7579,"a girl wearing red top and black trouser is putting a sweater on a dog"
        ret1,msr7725,video7725,"young people sit around the edges of a room, clapping and dancing"
        ret2,msr9258,video9258,"a man says ""hello"", then waves"
        ret3,msr1,video1,"two lines
        in one field"
        ret4,msr2,video2,plain text with a "quote" inside
        ret5,msr3,video3,""
        """
        let table = try CSVTable(text: text, source: "test.csv")
        #expect(table.header == ["key", "vid_key", "video_id", "sentence"])
        #expect(try table.values(of: "sentence") == [
            "a girl wearing red top and black trouser is putting a sweater on a dog",
            "young people sit around the edges of a room, clapping and dancing",
            "a man says \"hello\", then waves",
            "two lines\nin one field",
            "plain text with a \"quote\" inside",
            "",
        ])
        #expect(table.rows.map(\.line) == [2, 3, 4, 5, 7, 8])
        #expect(try table.values(of: "video_id") == ["video7579", "video7725", "video9258", "video1", "video2", "video3"])
    }

    @Test("a byte-order mark, CRLF line ends, blank lines and a missing final newline are accepted")
    func lineEnds() throws {
        let table = try CSVTable(text: "\u{FEFF}video_id\r\nvideo1\r\n\r\nvideo2\r\n\nvideo3", source: "train.csv")
        #expect(table.header == ["video_id"])
        #expect(try table.values(of: "video_id") == ["video1", "video2", "video3"])
        #expect(table.rows.map(\.line) == [2, 4, 6])
    }

    @Test("an unclosed quote is reported at the line where it opens")
    func unterminatedQuote() {
        #expect(throws: CSVError.unterminatedQuote(source: "t.csv", line: 3)) {
            try CSVTable(text: "a,b\n1,2\n3,\"never closed\n4,5\n", source: "t.csv")
        }
    }

    @Test("a row with too many or too few fields names the file and line and suggests quoting")
    func fieldCount() {
        let error = #expect(throws: CSVError.self) {
            try CSVTable(text: "video_id,sentence\nvideo1,fine\nvideo2,a man, a plan\n", source: "test.csv")
        }
        #expect(error == .fieldCountMismatch(source: "test.csv", line: 3, expected: 2, found: 3))
        #expect(error?.description.contains("test.csv:3") == true)
        #expect(throws: CSVError.fieldCountMismatch(source: "s.csv", line: 2, expected: 2, found: 1)) {
            try CSVTable(text: "a,b\nonly\n", source: "s.csv")
        }
    }

    @Test("text after a closing quote is an error on its line")
    func textAfterQuote() {
        #expect(throws: CSVError.textAfterQuote(source: "q.csv", line: 2)) {
            try CSVTable(text: "a,b\n\"x\"y,z\n", source: "q.csv")
        }
    }

    @Test("an empty file and a missing column are explained")
    func emptyAndMissingColumn() throws {
        #expect(throws: CSVError.empty(source: "e.csv")) { try CSVTable(text: "\n\n", source: "e.csv") }
        let table = try CSVTable(text: "key,sentence\nk,s\n", source: "m.csv")
        let error = #expect(throws: CSVError.self) { try table.column("video_id") }
        #expect(error == .missingColumn(source: "m.csv", column: "video_id", header: ["key", "sentence"]))
        #expect(error?.description.contains("key, sentence") == true)
    }

    @Test("a missing file is an unreadable error naming it")
    func missingFile() {
        let url = URL(fileURLWithPath: "/nonexistent/zoo/test.csv")
        let error = #expect(throws: CSVError.self) { try CSVTable(contentsOf: url) }
        guard case .unreadable(source: url.path, reason: _)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
    }
}
