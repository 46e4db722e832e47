// Shell-style name patterns, as in timm's `list_models('clip*')`: the way people already ask
// a model zoo for a family of names.

/// A compiled glob pattern: `*` matches any run of characters (also none), `?` one character,
/// `[abc]` one of the listed characters, `[a-z]` one in the range, `[!abc]` or `[^abc]` one not
/// listed. A `]` right after `[` or `[!` is a literal. Every other character matches itself.
public struct Glob: Sendable, Equatable, CustomStringConvertible {
    /// Why a pattern cannot be compiled.
    public enum Error: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        case unterminatedClass(pattern: String)

        public var description: String {
            switch self {
            case let .unterminatedClass(pattern):
                "pattern \"\(pattern)\" opens a '[' character class that is never closed; add ']'"
            }
        }
    }

    private enum Token: Sendable, Equatable {
        case literal(Character)
        case anyOne
        case anyRun
        case oneOf([ClosedRange<Character>], negated: Bool)
    }

    /// The pattern as written.
    public let pattern: String
    private let tokens: [Token]

    /// Compiles `pattern`.
    /// - Throws: `Glob.Error.unterminatedClass` when a `[` has no closing `]`.
    public init(_ pattern: String) throws(Glob.Error) {
        self.pattern = pattern
        var tokens: [Token] = []
        let characters = Array(pattern)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "*":
                // Consecutive stars match the same as one; collapsing keeps matching linear.
                if tokens.last != .anyRun { tokens.append(.anyRun) }
            case "?":
                tokens.append(.anyOne)
            case "[":
                guard let (token, next) = Glob.parseClass(characters, from: index + 1) else {
                    throw .unterminatedClass(pattern: pattern)
                }
                tokens.append(token)
                index = next
                continue
            default:
                tokens.append(.literal(character))
            }
            index += 1
        }
        self.tokens = tokens
    }

    /// Whether the pattern has no wildcards, so it can only match one exact name.
    public var isLiteral: Bool {
        tokens.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    public var description: String { pattern }

    /// Whether `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        let characters = Array(text)
        var textIndex = 0
        var tokenIndex = 0
        // Where to resume after the most recent `*`: the token after it, and the text position
        // it has absorbed up to. Backtracking only to the last star is enough for globs.
        var resume: (token: Int, text: Int)?
        while textIndex < characters.count {
            if tokenIndex < tokens.count {
                switch tokens[tokenIndex] {
                case .anyRun:
                    resume = (tokenIndex + 1, textIndex)
                    tokenIndex += 1
                    continue
                case let token where Glob.matches(token, characters[textIndex]):
                    tokenIndex += 1
                    textIndex += 1
                    continue
                default:
                    break
                }
            }
            guard let star = resume else { return false }
            resume = (star.token, star.text + 1)
            tokenIndex = star.token
            textIndex = star.text + 1
        }
        return tokens[tokenIndex...].allSatisfy { $0 == .anyRun }
    }

    private static func matches(_ token: Token, _ character: Character) -> Bool {
        switch token {
        case let .literal(expected): expected == character
        case .anyOne: true
        case .anyRun: false
        case let .oneOf(ranges, negated): ranges.contains { $0.contains(character) } != negated
        }
    }

    /// Parses a class body starting just after `[`; returns the token and the index after `]`.
    private static func parseClass(_ characters: [Character], from start: Int) -> (Token, Int)? {
        var index = start
        var negated = false
        if index < characters.count, characters[index] == "!" || characters[index] == "^" {
            negated = true
            index += 1
        }
        var ranges: [ClosedRange<Character>] = []
        let bodyStart = index
        while index < characters.count {
            let character = characters[index]
            if character == "]", index > bodyStart {
                return (.oneOf(ranges, negated: negated), index + 1)
            }
            if index + 2 < characters.count, characters[index + 1] == "-", characters[index + 2] != "]" {
                let upper = characters[index + 2]
                ranges.append(min(character, upper)...max(character, upper))
                index += 3
            } else {
                ranges.append(character...character)
                index += 1
            }
        }
        return nil
    }
}
