// synthfine's descriptions: template sentences that name one to three parts of the bird (not
// always a distinguishing one), sometimes its size, beak or perch, and the noun phrases in them,
// the way the paper extracts noun phrases from CUB's sentences. Every statement is true of the
// image: a phrase names attributes of the species (jitter never changes a named attribute).
import ZooTensor

/// Writes the descriptions of one image and extracts their noun phrases.
enum SynthFineDescriptions {
    static let openers = ["this bird has", "a bird with", "the bird has", "it has", "look at this bird: it has"]

    /// A phrase for `part`: the noun with some of its attributes, in the order shape, pattern,
    /// colour. Attributes that set it apart from the plain finch are named more often; at least
    /// one attribute is always named.
    static func phrase(for part: BirdPart, look: PartLook, using generator: inout RandomGenerator) -> SynthFinePhrase {
        let base = BirdSpecies.plainFinch[part]
        func chance(_ percent: Int) -> Bool { generator.nextInt(below: 100) < percent }
        var shape = look.shape != base.shape ? chance(90) : (BirdShape.options(for: part).count > 1 && chance(20))
        let pattern = look.pattern != .plain ? chance(90) : chance(10)
        var colour = look.colour != base.colour ? chance(95) : chance(75)
        if !shape && !pattern && !colour {
            if look.shape != base.shape { shape = true } else { colour = true }
        }
        var words: [String] = []
        if shape { words.append(look.shape.rawValue) }
        if pattern { words.append(look.pattern.rawValue) }
        if colour { words.append(look.colour.rawValue) }
        return SynthFinePhrase(words + [part.rawValue])
    }

    /// `count` descriptions of a `species` bird (perched on a branch when `branch`) and their
    /// noun phrases, each phrase once, in order of first mention, at most `maxPhrases`.
    static func describe(_ species: Int, branch: Bool, count: Int, maxPhrases: Int,
                         using generator: inout RandomGenerator) -> (descriptions: [String], phrases: [SynthFinePhrase]) {
        let look = BirdSpecies.all[species]
        let distinguishing = BirdSpecies.distinguishingParts[species]
        var descriptions: [String] = [], phrases: [SynthFinePhrase] = []
        for _ in 0..<count {
            // One to three parts; half the time one of them is a part that tells the class apart.
            var parts = BirdPart.allCases
            for i in stride(from: parts.count - 1, to: 0, by: -1) { parts.swapAt(i, generator.nextInt(below: i + 1)) }
            parts = Array(parts.prefix(1 + generator.nextInt(below: 3)))
            if !distinguishing.isEmpty && generator.nextInt(below: 2) == 0 {
                let key = distinguishing[generator.nextInt(below: distinguishing.count)]
                if !parts.contains(key) { parts[0] = key }
            }
            var mentioned = parts.map { phrase(for: $0, look: look[$0], using: &generator) }
            if generator.nextInt(below: 5) == 0 {
                mentioned.append(SynthFinePhrase([["orange", "short", "pointed"][generator.nextInt(below: 3)], "beak"]))
            }
            let small = generator.nextInt(below: 4) == 0
            let perch = branch && generator.nextInt(below: 3) == 0
            let perchPhrase = SynthFinePhrase([generator.nextInt(below: 2) == 0 ? "thin" : "brown", "branch"])
            var sentence = small ? "a small bird with" : openers[generator.nextInt(below: openers.count)]
            sentence += " " + list(mentioned.map(\.withArticle))
            if perch { sentence += ", perched on " + perchPhrase.withArticle }
            descriptions.append(sentence + ".")
            for phrase in (small ? [SynthFinePhrase(["small", "bird"])] : []) + mentioned + (perch ? [perchPhrase] : [])
            where !phrases.contains(phrase) && phrases.count < maxPhrases {
                phrases.append(phrase)
            }
        }
        return (descriptions, phrases)
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
