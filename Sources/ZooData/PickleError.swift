// Why a pickle was not read: the file, the byte offset, and what was there.

/// A pickle `PickleReader` refused or could not parse.
public struct PickleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong at `offset`.
    public enum Problem: Equatable, Sendable {
        /// An opcode that imports, calls or builds objects (`GLOBAL`, `REDUCE`, `INST`, …): a pickle
        /// holding one is a program, and the zoo never runs it.
        case codeOpcode(name: String, byte: UInt8)
        /// A real pickle opcode the reader does not accept (sets, floats, protocol-0 text forms, …).
        case unsupportedOpcode(name: String, byte: UInt8)
        /// A byte that is no pickle opcode at all.
        case unknownOpcode(byte: UInt8)
        /// The data does not start with protocol 2–5's `PROTO` opcode, or names another protocol.
        case unsupportedProtocol(String)
        /// The data ends inside an opcode's argument or before `STOP`.
        case truncated(String)
        /// The opcodes are valid one by one but do not make a value (a pop from an empty stack, a
        /// memo key never stored, a text that is not UTF-8, …).
        case malformed(String)
        /// The value would be larger than any caption file needs (shared references blowing up).
        case tooLarge(String)
    }

    /// The file (or other source) the pickle came from.
    public var source: String
    /// Byte offset of the opcode at fault, from the start of the data.
    public var offset: Int
    public var problem: Problem

    public init(source: String, offset: Int, problem: Problem) {
        (self.source, self.offset, self.problem) = (source, offset, problem)
    }

    public var description: String {
        let place = "\(source): byte \(offset)"
        switch problem {
        case let .codeOpcode(name, byte):
            return "\(place) holds pickle opcode \(name) (0x\(hex(byte))), which imports or calls Python code; "
                + "the zoo reads only pickles of plain data (dicts, lists, tuples, strings, integers, bytes) and never runs one. "
                + "If this file should hold captions, re-save it from Python as plain data (e.g. json.dump), and do not load it with pickle in Python either"
        case let .unsupportedOpcode(name, byte):
            return "\(place) holds pickle opcode \(name) (0x\(hex(byte))), which the zoo's pickle reader does not accept "
                + "(it reads protocols 2–5 with dicts, lists, tuples, strings, integers and bytes only); re-save the data with pickle protocol 2–5 or as JSON"
        case let .unknownOpcode(byte):
            return "\(place) is 0x\(hex(byte)), not a pickle opcode: the file is corrupt or not a pickle"
        case let .unsupportedProtocol(detail):
            return "\(place): \(detail); the zoo reads pickle protocols 2–5 (Python's default since 2.3 with protocol=2, and every Python 3 default)"
        case let .truncated(detail):
            return "\(place): the pickle ends early (\(detail)): the file is truncated; copy it again"
        case let .malformed(detail):
            return "\(place): malformed pickle: \(detail)"
        case let .tooLarge(detail):
            return "\(place): \(detail)"
        }
    }

    private func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}
