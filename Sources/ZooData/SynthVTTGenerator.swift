// Samples synthvtt recipes from one seeded stream: the story (one event, a direction change, or
// two objects acting one after the other), a layout that keeps every shape inside the frame and
// apart from the other, the wording of each caption, and the order-swapped twins that make the
// temporal hard negatives.
import ZooTensor

/// A seeded sampler of recipes for videos of `frames` frames.
struct SynthVTTGenerator {
    let frames: Int
    var random: RandomGenerator

    init(frames: Int, seed: UInt64) {
        self.frames = frames
        random = RandomGenerator(seed: seed)
    }

    /// Gap kept between the boxes of two shapes, and between a shape and the frame's edge, in
    /// 1/1024 of the side (2 and 0.75 pixels at 32), so that shapes never touch or leave the frame.
    static let separation = 64
    static let edgeMargin = 24

    // MARK: Stories

    mutating func uniform() -> Float { random.nextUniform() }

    mutating func pick<T>(_ items: [T]) -> T { items[random.nextInt(below: items.count)] }

    /// 60% moves (any direction), 20% appearances, 20% disappearances.
    mutating func action() -> SynthVTTAction {
        let u = uniform()
        if u < 0.6 { return .move(pick(SynthVTTDirection.allCases)) }
        return u < 0.8 ? .appear : .disappear
    }

    /// A shape with its attributes; a second one differs from the first in shape or colour, so
    /// that the caption tells them apart.
    mutating func object(distinctFrom other: SynthVTTObject? = nil) -> SynthVTTObject {
        while true {
            let candidate = SynthVTTObject(shape: pick(SynthVTTShape.allCases), colour: pick(SynthVTTColour.allCases),
                                           size: pick(SynthVTTSize.allCases))
            if let other, other.shape == candidate.shape && other.colour == candidate.colour { continue }
            return candidate
        }
    }

    /// An unplaced, unworded recipe of `form`.
    mutating func story(_ form: SynthVTTCaptions.Form) -> SynthVTTVideo {
        var objects = [object()]
        var events: [SynthVTTEvent]
        switch form {
        case .single:
            events = [SynthVTTEvent(object: 0, action: action())]
        case .directionChange:
            let direction = pick(SynthVTTDirection.allCases)
            events = [SynthVTTEvent(object: 0, action: .move(direction)), SynthVTTEvent(object: 0, action: .move(direction.opposite))]
        case .sequence:
            objects.append(object(distinctFrom: objects[0]))
            events = [SynthVTTEvent(object: 0, action: action()), SynthVTTEvent(object: 1, action: action())]
        }
        return SynthVTTVideo(objects: objects, events: events, boundary: frames / 2,
                             background: UInt8(30 + random.nextInt(below: 41)), backgroundSeed: random.next(), phrasings: [])
    }

    // MARK: Layout

    /// Chooses start positions so that every shape stays inside the frame on every frame and two
    /// visible shapes never overlap; false when 20 tries find no such layout.
    mutating func place(_ video: inout SynthVTTVideo) -> Bool {
        for _ in 0..<20 {
            var fits = true
            for index in video.objects.indices {
                let path = Self.pathExtent(of: index, in: video)
                // The diamond's tips reach 1.15 radii from the centre.
                let reach = video.objects[index].size.radius * 115 / 100 + Self.edgeMargin
                let xs = (reach - path.minX)...(SynthVTTVideo.unitsPerSide - reach - path.maxX)
                let ys = (reach - path.minY)...(SynthVTTVideo.unitsPerSide - reach - path.maxY)
                guard xs.lowerBound <= xs.upperBound, ys.lowerBound <= ys.upperBound else { fits = false; break }
                video.objects[index].x = xs.lowerBound + random.nextInt(below: xs.count)
                video.objects[index].y = ys.lowerBound + random.nextInt(below: ys.count)
            }
            if fits && Self.isSeparated(video, frames: frames) { return true }
        }
        return false
    }

    /// The smallest and largest offsets from its start that object `index` reaches.
    static func pathExtent(of index: Int, in video: SynthVTTVideo) -> (minX: Int, maxX: Int, minY: Int, maxY: Int) {
        var offset = (x: 0, y: 0)
        var extent = (minX: 0, maxX: 0, minY: 0, maxY: 0)
        for event in video.events where event.object == index {
            guard case let .move(direction) = event.action else { continue }
            offset = (offset.x + direction.step.dx * SynthVTTVideo.travel, offset.y + direction.step.dy * SynthVTTVideo.travel)
            extent = (min(extent.minX, offset.x), max(extent.maxX, offset.x), min(extent.minY, offset.y), max(extent.maxY, offset.y))
        }
        return extent
    }

    /// Whether every two shapes visible together are apart (their radius boxes plus `separation`
    /// do not meet) on every frame.
    static func isSeparated(_ video: SynthVTTVideo, frames: Int) -> Bool {
        guard video.objects.count > 1 else { return true }
        for frame in 0..<frames {
            let states = video.objects.indices.map { video.state(of: $0, frame: frame, frames: frames) }
            for i in video.objects.indices where states[i].visible {
                for j in video.objects.indices where j > i && states[j].visible {
                    let needed = Float(video.objects[i].size.radius + video.objects[j].size.radius + separation)
                    if abs(states[i].x - states[j].x) < needed && abs(states[i].y - states[j].y) < needed { return false }
                }
            }
        }
        return true
    }

    // MARK: Wording

    /// Up to `count` distinct wordings of `video` (fewer only if the templates run out).
    mutating func phrasings(for video: SynthVTTVideo, count: Int) -> [SynthVTTPhrasing] {
        let form = SynthVTTCaptions.form(of: video)
        var result: [SynthVTTPhrasing] = []
        var seen: Set<String> = []
        for _ in 0..<(count * 20) where result.count < count {
            let template = random.nextInt(below: SynthVTTCaptions.templateCount(form))
            var verbs = video.events.map { random.nextInt(below: SynthVTTCaptions.verbCount($0.action)) }
            // A direction change names its verb once ("moves left then right"): both events share it.
            if form == .directionChange { verbs[1] = verbs[0] }
            let sizes = video.objects.map { random.nextInt(below: SynthVTTCaptions.sizeWordCount($0.size)) }
            let phrasing = SynthVTTPhrasing(template: template, verbs: verbs, sizeWords: sizes)
            if seen.insert(SynthVTTCaptions.caption(of: video, phrasing: phrasing)).inserted { result.append(phrasing) }
        }
        return result
    }

    // MARK: Videos and temporal pairs

    /// A new video (35% one event, 20% direction changes, 45% two objects in sequence) whose
    /// identity is not in `used`, with `captions` wordings; its identity joins `used`.
    mutating func video(captions: Int, used: inout Set<SynthVTTVideo.Identity>) -> SynthVTTVideo {
        while true {
            let u = uniform()
            var video = story(u < 0.35 ? .single : u < 0.55 ? .directionChange : .sequence)
            guard place(&video), used.insert(video.identity).inserted else { continue }
            video.phrasings = phrasings(for: video, count: captions)
            return video
        }
    }

    /// Two videos that differ only in the order of their two events (half direction changes,
    /// half two-object sequences), one caption each; both identities join `used`.
    mutating func pair(used: inout Set<SynthVTTVideo.Identity>) -> (SynthVTTVideo, SynthVTTVideo) {
        while true {
            var first = story(uniform() < 0.5 ? .directionChange : .sequence)
            guard place(&first) else { continue }
            let unworded = Self.twin(of: first, frames: frames)
            guard Self.isSeparated(unworded, frames: frames), !used.contains(first.identity),
                  !used.contains(unworded.identity) else { continue }
            first.phrasings = phrasings(for: first, count: 1)
            let second = Self.twin(of: first, frames: frames)
            used.insert(first.identity)
            used.insert(second.identity)
            return (first, second)
        }
    }

    /// `video` with its two events in the other order, worded with the same choices.
    ///
    /// A direction change's twin starts where the original turns and splits its frames the other
    /// way round, so its frames are exactly the original's rotated by `boundary` (the same frames,
    /// another order). A sequence's twin keeps every start position: both begin and end on the
    /// same frame and differ only in between.
    static func twin(of video: SynthVTTVideo, frames: Int) -> SynthVTTVideo {
        precondition(video.events.count == 2, "SynthVTTGenerator.twin: needs two events, got \(video.events.count)")
        var twin = video
        twin.events.reverse()
        switch SynthVTTCaptions.form(of: video) {
        case .directionChange:
            if case let .move(direction) = video.events[0].action {
                twin.objects[0].x += direction.step.dx * SynthVTTVideo.travel
                twin.objects[0].y += direction.step.dy * SynthVTTVideo.travel
            }
            twin.boundary = frames - video.boundary
        default:
            twin.phrasings = video.phrasings.map { phrasing in
                var swapped = phrasing
                swapped.verbs.reverse()
                return swapped
            }
        }
        return twin
    }
}
