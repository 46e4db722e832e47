// A restricted reader of Python pickles, for the caption files the field ships as pickles (MSVD's
// raw-captions.pkl). A pickle is a program for a small stack machine, and most of its opcodes
// import and call arbitrary Python; this reader implements only the opcodes that build plain data
// (protocols 2–5: dicts, lists, tuples, str, bytes, int, bool, None, the memo, framing) and
// refuses every other one with its name and offset, before anything after it is looked at.
// Protocol 0 and 1 pickles are met at their first text opcode (PUT, INT, STRING, …) and refused.
// Opcode meanings follow CPython's Lib/pickletools.py; nothing is ever imported or called.
import Foundation

/// Reads plain-data pickles; refuses anything that would run code.
public enum PickleReader {
    /// Containers are mutable while the program runs (APPEND and SETITEM change the object a memo
    /// entry refers to), so they are references until the end.
    private final class ListBox { var items: [Node] = [] }
    private final class DictBox {
        var keys: [PickleValue] = []
        var values: [Node] = []
        var index: [PickleValue: Int] = [:]
        func set(_ key: PickleValue, _ value: Node) {
            if let position = index[key] { values[position] = value } else {
                index[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }
    }
    private enum Node {
        case scalar(PickleValue)
        case list(ListBox)
        case dictionary(DictBox)
        /// Tuples are immutable, so their nesting is known when they are built (boxes count as 0:
        /// their contents are taken apart one by one at the end, never released recursively).
        case tuple([Node], depth: Int)
    }
    private enum Entry {
        case node(Node)
        case mark
    }

    /// Opcodes that import, call or build objects: refused as code.
    static let codeOpcodes: [UInt8: String] = [
        0x63: "GLOBAL", 0x93: "STACK_GLOBAL", 0x52: "REDUCE", 0x62: "BUILD", 0x69: "INST", 0x6F: "OBJ",
        0x81: "NEWOBJ", 0x92: "NEWOBJ_EX", 0x82: "EXT1", 0x83: "EXT2", 0x84: "EXT4", 0x50: "PERSID", 0x51: "BINPERSID",
    ]
    /// Real opcodes outside the accepted set.
    static let otherOpcodes: [UInt8: String] = [
        0x49: "INT", 0x4C: "LONG", 0x53: "STRING", 0x56: "UNICODE", 0x46: "FLOAT", 0x47: "BINFLOAT",
        0x70: "PUT", 0x67: "GET", 0x8F: "EMPTY_SET", 0x90: "ADDITEMS", 0x91: "FROZENSET",
        0x97: "NEXT_BUFFER", 0x98: "READONLY_BUFFER",
    ]

    /// The deepest nesting of containers accepted (caption files nest three deep).
    public static let maximumDepth = 100

    /// Reads the pickle in `data`.
    /// - Parameter source: how errors name the data (a file path).
    /// - Throws: `PickleError` with the offset of the opcode at fault.
    public static func value(from data: [UInt8], source: String) throws(PickleError) -> PickleValue {
        if let (offset, opcode, name) = firstCodeOpcode(in: data) {
            throw PickleError(source: source, offset: offset, problem: .codeOpcode(name: name, byte: opcode))
        }
        var stack: [Entry] = []
        var memo: [Int: Node] = [:]
        var position = 0
        var opcodeStart = 0
        // Every container made, so that they can be emptied one by one at the end: a hostile pickle
        // can chain lists a million deep, and releasing such a chain recursively would overflow
        // the thread's stack.
        var lists: [ListBox] = [], dictionaries: [DictBox] = []
        defer {
            stack.removeAll()
            memo.removeAll()
            for box in lists { box.items.removeAll() }
            for box in dictionaries { box.values.removeAll() }
        }
        func newList(_ items: [Node] = []) -> Node {
            let box = ListBox()
            box.items = items
            lists.append(box)
            return .list(box)
        }
        func newDictionary() -> DictBox {
            let box = DictBox()
            dictionaries.append(box)
            return box
        }
        func tuple(_ items: [Node]) throws(PickleError) -> Node {
            let depth = 1 + items.reduce(0) { deepest, item in
                if case let .tuple(_, depth) = item { return max(deepest, depth) } else { return deepest }
            }
            guard depth <= maximumDepth else { throw fail(.malformed("tuples nest more than \(maximumDepth) deep")) }
            return .tuple(items, depth: depth)
        }

        func fail(_ problem: PickleError.Problem) -> PickleError {
            PickleError(source: source, offset: opcodeStart, problem: problem)
        }
        func take(_ count: Int, _ what: String) throws(PickleError) -> ArraySlice<UInt8> {
            guard count >= 0, count <= data.count - position else {
                throw fail(.truncated("\(what) needs \(count) byte(s), \(data.count - position) left"))
            }
            defer { position += count }
            return data[position..<(position + count)]
        }
        func unsigned(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
        func length(_ width: Int, _ what: String) throws(PickleError) -> Int {
            let value = unsigned(try take(width, what))
            guard value <= UInt64(data.count - position) else {
                throw fail(.truncated("\(what) says \(value) bytes follow, \(data.count - position) left"))
            }
            return Int(value)
        }
        func signedInteger(_ bytes: ArraySlice<UInt8>) throws(PickleError) -> Int {
            guard !bytes.isEmpty else { return 0 }
            guard bytes.count <= 8 else { throw fail(.unsupportedOpcode(name: "a LONG of \(bytes.count) bytes (beyond 64-bit)", byte: data[opcodeStart])) }
            var value = unsigned(bytes)
            if bytes.count < 8, bytes.last! & 0x80 != 0 { value |= ~0 << UInt64(8 * bytes.count) }
            return Int(bitPattern: UInt(value))
        }
        func pop() throws(PickleError) -> Node {
            guard case let .node(node)? = stack.popLast() else { throw fail(.malformed("a value was needed but the stack is empty or at a MARK")) }
            return node
        }
        func popToMark() throws(PickleError) -> [Node] {
            guard let mark = stack.lastIndex(where: { if case .mark = $0 { return true } else { return false } }) else {
                throw fail(.malformed("no MARK before it"))
            }
            // Entries after the last mark are all nodes.
            let nodes = stack[(mark + 1)...].compactMap { entry -> Node? in
                if case let .node(node) = entry { return node } else { return nil }
            }
            stack.removeSubrange(mark...)
            return nodes
        }
        func key(_ node: Node) throws(PickleError) -> PickleValue {
            switch node {
            case let .scalar(value): return value
            case let .tuple(items, _):
                var values: [PickleValue] = []
                for item in items { values.append(try key(item)) }
                return .tuple(values)
            case .list, .dictionary: throw fail(.malformed("a dict key is a list or dict (unhashable in Python)"))
            }
        }
        func topList() throws(PickleError) -> ListBox {
            guard case let .node(.list(box))? = stack.last else { throw fail(.malformed("APPEND/APPENDS needs a list below its values")) }
            return box
        }
        func topDictionary() throws(PickleError) -> DictBox {
            guard case let .node(.dictionary(box))? = stack.last else { throw fail(.malformed("SETITEM/SETITEMS needs a dict below its pairs")) }
            return box
        }
        func text(_ bytes: ArraySlice<UInt8>) throws(PickleError) -> Node {
            guard let string = String(validating: bytes, as: UTF8.self) else { throw fail(.malformed("a string that is not UTF-8")) }
            return .scalar(.string(string))
        }
        func top() throws(PickleError) -> Node {
            guard case let .node(node)? = stack.last else { throw fail(.malformed("the stack is empty or at a MARK")) }
            return node
        }

        while true {
            opcodeStart = position
            guard position < data.count else { throw fail(.truncated(data.isEmpty ? "the file is empty" : "no STOP opcode")) }
            let opcode = data[position]
            position += 1
            switch opcode {
            case 0x80:                                                           // PROTO
                let version = Int(try take(1, "PROTO").first!)
                guard (2...5).contains(version) else { throw fail(.unsupportedProtocol("protocol \(version)")) }
            case 0x95: _ = try length(8, "FRAME")                                // FRAME: a length hint only
            case 0x2E:                                                           // STOP
                guard stack.count == 1, case let .node(node) = stack[0] else {
                    throw fail(.malformed("STOP with \(stack.count) entries on the stack instead of one value"))
                }
                var budget = 4 * data.count + 4096
                var open = Set<ObjectIdentifier>()
                return try finished(node, depth: 0, budget: &budget, open: &open, fail: fail)
            case 0x28: stack.append(.mark)                                       // MARK
            case 0x7D: stack.append(.node(.dictionary(newDictionary())))         // EMPTY_DICT
            case 0x5D: stack.append(.node(newList()))                            // EMPTY_LIST
            case 0x29: stack.append(.node(try tuple([])))                        // EMPTY_TUPLE
            case 0x74: stack.append(.node(try tuple(try popToMark())))           // TUPLE
            case 0x85, 0x86, 0x87:                                               // TUPLE1..3
                var items: [Node] = []
                for _ in 0..<Int(opcode - 0x84) { items.insert(try pop(), at: 0) }
                stack.append(.node(try tuple(items)))
            case 0x6C: stack.append(.node(newList(try popToMark())))             // LIST
            case 0x64:                                                           // DICT
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw fail(.malformed("DICT with an odd number of items")) }
                let box = newDictionary()
                for pair in stride(from: 0, to: items.count, by: 2) { box.set(try key(items[pair]), items[pair + 1]) }
                stack.append(.node(.dictionary(box)))
            case 0x61:                                                           // APPEND
                let value = try pop()
                try topList().items.append(value)
            case 0x65:                                                           // APPENDS
                let values = try popToMark()
                try topList().items.append(contentsOf: values)
            case 0x73:                                                           // SETITEM
                let value = try pop(), name = try pop()
                let box = try topDictionary()
                box.set(try key(name), value)
            case 0x75:                                                           // SETITEMS
                let items = try popToMark()
                guard items.count % 2 == 0 else { throw fail(.malformed("SETITEMS with an odd number of items")) }
                let box = try topDictionary()
                for pair in stride(from: 0, to: items.count, by: 2) { box.set(try key(items[pair]), items[pair + 1]) }
            case 0x58: stack.append(.node(try text(try take(try length(4, "BINUNICODE"), "BINUNICODE"))))
            case 0x8C: stack.append(.node(try text(try take(try length(1, "SHORT_BINUNICODE"), "SHORT_BINUNICODE"))))
            case 0x8D: stack.append(.node(try text(try take(try length(8, "BINUNICODE8"), "BINUNICODE8"))))
            case 0x54:                                                           // BINSTRING: signed length
                let raw = try take(4, "BINSTRING")
                guard raw.last! & 0x80 == 0 else { throw fail(.malformed("BINSTRING with a negative length")) }
                position -= 4
                stack.append(.node(.scalar(.bytes(Array(try take(try length(4, "BINSTRING"), "BINSTRING"))))))
            case 0x55: stack.append(.node(.scalar(.bytes(Array(try take(try length(1, "SHORT_BINSTRING"), "SHORT_BINSTRING"))))))
            case 0x42: stack.append(.node(.scalar(.bytes(Array(try take(try length(4, "BINBYTES"), "BINBYTES"))))))
            case 0x43: stack.append(.node(.scalar(.bytes(Array(try take(try length(1, "SHORT_BINBYTES"), "SHORT_BINBYTES"))))))
            case 0x8E: stack.append(.node(.scalar(.bytes(Array(try take(try length(8, "BINBYTES8"), "BINBYTES8"))))))
            case 0x96: stack.append(.node(.scalar(.bytes(Array(try take(try length(8, "BYTEARRAY8"), "BYTEARRAY8"))))))
            case 0x4A: stack.append(.node(.scalar(.integer(try signedInteger(try take(4, "BININT"))))))
            case 0x4B: stack.append(.node(.scalar(.integer(Int(unsigned(try take(1, "BININT1")))))))
            case 0x4D: stack.append(.node(.scalar(.integer(Int(unsigned(try take(2, "BININT2")))))))
            case 0x8A: stack.append(.node(.scalar(.integer(try signedInteger(try take(try length(1, "LONG1"), "LONG1"))))))
            case 0x8B: stack.append(.node(.scalar(.integer(try signedInteger(try take(try length(4, "LONG4"), "LONG4"))))))
            case 0x4E: stack.append(.node(.scalar(.none)))                       // NONE
            case 0x88: stack.append(.node(.scalar(.boolean(true))))              // NEWTRUE
            case 0x89: stack.append(.node(.scalar(.boolean(false))))             // NEWFALSE
            case 0x71: memo[Int(unsigned(try take(1, "BINPUT")))] = try top()
            case 0x72: memo[Int(unsigned(try take(4, "LONG_BINPUT")))] = try top()
            case 0x94: memo[memo.count] = try top()                              // MEMOIZE
            case 0x68, 0x6A:                                                     // BINGET, LONG_BINGET
                let index = Int(unsigned(try take(opcode == 0x68 ? 1 : 4, "BINGET")))
                guard let node = memo[index] else { throw fail(.malformed("memo entry \(index) is read before it is stored")) }
                stack.append(.node(node))
            case 0x30: _ = try pop()                                             // POP
            case 0x31: _ = try popToMark()                                       // POP_MARK
            case 0x32: stack.append(.node(try top()))                            // DUP
            default:
                if let name = codeOpcodes[opcode] { throw fail(.codeOpcode(name: name, byte: opcode)) }
                if let name = otherOpcodes[opcode] { throw fail(.unsupportedOpcode(name: name, byte: opcode)) }
                throw fail(.unknownOpcode(byte: opcode))
            }
        }
    }

    /// Reads the pickle file at `url`.
    /// - Throws: `PickleError` (offset 0 and the system's reason when the file cannot be read).
    public static func value(contentsOf url: URL) throws(PickleError) -> PickleValue {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PickleError(source: url.path, offset: 0, problem: .malformed("cannot read the file: \((error as NSError).localizedDescription)"))
        }
        return try value(from: Array(data), source: url.path)
    }

    /// The first opcode that would import or call code, found by walking the opcodes and their
    /// arguments without interpreting anything, so that such a pickle is refused by that opcode's
    /// name even when something else is wrong earlier (a protocol 0 pickle's text opcodes). The
    /// walk stops at STOP or at a byte that is no opcode (the interpreter then says what is wrong).
    static func firstCodeOpcode(in data: [UInt8]) -> (offset: Int, opcode: UInt8, name: String)? {
        var position = 0
        func skipLine() { while position < data.count, data[position] != 0x0A { position += 1 }; position += 1 }
        func skipCounted(_ width: Int) {
            guard position + width <= data.count else { position = data.count; return }
            let length = data[position..<(position + width)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            position += width
            position = length > UInt64(data.count - position) ? data.count : position + Int(length)
        }
        while position < data.count {
            let offset = position, opcode = data[position]
            position += 1
            if let name = codeOpcodes[opcode] { return (offset, opcode, name) }
            switch opcode {
            case 0x2E: return nil                                                   // STOP
            case 0x80, 0x4B, 0x71, 0x68: position += 1                              // PROTO BININT1 BINPUT BINGET
            case 0x4D: position += 2                                                // BININT2
            case 0x4A, 0x72, 0x6A: position += 4                                    // BININT LONG_BINPUT LONG_BINGET
            case 0x95, 0x47: position += 8                                          // FRAME BINFLOAT
            case 0x8A, 0x55, 0x8C, 0x43: skipCounted(1)                            // LONG1 SHORT_BINSTRING SHORT_BINUNICODE SHORT_BINBYTES
            case 0x8B, 0x54, 0x58, 0x42: skipCounted(4)                            // LONG4 BINSTRING BINUNICODE BINBYTES
            case 0x8D, 0x8E, 0x96: skipCounted(8)                                   // BINUNICODE8 BINBYTES8 BYTEARRAY8
            case 0x49, 0x4C, 0x53, 0x56, 0x46, 0x70, 0x67: skipLine()              // INT LONG STRING UNICODE FLOAT PUT GET
            case 0x28, 0x7D, 0x5D, 0x29, 0x74, 0x85, 0x86, 0x87, 0x6C, 0x64, 0x61, 0x65, 0x73, 0x75,
                 0x4E, 0x88, 0x89, 0x94, 0x30, 0x31, 0x32, 0x8F, 0x90, 0x91, 0x97, 0x98: break
            default: return nil                                                     // not an opcode
            }
        }
        return nil
    }

    /// The value a node stands for, refusing containers that hold themselves, nesting deeper than
    /// `maximumDepth`, and shared references that would multiply the data beyond `budget` values.
    private static func finished(_ node: Node, depth: Int, budget: inout Int, open: inout Set<ObjectIdentifier>,
                                 fail: (PickleError.Problem) -> PickleError) throws(PickleError) -> PickleValue {
        budget -= 1
        guard budget >= 0 else { throw fail(.tooLarge("the pickle's shared references make it far larger than the file; a caption file never does this")) }
        guard depth <= maximumDepth else { throw fail(.malformed("containers nest more than \(maximumDepth) deep")) }
        switch node {
        case let .scalar(value): return value
        case let .tuple(items, _):
            var values: [PickleValue] = []
            for item in items { values.append(try finished(item, depth: depth + 1, budget: &budget, open: &open, fail: fail)) }
            return .tuple(values)
        case let .list(box):
            guard open.insert(ObjectIdentifier(box)).inserted else { throw fail(.malformed("a list contains itself")) }
            defer { open.remove(ObjectIdentifier(box)) }
            var values: [PickleValue] = []
            for item in box.items { values.append(try finished(item, depth: depth + 1, budget: &budget, open: &open, fail: fail)) }
            return .list(values)
        case let .dictionary(box):
            guard open.insert(ObjectIdentifier(box)).inserted else { throw fail(.malformed("a dict contains itself")) }
            defer { open.remove(ObjectIdentifier(box)) }
            var pairs: [(key: PickleValue, value: PickleValue)] = []
            for (key, value) in zip(box.keys, box.values) {
                pairs.append((key, try finished(value, depth: depth + 1, budget: &budget, open: &open, fail: fail)))
            }
            return .dictionary(pairs)
        }
    }
}
