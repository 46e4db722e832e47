// LSMDC as CLIP4Clip reads it (dataloaders/dataloader_lsmdc_retrieval.py, LSMDC_DataLoader):
//  - train `LSMDC16_annos_training.csv`, val `LSMDC16_annos_val.csv`, test
//    `LSMDC16_challenge_1000_publictect.csv`: tab-separated lines of six fields
//    CLIP_ID, START_ALIGNED, END_ALIGNED, START_EXTRACTED, END_EXTRACTED, SENTENCE (each line
//    stripped); a clip id may repeat with another sentence;
//  - pairs: every line, in file order; videos: the clip ids in order of first appearance;
//  - files: found by walking the videos folder recursively, keyed by name without extension.
// Deviations: the official loader drops the pairs of clips without a file silently; here they are
// left out, listed, and counted against --max-missing. Blank lines are skipped.
import Foundation

/// Reads an LSMDC split (`--data lsmdc:DIR`).
public enum LSMDCAnnotations {
    public static let splits = ["train", "val", "test"]
    static let layout = "lsmdc:DIR expects DIR/LSMDC16_annos_training.csv, LSMDC16_annos_val.csv and "
        + "LSMDC16_challenge_1000_publictect.csv (tab-separated, six fields), and the clips under DIR/videos or --videos-folder DIR"

    static func fileName(_ split: String) -> String {
        switch split {
        case "train": return "LSMDC16_annos_training.csv"
        case "val": return "LSMDC16_annos_val.csv"
        default: return "LSMDC16_challenge_1000_publictect.csv"
        }
    }

    /// The split `split` (train, val or test) of the LSMDC folder `directory`.
    public static func split(_ split: String, directory: URL, videos: URL? = nil) throws(DatasetError) -> AnnotatedSplit {
        guard splits.contains(split) else { throw .unknownSplit(dataset: "lsmdc", split: split, known: splits) }
        let url = directory.appendingPathComponent(fileName(split))
        let index = try VideoFolderIndex(folder: DatasetFiles.videosFolder(directory, override: videos), key: .stem)
        var annotated: [AnnotatedVideo] = [], position: [String: Int] = [:], captions: [Caption] = []
        for (number, line) in try DatasetFiles.lines(url, layout: layout) {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 6 else {
                throw .malformed(path: url.path, place: "line \(number)",
                                 detail: "\(fields.count) tab-separated field(s); LSMDC lines have six: CLIP_ID, START_ALIGNED, END_ALIGNED, START_EXTRACTED, END_EXTRACTED, SENTENCE")
            }
            let id = String(fields[0])
            let video: Int
            if let known = position[id] { video = known } else {
                video = annotated.count
                position[id] = video
                annotated.append(index.video(id))
            }
            captions.append(Caption(text: String(fields[5]), video: video))
        }
        return AnnotatedSplit(name: "lsmdc:\(directory.path)/\(split)", videos: annotated, captions: captions)
    }
}
