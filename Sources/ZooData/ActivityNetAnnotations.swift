// ActivityNet Captions as CLIP4Clip reads it (dataloaders/dataloader_activitynet_retrieval.py,
// ActivityNet_DataLoader), paragraph-to-video retrieval:
//  - `train_ids.json` / `val_ids.json`: JSON lists of ids like `v_QOlSCBRmfWY`; the first two
//    characters are not part of the file name (`QOlSCBRmfWY.mp4`); a repeated id counts once;
//  - `train.json` / `val_1.json`: {id: {"duration", "timestamps", "sentences"}}; a video's
//    sentences are joined by single spaces (kept as they are, leading spaces included) into one caption;
//  - pairs: one per id, in the ids file's order, for ids that have sentences;
//  - frames: seconds 0…⌈duration⌉ (1 when that is 0), the span the official loader reads;
//  - files: found by walking the videos folder recursively, keyed by name without extension;
//    the video keeps the dataset's id (`v_…`) in reports.
// The papers report on `val` (val_1.json), so the test split is val.
// Deviations: ids without a file are left out, listed and counted against --max-missing (the
// official loader drops them silently).
import Foundation

/// Reads an ActivityNet Captions split (`--data activitynet:DIR`).
public enum ActivityNetAnnotations {
    public static let splits = ["train", "val"]
    static let layout = "activitynet:DIR expects DIR/train_ids.json, val_ids.json, train.json and val_1.json "
        + "(CLIP4Clip's layout), and the videos under DIR/videos or --videos-folder DIR"

    struct Video: Decodable {
        var duration: Double
        var sentences: [String]
    }

    /// The split `split` (train or val) of the ActivityNet folder `directory`.
    public static func split(_ split: String, directory: URL, videos: URL? = nil) throws(DatasetError) -> AnnotatedSplit {
        guard splits.contains(split) else { throw .unknownSplit(dataset: "activitynet", split: split, known: splits) }
        let idsURL = directory.appendingPathComponent("\(split)_ids.json")
        let captionsURL = directory.appendingPathComponent(split == "train" ? "train.json" : "val_1.json")
        let (ids, repeatNote) = DatasetFiles.unique(try DatasetFiles.json([String].self, idsURL, layout: layout), file: idsURL)
        let table = try DatasetFiles.json([String: Video].self, captionsURL, layout: layout)
        let index = try VideoFolderIndex(folder: DatasetFiles.videosFolder(directory, override: videos), key: .stem)
        var annotated: [AnnotatedVideo] = [], captions: [Caption] = [], uncaptioned = 0
        for id in ids {
            guard let video = table[id] else { uncaptioned += 1; continue }
            guard video.duration.isFinite, video.duration >= 0, video.duration < 1e7 else {
                throw .malformed(path: captionsURL.path, place: "entry \"\(id)\"", detail: "duration \(video.duration) is not a length in seconds")
            }
            let fileID = String(id.dropFirst(2))
            let last = Int(video.duration.rounded(.up))
            captions.append(Caption(text: video.sentences.joined(separator: " "), video: annotated.count))
            // The video keeps the dataset's id (`v_…`); its file is named without the prefix.
            annotated.append(AnnotatedVideo(id: id, file: index.file(for: fileID), expected: index.expected(for: fileID),
                                            lastSecond: last == 0 ? 1 : last))
        }
        var notes = repeatNote.map { [$0] } ?? []
        if uncaptioned > 0 {
            notes.append("\(uncaptioned) id(s) of '\(idsURL.path)' have no entry in '\(captionsURL.lastPathComponent)' and are left out, as the official loader does")
        }
        return AnnotatedSplit(name: "activitynet:\(directory.path)/\(split)", videos: annotated, captions: captions, notes: notes)
    }
}
