// ZooCatalog: the generated registry of every method target.
//
// Its only code is generated at build time by Plugins/ZooCatalogPlugin from zoo.json: an enum
// `ZooCatalog` with `manifestJSON` (the text of zoo.json) and `methodEntries` (each non-planned
// target's `MethodEntry` type, in zoo.json order). SwiftPM needs at least one source file in a
// target's folder, hence this comment-only file. Do not add code here: edit zoo.json instead.
