// Sampling 1 frame per second in one ffmpeg process instead of two. The frame interval K comes
// from the frame rate ffprobe reports (`VideoSampling.guessedFrameRate`), and ffprobe is a process
// of its own: on a 2-core machine its start-up (≈0.07 s of CPU, loading ffmpeg's libraries) is
// nearly half of what decoding a short video costs. ffmpeg's filter graph knows a frame rate too,
// the one its `setpts` filter calls FRAME_RATE, so the decoder samples with K = int(FRAME_RATE)
// inside ffmpeg and reads, from ffmpeg's own log, whether that rate is provably the one ffprobe
// would have given. When it is not, or the log cannot tell, the video is decoded again the old way
// (ffprobe first): this is only ever a shortcut, never a different answer.
//
// Why the log can prove it. The ffmpeg command line gives its filter graph the rate
// `av_guess_frame_rate` (libavformat/utils.c) returns, which is the stream's exact `r_frame_rate`,
// or its `avg_frame_rate` when r > 210 and avg < 70 (the rule `guessedFrameRate` applies), or, for
// field-coded streams, the codec's rate when that is below 0.7·r. The log prints that rate exactly
// (`fr:N/D`, the buffer source's verbose line) and r and avg rounded to 0.01 (`25 tbr`, `29.97
// fps` in the stream line). So: if the exact rate is within rounding of the printed r (and the
// printed values are clear of the 210/70 thresholds), it cannot be avg (which differs by more than
// 140 there) nor the codec rate (below 0.7·r), so it is r itself, exactly; likewise for avg when
// the rule picks avg. Anything else is refused.
import Foundation

/// The frame rate ffmpeg's filter graph sampled with, read from its log and accepted only when it
/// is exactly the rate `VideoSampling.guessedFrameRate` gives from ffprobe's values.
enum LoggedFrameRate {
    /// The `-vf` chain that keeps frames `0, K, 2K, …` with K = max(1, int(FRAME_RATE)), as
    /// `select=not(mod(n\,K))` does with K known beforehand. `select` has no FRAME_RATE (ffmpeg 5),
    /// so `setpts` marks the chosen frames in the timestamp's lowest bit (2·PTS + 1), `select`
    /// keeps the marked ones, and a second `setpts` restores the timestamp. A frame without a
    /// timestamp (NaN here; ffmpeg before 6 can pass such frames to filters) is marked on a
    /// sentinel, −2⁵² or −2⁵² + 1, far below any real 2·PTS, and gets no timestamp back. A rate
    /// ffmpeg does not know (NaN) marks nothing, so no frame comes out and the caller decodes the
    /// old way.
    static let samplingFilter = "setpts=not(mod(N\\,max(1\\,trunc(FRAME_RATE))))+if(isnan(PTS)\\,\(noTimestamp)\\,2*PTS),"
        + "select=eq(mod(pts\\,2)\\,1),setpts=if(eq(PTS\\,\(noTimestamp + 1))\\,0/0\\,(PTS-1)/2)"

    /// −2⁵²: exact in the double arithmetic of ffmpeg's expressions, and below 2·PTS for any
    /// timestamp a file can hold in practice (|PTS| < 2⁵¹).
    private static let noTimestamp = -4_503_599_627_370_496

    /// The arguments that make ffmpeg log what `verifiedRate(in:)` reads: every line tagged with
    /// its level, at the verbose level, without the progress lines.
    static let loggingArguments = ["-loglevel", "level+verbose", "-nostats"]

    /// Whether `log` already holds the filter graph's input line (`fr:N/D`, also `fr:0/1` for an
    /// unknown rate), which ffmpeg writes before its first frame.
    static func hasFilterInputLine(_ log: String) -> Bool { !filterRates(in: log).isEmpty }

    /// Whether a line of `log` is tagged `[error]`, `[fatal]` or `[panic]` (after at most the
    /// `[context @ 0x…] ` prefix, as `FFmpeg.firstErrorLine(ofLevelTagged:)` reads them).
    static func hasErrorLine(_ log: String) -> Bool {
        // ffmpeg tags a message with its level only when the previous one ended its line, so the
        // decoding errors ffmpeg counts against -max_error_rate are also looked for by their words.
        log.firstMatch(of: errorTag) != nil || log.contains("Error while decoding stream #")
            || log.contains("Error while processing the decoded data")
    }

    /// Whether `log` is tagged with levels at all (older ffmpeg versions refuse `level+`).
    static func isLevelTagged(_ log: String) -> Bool { log.firstMatch(of: levelTag) != nil }

    /// The rate the filter graph used, when `log` proves it equals `guessedFrameRate` of the
    /// stream's exact `r_frame_rate` and `avg_frame_rate`; nil when it does not.
    static func verifiedRate(in log: String) -> Double? {
        guard hasOneOfEachHeader(completeLines(of: log), inputs: 1), !hasBrokenVideoLine(completeLines(of: log)),
              let exact = filterRate(in: log), let stream = streamRates(in: log) else { return nil }
        return verifiedRate(exact: exact, real: stream.real, average: stream.average)
    }

    /// Whether `lines` hold exactly one `Input #k, ` and one `Output #k, ` header for each k below
    /// `inputs`, none other, and one `Stream mapping:`. The caller reads all that ffmpeg wrote
    /// before its first frame (one file) or before it exited (a group), so a real header is never
    /// missing, and a forged one, which could move the `Output #` cut-off before the real lines,
    /// shows as a second.
    private static func hasOneOfEachHeader(_ lines: [Substring], inputs: Int) -> Bool {
        func indices(_ header: Regex<(Substring, Substring)>) -> [Int] {
            lines.compactMap { $0.firstMatch(of: header).flatMap { Int($0.1) } }.sorted()
        }
        return indices(inputHeader) == Array(0..<inputs) && indices(anyOutputHeader) == Array(0..<inputs)
            && lines.filter({ $0.firstMatch(of: mappingHeader) != nil }).count == 1
    }

    /// The rule of `verifiedRate(in:)`: `exact` (the filter graph's `fr`) when it is provably
    /// `guessedFrameRate` of r and avg, given their printed values `real` (`tbr`) and `average`.
    private static func verifiedRate(exact: Double, real: Double?, average: Double?) -> Double? {
        guard let real else { return nil }
        // Too close to a threshold to know which side the exact values are on.
        if abs(real - 210) <= tolerance(real) { return nil }
        if let average, abs(average - 70) <= tolerance(average) { return nil }
        var chosen = real
        if let average, real > 210, average < 70 { chosen = average }
        return abs(exact - chosen) <= tolerance(chosen) ? exact : nil
    }

    /// For one ffmpeg process decoding `inputs` files, input k mapped to output k (`-map k:v:0`):
    /// the rate each input's filter graph used, when its complete `log` proves it as
    /// `verifiedRate(in:)` does for one file, else nil. Each input needs exactly one mapping line
    /// `Stream #k:S -> #k:0`, one stream line `Stream #k:S…: Video:` before the first `Output #`
    /// line, and one filter line naming `input from stream k:S`; a duplicate of any (which only
    /// text a file prints could add, possibly for another file of the group) leaves that input
    /// unproven. Text a file prints can also add headers, to move the `Output #` cut-off before
    /// the real lines, or break a real stream line with a newline in its language tag, to leave
    /// only a forged one whole: so every input, output and mapping header must appear exactly
    /// once (the log is complete: ffmpeg has exited), and every line that holds `: Video: ` must
    /// be a whole stream line (`hasBrokenVideoLine`); otherwise no input is proven.
    static func verifiedRates(in log: String, inputs: Int) -> [Double?] {
        let lines = completeLines(of: log)
        let unproven = [Double?](repeating: nil, count: inputs)
        guard hasOneOfEachHeader(lines, inputs: inputs), !hasBrokenVideoLine(lines) else { return unproven }
        let beforeOutputs = lines.prefix { $0.firstMatch(of: anyOutputHeader) == nil }
        let mappings = beforeOutputs.compactMap { line -> (input: Int, stream: Int, output: Int, outputStream: Int)? in
            guard let match = line.firstMatch(of: groupMappingLine),
                  let input = Int(match.1), let stream = Int(match.2), let output = Int(match.3), let outputStream = Int(match.4)
            else { return nil }
            return (input, stream, output, outputStream)
        }
        let streamLines = beforeOutputs.compactMap { line -> (input: Int, stream: Int, line: Substring)? in
            guard let match = line.firstMatch(of: groupInputVideoStreamLine), let input = Int(match.1), let stream = Int(match.2)
            else { return nil }
            return (input, stream, line)
        }
        let filterLines = lines.compactMap { line -> (input: Int, stream: Int, rate: (Double, Double))? in
            guard let match = line.firstMatch(of: groupFilterLine), let input = Int(match.1), let stream = Int(match.2),
                  let numerator = Double(match.3), let denominator = Double(match.4)
            else { return nil }
            return (input, stream, (numerator, denominator))
        }
        return (0..<inputs).map { k in
            let mapped = mappings.filter { $0.output == k }
            guard mapped.count == 1, let mapping = mapped.first, mapping.input == k, mapping.outputStream == 0 else { return nil }
            let streams = streamLines.filter { $0.input == k && $0.stream == mapping.stream }
            let filters = filterLines.filter { $0.input == k && $0.stream == mapping.stream }
            guard streams.count == 1, let stream = streams.first, filters.count == 1, let (numerator, denominator) = filters.first?.rate,
                  numerator > 0, denominator > 0 else { return nil }
            return verifiedRate(exact: numerator / denominator, real: printedRate(in: stream.line, unit: "tbr"),
                                average: printedRate(in: stream.line, unit: "fps"))
        }
    }

    /// Whether a line holds `: Video: ` without being a whole stream line. ffmpeg prints a
    /// stream's language tag inside its stream line, before `: Video: `, and a newline in the tag
    /// breaks the line there: the real line then no longer reads as one, and what follows the tag
    /// (`…): Video: h264 …, 25 tbr`) lands on a line of its own.
    static func hasBrokenVideoLine(_ lines: [Substring]) -> Bool {
        lines.contains { $0.contains(": Video: ") && $0.firstMatch(of: groupInputVideoStreamLine) == nil }
    }

    /// How far ffmpeg's printed rate can be from the true one: it prints `lrintf(rate · 100)`
    /// hundredths (libavformat/dump.c, `print_fps`), rounded through a float.
    static func tolerance(_ value: Double) -> Double { 0.0051 + abs(value) * 1e-7 }

    /// `N/D` of the buffer source's verbose line, `[…] [verbose] w:320 h:240 pixfmt:… tb:… fr:N/D`,
    /// when there is exactly one (a second one could only be forged by text a file prints) and it
    /// is a rate.
    static func filterRate(in log: String) -> Double? {
        let rates = filterRates(in: log)
        guard rates.count == 1, let (numerator, denominator) = rates.first, numerator > 0, denominator > 0 else { return nil }
        return numerator / denominator
    }

    private static func filterRates(in log: String) -> [(Double, Double)] {
        completeLines(of: log).compactMap { line in
            line.firstMatch(of: filterLine).flatMap { match in Double(match.1).flatMap { n in Double(match.2).map { (n, $0) } } }
        }
    }

    /// The printed `avg_frame_rate` (`fps`) and `r_frame_rate` (`tbr`) of the input stream that
    /// output 0 reads (`Stream #0:N -> #0:0` under "Stream mapping:", which is `-map 0:v:0`; in a
    /// file with programs the first stream listed need not be it), each nil when ffmpeg did not
    /// print it. Nil when the mapping or that stream's line is missing or not unique, or the
    /// output's own stream lines would be read instead (only lines before `Output #0` count).
    static func streamRates(in log: String) -> (real: Double?, average: Double?)? {
        var lines = completeLines(of: log)
        if let output = lines.firstIndex(where: { $0.firstMatch(of: outputHeader) != nil }) { lines = Array(lines[..<output]) }
        let mappings = lines.compactMap { $0.firstMatch(of: mappingLine).flatMap { Int($0.1) } }
        guard mappings.count == 1, let input = mappings.first else { return nil }
        let streams = lines.filter { line in
            guard let match = line.firstMatch(of: inputVideoStreamLine) else { return false }
            return Int(match.1) == input
        }
        guard streams.count == 1, let line = streams.first else { return nil }
        return (printedRate(in: line, unit: "tbr"), printedRate(in: line, unit: "fps"))
    }

    /// The lines of `log` that have ended: the log is read while ffmpeg writes it, and a line cut
    /// short (`fr:30000/100`) must not be read as a whole one.
    private static func completeLines(of log: String) -> [Substring] {
        guard let end = log.lastIndex(of: "\n") else { return [] }
        return log[..<end].split(separator: "\n", omittingEmptySubsequences: true)
    }

    /// `25`, `29.97`, `0.0417` or `90k` before `, … unit` in a stream line.
    private static func printedRate(in line: Substring, unit: String) -> Double? {
        for match in line.matches(of: printedValue) where match.3 == unit {
            guard let value = Double(match.1) else { return nil }
            return match.2.isEmpty ? value : value * 1000
        }
        return nil
    }

    // Anchored at the line start, so nothing a file's metadata prints (always after an `[info]`
    // tag on its own line) can pass for either line.
    nonisolated(unsafe) private static let filterLine =
        #/^\[[^\]]*\] \[verbose\] w:\d+ h:\d+ pixfmt:\S+ tb:\d+/\d+ fr:(\d+)/(\d+)(?: |$)/#
    nonisolated(unsafe) private static let errorTag = #/(?m)^(?:\[[^\]]*\] )?\[(?:error|fatal|panic)\] /#
    nonisolated(unsafe) private static let levelTag = #/(?m)^(?:\[[^\]]*\] )?\[(?:panic|fatal|error|warning|info|verbose)\] /#
    nonisolated(unsafe) private static let inputVideoStreamLine = #/^\[info\]\s+Stream #0:(\d+)(?:[\[(]\S*)?: Video: /#
    nonisolated(unsafe) private static let mappingLine = #/^\[info\]\s+Stream #0:(\d+) -> #0:0(?: |$)/#
    nonisolated(unsafe) private static let outputHeader = #/^\[info\] Output #0, /#
    // The group forms name the input (ffmpeg 5–6 call a filter graph's buffer source "graph G
    // input from stream K:S"; another naming leaves every input unproven, which costs speed only).
    nonisolated(unsafe) private static let groupFilterLine =
        #/^\[graph \d+ input from stream (\d+):(\d+) @ 0x[0-9a-fA-F]+\] \[verbose\] w:\d+ h:\d+ pixfmt:\S+ tb:\d+/\d+ fr:(\d+)/(\d+)(?: |$)/#
    nonisolated(unsafe) private static let groupInputVideoStreamLine = #/^\[info\]\s+Stream #(\d+):(\d+)(?:[\[(]\S*)?: Video: /#
    nonisolated(unsafe) private static let groupMappingLine = #/^\[info\]\s+Stream #(\d+):(\d+) -> #(\d+):(\d+)(?: |$)/#
    nonisolated(unsafe) private static let anyOutputHeader = #/^\[info\] Output #(\d+), /#
    nonisolated(unsafe) private static let inputHeader = #/^\[info\] Input #(\d+), /#
    nonisolated(unsafe) private static let mappingHeader = #/^\[info\] Stream mapping:/#
    nonisolated(unsafe) private static let printedValue = #/, ([0-9]+(?:\.[0-9]+)?)(k?) (fps|tbr)(?=,|$| )/#
}
