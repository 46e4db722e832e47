// MSVD as CLIP4Clip reads it (dataloaders/dataloader_msvd_retrieval.py, MSVD_DataLoader):
//  - videos: the ids of `{train,val,test}_list.txt`, one per line (stripped), in file order;
//  - captions: `raw-captions.pkl`, a pickle of {video_id: [[token, …], …]}; each caption is its
//    tokens joined by single spaces, in the pickle's order; every caption of a video is a pair
//    (so every caption of a test video is a query);
//  - files: found by walking the videos folder recursively, keyed by the name without its
//    extension.
// Deviations: the pickle is read by `PickleReader`, which runs no code; a repeated list id is
// listed once (the official loader would count it twice); a listed id without captions is an
// error naming it (the official loader stops on an assertion).
import Foundation

/// Reads an MSVD split (`--data msvd:DIR`).
public enum MSVDAnnotations {
    public static let splits = ["train", "val", "test"]
    static let layout = "msvd:DIR expects DIR/train_list.txt, val_list.txt, test_list.txt and raw-captions.pkl "
        + "(CLIP4Clip's msvd_data layout), and the videos under DIR/videos or --videos-folder DIR"

    /// The split `split` (train, val or test) of the MSVD folder `directory`.
    public static func split(_ split: String, directory: URL, videos: URL? = nil) throws(DatasetError) -> AnnotatedSplit {
        guard splits.contains(split) else { throw .unknownSplit(dataset: "msvd", split: split, known: splits) }
        let listURL = directory.appendingPathComponent("\(split)_list.txt")
        let (ids, repeatNote) = DatasetFiles.unique(try DatasetFiles.lines(listURL, layout: layout).map(\.text), file: listURL)
        let captionsURL = directory.appendingPathComponent("raw-captions.pkl")
        let table = try captionTable(DatasetFiles.data(captionsURL, layout: layout), path: captionsURL.path)
        let index = try VideoFolderIndex(folder: DatasetFiles.videosFolder(directory, override: videos), key: .stem)
        var annotated: [AnnotatedVideo] = [], captions: [Caption] = []
        for id in ids {
            guard let texts = table[id] else {
                throw .malformed(path: captionsURL.path, place: "", detail: "video '\(id)' of '\(listURL.lastPathComponent)' has no captions")
            }
            for text in texts { captions.append(Caption(text: text, video: annotated.count)) }
            annotated.append(index.video(id))
        }
        return AnnotatedSplit(name: "msvd:\(directory.path)/\(split)", videos: annotated, captions: captions,
                              notes: repeatNote.map { [$0] } ?? [])
    }

    /// The captions of each video in an MSVD `raw-captions.pkl` held in `data`: tokens joined by spaces.
    /// - Throws: `DatasetError.pickle` for a refused or broken pickle, `.malformed` when it is not
    ///   {str: [[str, …], …]}.
    public static func captionTable(_ data: Data, path: String) throws(DatasetError) -> [String: [String]] {
        let value: PickleValue
        do { value = try PickleReader.value(from: Array(data), source: path) } catch { throw .pickle(error) }
        guard case let .dictionary(pairs) = value else {
            throw .malformed(path: path, place: "", detail: "the pickle holds \(value.kindName), not a dict {video_id: [[token, ...], ...]}")
        }
        var table: [String: [String]] = [:]
        for (key, captions) in pairs {
            guard let id = key.text else { throw .malformed(path: path, place: "", detail: "a key is \(key.kindName), not a video id string") }
            guard let list = captions.elements else {
                throw .malformed(path: path, place: "entry \"\(id)\"", detail: "holds \(captions.kindName), not a list of captions")
            }
            table[id] = try list.map { (caption) throws(DatasetError) -> String in
                guard let tokens = caption.elements else {
                    throw .malformed(path: path, place: "entry \"\(id)\"", detail: "a caption is \(caption.kindName), not a list of tokens")
                }
                return try tokens.map { (token) throws(DatasetError) -> String in
                    guard let text = token.text else {
                        throw .malformed(path: path, place: "entry \"\(id)\"", detail: "a token is \(token.kindName), not a string")
                    }
                    return text
                }.joined(separator: " ")
            }
        }
        return table
    }
}
