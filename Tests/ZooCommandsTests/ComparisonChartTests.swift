// results.svg's legend: a label up to 48 characters is shown whole (the canvas widens for it);
// a longer one is cut with an ellipsis, and the plot keeps its size either way.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ZooCommands
import ZooCore
import ZooManifest

private func row(_ label: String, recall: Double, flops: Double) -> ComparisonRow {
    var row = ComparisonRow(label: label, student: "clip4clip-meanp", seeds: [0])
    row.family = .retrieval
    row.quality = [["t2v_r1": recall]]
    row.cost = ["flops_per_query_1k": flops]
    return row
}

@Suite("comparison chart")
struct ComparisonChartTests {
    @Test("legend labels up to 48 characters are whole, longer ones end in an ellipsis, and the SVG stays well-formed")
    func legendFitsLongLabels() throws {
        let recipe = "kd/clip4clip-meanp_from_clip4clip-seqtransf"          // 43 characters
        let overlong = String(repeating: "x", count: 60)
        let short = ComparisonChart(rows: [row("clip4clip-meanp", recall: 25, flops: 5e6)])
        let long = ComparisonChart(rows: [row("clip4clip-meanp", recall: 25, flops: 5e6), row(recipe, recall: 23.4, flops: 5e6),
                                          row(overlong, recall: 20, flops: 1e9)])
        let svg = long.svg()
        #expect(svg.contains(">\(recipe) 23.4</text>"))
        #expect(svg.contains(">\(String(repeating: "x", count: 47))… 20.0</text>"))
        #expect(short.width == 760 && long.width > 760)
        #expect(long.width - long.left - long.right == short.width - short.left - short.right)
        #expect(XMLParser(data: Data(svg.utf8)).parse())
    }
}
