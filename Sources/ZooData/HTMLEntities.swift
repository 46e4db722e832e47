// HTML character references as Python's `html.unescape` decodes them, and the entity table the
// tokenizer's cleaning step uses (see `HTMLEntities` for which names are included and why).

/// Named HTML entities known to the tokenizer's cleaning step.
///
/// The full HTML5 table has 2,231 names; captions in the wild use a tiny, predictable subset
/// (`&amp;`, `&quot;`, `&#39;`, `&nbsp;`, accented Latin letters, a few symbols). This table holds
/// the 252 HTML 4.01 entities plus `&apos;`, and the six upper-case aliases HTML5 keeps for legacy
/// pages (`&AMP`, `&COPY`, `&GT`, `&LT`, `&QUOT`, `&REG`): 259 names. Values are HTML5's (so
/// `&lang;`/`&rang;` are U+27E8/U+27E9, not HTML 4's U+2329/U+232A). Names outside the table are
/// left as written, where Python would decode them; numeric references (`&#233;`, `&#xE9;`) are
/// always decoded, so any character can still be written.
///
/// A leading `*` marks the 106 names that HTML5 also accepts without the trailing semicolon
/// (`&amp`, `&eacute`); Python's `html.unescape` decodes those even as a prefix (`&ampx` gives `&x`).
enum HTMLEntities {
    private static let packed: [String] = [
        "*QUOT=22 *quot=22 *AMP=26 *amp=26 apos=27 *LT=3c *lt=3c *GT=3e *gt=3e *nbsp=a0 *iexcl=a1",
        "*cent=a2 *pound=a3 *curren=a4 *yen=a5 *brvbar=a6 *sect=a7 *uml=a8 *COPY=a9 *copy=a9 *ordf=aa",
        "*laquo=ab *not=ac *shy=ad *REG=ae *reg=ae *macr=af *deg=b0 *plusmn=b1 *sup2=b2 *sup3=b3",
        "*acute=b4 *micro=b5 *para=b6 *middot=b7 *cedil=b8 *sup1=b9 *ordm=ba *raquo=bb *frac14=bc",
        "*frac12=bd *frac34=be *iquest=bf *Agrave=c0 *Aacute=c1 *Acirc=c2 *Atilde=c3 *Auml=c4 *Aring=c5",
        "*AElig=c6 *Ccedil=c7 *Egrave=c8 *Eacute=c9 *Ecirc=ca *Euml=cb *Igrave=cc *Iacute=cd *Icirc=ce",
        "*Iuml=cf *ETH=d0 *Ntilde=d1 *Ograve=d2 *Oacute=d3 *Ocirc=d4 *Otilde=d5 *Ouml=d6 *times=d7",
        "*Oslash=d8 *Ugrave=d9 *Uacute=da *Ucirc=db *Uuml=dc *Yacute=dd *THORN=de *szlig=df *agrave=e0",
        "*aacute=e1 *acirc=e2 *atilde=e3 *auml=e4 *aring=e5 *aelig=e6 *ccedil=e7 *egrave=e8 *eacute=e9",
        "*ecirc=ea *euml=eb *igrave=ec *iacute=ed *icirc=ee *iuml=ef *eth=f0 *ntilde=f1 *ograve=f2",
        "*oacute=f3 *ocirc=f4 *otilde=f5 *ouml=f6 *divide=f7 *oslash=f8 *ugrave=f9 *uacute=fa *ucirc=fb",
        "*uuml=fc *yacute=fd *thorn=fe *yuml=ff OElig=152 oelig=153 Scaron=160 scaron=161 Yuml=178",
        "fnof=192 circ=2c6 tilde=2dc Alpha=391 Beta=392 Gamma=393 Delta=394 Epsilon=395 Zeta=396 Eta=397",
        "Theta=398 Iota=399 Kappa=39a Lambda=39b Mu=39c Nu=39d Xi=39e Omicron=39f Pi=3a0 Rho=3a1",
        "Sigma=3a3 Tau=3a4 Upsilon=3a5 Phi=3a6 Chi=3a7 Psi=3a8 Omega=3a9 alpha=3b1 beta=3b2 gamma=3b3",
        "delta=3b4 epsilon=3b5 zeta=3b6 eta=3b7 theta=3b8 iota=3b9 kappa=3ba lambda=3bb mu=3bc nu=3bd",
        "xi=3be omicron=3bf pi=3c0 rho=3c1 sigmaf=3c2 sigma=3c3 tau=3c4 upsilon=3c5 phi=3c6 chi=3c7",
        "psi=3c8 omega=3c9 thetasym=3d1 upsih=3d2 piv=3d6 ensp=2002 emsp=2003 thinsp=2009 zwnj=200c",
        "zwj=200d lrm=200e rlm=200f ndash=2013 mdash=2014 lsquo=2018 rsquo=2019 sbquo=201a ldquo=201c",
        "rdquo=201d bdquo=201e dagger=2020 Dagger=2021 bull=2022 hellip=2026 permil=2030 prime=2032",
        "Prime=2033 lsaquo=2039 rsaquo=203a oline=203e frasl=2044 euro=20ac image=2111 weierp=2118",
        "real=211c trade=2122 alefsym=2135 larr=2190 uarr=2191 rarr=2192 darr=2193 harr=2194 crarr=21b5",
        "lArr=21d0 uArr=21d1 rArr=21d2 dArr=21d3 hArr=21d4 forall=2200 part=2202 exist=2203 empty=2205",
        "nabla=2207 isin=2208 notin=2209 ni=220b prod=220f sum=2211 minus=2212 lowast=2217 radic=221a",
        "prop=221d infin=221e ang=2220 and=2227 or=2228 cap=2229 cup=222a int=222b there4=2234 sim=223c",
        "cong=2245 asymp=2248 ne=2260 equiv=2261 le=2264 ge=2265 sub=2282 sup=2283 nsub=2284 sube=2286",
        "supe=2287 oplus=2295 otimes=2297 perp=22a5 sdot=22c5 lceil=2308 rceil=2309 lfloor=230a",
        "rfloor=230b loz=25ca spades=2660 clubs=2663 hearts=2665 diams=2666 lang=27e8 rang=27e9",
    ]

    /// Entity names (without `&`, with `;`, and also without `;` for legacy names) to characters.
    static let table: [String: Unicode.Scalar] = {
        var table: [String: Unicode.Scalar] = [:]
        table.reserveCapacity(400)
        for line in packed {
            for item in line.split(separator: " ") {
                let parts = item.split(separator: "=")
                let legacy = parts[0].hasPrefix("*")
                let name = legacy ? String(parts[0].dropFirst()) : String(parts[0])
                let scalar = Unicode.Scalar(UInt32(parts[1], radix: 16)!)!
                table[name + ";"] = scalar
                if legacy { table[name] = scalar }
            }
        }
        return table
    }()

    /// Longest name length in the table, to bound prefix searches.
    static let longestName: Int = table.keys.map(\.utf8.count).max() ?? 0

    /// Windows-1252's characters for bytes 0x80...0x9F; the five bytes it leaves undefined map to
    /// the C1 control character of the same value, as Python's `html` module and ftfy's
    /// "sloppy-windows-1252" both do.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D, 0x017D, 0x8F,
        0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

// MARK: - Python's html.unescape

extension HTMLEntities {
    /// Python's `html.unescape` over Unicode scalars: every `&name;`, `&#123;` and `&#x7B;`
    /// (semicolon optional, as browsers accept) is replaced, with Python's rules for odd cases:
    /// numbers 0x80...0x9F read as Windows-1252, 0 and surrogates and values past U+10FFFF give
    /// U+FFFD, other control characters and non-characters give nothing, and an unknown name falls
    /// back to its longest prefix that is a legacy (semicolon-less) name, so `&notit;` is `¬it;`.
    static func unescape(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains("&") else { return text }
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == "&", let (replacement, end) = reference(in: text, at: index) {
                output.append(contentsOf: replacement)
                index = end
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return output
    }

    /// The reference starting at the `&` at `start`: its replacement and the index after it, or
    /// nil where Python's pattern does not match (then the `&` is ordinary text).
    private static func reference(in text: [Unicode.Scalar], at start: Int) -> ([Unicode.Scalar], Int)? {
        var index = start + 1
        guard index < text.count else { return nil }
        if text[index] == "#" {
            // `#[0-9]+;?` or `#[xX][0-9a-fA-F]+;?`; a `#` can start no name, so anything else fails.
            index += 1
            var radix: UInt32 = 10
            if index + 1 < text.count, text[index] == "x" || text[index] == "X", digitValue(text[index + 1], radix: 16) != nil {
                radix = 16
                index += 1
            }
            guard index < text.count, digitValue(text[index], radix: radix) != nil else { return nil }
            var value: UInt32 = 0
            var overflowed = false  // Python's integers are unbounded; anything past U+10FFFF is U+FFFD
            while index < text.count, let digit = digitValue(text[index], radix: radix) {
                value = value * radix + digit
                if value > 0x10FFFF { overflowed = true; value = 0x110000 }
                index += 1
            }
            if index < text.count && text[index] == ";" { index += 1 }
            return (overflowed ? ["\u{FFFD}"] : numericReference(value), index)
        }
        // `[^\t\n\f <&#;]{1,32};?`
        var nameEnd = index
        while nameEnd < text.count && nameEnd - index < 32 && !endsName(text[nameEnd]) { nameEnd += 1 }
        guard nameEnd > index else { return nil }
        let hasSemicolon = nameEnd < text.count && text[nameEnd] == ";"
        let end = hasSemicolon ? nameEnd + 1 : nameEnd
        let written = Array(text[index..<end])
        if let scalar = table[String(String.UnicodeScalarView(written))] { return ([scalar], end) }
        // The longest prefix (at least two characters, never the whole) that is a legacy name.
        var length = min(written.count - 1, longestName)
        while length >= 2 {
            if let scalar = table[String(String.UnicodeScalarView(written[..<length]))] {
                return ([scalar] + written[length...], end)
            }
            length -= 1
        }
        return (["&"] + written, end)
    }

    /// What Python makes of `&#value;`.
    private static func numericReference(_ value: UInt32) -> [Unicode.Scalar] {
        switch value {
        case 0: return ["\u{FFFD}"]
        case 0x0D: return ["\r"]
        case 0x80...0x9F: return [Unicode.Scalar(windows1252High[Int(value - 0x80)])!]
        case 0xD800...0xDFFF, 0x110000...: return ["\u{FFFD}"]
        case 0x01...0x08, 0x0B, 0x0E...0x1F, 0x7F, 0xFDD0...0xFDEF: return []
        case _ where value & 0xFFFE == 0xFFFE: return []  // U+FFFE, U+FFFF and their copies in every plane
        default: return [Unicode.Scalar(value)!]
        }
    }

    @inline(__always)
    private static func endsName(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar { case "\t", "\n", "\u{0C}", " ", "<", "&", "#", ";": true; default: false }
    }

    /// The ASCII digit's value in `radix` (10 or 16), or nil.
    @inline(__always)
    static func digitValue(_ scalar: Unicode.Scalar, radix: UInt32) -> UInt32? {
        switch scalar.value {
        case 0x30...0x39: return scalar.value - 0x30
        case 0x41...0x46 where radix == 16: return scalar.value - 0x41 + 10
        case 0x61...0x66 where radix == 16: return scalar.value - 0x61 + 10
        default: return nil
        }
    }
}
