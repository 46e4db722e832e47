// Foundation's file errors printed raw read "Error Domain=NSCocoaErrorDomain Code=512 "(null)"",
// or say a read-only folder "doesn't exist". The CLI prints them as the path, what went wrong in
// plain words (from the POSIX error underneath) and what to do.
import Foundation

enum FileSystemErrorText {
    /// A message for `error` when it is a Foundation file error, else nil.
    static func message(for error: any Error) -> String? {
        let nsError = error as NSError
        guard nsError.domain == NSCocoaErrorDomain || nsError.domain == NSPOSIXErrorDomain else { return nil }
        let path = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? (nsError.userInfo[NSURLErrorKey] as? URL)?.path
        // The POSIX error underneath: an NSError of that domain, or (on Linux) a `POSIXError` value.
        let underlying = nsError.userInfo[NSUnderlyingErrorKey]
        let code: Int32? = nsError.domain == NSPOSIXErrorDomain ? Int32(nsError.code)
            : (underlying as? POSIXError).map { $0.code.rawValue }
            ?? (underlying as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        let reason: String
        switch code {
        case EEXIST?: reason = "something already exists there (a file where a folder is wanted, or the reverse); choose another path"
        case ENOTDIR?: reason = "a part of the path is a file, not a folder; choose a path under a folder"
        case ENOENT?: reason = "a folder on the way does not exist; create it first or check the path"
        case EACCES?, EPERM?: reason = "permission denied; choose a folder you can write to, or change its permissions"
        case EROFS?: reason = "the file system is read-only; choose a writable location"
        case ENOSPC?, EDQUOT?: reason = "the disk is full (or the quota is used up); free space or choose another disk"
        case EISDIR?: reason = "it is a folder, not a file; name a file"
        case let code?: reason = String(cString: strerror(code)).lowercased()
        case nil:
            guard path != nil else { return nil }
            reason = nsError.localizedDescription
        }
        return (path.map { "\($0): " } ?? "") + reason
    }
}
