// Sizes from a checkpoint, a config file, `--set` or a flag are checked against the memory they
// will ask for before anything is allocated: a width of 10^12 is refused with the number of bytes
// and the memory this machine has, instead of overflowing or dying in the allocator.
import Foundation

/// The memory a configuration will allocate, and the check that it fits.
public enum MemoryBudget {
    /// `factors` multiplied, saturating at `Int.max` (an overflow is "too large", never a trap).
    public static func product(_ factors: Int...) -> Int { product(factors) }

    /// `factors` multiplied, saturating at `Int.max`.
    public static func product(_ factors: [Int]) -> Int {
        var result = 1
        for factor in factors {
            let (value, overflow) = result.multipliedReportingOverflow(by: max(factor, 0))
            if overflow { return Int.max }
            result = value
        }
        return result
    }

    /// `terms` added, saturating at `Int.max`.
    public static func sum(_ terms: [Int]) -> Int {
        var result = 0
        for term in terms {
            let (value, overflow) = result.addingReportingOverflow(max(term, 0))
            if overflow { return Int.max }
            result = value
        }
        return result
    }

    /// The bytes this process can still allocate: `MemAvailable` of /proc/meminfo where there is
    /// one (Linux), else the machine's physical memory. `ZOO_MEMORY_LIMIT_BYTES` overrides it
    /// (tests, and machines shared with other jobs).
    public static func availableBytes() -> Int {
        if let text = ProcessInfo.processInfo.environment["ZOO_MEMORY_LIMIT_BYTES"], let limit = Int(text), limit > 0 { return limit }
        // /proc/meminfo is absent off Linux; physical memory is the answer there.
        if let data = FileManager.default.contents(atPath: "/proc/meminfo"),
           let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") {
            return kilobytes * 1024
        }
        return Int(clamping: ProcessInfo.processInfo.physicalMemory)
    }

    /// Throws `ZooError.tooLarge` when `values` 32-bit numbers (`what`: "the weights", …) do not
    /// fit in the memory available now.
    public static func require(values: Int, bytesPerValue: Int = 4, for what: String, entry: String) throws {
        let bytes = product(values, bytesPerValue)
        let available = availableBytes()
        guard bytes <= available else {
            throw ZooError.tooLarge(entry: entry, what: what, bytes: bytes, availableBytes: available)
        }
    }

    /// `bytes` for people: `1.5 GB`, `12 TB`, or "more than 9 EB" for a saturated count.
    public static func describe(bytes: Int) -> String {
        if bytes == Int.max { return "more than 9 EB (the sizes overflow 64-bit arithmetic)" }
        let units = ["bytes", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}
