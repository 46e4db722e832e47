// The captions and videos of one MSR-VTT split, read as CLIP4Clip's dataloaders read them
// (dataloaders/dataloader_msrvtt_retrieval.py):
//  - train (MSRVTT_TrainDataLoader, unfold_sentences): the video ids of MSRVTT_train.9k.csv, and
//    every sentence of MSRVTT_data.json whose video_id is one of them, in the JSON's order;
//  - test (MSRVTT_DataLoader): the rows of MSRVTT_JSFUSION_test.csv, (video_id, sentence) each;
//    the annotations JSON is not needed.
import Foundation

/// The videos and captions of one MSR-VTT split, before any video is decoded.
public struct MSRVTTAnnotations: Sendable, Equatable {
    /// Video ids in split order (CSV order; first occurrence when an id repeats).
    public var videoIDs: [String]
    /// Captions with their video's index in `videoIDs`.
    public var captions: [Caption]
    /// Things worth telling the user that did not stop loading (e.g. training videos without a
    /// sentence in the JSON, which are left out of the split).
    public var notes: [String]

    /// Reads the annotation files of `split` from `paths`.
    /// - Throws: `MSRVTTError` naming the file: `.missingFile`, `.unreadable`, `.malformedJSON`,
    ///   `.malformedCSV`, `.emptyField`, `.emptySplit`.
    public static func load(_ paths: MSRVTTPaths, split: MSRVTTSplit) throws(MSRVTTError) -> MSRVTTAnnotations {
        switch split {
        case .train: return try loadTrain(paths)
        case .test: return try loadTest(paths)
        }
    }

    private static func loadTrain(_ paths: MSRVTTPaths) throws(MSRVTTError) -> MSRVTTAnnotations {
        let csvURL = paths.url(for: .trainCSV)
        let table = try readCSV(paths, .trainCSV)
        let listed = try nonEmptyValues(table, column: "video_id", path: csvURL.path)
        let sentences = try readSentences(paths)

        var order: [String] = [], seen = Set<String>()
        for id in listed where seen.insert(id).inserted { order.append(id) }
        let captioned = Set(sentences.lazy.map(\.video_id).filter { seen.contains($0) })
        var videoIDs: [String] = [], index: [String: Int] = [:], uncaptioned: [String] = []
        for id in order {
            guard captioned.contains(id) else { uncaptioned.append(id); continue }
            index[id] = videoIDs.count
            videoIDs.append(id)
        }
        // Captions in the JSON's order, as CLIP4Clip's unfolded training set lists them.
        let captions = sentences.compactMap { sentence in index[sentence.video_id].map { Caption(text: sentence.caption, video: $0) } }
        guard !videoIDs.isEmpty else { throw .emptySplit(split: .train, path: csvURL.path) }
        var notes: [String] = []
        if !uncaptioned.isEmpty {
            notes.append("\(uncaptioned.count) training video(s) listed in '\(csvURL.path)' have no sentence in "
                         + "'\(paths.url(for: .annotations).path)' and are left out (first: \(uncaptioned.prefix(3).joined(separator: ", ")))")
        }
        return MSRVTTAnnotations(videoIDs: videoIDs, captions: captions, notes: notes)
    }

    private static func loadTest(_ paths: MSRVTTPaths) throws(MSRVTTError) -> MSRVTTAnnotations {
        let csvURL = paths.url(for: .testCSV)
        let table = try readCSV(paths, .testCSV)
        let ids = try nonEmptyValues(table, column: "video_id", path: csvURL.path)
        let texts: [String]
        do { texts = try table.values(of: "sentence") } catch { throw .malformedCSV(error) }
        var videoIDs: [String] = [], index: [String: Int] = [:], captions: [Caption] = []
        for (id, text) in zip(ids, texts) {
            let video: Int
            if let known = index[id] { video = known } else {
                video = videoIDs.count
                index[id] = video
                videoIDs.append(id)
            }
            captions.append(Caption(text: text, video: video))
        }
        guard !videoIDs.isEmpty else { throw .emptySplit(split: .test, path: csvURL.path) }
        return MSRVTTAnnotations(videoIDs: videoIDs, captions: captions, notes: [])
    }

    // MARK: - Files

    /// The parts of MSRVTT_data.json that are used.
    struct Sentence: Decodable {
        var caption: String
        var video_id: String
    }

    private struct AnnotationFile: Decodable {
        var sentences: [Sentence]
    }

    private static func readSentences(_ paths: MSRVTTPaths) throws(MSRVTTError) -> [Sentence] {
        let url = try existingFile(paths, .annotations)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(path: url.path, reason: (error as NSError).localizedDescription)
        }
        return try sentences(data, path: url.path)
    }

    private static func sentences(_ data: Data, path: String) throws(MSRVTTError) -> [Sentence] {
        do {
            return try AnnotationJSON.decode(AnnotationFile.self, from: data).sentences
        } catch {
            throw .malformedJSON(path: path, detail: error.text)
        }
    }

    /// The `(caption, video_id)` sentences of an `MSRVTT_data.json` held in `data`, in file order
    /// (the fuzzing harness feeds it arbitrary bytes; `path` names the data in errors).
    /// - Throws: `MSRVTTError.malformedJSON` with the line and column or the value's path.
    public static func sentences(annotationJSON data: Data, path: String) throws(MSRVTTError) -> [(caption: String, videoID: String)] {
        try sentences(data, path: path).map { ($0.caption, $0.video_id) }
    }

    private static func readCSV(_ paths: MSRVTTPaths, _ field: MSRVTTPaths.Field) throws(MSRVTTError) -> CSVTable {
        let url = try existingFile(paths, field)
        do { return try CSVTable(contentsOf: url) } catch {
            if case let .unreadable(source, reason) = error { throw .unreadable(path: source, reason: reason) }
            throw .malformedCSV(error)
        }
    }

    private static func nonEmptyValues(_ table: CSVTable, column: String, path: String) throws(MSRVTTError) -> [String] {
        let index: Int
        do { index = try table.column(column) } catch { throw .malformedCSV(error) }
        return try table.rows.map { (row) throws(MSRVTTError) -> String in
            let value = row.fields[index].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw .emptyField(path: path, line: row.line, column: column) }
            return value
        }
    }

    /// The path of `field`, checked to be an existing regular file.
    private static func existingFile(_ paths: MSRVTTPaths, _ field: MSRVTTPaths.Field) throws(MSRVTTError) -> URL {
        let url = paths.url(for: field)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .missingFile(field: field, path: url.path, overridden: paths.isOverridden(field))
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: url.path, reason: "it is a folder, not a file") }
        return url
    }
}
