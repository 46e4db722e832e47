// The results of `zoo compare`: one row per combination, quality as mean ± std over seeds and
// cost, rendered as an aligned table (best value per column marked), JSON, CSV and Markdown.
import Foundation
import ZooCommandLine
import ZooCore
import ZooManifest

/// A column of the report: a quality statistic or a cost, and which direction is better.
struct ComparisonColumn {
    enum Source { case quality(String), training, cost(String) }
    var title: String
    var source: Source
    var higherIsBetter: Bool
    var format: (Double) -> String

    func value(in row: ComparisonRow) -> (value: Double, text: String)? {
        switch source {
        case let .quality(metric):
            guard let (mean, std) = row.statistics(metric) else { return nil }
            return (mean, row.seeds.count > 1 ? "\(format(mean)) ± \(format(std))" : format(mean))
        case .training:
            guard !row.training.isEmpty else { return nil }
            let mean = row.training.reduce(0, +) / Double(row.training.count)
            return (mean, format(mean))
        case let .cost(key):
            return row.cost[key].map { ($0, format($0)) }
        }
    }
}

struct ComparisonReport {
    var rows: [ComparisonRow]

    static func number(_ digits: Int) -> (Double) -> String { { String(format: "%.\(digits)f", $0) } }
    static func scaled(_ divisor: Double, _ digits: Int) -> (Double) -> String { { String(format: "%.\(digits)f", $0 / divisor) } }

    /// The columns that apply to the families present.
    var columns: [ComparisonColumn] {
        var columns: [ComparisonColumn] = []
        if rows.contains(where: { $0.family != .classification }) {
            columns += [
                ComparisonColumn(title: "t2v R@1", source: .quality("t2v_r1"), higherIsBetter: true, format: Self.number(1)),
                ComparisonColumn(title: "R@5", source: .quality("t2v_r5"), higherIsBetter: true, format: Self.number(1)),
                ComparisonColumn(title: "R@10", source: .quality("t2v_r10"), higherIsBetter: true, format: Self.number(1)),
                ComparisonColumn(title: "MdR", source: .quality("t2v_mdr"), higherIsBetter: false, format: Self.number(1)),
                ComparisonColumn(title: "MnR", source: .quality("t2v_mnr"), higherIsBetter: false, format: Self.number(1)),
                ComparisonColumn(title: "v2t R@1", source: .quality("v2t_r1"), higherIsBetter: true, format: Self.number(1)),
                ComparisonColumn(title: "temporal R@1", source: .quality("temporal_r1"), higherIsBetter: true, format: Self.number(1)),
            ]
        }
        if rows.contains(where: { $0.family == .classification }) {
            columns.append(ComparisonColumn(title: "accuracy %", source: .quality("accuracy"), higherIsBetter: true, format: Self.number(2)))
        }
        columns += [
            ComparisonColumn(title: "params", source: .cost("params"), higherIsBetter: false, format: { formatParameters(Int($0)) }),
            ComparisonColumn(title: "train ex/s", source: .training, higherIsBetter: true, format: Self.number(0)),
        ]
        if rows.contains(where: { $0.family != .classification }) {
            columns += [
                ComparisonColumn(title: "MFLOP/caption", source: .cost("flops_per_caption"), higherIsBetter: false, format: Self.scaled(1e6, 1)),
                ComparisonColumn(title: "MFLOP/video", source: .cost("flops_per_video"), higherIsBetter: false, format: Self.scaled(1e6, 1)),
                ComparisonColumn(title: "kFLOP/pair", source: .cost("flops_per_pair"), higherIsBetter: false, format: Self.scaled(1e3, 1)),
                ComparisonColumn(title: "videos/s", source: .cost("videos_per_second"), higherIsBetter: true, format: Self.number(0)),
                ComparisonColumn(title: "pairs/s", source: .cost("pairs_per_second"), higherIsBetter: true, format: Self.number(0)),
            ]
        }
        if rows.contains(where: { $0.family == .classification }) {
            columns += [
                ComparisonColumn(title: "MFLOP/example", source: .cost("flops_per_example"), higherIsBetter: false, format: Self.scaled(1e6, 2)),
                ComparisonColumn(title: "examples/s", source: .cost("examples_per_second"), higherIsBetter: true, format: Self.number(0)),
            ]
        }
        columns.append(ComparisonColumn(title: "peak MB", source: .cost("peak_mb"), higherIsBetter: false, format: Self.number(0)))
        return columns
    }

    /// Cells as text, the best value of each column followed by `marker`.
    func cells(marker: String) -> (headers: [String], rows: [[String]]) {
        let columns = self.columns
        var best: [Int: Double] = [:]
        for (index, column) in columns.enumerated() {
            // Only finite values compete: a NaN compares false with everything and must never be "best".
            let values = rows.filter { $0.failure == nil }.compactMap { column.value(in: $0)?.value }.filter(\.isFinite)
            best[index] = column.higherIsBetter ? values.max() : values.min()
        }
        let body = rows.map { row -> [String] in
            guard row.failure == nil else { return [row.label] + ["failed: " + (row.failure ?? "")] + Array(repeating: "", count: columns.count - 1) }
            return [row.label] + columns.enumerated().map { index, column in
                guard let (value, text) = column.value(in: row) else { return "—" }
                return value == best[index] && rows.count > 1 ? text + marker : text
            }
        }
        return (["COMBINATION"] + columns.map(\.title), body)
    }

    func terminalTable() -> String {
        let (headers, body) = cells(marker: " *")
        let seeds = rows.first?.seeds.map(String.init).joined(separator: ",") ?? ""
        return TextTable(headers: headers, rows: body).render() + "* best in its column; quality is mean ± std over seeds \(seeds)\n"
    }

    func markdown() -> String {
        let (headers, body) = cells(marker: " **best**")
        var text = "| " + headers.joined(separator: " | ") + " |\n|" + headers.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in body { text += "| " + row.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n" }
        return text
    }

    func csv() -> String {
        let metrics = Array(Set(rows.flatMap { $0.quality.flatMap(\.keys) })).sorted()
        let costs = Array(Set(rows.flatMap(\.cost.keys))).sorted()
        var lines = [(["combination", "student", "seeds", "status"] + metrics.flatMap { ["\($0)_mean", "\($0)_std"] }
                      + ["training_examples_per_second"] + costs).joined(separator: ",")]
        for row in rows {
            var fields = [row.label, row.student, row.seeds.map(String.init).joined(separator: " "), row.failure == nil ? "ok" : "failed"]
            for metric in metrics {
                let stats = row.statistics(metric)
                fields += [stats.map { String($0.mean) } ?? "", stats.map { String($0.std) } ?? ""]
            }
            fields.append(row.training.isEmpty ? "" : String(row.training.reduce(0, +) / Double(row.training.count)))
            fields += costs.map { row.cost[$0].map { String($0) } ?? "" }
            lines.append(fields.map { $0.contains(",") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
                .joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func json() throws -> Data {
        let objects: [[String: Any]] = rows.map { row in
            var object: [String: Any] = ["combination": row.label, "student": row.student, "seeds": row.seeds.map { Int($0) },
                                         "status": row.failure == nil ? "ok" : "failed", "cost": row.cost,
                                         "per_seed": row.quality, "training_examples_per_second": row.training]
            if let family = row.family { object["family"] = family.rawValue }
            if let failure = row.failure { object["failure"] = failure }
            var summary: [String: Any] = [:]
            for metric in Set(row.quality.flatMap(\.keys)) {
                if let (mean, std) = row.statistics(metric) { summary[metric] = ["mean": mean, "std": std] }
            }
            object["quality"] = summary
            return object
        }
        return try JSONSerialization.data(withJSONObject: ["results": objects], options: [.prettyPrinted, .sortedKeys])
    }

    /// Writes results.json, results.csv, results.md, results.svg and results.txt (the terminal
    /// table, for logs and diffs) into `directory`.
    func write(to directory: URL) throws {
        try Data(terminalTable().utf8).write(to: directory.appendingPathComponent("results.txt"), options: .atomic)
        try json().write(to: directory.appendingPathComponent("results.json"), options: .atomic)
        try Data(csv().utf8).write(to: directory.appendingPathComponent("results.csv"), options: .atomic)
        try Data(markdown().utf8).write(to: directory.appendingPathComponent("results.md"), options: .atomic)
        try Data(ComparisonChart(rows: rows).svg().utf8).write(to: directory.appendingPathComponent("results.svg"), options: .atomic)
    }
}
