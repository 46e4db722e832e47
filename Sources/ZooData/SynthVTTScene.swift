// synthvtt's vocabulary (shapes, colours, sizes, directions, actions) and the recipe of one video.
// A recipe is a few dozen bytes and fully determines the video's frames and captions, which is why
// a split keeps recipes and renders pixels only when asked (SynthVTTRenderer.swift).
//
// Positions are integers in 1/1024 of the frame side so that a recipe means the same at any
// resolution, and so that the order-swapped twin of a direction change reaches exactly the same
// positions (see `SynthVTTVideo.state`): its frames are then the original's, rotated.

/// A shape synthvtt draws.
public enum SynthVTTShape: String, CaseIterable, Sendable, Hashable {
    case circle, square, triangle, diamond, cross
}

/// A colour synthvtt paints shapes with; hues far apart so that each stays nameable at 32 px.
public enum SynthVTTColour: String, CaseIterable, Sendable, Hashable {
    case red, green, blue, yellow, purple, orange, cyan, white

    /// 8-bit sRGB, bright enough to stand out on the dark grey background.
    public var rgb: (red: UInt8, green: UInt8, blue: UInt8) {
        switch self {
        case .red: (230, 40, 40)
        case .green: (40, 190, 60)
        case .blue: (50, 100, 245)
        case .yellow: (245, 225, 40)
        case .purple: (175, 70, 225)
        case .orange: (250, 140, 20)
        case .cyan: (40, 215, 225)
        case .white: (245, 245, 245)
        }
    }
}

/// How big a shape is.
public enum SynthVTTSize: String, CaseIterable, Sendable, Hashable {
    case small, large

    /// Half the shape's extent in 1/1024 of the frame side: 0.14 and 0.2 of the side, i.e. shapes
    /// about 9 and 13 pixels across at 32 pixels, large enough to tell a triangle from a diamond.
    public var radius: Int { self == .small ? 144 : 205 }
}

/// A direction of motion on screen.
public enum SynthVTTDirection: String, CaseIterable, Sendable, Hashable {
    case left, right, up, down

    public var opposite: SynthVTTDirection {
        switch self {
        case .left: .right
        case .right: .left
        case .up: .down
        case .down: .up
        }
    }

    /// The unit step: x grows to the right, y grows downwards (row 0 is the top).
    public var step: (dx: Int, dy: Int) {
        switch self {
        case .left: (-1, 0)
        case .right: (1, 0)
        case .up: (0, -1)
        case .down: (0, 1)
        }
    }
}

/// What happens to one shape during one event.
public enum SynthVTTAction: Hashable, Sendable {
    /// Moves `SynthVTTVideo.travel` in the direction over the event's frames.
    case move(SynthVTTDirection)
    /// Invisible until the middle of the event's frames, visible after.
    case appear
    /// Visible until the middle of the event's frames, invisible after.
    case disappear
}

/// One shape of a video and where it starts.
public struct SynthVTTObject: Hashable, Sendable {
    public var shape: SynthVTTShape
    public var colour: SynthVTTColour
    public var size: SynthVTTSize
    /// Centre at the first frame, in 1/1024 of the frame side from the left edge.
    public var x: Int
    /// Centre at the first frame, in 1/1024 of the frame side from the top edge.
    public var y: Int

    public init(shape: SynthVTTShape, colour: SynthVTTColour, size: SynthVTTSize, x: Int = 512, y: Int = 512) {
        self.shape = shape
        self.colour = colour
        self.size = size
        self.x = x
        self.y = y
    }
}

/// An action of one object (`object` indexes `SynthVTTVideo.objects`).
public struct SynthVTTEvent: Hashable, Sendable {
    public var object: Int
    public var action: SynthVTTAction

    public init(object: Int, action: SynthVTTAction) {
        self.object = object
        self.action = action
    }
}

/// The recipe of one synthvtt video: everything its frames and captions are made from.
public struct SynthVTTVideo: Hashable, Sendable {
    /// How far one move event carries a shape: 0.35 of the frame side (11 pixels at 32).
    public static let travel = 358
    /// Positions are in `1 / unitsPerSide` of the frame side.
    public static let unitsPerSide = 1024

    /// One or two shapes, drawn in this order (later ones on top).
    public var objects: [SynthVTTObject]
    /// One or two events in temporal order. One event spans all frames; with two, the first
    /// spans frames `0..<boundary` and the second `boundary..<frames`.
    public var events: [SynthVTTEvent]
    /// First frame of the second event (`frames / 2`, except for the order-swapped twin of a
    /// direction change with an odd frame count, which uses `frames - frames / 2`).
    public var boundary: Int
    /// Grey level of the background (0...255) before noise.
    public var background: UInt8
    /// Seed of the static background noise; the two videos of a temporal pair share it.
    public var backgroundSeed: UInt64
    /// How each caption of the video is worded; one caption per phrasing.
    public var phrasings: [SynthVTTPhrasing]

    public init(objects: [SynthVTTObject], events: [SynthVTTEvent], boundary: Int, background: UInt8,
                backgroundSeed: UInt64, phrasings: [SynthVTTPhrasing]) {
        self.objects = objects
        self.events = events
        self.boundary = boundary
        self.background = background
        self.backgroundSeed = backgroundSeed
        self.phrasings = phrasings
    }

    /// The captions, one per phrasing.
    public var captions: [String] { phrasings.map { SynthVTTCaptions.caption(of: self, phrasing: $0) } }

    /// What makes two videos the same video whatever their wording and background noise; the
    /// splits never share one.
    struct Identity: Hashable {
        var objects: [SynthVTTObject]
        var events: [SynthVTTEvent]
        var boundary: Int
    }

    var identity: Identity { Identity(objects: objects, events: events, boundary: boundary) }

    /// The frames of event `index` in a video of `frames` frames.
    public func segment(ofEvent index: Int, frames: Int) -> Range<Int> {
        if events.count == 1 { return 0..<frames }
        return index == 0 ? 0..<boundary : boundary..<frames
    }

    /// Whether object `object` is visible at frame `frame`, and its centre in 1/1024 of the side.
    ///
    /// A move interpolates linearly from the position its event starts at (an exact integer,
    /// `anchor`) to that plus `travel`, reaching the end on the event's last frame; the arithmetic
    /// depends only on the anchor and the offset within the event, so equal anchors give
    /// bit-identical positions in any video.
    public func state(of object: Int, frame: Int, frames: Int) -> (visible: Bool, x: Float, y: Float) {
        var visible = !events.contains { $0.object == object && $0.action == .appear }
        var anchor = (x: objects[object].x, y: objects[object].y)
        var position = (x: Float(anchor.x), y: Float(anchor.y))
        for (index, event) in events.enumerated() where event.object == object {
            let segment = segment(ofEvent: index, frames: frames)
            guard frame >= segment.lowerBound else { break }
            let middle = segment.lowerBound + segment.count / 2
            switch event.action {
            case .appear: if frame >= middle { visible = true }
            case .disappear: if frame >= middle { visible = false }
            case let .move(direction):
                let offset = (x: direction.step.dx * Self.travel, y: direction.step.dy * Self.travel)
                let step = min(frame - segment.lowerBound, segment.count - 1)
                if step == segment.count - 1 {
                    anchor = (anchor.x + offset.x, anchor.y + offset.y)
                    position = (Float(anchor.x), Float(anchor.y))
                } else {
                    let progress = Float(step) / Float(segment.count - 1)
                    position = (Float(anchor.x) + Float(offset.x) * progress, Float(anchor.y) + Float(offset.y) * progress)
                }
            }
        }
        return (visible, position.x, position.y)
    }
}
