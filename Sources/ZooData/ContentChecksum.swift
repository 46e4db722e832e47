// A checksum of files (FNV-1a, 64 bits) that records which weights made an embedding or an index,
// so that a search never mixes vectors of one checkpoint with queries of another.
import Foundation

/// FNV-1a over bytes, 64 bits, written as 16 hex digits. Not cryptographic: it tells files apart,
/// it does not defend against someone forging one.
public struct ContentChecksum: Sendable {
    private var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Adds `bytes`, then their count (so "ab" + "c" differs from "a" + "bc").
    public mutating func add<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var value = self.value
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.value = (value ^ UInt64(bytes.count)) &* 0x0000_0100_0000_01B3
    }

    /// Adds the contents of the file at `url` (read 1 MiB at a time), or of every regular file
    /// in the folder at `url`, in name order (a Hugging Face model folder).
    /// - Throws: the file system's error when something cannot be read.
    public mutating func add(contentsOf url: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path])
        }
        if isDirectory.boolValue {
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where !name.hasPrefix(".") {
                let file = url.appendingPathComponent(name)
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: file.path, isDirectory: &isFolder), !isFolder.boolValue {
                    add(Array(name.utf8))
                    try add(contentsOf: file)
                }
            }
            return
        }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { add(chunk) }
    }

    /// The checksum of the file or folder at `url`.
    public static func of(_ url: URL) throws -> String {
        var checksum = ContentChecksum()
        try checksum.add(contentsOf: url)
        return checksum.hex
    }

    /// 16 lower-case hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
