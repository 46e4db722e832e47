// A 5x7 pixel font for writing captions into preview images without any font library: printable
// ASCII, each glyph seven rows of five bits (bit 4 is the leftmost column), in the style of the
// classic character-LCD fonts. Lower-case descenders are lifted to fit the seven rows.

/// Draws ASCII text into 8-bit RGB pixel buffers.
public enum BitmapFont {
    /// Glyph width and height in font pixels; characters advance by `width + 1`.
    public static let width = 5
    public static let height = 7

    /// The seven row bit patterns of `character`; an unknown character draws as "?".
    public static func glyph(_ character: Character) -> [UInt8] {
        glyphs[character] ?? glyphs["?"]!
    }

    /// Width in pixels of `text` drawn at `scale` (no trailing gap).
    public static func textWidth(_ text: String, scale: Int = 1) -> Int {
        text.isEmpty ? 0 : (text.count * (width + 1) - 1) * scale
    }

    /// Draws `text` with its top-left corner at (`x`, `y`), each font pixel a `scale` x `scale`
    /// block of `colour`, into `pixels` (row-major interleaved RGB, `imageWidth` x `imageHeight`).
    /// Pixels outside the image are skipped.
    public static func draw(_ text: String, x: Int, y: Int, scale: Int = 1, colour: (UInt8, UInt8, UInt8),
                            into pixels: inout [UInt8], imageWidth: Int, imageHeight: Int) {
        precondition(pixels.count == imageWidth * imageHeight * 3, "BitmapFont.draw: buffer does not match \(imageWidth)x\(imageHeight)")
        var left = x
        for character in text {
            let rows = glyph(character)
            for (row, bitsOfRow) in rows.enumerated() {
                for column in 0..<width where bitsOfRow & (1 << (width - 1 - column)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let px = left + column * scale + dx, py = y + row * scale + dy
                            guard px >= 0, px < imageWidth, py >= 0, py < imageHeight else { continue }
                            let offset = (py * imageWidth + px) * 3
                            pixels[offset] = colour.0
                            pixels[offset + 1] = colour.1
                            pixels[offset + 2] = colour.2
                        }
                    }
                }
            }
            left += (width + 1) * scale
        }
    }

    /// Glyph rows as hexadecimal, seven bytes a glyph, from the table below.
    private static let glyphs: [Character: [UInt8]] = {
        var table: [Character: [UInt8]] = [:]
        for line in glyphTable.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            let hex = Array(fields[1])
            let character: Character = fields[0] == "space" ? " " : fields[0].first!
            table[character] = stride(from: 0, to: 14, by: 2).map { UInt8(String(hex[$0..<($0 + 2)]), radix: 16)! }
        }
        return table
    }()

    private static let glyphTable = """
    space 00000000000000
    a 00000E010F110F
    b 1010161911111E
    c 00000E1010110E
    d 01010D1311110F
    e 00000E111F100E
    f 0609081C080808
    g 000F11110F010E
    h 10101619111111
    i 04000C0404040E
    j 0200060202120C
    k 10101214181412
    l 0C04040404040E
    m 00001A15151111
    n 00001619111111
    o 00000E1111110E
    p 00001E111E1010
    q 00000D130F0101
    r 00001619101010
    s 00000E100E011E
    t 08081C08080906
    u 0000111111130D
    v 00001111110A04
    w 0000111115150A
    x 0000110A040A11
    y 000011110F010E
    z 00001F0204081F
    A 0E11111F111111
    B 1E11111E11111E
    C 0E11101010110E
    D 1C12111111121C
    E 1F10101E10101F
    F 1F10101E101010
    G 0E11101711110F
    H 1111111F111111
    I 0E04040404040E
    J 0702020202120C
    K 11121418141211
    L 1010101010101F
    M 111B1515111111
    N 11111915131111
    O 0E11111111110E
    P 1E11111E101010
    Q 0E11111115120D
    R 1E11111E141211
    S 0F10100E01011E
    T 1F040404040404
    U 1111111111110E
    V 11111111110A04
    W 1111111515150A
    X 11110A040A1111
    Y 1111110A040404
    Z 1F01020408101F
    0 0E11131519110E
    1 040C040404040E
    2 0E11010204081F
    3 1F02040201110E
    4 02060A121F0202
    5 1F101E0101110E
    6 0608101E11110E
    7 1F010204080808
    8 0E11110E11110E
    9 0E11110F01020C
    . 00000000000C0C
    , 000000000C0408
    - 0000001F000000
    : 000C0C000C0C00
    ; 000C0C000C0408
    ' 0C040800000000
    " 0A0A0A00000000
    ! 04040404000004
    ? 0E110102040004
    ( 02040808080402
    ) 08040202020408
    / 00010204081000
    # 0A0A1F0A1F0A0A
    + 0004041F040400
    = 00001F001F0000
    _ 0000000000001F
    % 18190204081303
    * 0004150E150400
    < 02040810080402
    > 08040201020408
    [ 0E08080808080E
    ] 0E02020202020E
    & 0C12140815120D
    | 04040404040404
    """
}
