// DiDeMo as CLIP4Clip reads it (dataloaders/dataloader_didemo_retrieval.py, DiDeMo_DataLoader),
// paragraph-to-video retrieval:
//  - `{train,val,test}_list.txt`: the split's video ids (file names, extension included);
//  - `{train,val,test}_data.json`: a list of moments {"description", "times", "video", …}; each
//    listed video's descriptions are joined by single spaces, in the JSON's order, into one caption;
//  - pairs: one per video, in order of the video's first moment in the JSON; a listed video
//    without moments, or a moment of an unlisted video, is left out;
//  - frames: seconds 0…31 (the official loader's span: annotations cover at most 30 s);
//  - files: found by walking the videos folder recursively, keyed by the whole file name.
// Deviations: listed videos without a file are left out, listed and counted against
// --max-missing (the official loader drops them silently).
import Foundation

/// Reads a DiDeMo split (`--data didemo:DIR`).
public enum DiDeMoAnnotations {
    public static let splits = ["train", "val", "test"]
    /// The last second read of each video: the official loader's `end` of 31.
    public static let lastSecond = 31
    static let layout = "didemo:DIR expects DIR/{train,val,test}_list.txt and {train,val,test}_data.json "
        + "(a JSON list of {\"description\", \"times\", \"video\"}), and the videos under DIR/videos or --videos-folder DIR"

    struct Moment: Decodable {
        var description: String
        var video: String
    }

    /// The split `split` (train, val or test) of the DiDeMo folder `directory`.
    public static func split(_ split: String, directory: URL, videos: URL? = nil) throws(DatasetError) -> AnnotatedSplit {
        guard splits.contains(split) else { throw .unknownSplit(dataset: "didemo", split: split, known: splits) }
        let listURL = directory.appendingPathComponent("\(split)_list.txt")
        let listed = Set(try DatasetFiles.lines(listURL, layout: layout).map(\.text))
        let moments = try DatasetFiles.json([Moment].self, directory.appendingPathComponent("\(split)_data.json"), layout: layout)
        let index = try VideoFolderIndex(folder: DatasetFiles.videosFolder(directory, override: videos), key: .fileName)
        var order: [String] = [], descriptions: [String: [String]] = [:]
        for moment in moments where listed.contains(moment.video) {
            if descriptions[moment.video] == nil { order.append(moment.video) }
            descriptions[moment.video, default: []].append(moment.description)
        }
        let annotated = order.map { index.video($0, lastSecond: lastSecond) }
        let captions = order.enumerated().map { Caption(text: descriptions[$0.element, default: []].joined(separator: " "), video: $0.offset) }
        var notes: [String] = []
        let undescribed = listed.subtracting(order)
        if !undescribed.isEmpty {
            notes.append("\(undescribed.count) video(s) of '\(listURL.path)' have no description in \(split)_data.json and are left out, as the official loader does")
        }
        return AnnotatedSplit(name: "didemo:\(directory.path)/\(split)", videos: annotated, captions: captions, notes: notes)
    }
}
