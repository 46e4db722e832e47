// Every MSR-VTT split papers report, as an `AnnotatedSplit`:
//  - `train` (9k, MSRVTT_train.9k.csv) and `train-7k` (MSRVTT_train.7k.csv): every sentence of
//    MSRVTT_data.json whose video the CSV lists, in the JSON's order (CLIP4Clip's
//    MSRVTT_TrainDataLoader with unfold_sentences, as `MSRVTTAnnotations` reads it);
//  - `test` (1k-A): the rows of MSRVTT_JSFUSION_test.csv, one (video, sentence) pair each
//    (CLIP4Clip's MSRVTT_DataLoader);
//  - `test-1k-a-all`: the 1k-A videos with every sentence MSRVTT_data.json has for them (20 per
//    video), in the JSON's order: the multi-caption protocol some papers report;
//  - `test-full`: the 2,990 videos whose `split` is "test" in MSRVTT_data.json, every sentence
//    of each, in the JSON's order: the dataset's own full test split.
// The official CLIP4Clip code has loaders for the first three; the last two follow the rule above.
import Foundation

extension MSRVTTAnnotations {
    /// The split names `msrvtt:` knows, with their aliases.
    public static let splitNames = ["train", "train-7k", "test", "test-1k-a-all", "test-full"]

    /// The canonical name of split `name`: `9k` → `train`, `7k` → `train-7k`, `1k-a` → `test`, …;
    /// nil when unknown.
    public static func canonicalSplit(_ name: String) -> String? {
        switch name.lowercased() {
        case "train", "9k", "train-9k": return "train"
        case "7k", "train-7k": return "train-7k"
        case "test", "1k-a", "val", "test-1k-a": return "test"
        case "1k-a-all", "test-1k-a-all": return "test-1k-a-all"
        case "full", "test-full": return "test-full"
        default: return nil
        }
    }

    /// The split `name` of the MSR-VTT folder, with each video's file (nil when absent).
    public static func annotatedSplit(_ name: String, paths: MSRVTTPaths) throws(DatasetError) -> AnnotatedSplit {
        guard let split = canonicalSplit(name) else { throw .unknownSplit(dataset: "msrvtt", split: name, known: splitNames) }
        let annotations: MSRVTTAnnotations
        do {
            switch split {
            case "train": annotations = try load(paths, split: .train)
            case "train-7k":
                var sevenK = paths
                if sevenK.trainCSV == nil { sevenK.trainCSV = paths.directory.appendingPathComponent("MSRVTT_train.7k.csv") }
                annotations = try load(sevenK, split: .train)
            case "test": annotations = try load(paths, split: .test)
            case "test-1k-a-all": annotations = try oneKAllCaptions(paths)
            default: annotations = try fullTest(paths)
            }
        } catch { throw .malformed(path: paths.directory.path, place: "", detail: error.description) }
        let folder = paths.videosFolder(for: annotations.videoIDs)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingFolder(what: "the videos folder", path: folder.path, flag: "--msrvtt-videos DIR")
        }
        let videos = annotations.videoIDs.map { id in
            let url = paths.videoURL(id, in: folder)
            return AnnotatedVideo(id: id, file: FileManager.default.fileExists(atPath: url.path) ? url : nil, expected: url.path)
        }
        return AnnotatedSplit(name: "msrvtt:\(paths.directory.path)/\(split)", videos: videos, captions: annotations.captions, notes: annotations.notes)
    }

    /// The 1k-A videos, in the test CSV's order, with every JSON sentence of each.
    static func oneKAllCaptions(_ paths: MSRVTTPaths) throws(MSRVTTError) -> MSRVTTAnnotations {
        let oneK = try load(paths, split: .test)
        return try gather(videoIDs: oneK.videoIDs, sentences: try readSentenceList(paths), source: paths.url(for: .testCSV).path)
    }

    /// The videos whose `split` is "test" in the JSON, in the order of its `videos` list, with every sentence of each.
    static func fullTest(_ paths: MSRVTTPaths) throws(MSRVTTError) -> MSRVTTAnnotations {
        let url = paths.url(for: .annotations)
        let file: FullAnnotationFile
        do { file = try AnnotationJSON.decode(FullAnnotationFile.self, from: url) } catch {
            if error.unreadable {
                if !FileManager.default.fileExists(atPath: url.path) {
                    throw .missingFile(field: .annotations, path: url.path, overridden: paths.isOverridden(.annotations))
                }
                throw .unreadable(path: url.path, reason: error.reason)
            }
            throw .malformedJSON(path: url.path, detail: error.text + " (test-full needs the `videos` list with each video's `split`)")
        }
        let ids = file.videos.filter { $0.split == "test" }.map(\.video_id)
        return try gather(videoIDs: ids, sentences: file.sentences.map { ($0.caption, $0.video_id) }, source: url.path)
    }

    /// The videos `videoIDs` (first occurrence kept) with every sentence of each, in sentence order.
    private static func gather(videoIDs: [String], sentences: [(caption: String, videoID: String)], source: String) throws(MSRVTTError) -> MSRVTTAnnotations {
        var order: [String] = [], index: [String: Int] = [:]
        for id in videoIDs where index[id] == nil { index[id] = order.count; order.append(id) }
        let captions = sentences.compactMap { sentence in index[sentence.videoID].map { Caption(text: sentence.caption, video: $0) } }
        let captioned = Set(captions.map(\.video))
        guard !captioned.isEmpty else { throw .emptySplit(split: .test, path: source) }
        let kept = order.indices.filter { captioned.contains($0) }
        var notes: [String] = []
        if kept.count < order.count {
            notes.append("\(order.count - kept.count) test video(s) have no sentence in the annotations and are left out")
        }
        let split = AnnotatedSplit(name: "", videos: order.map { AnnotatedVideo(id: $0, file: nil, expected: "") }, captions: captions).keeping(kept)
        return MSRVTTAnnotations(videoIDs: split.videos.map(\.id), captions: split.captions, notes: notes)
    }

    private static func readSentenceList(_ paths: MSRVTTPaths) throws(MSRVTTError) -> [(caption: String, videoID: String)] {
        let url = paths.url(for: .annotations)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw .missingFile(field: .annotations, path: url.path, overridden: paths.isOverridden(.annotations))
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription) }
        return try sentences(annotationJSON: data, path: url.path)
    }

    private struct FullAnnotationFile: Decodable {
        struct Video: Decodable {
            var video_id: String
            var split: String
        }
        struct Sentence: Decodable {
            var caption: String
            var video_id: String
        }
        var videos: [Video]
        var sentences: [Sentence]
    }
}
