// synthvtt's captions: a few paraphrase templates per story form, verb and size synonyms. A
// `SynthVTTPhrasing` records the choices, so a video's twin with its events swapped can be
// worded with exactly the same choices: the two captions then differ only in event order.

/// How one caption of a video is worded: indices into the template and synonym lists.
public struct SynthVTTPhrasing: Hashable, Sendable {
    /// Template of the video's story form (one event, a direction change, or two events).
    public var template: Int
    /// Verb phrase of each event, in event order.
    public var verbs: [Int]
    /// Size word of each object ("small"/"little", "large"/"big").
    public var sizeWords: [Int]

    public init(template: Int, verbs: [Int], sizeWords: [Int]) {
        self.template = template
        self.verbs = verbs
        self.sizeWords = sizeWords
    }
}

/// The caption templates and word lists.
public enum SynthVTTCaptions {
    /// The three forms a story takes, each with its own templates.
    public enum Form: Sendable { case single, directionChange, sequence }

    static let sizeWords: [SynthVTTSize: [String]] = [.small: ["small", "little"], .large: ["large", "big"]]
    static let moveVerbs = ["moves", "slides", "travels", "goes"]
    static let appearVerbs = ["appears", "shows up", "comes into view", "pops up"]
    static let disappearVerbs = ["disappears", "vanishes", "goes away", "leaves the picture"]

    /// One event: the clause, e.g. "a small red circle moves left".
    static let singleTemplates: [@Sendable (String) -> String] = [
        { $0 }, { "a video where \($0)" }, { "in this clip \($0)" },
    ]
    /// Two events of two objects, the clauses in temporal order.
    static let sequenceTemplates: [@Sendable (String, String) -> String] = [
        { "\($0) then \($1)" }, { "first \($0), then \($1)" }, { "\($0) and then \($1)" },
        { "\($0), after that \($1)" }, { "\($0) before \($1)" },
    ]
    /// One object moving one way then back: (noun phrase, verb, first direction, second).
    static let directionChangeTemplates: [@Sendable (String, String, String, String) -> String] = [
        { "\($0) \($1) \($2) then \($3)" }, { "\($0) \($1) \($2) and then \($3)" },
        { "first \($0) \($1) \($2), then it \($1) \($3)" }, { "\($0) \($1) \($2), then turns around and \($1) \($3)" },
    ]

    /// The form of `video`'s story.
    public static func form(of video: SynthVTTVideo) -> Form {
        if video.events.count == 1 { return .single }
        return video.objects.count == 1 ? .directionChange : .sequence
    }

    /// How many templates `form` has.
    public static func templateCount(_ form: Form) -> Int {
        switch form {
        case .single: singleTemplates.count
        case .directionChange: directionChangeTemplates.count
        case .sequence: sequenceTemplates.count
        }
    }

    /// How many verb phrases `action` has.
    public static func verbCount(_ action: SynthVTTAction) -> Int { verbs(action).count }

    /// How many words name `size`.
    public static func sizeWordCount(_ size: SynthVTTSize) -> Int { sizeWords[size]!.count }

    /// The caption of `video` worded as `phrasing` says, in lower case without final punctuation.
    public static func caption(of video: SynthVTTVideo, phrasing: SynthVTTPhrasing) -> String {
        func nounPhrase(_ index: Int) -> String {
            let object = video.objects[index]
            let words = sizeWords[object.size]!
            return "a \(words[phrasing.sizeWords[index] % words.count]) \(object.colour.rawValue) \(object.shape.rawValue)"
        }
        func verbPhrase(_ event: Int) -> String {
            let action = video.events[event].action
            let choices = verbs(action)
            let verb = choices[phrasing.verbs[event] % choices.count]
            if case let .move(direction) = action { return "\(verb) \(direction.rawValue)" }
            return verb
        }
        func clause(_ event: Int) -> String { "\(nounPhrase(video.events[event].object)) \(verbPhrase(event))" }

        switch form(of: video) {
        case .single:
            return singleTemplates[phrasing.template % singleTemplates.count](clause(0))
        case .sequence:
            return sequenceTemplates[phrasing.template % sequenceTemplates.count](clause(0), clause(1))
        case .directionChange:
            let directions = video.events.map { event -> String in
                if case let .move(direction) = event.action { return direction.rawValue }
                return ""
            }
            let verb = moveVerbs[phrasing.verbs[0] % moveVerbs.count]
            return directionChangeTemplates[phrasing.template % directionChangeTemplates.count](
                nounPhrase(0), verb, directions[0], directions[1])
        }
    }

    static func verbs(_ action: SynthVTTAction) -> [String] {
        switch action {
        case .move: moveVerbs
        case .appear: appearVerbs
        case .disappear: disappearVerbs
        }
    }
}
