// results.svg: quality against inference cost, one labelled point per combination (with its
// ± std over seeds), on a logarithmic cost axis. Plain SVG 1.1 that any browser or rsvg renders.
import Foundation
import ZooCore
import ZooManifest

struct ComparisonChart {
    var rows: [ComparisonRow]
    let height = 480.0
    let left = 80.0, top = 50.0, bottom = 70.0
    /// The plot keeps its width; the legend on the right grows with the longest label (up to
    /// `legendCharacters`), at about 6.5 px a character in 11 px Helvetica.
    let plotAreaWidth = 480.0
    static let legendCharacters = 48
    var legendLabels: [String] {
        rows.map { $0.label.count > Self.legendCharacters ? String($0.label.prefix(Self.legendCharacters - 1)) + "…" : $0.label }
    }
    var right: Double { max(200, 40 + 6.5 * Double((legendLabels.map(\.count).max() ?? 0) + 6)) }
    var width: Double { left + plotAreaWidth + right }

    /// The cost on the x axis: FLOPs to answer one text query against 1,000 stored videos
    /// (retrieval), or FLOPs per example (classification).
    static func cost(of row: ComparisonRow) -> Double? {
        row.family == .classification ? row.cost["flops_per_example"] : row.cost["flops_per_query_1k"]
    }

    func svg() -> String {
        let points = zip(rows, legendLabels).compactMap { row, legend -> (label: String, legend: String, x: Double, y: Double, std: Double)? in
            guard row.failure == nil, let x = Self.cost(of: row), x > 0, let (mean, std) = row.statistics(row.primaryMetric) else { return nil }
            return (row.label, legend, x, mean, std)
        }
        let classification = rows.first?.family == .classification
        let yTitle = classification ? "test accuracy (%)" : "text-to-video R@1 (%)"
        let xTitle = classification ? "inference cost: FLOPs per example (log scale)" : "inference cost: FLOPs per query against 1,000 stored videos (log scale)"
        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(left)" y="28" font-size="16" font-weight="bold">Quality against inference cost</text>

        """
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        guard !points.isEmpty else {
            return svg + "<text x=\"\(left)\" y=\"\(top + 40)\" font-size=\"14\">no finished combination to plot</text>\n</svg>\n"
        }
        let xs = points.map { log10($0.x) }
        var (xMin, xMax) = (floor(xs.min()!), ceil(xs.max()!))
        if xMax - xMin < 1 { xMax = xMin + 1 }
        let lows = points.map { $0.y - $0.std }, highs = points.map { $0.y + $0.std }
        let span = max(highs.max()! - lows.min()!, 1)
        let yStep = [1.0, 2, 5, 10, 20, 25, 50].first { span / $0 <= 6 } ?? 50
        var (yMin, yMax) = (floor(lows.min()! / yStep) * yStep, ceil(highs.max()! / yStep) * yStep)
        if yMax - yMin < yStep { yMax = yMin + yStep }
        yMin = max(0, yMin)
        func px(_ value: Double) -> Double { left + (log10(value) - xMin) / (xMax - xMin) * plotWidth }
        func py(_ value: Double) -> Double { top + (1 - (value - yMin) / (yMax - yMin)) * plotHeight }
        func format(_ value: Double) -> String { String(format: "%.1f", value) }

        // Axes, grid and ticks.
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#333\"/>\n"
        for decade in Int(xMin)...Int(xMax) {
            let x = left + (Double(decade) - xMin) / (xMax - xMin) * plotWidth
            svg += "<line x1=\"\(format(x))\" y1=\"\(format(top))\" x2=\"\(format(x))\" y2=\"\(format(top + plotHeight))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(format(x))\" y=\"\(format(top + plotHeight + 18))\" font-size=\"12\" text-anchor=\"middle\">1e\(decade)</text>\n"
        }
        for value in stride(from: yMin, through: yMax, by: yStep) {
            svg += "<line x1=\"\(format(left))\" y1=\"\(format(py(value)))\" x2=\"\(format(left + plotWidth))\" y2=\"\(format(py(value)))\" stroke=\"#ddd\"/>\n"
            svg += "<text x=\"\(format(left - 8))\" y=\"\(format(py(value) + 4))\" font-size=\"12\" text-anchor=\"end\">\(format(value))</text>\n"
        }
        svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(format(height - 20))\" font-size=\"13\" text-anchor=\"middle\">\(escape(xTitle))</text>\n"
        svg += "<text x=\"20\" y=\"\(format(top + plotHeight / 2))\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 20 \(format(top + plotHeight / 2)))\">\(escape(yTitle))</text>\n"

        // Points with their spread over seeds, and labels.
        let colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        for (index, point) in points.enumerated() {
            let (x, y) = (px(point.x), py(point.y))
            let colour = colours[index % colours.count]
            if point.std > 0 {
                svg += "<line x1=\"\(format(x))\" y1=\"\(format(py(point.y - point.std)))\" x2=\"\(format(x))\" y2=\"\(format(py(point.y + point.std)))\" stroke=\"\(colour)\" stroke-width=\"2\"/>\n"
            }
            svg += "<circle cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"6\" fill=\"\(colour)\"/>\n"
            let label = point.label.count > 32 ? String(point.label.prefix(31)) + "…" : point.label
            let nearRight = x > left + 0.6 * plotWidth
            svg += "<text x=\"\(format(nearRight ? x - 9 : x + 9))\" y=\"\(format(y - 8))\" font-size=\"11\" fill=\"\(colour)\" text-anchor=\"\(nearRight ? "end" : "start")\">\(escape(label))</text>\n"
            // A legend on the right, in case labels overlap.
            let legendY = top + 14 + Double(index) * 18
            svg += "<circle cx=\"\(format(width - right + 16))\" cy=\"\(format(legendY - 4))\" r=\"5\" fill=\"\(colour)\"/>\n"
            svg += "<text x=\"\(format(width - right + 26))\" y=\"\(format(legendY))\" font-size=\"11\">\(escape(point.legend)) \(format(point.y))</text>\n"
        }
        return svg + "</svg>\n"
    }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
