import Foundation
import ZooData

/// `zoo-bench tokenize`: CLIP tokenizer throughput on synthetic captions, with the word cache
/// empty (every distinct word goes through BPE once) and warm (every word is a cache hit).
///
/// The captions mix a caption-like vocabulary with invented words, numbers, punctuation and some
/// non-ASCII text, so the first pass does real BPE work instead of hitting the cache on the
/// second caption.
enum TokenizerBenchmark {
    static let usage = """
        usage: zoo-bench tokenize [--captions N] [--rounds N] [--json]

          Encodes N synthetic captions (default 10000) to [N, 77] ids, truncating, and reports
          captions/s for the first pass (word cache emptied before each round) and the cached
          pass; the median of --rounds rounds (default 5). Also times loading the vocabulary.

          --json   one JSON object on stdout instead of the table
        """

    static func run(_ arguments: [String]) -> Int32 {
        var count = 10_000, rounds = 5, json = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            switch argument {
            case "--json": json = true
            case "--help", "-h":
                print(usage)
                return 0
            case "--captions", "--rounds":
                guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else {
                    printError("zoo-bench tokenize: \(argument) needs a positive integer\n\(usage)")
                    return 2
                }
                if argument == "--captions" { count = value } else { rounds = value }
                index += 1
            default:
                printError("zoo-bench tokenize: unknown option \(argument)\n\(usage)")
                return 2
            }
            index += 1
        }

        let loadStart = DispatchTime.now()
        let tokenizer: CLIPTokenizer
        do {
            tokenizer = try CLIPTokenizer()
        } catch {
            printError("zoo-bench tokenize: \(error)")
            return 1
        }
        let loadSeconds = seconds(since: loadStart)

        let captions = syntheticCaptions(count)
        var firstPass: [Double] = [], cachedPass: [Double] = []
        do {
            for _ in 0..<rounds {
                tokenizer.clearCache()
                var start = DispatchTime.now()
                _ = try tokenizer.encode(captions, truncate: true)
                firstPass.append(seconds(since: start))
                start = DispatchTime.now()
                _ = try tokenizer.encode(captions, truncate: true)
                cachedPass.append(seconds(since: start))
            }
        } catch {
            printError("zoo-bench tokenize: \(error)")
            return 1
        }
        let first = median(firstPass), cached = median(cachedPass)
        let distinctWords = tokenizer.cachedWordCount
        let wordsPerCaption = Double(captions.reduce(0) { $0 + tokenizer.words($1).count }) / Double(count)

        if json {
            let fields = [
                "\"captions\": \(count)", "\"rounds\": \(rounds)", "\"distinct_words\": \(distinctWords)",
                "\"words_per_caption\": \(format(wordsPerCaption, 2))", "\"vocabulary_load_s\": \(format(loadSeconds, 6))",
                "\"first_pass_s\": \(format(first, 6))", "\"cached_pass_s\": \(format(cached, 6))",
                "\"first_pass_captions_per_s\": \(Int(Double(count) / first))",
                "\"cached_captions_per_s\": \(Int(Double(count) / cached))",
            ]
            print("{" + fields.joined(separator: ", ") + "}")
        } else {
            print("CLIP tokenizer, \(count) synthetic captions (\(format(wordsPerCaption, 1)) words each, \(distinctWords) distinct words), median of \(rounds)")
            print("  vocabulary load   \(format(loadSeconds * 1000, 1)) ms (\(tokenizer.vocabularySize) symbols, \(tokenizer.mergeCount) merges)")
            print("  first pass        \(format(first, 4)) s   \(Int(Double(count) / first)) captions/s   \(format(first / Double(count) * 1e6, 1)) us/caption")
            print("  cached pass       \(format(cached, 4)) s   \(Int(Double(count) / cached)) captions/s   \(format(cached / Double(count) * 1e6, 1)) us/caption")
        }
        return 0
    }

    /// Deterministic captions: templates filled from common words, with invented words (syllable
    /// compounds, so most are new to the cache), numbers, punctuation, and now and then accented,
    /// Cyrillic, CJK or emoji text, upper case, an HTML entity or curly quotes for the cleaning.
    static func syntheticCaptions(_ count: Int) -> [String] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let subjects = ["man", "woman", "dog", "cat", "child", "group of people", "chef", "player", "girl", "boy", "car", "bird"]
        let verbs = ["is running", "plays guitar", "is cooking", "talks", "jumps", "is dancing", "drives", "sings", "swims", "explains"]
        let places = ["on the beach", "in a kitchen", "on stage", "in the park", "at night", "in the snow", "on a street", "in a studio"]
        let adjectives = ["young", "old", "happy", "red", "small", "tall", "busy", "quiet", "bright", "famous"]
        let syllables = ["bra", "tol", "ix", "men", "qua", "zor", "pel", "ri", "dun", "ka", "vo", "sty", "lem", "gro", "nu", "fa"]
        let extras = ["café", "naïve", "Москва", "東京", "🍳", "😀", "&amp;", "“quoted”", "Straße", "résumé", "ＦＵＬＬ"]
        return (0..<count).map { _ in
            var words = ["a", adjectives[next(adjectives.count)], subjects[next(subjects.count)], verbs[next(verbs.count)],
                         places[next(places.count)]]
            for _ in 0..<(1 + next(3)) {
                words.append((0..<(2 + next(3))).map { _ in syllables[next(syllables.count)] }.joined())
            }
            if next(3) == 0 { words.append(String(next(2000))) }
            if next(4) == 0 { words.append(extras[next(extras.count)]) }
            if next(5) == 0 { words[1] = words[1].uppercased() }
            return words.joined(separator: " ") + [".", "!", ",", ""][next(4)]
        }
    }

    private static func seconds(since start: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    }

    private static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    private static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    private static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
