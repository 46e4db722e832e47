// The restricted pickle reader: plain data at protocols 2–5 reads as Python reads it; anything
// that would run code, and every truncated or mutated pickle, is refused with an error, never a
// crash and never an execution.
import Foundation
import Testing
import ZooData
import ZooTensor
import ZooTestSupport

@Suite("Restricted pickle reader")
struct PickleReaderTests {
    /// The dictionary every `captions-p*.pkl` fixture holds, as JSON (made with it by scripts/make-dataset-fixtures.py).
    static func expectedCaptions() throws -> [String: [[String]]] {
        try JSONDecoder().decode([String: [[String]]].self, from: Data(contentsOf: fixturesDirectory.appendingPathComponent("pickle/expected-captions.json")))
    }

    /// A pickle's `{id: [[token]]}` as Swift values.
    static func tokenLists(_ value: PickleValue) throws -> [String: [[String]]] {
        guard case let .dictionary(pairs) = value else { throw PickleError(source: "", offset: 0, problem: .malformed("not a dict")) }
        var result: [String: [[String]]] = [:]
        for (key, captions) in pairs {
            result[key.text ?? ""] = (captions.elements ?? []).map { ($0.elements ?? []).map { $0.text ?? "<not text>" } }
        }
        return result
    }

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent("pickle").appendingPathComponent(name)))
    }

    @Test("protocols 2 to 5 written by Python, and a Python 2 style pickle, read as the same dictionary",
          arguments: ["captions-p2.pkl", "captions-p3.pkl", "captions-p4.pkl", "captions-p5.pkl", "captions-py2.pkl"])
    func everyProtocol(file: String) throws {
        let value = try PickleReader.value(from: try Self.fixture(file), source: file)
        #expect(try Self.tokenLists(value) == Self.expectedCaptions())
    }

    @Test("keys keep the pickle's order, and a key set twice keeps its first place and its last value")
    func dictionaryOrder() throws {
        // {"b": 1, "a": 2, "b": 3} built with SETITEMS.
        let bytes: [UInt8] = [0x80, 0x04, 0x7D, 0x28, 0x8C, 0x01, 0x62, 0x4B, 0x01, 0x8C, 0x01, 0x61, 0x4B, 0x02, 0x8C, 0x01, 0x62, 0x4B, 0x03, 0x75, 0x2E]
        #expect(try PickleReader.value(from: bytes, source: "o.pkl") == .dictionary([(.string("b"), .integer(3)), (.string("a"), .integer(2))]))
    }

    @Test("MSVD captions are the tokens joined by single spaces")
    func captionTable() throws {
        let table = try MSVDAnnotations.captionTable(Data(try Self.fixture("captions-py2.pkl")), path: "py2.pkl")
        #expect(table == (try Self.expectedCaptions()).mapValues { $0.map { $0.joined(separator: " ") } })
    }

    @Test("a list reached twice through the memo is one object: appending through one reference shows in both")
    func memoSharesContainers() throws {
        // [inner, inner], then 1 appended to inner through the memo: Python gives [[1], [1]].
        let bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x28, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x65, 0x68, 0x00, 0x4B, 0x01, 0x61, 0x30, 0x2E]
        #expect(try PickleReader.value(from: bytes, source: "m.pkl") == .list([.list([.integer(1)]), .list([.integer(1)])]))
    }

    @Test("pickles that would run code (GLOBAL + REDUCE, INST, BUILD, a persistent id) are refused, naming the opcode and its offset",
          arguments: [("global-reduce.pkl", ["GLOBAL", "STACK_GLOBAL"]), ("inst.pkl", ["INST"]), ("build.pkl", ["GLOBAL", "STACK_GLOBAL"]),
                      ("persistent-id.pkl", ["BINPERSID", "PERSID"])])
    func codeIsRefused(file: String, names: [String]) throws {
        let bytes = try Self.fixture(file)
        let error = #expect(throws: PickleError.self) { try PickleReader.value(from: bytes, source: file) }
        guard let error, case let .codeOpcode(name, byte) = error.problem else { Issue.record("unexpected \(String(describing: error))"); return }
        #expect(names.contains(name))
        #expect(bytes[error.offset] == byte)
        #expect(error.description.contains("never runs"))
        #expect(error.description.contains("byte \(error.offset)"))
    }

    @Test("each code opcode is refused by name wherever it appears", arguments: [
        (UInt8(0x52), "REDUCE"), (0x62, "BUILD"), (0x81, "NEWOBJ"), (0x93, "STACK_GLOBAL"), (0x69, "INST"), (0x6F, "OBJ"), (0x51, "BINPERSID"),
    ])
    func codeOpcodes(opcode: UInt8, name: String) {
        let bytes: [UInt8] = [0x80, 0x02, 0x4E, opcode, 0x2E]
        let error = #expect(throws: PickleError.self) { try PickleReader.value(from: bytes, source: "x.pkl") }
        #expect(error?.problem == .codeOpcode(name: name, byte: opcode))
        #expect(error?.offset == 3)
    }

    @Test("a protocol 0 pickle is refused at its first text opcode; protocol 6 and an empty file are refused")
    func protocols() {
        let error = #expect(throws: PickleError.self) { try PickleReader.value(from: Array("(dp0\n.".utf8), source: "p0.pkl") }
        #expect(error?.problem == .unsupportedOpcode(name: "PUT", byte: 0x70))
        #expect(throws: PickleError.self) { try PickleReader.value(from: [0x80, 0x06, 0x4E, 0x2E], source: "p6.pkl") }
        #expect(throws: PickleError.self) { try PickleReader.value(from: [], source: "empty.pkl") }
    }

    @Test("a list that contains itself, tuples nested past the limit, and shared references that multiply are refused")
    func hostileShapes() {
        // l = []; l.append(l)
        #expect(throws: PickleError.self) { try PickleReader.value(from: [0x80, 0x02, 0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E], source: "self.pkl") }
        let deep: [UInt8] = [0x80, 0x02, 0x29] + [UInt8](repeating: 0x85, count: 100_000) + [0x2E]
        #expect(throws: PickleError.self) { try PickleReader.value(from: deep, source: "deep.pkl") }
        // x0 = [None]; x(k+1) = [xk, xk] forty times: 2^40 leaves from 400 bytes.
        var laughs: [UInt8] = [0x80, 0x02, 0x5D, 0x4E, 0x61]
        for _ in 0..<40 { laughs += [0x71, 0x00, 0x30, 0x5D, 0x28, 0x68, 0x00, 0x68, 0x00, 0x65] }
        laughs.append(0x2E)
        let error = #expect(throws: PickleError.self) { try PickleReader.value(from: laughs, source: "laughs.pkl") }
        if case .tooLarge? = error?.problem {} else { Issue.record("expected tooLarge, got \(String(describing: error))") }
    }

    @Test("lists chained a hundred thousand deep are released without overflowing the stack")
    func deepListChain() {
        // [[[...]]]: each new list goes into the previous one, kept on the stack through the memo.
        var bytes: [UInt8] = [0x80, 0x02, 0x5D, 0x94]
        for level in 0..<100_000 {
            let index = UInt32(level)
            bytes += [0x6A] + withUnsafeBytes(of: index.littleEndian, Array.init) + [0x5D, 0x94, 0x61, 0x30]
            bytes += [0x6A] + withUnsafeBytes(of: (index + 1).littleEndian, Array.init)
            bytes += [0x30]
        }
        bytes += [0x2E]
        #expect(throws: PickleError.self) { try PickleReader.value(from: bytes, source: "chain.pkl") }
    }

    @Test("every prefix of a valid pickle is refused as truncated or malformed, never accepted and never a crash")
    func truncations() throws {
        let bytes = try Self.fixture("captions-p4.pkl")
        for length in 0..<bytes.count {
            #expect(throws: PickleError.self) { try PickleReader.value(from: Array(bytes[..<length]), source: "cut.pkl") }
        }
    }

    @Test("four thousand seeded mutations of valid pickles each give a value or a PickleError")
    func mutations() throws {
        var generator = RandomGenerator(seed: 21)
        let seeds = try ["captions-p2.pkl", "captions-p3.pkl", "captions-p4.pkl", "captions-p5.pkl", "captions-py2.pkl"].map { try Self.fixture($0) }
        var accepted = 0, refused = 0
        for round in 0..<4_000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<(1 + generator.next() % 4) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 4 {
                case 0: bytes[position] ^= UInt8(1 << (generator.next() % 8))
                case 1: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 2: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                default: if bytes.count > 1 { bytes.remove(at: position) }
                }
            }
            do {
                _ = try PickleReader.value(from: bytes, source: "mutated.pkl")
                accepted += 1
            } catch {
                refused += 1
            }
        }
        #expect(accepted + refused == 4_000)
        #expect(refused > 0 && accepted > 0)
    }
}
