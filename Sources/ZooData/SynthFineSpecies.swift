// synthfine's birds: four parts (head, wing, tail, belly), each with a colour, a pattern and a
// shape, and ten species that differ from the plain finch (class 0) in one or two parts, so that
// some pairs of classes differ in a single part (red-capped vs spotted-bellied: the belly only).

/// A part of a synthfine bird that descriptions name and species differ in.
public enum BirdPart: String, CaseIterable, Sendable, Hashable {
    case head, wing, tail, belly
}

/// The colours birds are painted in; descriptions use the raw value.
public enum BirdColour: String, CaseIterable, Sendable, Hashable {
    case red, orange, yellow, blue, brown, grey, white, black

    /// sRGB before per-image jitter.
    public var rgb: (red: Int, green: Int, blue: Int) {
        switch self {
        case .red: (205, 40, 40)
        case .orange: (240, 135, 30)
        case .yellow: (240, 215, 45)
        case .blue: (45, 90, 215)
        case .brown: (125, 80, 45)
        case .grey: (135, 135, 140)
        case .white: (240, 240, 235)
        case .black: (30, 30, 32)
        }
    }
}

/// How a part's colour is laid out.
public enum BirdPattern: String, CaseIterable, Sendable, Hashable {
    /// One colour.
    case plain
    /// Dark bars across the part (light bars on black).
    case striped
    /// Dark dots on a grid (light dots on black).
    case spotted
}

/// A part's outline. Each part has its own: head round or crested; wing short or long; tail
/// pointed, forked or fanned; belly always round.
public enum BirdShape: String, CaseIterable, Sendable, Hashable {
    case round, crested, short, long, pointed, forked, fanned

    /// The shapes `part` can take, the first being the plain finch's.
    public static func options(for part: BirdPart) -> [BirdShape] {
        switch part {
        case .head: [.round, .crested]
        case .wing: [.short, .long]
        case .tail: [.pointed, .forked, .fanned]
        case .belly: [.round]
        }
    }
}

/// What one part looks like.
public struct PartLook: Hashable, Sendable {
    public var colour: BirdColour
    public var pattern: BirdPattern
    public var shape: BirdShape

    public init(_ colour: BirdColour, _ pattern: BirdPattern = .plain, _ shape: BirdShape) {
        (self.colour, self.pattern, self.shape) = (colour, pattern, shape)
    }
}

/// One class of synthfine: a name and the look of each part.
public struct BirdSpecies: Hashable, Sendable {
    public let name: String
    public let head: PartLook, wing: PartLook, tail: PartLook, belly: PartLook

    public subscript(part: BirdPart) -> PartLook {
        switch part {
        case .head: head
        case .wing: wing
        case .tail: tail
        case .belly: belly
        }
    }

    /// A species that looks like `base` except for `changes`.
    init(_ name: String, from base: BirdSpecies? = nil, head: PartLook? = nil, wing: PartLook? = nil,
         tail: PartLook? = nil, belly: PartLook? = nil) {
        self.name = name
        self.head = head ?? base!.head
        self.wing = wing ?? base!.wing
        self.tail = tail ?? base!.tail
        self.belly = belly ?? base!.belly
    }

    /// The parts in which `self` and `other` look different.
    public func differingParts(from other: BirdSpecies) -> [BirdPart] {
        BirdPart.allCases.filter { self[$0] != other[$0] }
    }
}

extension BirdSpecies {
    /// Class 0, the look every other class changes in one or two parts.
    public static let plainFinch = BirdSpecies(
        "plain finch", head: PartLook(.grey, .plain, .round), wing: PartLook(.brown, .plain, .short),
        tail: PartLook(.brown, .plain, .pointed), belly: PartLook(.white, .plain, .round))

    /// The ten classes, index = class id. `distinguishingParts` lists, per class, where it differs
    /// from the plain finch (tests check the table against the looks).
    public static let all: [BirdSpecies] = {
        let base = plainFinch
        return [
            base,
            BirdSpecies("red-capped finch", from: base, head: PartLook(.red, .plain, .round)),
            BirdSpecies("blue-capped finch", from: base, head: PartLook(.blue, .plain, .round)),
            BirdSpecies("crested finch", from: base, head: PartLook(.black, .plain, .crested)),
            BirdSpecies("bar-winged finch", from: base, wing: PartLook(.brown, .striped, .short)),
            BirdSpecies("golden-winged finch", from: base, wing: PartLook(.yellow, .plain, .short)),
            BirdSpecies("fork-tailed finch", from: base, tail: PartLook(.black, .plain, .forked)),
            BirdSpecies("fan-tailed finch", from: base, wing: PartLook(.brown, .plain, .long), tail: PartLook(.brown, .plain, .fanned)),
            BirdSpecies("orange-bellied finch", from: base, belly: PartLook(.orange, .plain, .round)),
            BirdSpecies("spotted-bellied finch", from: base, head: PartLook(.red, .plain, .round), belly: PartLook(.white, .spotted, .round)),
        ]
    }()

    /// Where each class differs from the plain finch: the documented design.
    public static let distinguishingParts: [[BirdPart]] = [
        [], [.head], [.head], [.head], [.wing], [.wing], [.tail], [.wing, .tail], [.belly], [.head, .belly],
    ]
}
